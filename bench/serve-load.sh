#!/usr/bin/env bash
# Load test of `textclass serve` on the GoEmotions model (28 labels, multilabel):
#  1. single-text predict: wrk from a second process on loopback, one text per request, rate limit
#     off, for DURATION seconds; prints requests/s and p99 latency (goal: ≥ 5,000 req/s, p99 ≤ 20 ms
#     on a 2-core machine);
#  2. /batch throughput: a 100k-line CSV uploaded as one job, texts/s from upload to done.
# Usage: bash bench/serve-load.sh [workdir]   (env: DURATION=20 CONNECTIONS=32 BATCH_ROWS=100000
#        DATA_DIR=../shared/datasets PORT=18181 AUTH=0; AUTH=1 creates API keys and sends one with
#        every request, so the key check is measured too)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${1:-/tmp/textclass-serve-bench}"
DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-32}"
BATCH_ROWS="${BATCH_ROWS:-100000}"
DATA_DIR="${DATA_DIR:-../shared/datasets}"
PORT="${PORT:-18181}"
mkdir -p "$WORK/models"

command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install -y wrk)" >&2; exit 1; }
[ -d dist ] || npm run build --silent

if [ ! -f "$WORK/models/goemotions/manifest.json" ]; then
  echo "training the GoEmotions model into $WORK/models/goemotions (about a minute)…" >&2
  node bin/textclass.js train recipes/goemotions.yaml --data-dir "$DATA_DIR" --out "$WORK/models/goemotions" --quiet >/dev/null
fi

# `textclass serve` once it is registered in the CLI; until then, the command module directly.
serve() {
  if node bin/textclass.js serve --help >/dev/null 2>&1; then
    exec node bin/textclass.js serve "$@"
  else
    exec node --input-type=module -e "const m = await import('./dist/cli/commands/serve.js'); process.exitCode = await m.runServe(process.argv.slice(1));" -- "$@"
  fi
}
rm -rf "$WORK/db.sqlite"* "$WORK/db-jobs"
CURL_AUTH=()
export TEXTCLASS_BENCH_KEY=""
if [ "${AUTH:-0}" = 1 ]; then
  keys() {
    if node bin/textclass.js keys --help >/dev/null 2>&1; then node bin/textclass.js keys "$@"
    else node --input-type=module -e "const m = await import('./dist/cli/commands/keys.js'); process.exitCode = await m.runKeys(process.argv.slice(1));" -- "$@"; fi
  }
  TEXTCLASS_BENCH_KEY=$(keys create --scope read --name bench --db "$WORK/db.sqlite" 2>/dev/null)
  ADMIN_KEY=$(keys create --scope admin --name bench-admin --db "$WORK/db.sqlite" 2>/dev/null)
  CURL_AUTH=(-H "Authorization: Bearer $ADMIN_KEY")
fi
( serve --port "$PORT" --models "$WORK/models" --db "$WORK/db.sqlite" --rate-limit 0 --log-level warn --no-starter --max-texts 1000 ) > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do curl -sf "$URL/readyz" >/dev/null && break; sleep 0.2; done
curl -sf "$URL/readyz" >/dev/null || { echo "server did not become ready:" >&2; cat "$WORK/server.log" >&2; exit 1; }

echo "== predict, one text per request: wrk -t1 -c$CONNECTIONS -d${DURATION}s (after a 3 s warm-up)"
wrk -t1 -c"$CONNECTIONS" -d3s -s bench/serve-load.lua "$URL/v1/models/goemotions/predict" >/dev/null
wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/serve-load.lua "$URL/v1/models/goemotions/predict" | tee "$WORK/wrk.txt"
RPS=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
P99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")
NON2XX=$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk.txt")
echo "predict: ${RPS} requests/s, p99 ${P99}${NON2XX:+, non-2xx: $NON2XX}$([ "${AUTH:-0}" = 1 ] && echo ", with an API key on every request")"

echo "== batch: $BATCH_ROWS rows"
node -e '
const fs = require("fs");
const [src, out, n] = [process.argv[1], process.argv[2], Number(process.argv[3])];
const texts = fs.readFileSync(src, "utf8").split("\n").filter(Boolean).map((l) => l.split("\t")[0]);
const q = (s) => /[",\r\n]/.test(s) ? "\"" + s.replace(/"/g, "\"\"") + "\"" : s;
const lines = ["id,text"];
for (let i = 0; i < n; i++) lines.push(i + "," + q(texts[i % texts.length]));
fs.writeFileSync(out, lines.join("\n") + "\n");
' "$DATA_DIR/goemotions/train.tsv" "$WORK/batch.csv" "$BATCH_ROWS"
START=$(date +%s.%N)
JOB=$(curl -sf "${CURL_AUTH[@]}" -X POST "$URL/v1/models/goemotions/batch" -H 'content-type: text/csv' --data-binary @"$WORK/batch.csv" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).job_id))')
while :; do
  STATUS=$(curl -sf "${CURL_AUTH[@]}" "$URL/v1/jobs/$JOB" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).status))')
  [ "$STATUS" = done ] || [ "$STATUS" = failed ] && break
  sleep 0.2
done
END=$(date +%s.%N)
curl -sf "${CURL_AUTH[@]}" "$URL/v1/jobs/$JOB/result" -o "$WORK/batch-result.csv"
ROWS=$(($(wc -l < "$WORK/batch-result.csv") - 1))
SECS=$(echo "$END - $START" | bc -l)
printf 'batch: job %s, %s rows in %.2f s: %.0f texts/s (upload + scoring + commits)\n' "$STATUS" "$ROWS" "$SECS" "$(echo "$BATCH_ROWS / $SECS" | bc -l)"
SCORING=$(curl -sf "${CURL_AUTH[@]}" "$URL/v1/jobs/$JOB" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log((Date.parse(j.finished_at)-Date.parse(j.created_at))/1000)})')
printf 'batch: scoring alone (queued → done) %.2f s: %.0f texts/s\n' "$SCORING" "$(echo "$BATCH_ROWS / $SCORING" | bc -l)"
