#!/usr/bin/env bash
# Distributed batch scoring on loopback: one worker vs two. Starts a throwaway redis-server,
# generates a CSV of N rows (default 120,000) of long synthetic comments, trains a deliberately
# CPU-heavy model (the starter recipe with character 1–5-grams; BENCH_MODEL overrides), then scores
# the file through the queue with 1, 2, 1, 2 `textclass worker` processes and reports each run's
# seconds and texts/s, the ratio mean(2 workers) / mean(1 worker), and checks every output is the
# same bytes as single-process `predict --output`. Needs Debian's redis-server.
# Control, because the machine may be shared: the same rows scored by one local `predict --output`
# vs two of them at once on the two halves of the file, i.e. the speed-up this machine can give two
# processes at that moment; queue and control runs alternate so they see the same load.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${BENCH_ROWS:-120000}"
OUT="${BENCH_OUT:-bench/out/distributed}"
MODEL="${BENCH_MODEL:-$OUT/model-char15}"
mkdir -p "$OUT"
command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || { echo "bench:distributed: redis-server not installed (apt-get install redis-server)" >&2; exit 1; }
npm run build --silent || true
if [ ! -f "$MODEL/manifest.json" ]; then
  node bin/textclass.js train recipes/starter.yaml --data-dir data --out "$MODEL" --quiet \
    --set features.analyzer=char_wb --set 'features.ngram_range=[1,5]'
fi
node -e '
const fs = require("fs");
const words = "i love this so much thanks what a great day but the rain made me sad and angry honestly lol wow not sure how to feel about it really".split(" ");
let s = 7; const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
const out = fs.createWriteStream(process.argv[1]);
out.write("id,text\n");
let i = 0; const n = Number(process.argv[2]);
(function write() {
  let ok = true;
  while (i < n && ok) {
    const len = 40 + Math.floor(rnd() * 40);
    let t = ""; for (let j = 0; j < len; j++) t += (j ? " " : "") + words[Math.floor(rnd() * words.length)];
    ok = out.write(`c${i},"${t}"\n`); i++;
  }
  if (i < n) out.once("drain", write); else out.end();
})();' "$OUT/input.csv" "$ROWS"
echo "input: $ROWS rows, $(du -h "$OUT/input.csv" | cut -f1); model: $MODEL"
rm -f "$OUT/local.csv" "$OUT/local.csv.partial" "$OUT/local.csv.checkpoint.json"
node bin/textclass.js predict "$MODEL" --input "$OUT/input.csv" --id-field id --output "$OUT/local.csv"
HALF=$((ROWS / 2))
head -n $((HALF + 1)) "$OUT/input.csv" > "$OUT/half1.csv"
{ head -n 1 "$OUT/input.csv"; tail -n $((ROWS - HALF)) "$OUT/input.csv"; } > "$OUT/half2.csv"

BENCH_INPUT="$OUT/input.csv" BENCH_MODEL="$MODEL" BENCH_DIR="$OUT" node --input-type=module -e '
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startTestRedis } from "./dist/distributed/redis-test-server.js";
import { runDistributedScoring } from "./dist/distributed/coordinator.js";
import { parseQueueUrl } from "./dist/distributed/queue-url.js";

const { BENCH_INPUT: input, BENCH_MODEL: model, BENCH_DIR: dir } = process.env;
const viaCli = fs.readFileSync("dist/cli/main.js", "utf8").includes("runWorker");
const redis = await startTestRedis();
const address = parseQueueUrl(redis.url);
function worker() {
  const args = ["--queue", redis.url];
  const entry = viaCli ? ["bin/textclass.js", "worker", ...args] : ["--input-type=module", "-e", "import { runWorker } from \"./dist/cli/commands/worker.js\"; process.exitCode = await runWorker(process.argv.slice(1));", "--", ...args];
  const child = spawn(process.execPath, entry, { stdio: ["ignore", "pipe", "inherit"] });
  const ready = new Promise((resolve) => { let text = ""; child.stdout.on("data", (d) => { text += d; if (text.includes("taking jobs")) resolve(); }); });
  return { ready, stop: () => new Promise((resolve) => { child.once("exit", resolve); child.kill("SIGTERM"); }) };
}
const expected = fs.readFileSync(path.join(dir, "local.csv"));
const seconds = { 1: [], 2: [] };
const control = { 1: [], 2: [] };
function local(file, out) {
  for (const f of [out, out + ".partial", out + ".checkpoint.json"]) fs.rmSync(f, { force: true });
  const child = spawn(process.execPath, ["bin/textclass.js", "predict", model, "--input", file, "--id-field", "id", "--output", out], { stdio: "ignore" });
  return new Promise((resolve, reject) => child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`local predict exited ${code}`)))));
}
async function runControl(n) {
  const t0 = performance.now();
  if (n === 1) await local(input, path.join(dir, "control-whole.csv"));
  else await Promise.all([local(path.join(dir, "half1.csv"), path.join(dir, "control-1.csv")), local(path.join(dir, "half2.csv"), path.join(dir, "control-2.csv"))]);
  const s = (performance.now() - t0) / 1000;
  control[n].push(s);
  console.log(`control, ${n} local process${n > 1 ? "es on the halves" : " on the whole file"}: ${s.toFixed(2)} s`);
}
for (const n of [1, 2, 1, 2]) {
  await runControl(n);
  const workers = Array.from({ length: n }, worker);
  await Promise.all(workers.map((w) => w.ready));
  const output = path.join(dir, `queue-${n}.csv`);
  for (const f of [output, output + ".partial", output + ".queue-checkpoint.json"]) fs.rmSync(f, { force: true });
  const result = await runDistributedScoring({ address, input, output, modelDir: model, idField: "id" });
  await Promise.all(workers.map((w) => w.stop()));
  const same = fs.readFileSync(output).equals(expected);
  seconds[n].push(result.seconds);
  console.log(`${n} worker${n > 1 ? "s" : " "}: ${result.rows} rows in ${result.chunks} chunks, ${result.seconds.toFixed(2)} s (${Math.round(result.rows / result.seconds)} texts/s), output ${same ? "identical to" : "DIFFERS FROM"} predict --output`);
  if (!same) process.exitCode = 1;
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`ratio (mean time with 2 workers / with 1): ${(mean(seconds[2]) / mean(seconds[1])).toFixed(3)}  [1: ${seconds[1].map((s) => s.toFixed(2)).join(", ")} s; 2: ${seconds[2].map((s) => s.toFixed(2)).join(", ")} s]`);
console.log(`control ratio (2 local processes on halves / 1 on the whole): ${(mean(control[2]) / mean(control[1])).toFixed(3)}  [1: ${control[1].map((s) => s.toFixed(2)).join(", ")} s; 2: ${control[2].map((s) => s.toFixed(2)).join(", ")} s]`);
await redis.stop();
'
