#!/usr/bin/env bash
# Batch scoring at scale: generates a CSV of N rows (default 1,000,000) of synthetic comments,
# scores it with `textclass predict --output` and reports texts/s and peak resident memory
# (GNU time). Needs a trained model: BENCH_MODEL (default models/goemotions; train it with
#   node bin/textclass.js train recipes/goemotions.yaml --out models/goemotions --data-dir ../shared/datasets).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL="${BENCH_MODEL:-models/goemotions}"
ROWS="${BENCH_ROWS:-1000000}"
OUT="${BENCH_OUT:-bench/out/score-file}"
mkdir -p "$OUT"
[ -f "$MODEL/manifest.json" ] || { echo "bench:score-file: no model at $MODEL (set BENCH_MODEL)" >&2; exit 1; }
npm run build --silent
node -e '
const fs = require("fs");
const words = "i love this so much thanks what a great day but the rain made me sad and angry honestly lol wow not sure how to feel about it really".split(" ");
let s = 1; const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
const out = fs.createWriteStream(process.argv[1]);
out.write("id,text\n");
let i = 0; const n = Number(process.argv[2]);
(function write() {
  let ok = true;
  while (i < n && ok) {
    const len = 4 + Math.floor(rnd() * 30);
    let t = ""; for (let j = 0; j < len; j++) t += (j ? " " : "") + words[Math.floor(rnd() * words.length)];
    ok = out.write(`c${i},"${t}"\n`); i++;
  }
  if (i < n) out.once("drain", write); else out.end();
})();' "$OUT/input.csv" "$ROWS"
echo "input: $ROWS rows, $(du -h "$OUT/input.csv" | cut -f1)"
rm -f "$OUT/scored.csv" "$OUT/scored.csv.partial" "$OUT/scored.csv.checkpoint.json"
/usr/bin/time -v node bin/textclass.js predict "$MODEL" --input "$OUT/input.csv" --id-field id --output "$OUT/scored.csv" 2> "$OUT/time.txt"
grep -E "Maximum resident set size|Elapsed \(wall clock\)" "$OUT/time.txt"
echo "rows written: $(($(wc -l < "$OUT/scored.csv") - 1))"
