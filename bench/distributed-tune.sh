#!/usr/bin/env bash
# Distributed sweeps on loopback: a 12-trial sweep with one `textclass worker` vs two. Starts a
# throwaway redis-server and runs the same sweep (random search, fixed seed, no pruning and no
# baseline, so every run trains exactly the same 12 trials) through the queue with 1, 2, 1, 2
# workers (`tune --queue … --parallel 2` each time), reporting each run's seconds and the ratio
# mean(2 workers) / mean(1 worker).
# The trials: the starter recipe with character 1–5-grams (heavier than the word default, so a
# trial is CPU work rather than queue overhead), tuning model.C and features.sublinear_tf.
# Control, because the machine may be shared: the same sweep run locally with `--parallel 1` and
# `--parallel 2` (threads), i.e. the speed-up this machine can give two trials at that moment;
# queue and control runs alternate so they see the same load. Needs Debian's redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${BENCH_OUT:-bench/out/distributed-tune}"
TRIALS="${BENCH_TRIALS:-12}"
mkdir -p "$OUT"
command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || { echo "bench:distributed-tune: redis-server not installed (apt-get install redis-server)" >&2; exit 1; }
[ -n "${BENCH_NO_BUILD:-}" ] || npm run build --silent || true
node -e '
const fs = require("fs");
const YAML = require("yaml");
const raw = YAML.parse(fs.readFileSync("recipes/starter.yaml", "utf8"));
raw.features = { ...raw.features, analyzer: "char_wb", ngram_range: [1, 5] };
raw.tune = { metric: "macro_f1", trials: Number(process.argv[2]), strategy: "random", seed: 11, pruning: { kind: "none" },
  space: { "model.C": { log_range: [0.1, 30] }, "features.sublinear_tf": { choice: [true, false] } } };
fs.writeFileSync(process.argv[1], YAML.stringify(raw));' "$OUT/sweep.yaml" "$TRIALS"

BENCH_DIR="$OUT" node --input-type=module -e '
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startTestRedis } from "./dist/distributed/redis-test-server.js";

const dir = process.env.BENCH_DIR;
const recipe = path.join(dir, "sweep.yaml");
const redis = await startTestRedis();
function worker() {
  const child = spawn(process.execPath, ["bin/textclass.js", "worker", "--queue", redis.url, "--data-dir", "data"], { stdio: ["ignore", "pipe", "inherit"] });
  const ready = new Promise((resolve) => { let text = ""; child.stdout.on("data", (d) => { text += d; if (text.includes("taking jobs")) resolve(); }); });
  return { ready, stop: () => new Promise((resolve) => { child.once("exit", resolve); child.kill("SIGTERM"); }) };
}
/** One sweep from scratch (fresh journal, untracked); resolves with its wall seconds. */
async function sweep(name, extra) {
  const journal = path.join(dir, `${name}.journal.sqlite`);
  for (const f of [journal, journal + "-wal", journal + "-shm"]) fs.rmSync(f, { force: true });
  const args = ["bin/textclass.js", "tune", recipe, "--data-dir", "data", "--no-baseline", "--no-track", "--json", "--out", path.join(dir, `${name}-best.yaml`), "--journal", journal, ...extra];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  let text = "";
  child.stdout.on("data", (d) => (text += d));
  const code = await new Promise((resolve) => child.once("exit", resolve));
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`tune ${name} exited ${code}`);
  const result = JSON.parse(text);
  // The seconds of the trials themselves, summed: on a machine with no core to spare, two at once each take longer.
  return { seconds, trials: result.trials.length, best: result.best?.value, trialSeconds: result.trials.reduce((s, t) => s + (t.seconds ?? 0), 0) };
}
const seconds = { 1: [], 2: [] };
const control = { 1: [], 2: [] };
for (const n of [1, 2, 1, 2]) {
  const local = await sweep(`local-${n}`, ["--parallel", String(n)]);
  control[n].push(local.seconds);
  console.log(`control, local sweep with ${n} thread${n > 1 ? "s" : ""}: ${local.trials} trials in ${local.seconds.toFixed(2)} s (trials took ${local.trialSeconds.toFixed(1)} s in all; best macro_f1 ${local.best?.toFixed(4)})`);
  const workers = Array.from({ length: n }, worker);
  await Promise.all(workers.map((w) => w.ready));
  const queued = await sweep(`queue-${n}`, ["--queue", redis.url, "--parallel", "2"]);
  await Promise.all(workers.map((w) => w.stop()));
  seconds[n].push(queued.seconds);
  console.log(`${n} worker${n > 1 ? "s" : " "}: ${queued.trials} trials in ${queued.seconds.toFixed(2)} s (trials took ${queued.trialSeconds.toFixed(1)} s in all; best macro_f1 ${queued.best?.toFixed(4)})`);
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`ratio (mean time with 2 workers / with 1): ${(mean(seconds[2]) / mean(seconds[1])).toFixed(3)}  [1: ${seconds[1].map((s) => s.toFixed(2)).join(", ")} s; 2: ${seconds[2].map((s) => s.toFixed(2)).join(", ")} s]`);
console.log(`control ratio (2 local threads / 1): ${(mean(control[2]) / mean(control[1])).toFixed(3)}  [1: ${control[1].map((s) => s.toFixed(2)).join(", ")} s; 2: ${control[2].map((s) => s.toFixed(2)).join(", ")} s]`);
await redis.stop();
'
