#!/usr/bin/env bash
# textclass vs scikit-learn (TfidfVectorizer + LogisticRegression), side by side, same files.
#
#   bash bench/run.sh [data-dir]      (default data dir: ../shared/datasets from the repo root)
#
# Environment: BENCH_PYTHON (default /usr/bin/python3, Debian's, which has scikit-learn 1.2.1),
#              BENCH_SKIP_VARIANTS=1 to run only the headline pair per dataset,
#              BENCH_SUMMARY_ONLY=1 to rebuild the table from the logs of the last run,
#              BENCH_READ_MEMORY=1 to also stream a generated ~1 GB CSV through the CSV reader and
#              fail if its peak RSS reaches 300 MB (size: BENCH_READ_MEMORY_MB, default 1024).
# Everything goes to bench/out/ (git-ignored): the IMDB split, models, logs, results.json.
# See bench/README.md for what is measured and why it is a fair comparison.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DATA_DIR="$(cd "${1:-$ROOT/../shared/datasets}" && pwd)"
PY="${BENCH_PYTHON:-/usr/bin/python3}"
OUT="$ROOT/bench/out"
LOGS="$OUT/logs"
SPLIT="$OUT/imdb-split"
MODELS="$OUT/models"
if [ -z "${BENCH_SUMMARY_ONLY:-}" ]; then
rm -rf "$LOGS" "$MODELS"
mkdir -p "$LOGS" "$MODELS"

"$PY" -c 'import sklearn' 2>/dev/null || { echo "bench: $PY has no scikit-learn (set BENCH_PYTHON)" >&2; exit 1; }
[ -d "$DATA_DIR/imdb/aclImdb/train" ] || { echo "bench: $DATA_DIR/imdb/aclImdb/train not found" >&2; exit 1; }

# timed NAME CMD...: runs CMD with stdout/stderr in logs/NAME.{out,err}; logs/NAME.time gets
# "wall user sys" seconds (bash's time keyword: the process and the children it waited for).
timed() {
  local name=$1
  shift
  echo "bench: $name" >&2
  local TIMEFORMAT='%3R %3U %3S'
  if ! { time "$@" >"$LOGS/$name.out" 2>"$LOGS/$name.err"; } 2>"$LOGS/$name.time"; then
    echo "bench: $name failed:" >&2
    tail -n 20 "$LOGS/$name.err" >&2
    exit 1
  fi
}

cat /proc/loadavg >"$LOGS/loadavg-start"
echo "bench: build" >&2
npm run build --silent >"$LOGS/build.log" 2>&1 || { cat "$LOGS/build.log" >&2; exit 1; }

# This bench compares logistic regression with logistic regression. The IMDB recipe ships NB-SVM
# (bench/models.sh compares model types), so its model section is overridden here to the LR
# settings measured before: C=32 on word 1-3-grams.
IMDB_LR=(--set model.type=logistic_regression --set model.C=32)
# The GoEmotions recipe adds character n-grams to its words; bench/sklearn_tfidf_lr.py builds word
# n-grams only, so both tools get the words alone here.
GOEMOTIONS_WORDS=(--set features.char_ngrams=null)

# The recipes as textclass resolves them (defaults filled in), so sklearn gets identical settings.
for r in imdb goemotions; do
  overrides=()
  if [ "$r" = imdb ]; then overrides=("${IMDB_LR[@]}"); fi
  if [ "$r" = goemotions ]; then overrides=("${GOEMOTIONS_WORDS[@]}"); fi
  node --input-type=module -e "
    import { loadRecipe } from './dist/recipe/load.js';
    const r = loadRecipe(process.argv[1], process.argv.slice(2).filter((a) => a !== '--set'));
    console.log(JSON.stringify({ data: r.data, preprocessing: r.preprocessing, features: r.features, model: r.model, evaluation: r.evaluation }));
  " "recipes/$r.yaml" ${overrides[@]+"${overrides[@]}"} >"$OUT/settings-$r.json"
done

# ---------------------------------------------------------------------------------------------
# IMDB: movie-grouped 80/20 split of aclImdb/train, both tools read the same symlinked files.
echo "bench: imdb split" >&2
node bench/imdb-split.mjs --src "$DATA_DIR/imdb/aclImdb/train" --out "$SPLIT" >"$LOGS/imdb-split.out"

timed imdb-textclass-train node bin/textclass.js train recipes/imdb.yaml --out "$MODELS/imdb" --data-dir "$DATA_DIR" --set "data.train=$SPLIT/train" "${IMDB_LR[@]}"
timed imdb-textclass-eval node bin/textclass.js eval "$MODELS/imdb" --data "$SPLIT/test" --json
timed imdb-sklearn "$PY" bench/sklearn_tfidf_lr.py imdb --data-dir "$DATA_DIR" --train "$SPLIT/train" --test "$SPLIT/test" --settings "@$OUT/settings-imdb.json"
if [ -z "${BENCH_SKIP_VARIANTS:-}" ]; then
  timed imdb-sklearn-tolxn "$PY" bench/sklearn_tfidf_lr.py imdb --data-dir "$DATA_DIR" --train "$SPLIT/train" --test "$SPLIT/test" --settings "@$OUT/settings-imdb.json" --tol-per-sample
fi

# ---------------------------------------------------------------------------------------------
# GoEmotions: train.tsv -> dev.tsv. textclass runs the recipe as is (per-label thresholds tuned on
# dev, so its tuned dev numbers are optimistic); the manifest also holds dev metrics at 0.5.
timed goemotions-textclass-train node bin/textclass.js train recipes/goemotions.yaml --out "$MODELS/goemotions" --data-dir "$DATA_DIR" "${GOEMOTIONS_WORDS[@]}"
timed goemotions-sklearn "$PY" bench/sklearn_tfidf_lr.py goemotions --data-dir "$DATA_DIR" --train goemotions/train.tsv --test goemotions/dev.tsv --settings "@$OUT/settings-goemotions.json"
if [ -z "${BENCH_SKIP_VARIANTS:-}" ]; then
  timed goemotions-sklearn-tolxn "$PY" bench/sklearn_tfidf_lr.py goemotions --data-dir "$DATA_DIR" --train goemotions/train.tsv --test goemotions/dev.tsv --settings "@$OUT/settings-goemotions.json" --tol-per-sample
  timed goemotions-sklearn-njobs2 "$PY" bench/sklearn_tfidf_lr.py goemotions --data-dir "$DATA_DIR" --train goemotions/train.tsv --test goemotions/dev.tsv --settings "@$OUT/settings-goemotions.json" --n-jobs 2
fi
cat /proc/loadavg >"$LOGS/loadavg-end"

# ---------------------------------------------------------------------------------------------
# Optional: the CSV reader streams a generated ~1 GB CSV in constant memory (bench/read-memory.mjs;
# the file is generated once into bench/out/ and reused). Runs after the timed pairs, so that its
# disk and CPU load does not disturb them.
if [ -n "${BENCH_READ_MEMORY:-}" ]; then
  timed read-memory node bench/read-memory.mjs --size-mb "${BENCH_READ_MEMORY_MB:-1024}"
fi
fi # BENCH_SUMMARY_ONLY

# ---------------------------------------------------------------------------------------------
# Table, ratios and results.json.
node --input-type=module -e '
import fs from "node:fs";
import os from "node:os";
import { execFileSync } from "node:child_process";
const [out, logs, py] = process.argv.slice(1);
const read = (f) => fs.readFileSync(`${logs}/${f}`, "utf8");
const exists = (f) => fs.existsSync(`${logs}/${f}`);
const times = (name) => { const [wall, user, sys] = read(`${name}.time`).trim().split(/\s+/).map(Number); return { wall, cpu: +(user + sys).toFixed(3) }; };
const json = (name) => JSON.parse(read(`${name}.out`).trim().split("\n").pop());
const manifest = (m) => JSON.parse(fs.readFileSync(`${out}/models/${m}/manifest.json`, "utf8"));

const rows = [];
const results = { generated_at: new Date().toISOString(), machine: { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model, node: process.version,
  python: execFileSync(py, ["-c", "import sys, sklearn; print(sys.version.split()[0], sklearn.__version__)"]).toString().trim(),
  loadavg_start: read("loadavg-start").trim(), loadavg_end: read("loadavg-end").trim() }, imdb: {}, goemotions: {} };

// textclass rows
function textclassRow(dataset, variant, trainName, m, metrics, extra = {}) {
  const t = times(trainName);
  const lossCurve = m.training.loss_curve ?? [];
  return { dataset, tool: "textclass", variant, wall: t.wall, inproc: +Number(m.training.seconds).toFixed(3), cpu: t.cpu,
    iters: `${m.training.iterations}/${lossCurve.length}`, n_features: m.training.num_features, n_train: m.training.train_rows,
    accuracy: metrics.accuracy, macro_f1: metrics.macro_f1, n_test: metrics.n, ...extra };
}
function sklearnRow(dataset, variant, name, inprocKey = "train_seconds", extra = {}) {
  const r = json(name); const t = times(name);
  return { dataset, tool: "sklearn", variant, wall: t.wall, inproc: inprocKey === "train+eval" ? +(r.train_seconds + r.eval_seconds).toFixed(3) : r.train_seconds,
    cpu: t.cpu, iters: `${r.n_iter_max}/${r.n_iter_sum}`, n_features: r.n_features, n_train: r.n_train, accuracy: r.accuracy, macro_f1: r.macro_f1,
    n_test: r.n_test, raw: r, ...extra };
}

// IMDB
const im = manifest("imdb");
const imEval = json("imdb-textclass-eval");
const imEvalT = times("imdb-textclass-eval");
const imTc = textclassRow("imdb", "recipe", "imdb-textclass-train", im, imEval, { eval_wall: imEvalT.wall });
const imSk = sklearnRow("imdb", "n_jobs=1", "imdb-sklearn");
rows.push(imTc, imSk);
if (exists("imdb-sklearn-tolxn.out")) rows.push(sklearnRow("imdb", "tol x n", "imdb-sklearn-tolxn"));
results.imdb = { split: JSON.parse(fs.readFileSync(`${out}/imdb-split/split.json`, "utf8")), textclass: { ...imTc, eval: imEval }, sklearn: imSk };
delete results.imdb.split.test_movies;

// GoEmotions
const ge = manifest("goemotions");
const geDev = ge.metrics.dev;
// Dev metrics at the fixed 0.5 threshold: the manifest keeps them; else the "dev at threshold 0.5:" line of the train output.
let geFixed = ge.metrics.dev_at_fixed_threshold;
if (!geFixed) {
  const m = /^dev at threshold 0\.5: .*?accuracy=([\d.]+).*?macro_f1=([\d.]+)/m.exec(read("goemotions-textclass-train.out"));
  if (!m) throw new Error("goemotions: no dev metrics at threshold 0.5 in the manifest or the train output");
  geFixed = { n: geDev.n, accuracy: Number(m[1]), macro_f1: Number(m[2]) };
}
const geTc = textclassRow("goemotions", "recipe, @0.5", "goemotions-textclass-train", ge, geFixed, { macro_f1_tuned: geDev.macro_f1, accuracy_tuned: geDev.accuracy });
const geSk = sklearnRow("goemotions", "OvR n_jobs=1, @0.5", "goemotions-sklearn", "train+eval");
geSk.macro_f1_tuned = geSk.raw.macro_f1_tuned_on_eval;
rows.push(geTc, geSk);
for (const [name, variant] of [["goemotions-sklearn-tolxn", "OvR tol x n, @0.5"], ["goemotions-sklearn-njobs2", "OvR n_jobs=2, @0.5"]]) {
  if (exists(`${name}.out`)) { const r = sklearnRow("goemotions", variant, name, "train+eval"); r.macro_f1_tuned = r.raw.macro_f1_tuned_on_eval; rows.push(r); }
}
results.goemotions = { textclass: { ...geTc, dev_tuned: geDev, dev_at_0_5: geFixed }, sklearn: geSk };
results.runs = rows.map(({ raw, ...r }) => ({ ...r, ...(raw ? { sklearn_output: raw } : {}) }));

// Table
const f = (x, d = 4) => (x === undefined || x === null ? "-" : typeof x === "number" ? x.toFixed(d) : String(x));
const s = (x) => (x === undefined ? "-" : x.toFixed(2));
const head = ["dataset", "tool", "variant", "train wall s", "in-proc s", "cpu s", "iters max/sum", "features", "n_train", "n_test", "accuracy", "macro_f1", "macro_f1 tuned*"];
const body = rows.map((r) => [r.dataset, r.tool, r.variant, s(r.wall), s(r.inproc), s(r.cpu), r.iters, String(r.n_features), String(r.n_train), String(r.n_test), f(r.accuracy), f(r.macro_f1), f(r.macro_f1_tuned)]);
const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
const line = (cells) => "| " + cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
let text = line(head) + "\n" + "|" + widths.map((w, i) => (i < 3 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|\n" + body.map(line).join("\n") + "\n";

const ratio = (a, b) => (a / b).toFixed(2);
const pp = (a, b) => ((a - b) * 100 >= 0 ? "+" : "") + ((a - b) * 100).toFixed(2) + " pt";
const cmp = {
  imdb: { time_ratio_cli_vs_sklearn_train: +ratio(imTc.wall, imSk.inproc), time_ratio_inproc: +ratio(imTc.inproc, imSk.inproc), time_ratio_process_wall: +ratio(imTc.wall + imEvalT.wall, imSk.wall),
    accuracy_diff: imTc.accuracy - imSk.accuracy, macro_f1_diff: imTc.macro_f1 - imSk.macro_f1 },
  goemotions: { time_ratio_cli_vs_sklearn_train: +ratio(geTc.wall, geSk.raw.train_seconds), time_ratio_inproc: +ratio(geTc.inproc, geSk.inproc), time_ratio_process_wall: +ratio(geTc.wall, geSk.wall),
    accuracy_diff_at_0_5: geTc.accuracy - geSk.accuracy, macro_f1_diff_at_0_5: geTc.macro_f1 - geSk.macro_f1, macro_f1_diff_tuned: geDev.macro_f1 - geSk.macro_f1_tuned },
};
results.comparison = cmp;
text += `
IMDB (movie-grouped split, ${imTc.n_train} train / ${imTc.n_test} test reviews):
  time textclass/sklearn: ${cmp.imdb.time_ratio_cli_vs_sklearn_train} (textclass train CLI wall ${s(imTc.wall)} s / sklearn read+vectorize+fit ${s(imSk.inproc)} s)
                          ${cmp.imdb.time_ratio_inproc} in-process (${s(imTc.inproc)} s / ${s(imSk.inproc)} s); ${cmp.imdb.time_ratio_process_wall} whole processes (textclass train+eval ${s(imTc.wall + imEvalT.wall)} s / sklearn script ${s(imSk.wall)} s)
  accuracy textclass - sklearn: ${pp(imTc.accuracy, imSk.accuracy)} (${f(imTc.accuracy)} vs ${f(imSk.accuracy)}), macro-F1 ${pp(imTc.macro_f1, imSk.macro_f1)}
GoEmotions (train.tsv -> dev.tsv, ${geTc.n_train} / ${geTc.n_test}, 28 labels, one-vs-rest):
  time textclass/sklearn: ${cmp.goemotions.time_ratio_cli_vs_sklearn_train} (textclass train CLI wall ${s(geTc.wall)} s, incl. dev scoring + threshold tuning / sklearn read+vectorize+fit ${s(geSk.raw.train_seconds)} s)
                          ${cmp.goemotions.time_ratio_inproc} in-process (${s(geTc.inproc)} s / sklearn train+dev ${s(geSk.inproc)} s); ${cmp.goemotions.time_ratio_process_wall} whole processes (${s(geTc.wall)} s / ${s(geSk.wall)} s)
  at threshold 0.5: macro-F1 textclass - sklearn ${pp(geTc.macro_f1, geSk.macro_f1)} (${f(geTc.macro_f1)} vs ${f(geSk.macro_f1)}), subset accuracy ${pp(geTc.accuracy, geSk.accuracy)}
  * thresholds tuned on dev (textclass recipe default; optimistic, dev is also the scoring set): macro-F1 ${f(geDev.macro_f1)} vs sklearn ${f(geSk.macro_f1_tuned)} (${pp(geDev.macro_f1, geSk.macro_f1_tuned)})
Columns: train wall = the training process (textclass "train" CLI incl. Node start-up and model save; sklearn script incl. interpreter, imports and test scoring);
  in-proc = textclass manifest training.seconds / sklearn perf_counter read+vectorize+fit (GoEmotions: + dev read/score, as textclass scores dev while training);
  cpu = user+sys of the process; iters = L-BFGS iterations, max over labels / sum over labels.
  "tol x n": sklearn with tol multiplied by n_train, i.e. textclass stopping rule (sklearn 1.2.1 tests the gradient of the summed loss, textclass of the mean loss).
load average at start / end: ${results.machine.loadavg_start.split(" ").slice(0, 3).join(" ")} / ${results.machine.loadavg_end.split(" ").slice(0, 3).join(" ")} (${results.machine.cpus} CPUs; other processes on the machine make times noisy)
`;
if (exists("read-memory.out")) {
  const r = json("read-memory");
  results.read_memory = r;
  text += `CSV reader on a generated ${(r.bytes / 1048576).toFixed(0)} MB CSV (BENCH_READ_MEMORY=1): ${r.rows} rows in ${r.seconds} s, ${r.mb_per_s} MB/s, peak RSS ${r.peak_rss_mb} MB (limit ${r.max_rss_limit_mb} MB)\n`;
}
fs.writeFileSync(`${out}/results.json`, JSON.stringify(results, null, 1) + "\n");
fs.writeFileSync(`${out}/results.txt`, text);
process.stdout.write(text + `\nwritten: ${out}/results.json, ${out}/results.txt (logs in ${logs})\n`);
' "$OUT" "$LOGS" "$PY"
