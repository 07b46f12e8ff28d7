#!/usr/bin/env bash
# textclass and its peers (scikit-learn LR / LinearSVC / ComplementNB, the fastText CLI) side by side,
# on the same train/dev rows, for every use-case recipe; prints a table per recipe with the use
# case's main metric, training time, the ratio of training time to the fastest peer that is at
# least as good, and prediction throughput.
#
#   bash bench/models.sh [data-dir]        (default data dir: ../shared/datasets from the repo root)
#   npm run bench:models
#
# Environment:
#   BENCH_MODELS_RECIPES  recipes to run (default: all use-case recipes, see RECIPES below)
#   BENCH_MODELS_PEERS    peers to run (default: sklearn-lr sklearn-linearsvc sklearn-cnb fasttext)
#   BENCH_TC_VARIANTS     textclass variants, ';'-separated "name: key=value key=value ..." (each
#                         key=value is a `textclass train --set`); default "recipe:" (the recipe as
#                         is); "all" = every model type (TC_VARIANTS_ALL below)
#   BENCH_PYTHON          default /usr/bin/python3 (Debian's, with scikit-learn 1.2.1)
#   BENCH_FASTTEXT        default /usr/bin/fasttext
#   BENCH_KEEP_MODELS=1   keep the textclass models (default: deleted after timing; fastText-type
#                         models are ~800 MB each)
#   BENCH_SUMMARY_ONLY=1  re-print the tables from the logs of the last run
#
# Everything goes to bench/out/ (git-ignored): splits/, models-logs/, models-results.json,
# models-results.txt. See bench/README.md ("Models and peers") for what is measured.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DATA_DIR="$(cd "${1:-$ROOT/../shared/datasets}" && pwd)"
PY="${BENCH_PYTHON:-/usr/bin/python3}"
FASTTEXT="${BENCH_FASTTEXT:-/usr/bin/fasttext}"
OUT="$ROOT/bench/out"
LOGS="$OUT/models-logs"
SPLITS="$OUT/splits"
MODELS="$OUT/models-tc"
RECIPES="${BENCH_MODELS_RECIPES:-goemotions goemotions-ekman imdb dailydialog-next korean-emotion4 tickets-category tickets-type chnsenticorp}"
PEERS="${BENCH_MODELS_PEERS:-sklearn-lr sklearn-linearsvc sklearn-cnb fasttext}"

# textclass variants: "name: --set overrides". A variant that changes model.type starts from that
# type's defaults plus the recipe's class_weight (the recipe's C etc. belong to its own type).
# For Korean/Chinese data a fasttext variant also gets model.minn=2 model.maxn=4, as the fastText peer.
TC_VARIANTS_DEFAULT="recipe:"
TC_VARIANTS_ALL="recipe:; nbsvm: model.type=nbsvm; linear_svm: model.type=linear_svm; naive_bayes: model.type=naive_bayes; fasttext: model.type=fasttext"
TC_VARIANTS="${BENCH_TC_VARIANTS:-$TC_VARIANTS_DEFAULT}"
[ "$TC_VARIANTS" = all ] && TC_VARIANTS="$TC_VARIANTS_ALL"

# timed NAME CMD...: stdout/stderr to LOGS/NAME.{out,err}; LOGS/NAME.time gets "wall user sys".
# Returns the command's status (the caller decides whether a failure is fatal).
timed() {
  local name=$1
  shift
  echo "bench:models: $name" >&2
  local TIMEFORMAT='%3R %3U %3S'
  local rc=0
  { time "$@" >"$LOGS/$name.out" 2>"$LOGS/$name.err"; } 2>"$LOGS/$name.time" || rc=$?
  return $rc
}
fail() {
  echo "bench:models: $1 failed:" >&2
  tail -n 20 "$LOGS/$1.err" >&2
  exit 1
}

if [ -z "${BENCH_SUMMARY_ONLY:-}" ]; then
rm -rf "$LOGS" "$MODELS" "$OUT/peers-tmp"
mkdir -p "$LOGS" "$MODELS" "$LOGS/recipes"

"$PY" -c 'import sklearn' 2>/dev/null || { echo "bench:models: $PY has no scikit-learn (set BENCH_PYTHON)" >&2; exit 1; }
case " $PEERS " in *" fasttext "*) [ -x "$FASTTEXT" ] || { echo "bench:models: $FASTTEXT not found (set BENCH_FASTTEXT)" >&2; exit 1; } ;; esac
printf '%s\n' "$RECIPES" >"$LOGS/recipes.list"
printf '%s\n' "$PEERS" >"$LOGS/peers.list"
printf '%s\n' "$TC_VARIANTS" >"$LOGS/variants.list"
cat /proc/loadavg >"$LOGS/loadavg-start"

echo "bench:models: build" >&2
npm run build --silent >"$LOGS/build.log" 2>&1 || { cat "$LOGS/build.log" >&2; exit 1; }

# IMDB has no dev file: the movie-grouped 80/20 split of bench/imdb-split.mjs (deterministic).
case " $RECIPES " in
  *" imdb "*) node bench/imdb-split.mjs --src "$DATA_DIR/imdb/aclImdb/train" --out "$OUT/imdb-split" >"$LOGS/imdb-split.out" ;;
esac
echo "bench:models: export splits" >&2
# shellcheck disable=SC2086
node bench/export-splits.mjs --data-dir "$DATA_DIR" --out "$SPLITS" --imdb-split "$OUT/imdb-split" $RECIPES | tee "$LOGS/export-splits.out" >&2

# gen_recipe META SPLIT OUTFILE OVERRIDES...: the textclass recipe for an exported split (JSONL, the
# original recipe's task, preprocessing, features, model, training and evaluation; label rules,
# dialog targets and sampling are already applied to the rows). Prints the --set list to use.
gen_recipe() {
  node --input-type=module -e '
    import fs from "node:fs";
    const [metaFile, split, outFile, ...sets] = process.argv.slice(1);
    const meta = JSON.parse(fs.readFileSync(metaFile, "utf8"));
    const r = meta.resolved_recipe;
    const data = { format: "jsonl", train: `${split}/train.jsonl`, dev: `${split}/dev.jsonl`, text_field: "text", label_field: "labels" };
    if (r.task === "binary") data.positive_label = meta.positive_label;
    let model = r.model;
    const typeSet = sets.find((s) => s.startsWith("model.type="));
    if (typeSet && typeSet.slice("model.type=".length) !== r.model.type) model = { type: typeSet.slice("model.type=".length), class_weight: r.model.class_weight };
    const extra = [];
    if (model.type === "fasttext" && (meta.analyzer === "char" || meta.analyzer === "char_wb")) {
      if (!sets.some((s) => s.startsWith("model.minn="))) extra.push("model.minn=2");
      if (!sets.some((s) => s.startsWith("model.maxn="))) extra.push("model.maxn=4");
    }
    const recipe = { name: r.name, description: `${r.name} on exported splits (bench/models.sh)`, task: r.task, data,
      preprocessing: r.preprocessing, features: r.features, model, training: r.training, evaluation: r.evaluation };
    fs.writeFileSync(outFile, JSON.stringify(recipe, null, 1) + "\n");
    for (const s of [...sets.filter((s) => s !== typeSet || model === r.model), ...extra]) console.log(s);
  ' "$@"
}

# Prediction throughput inside one process: load the model, then time predictInBatches on dev
# repeated to at least 50,000 texts, the amount bench/peers.py times the fastText CLI on (one pass
# over a 5,000-text dev set mostly measures the JIT warming up).
TC_PREDICT_JS='
import fs from "node:fs";
import path from "node:path";
const [root, modelDir, devFile] = process.argv.slice(1);
const { loadModel } = await import(path.join(root, "dist/persist/model-dir.js"));
const { predictInBatches } = await import(path.join(root, "dist/eval/evaluate.js"));
const texts = fs.readFileSync(devFile, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l).text);
let t = performance.now();
const { classifier } = loadModel(modelDir);
const load = (performance.now() - t) / 1000;
const reps = Math.max(1, Math.ceil(50000 / texts.length));
const all = Array.from({ length: reps }, () => texts).flat();
t = performance.now();
predictInBatches(classifier, all, 4096);
const predict = (performance.now() - t) / 1000;
console.log(JSON.stringify({ n: texts.length, scored: all.length, load_seconds: +load.toFixed(3), predict_seconds: +predict.toFixed(4), docs_per_second: +(all.length / predict).toFixed(1) }));
'

for r in $RECIPES; do
  split="$SPLITS/$r"
  IFS=';' read -ra variants <<<"$TC_VARIANTS"
  for v in "${variants[@]}"; do
    v="$(echo "$v" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')"
    [ -n "$v" ] || continue
    vname="${v%%:*}"
    vsets="${v#*:}"
    [ "$vname" != "$v" ] || vsets=""
    vfile="$(printf '%s' "$vname" | tr -c 'A-Za-z0-9._-' '_')"
    name="$r@tc-$vfile"
    recipe_file="$LOGS/recipes/$r@$vfile.json"
    # shellcheck disable=SC2086
    mapfile -t sets < <(gen_recipe "$split/meta.json" "$split" "$recipe_file" $vsets)
    setargs=()
    for s in "${sets[@]}"; do [ -n "$s" ] && setargs+=(--set "$s"); done
    printf '%s\n' "$vname" >"$LOGS/$name.variant"
    printf '%s\n' "${sets[@]}" >"$LOGS/$name.sets"
    model="$MODELS/$r/$vfile"
    if ! timed "$name-train" node bin/textclass.js train "$recipe_file" --out "$model" --data-dir "$DATA_DIR" "${setargs[@]}"; then
      if grep -q "is not available in this build" "$LOGS/$name-train.err" "$LOGS/$name-train.out"; then
        grep -h "is not available in this build" "$LOGS/$name-train.err" "$LOGS/$name-train.out" | head -n 1 >"$LOGS/$name.skipped"
        echo "bench:models: $name skipped: $(cat "$LOGS/$name.skipped")" >&2
        continue
      fi
      fail "$name-train"
    fi
    cp "$model/manifest.json" "$LOGS/$name.manifest.json"
    du -sb "$model" | cut -f1 >"$LOGS/$name.model-bytes"
    timed "$name-eval" node bin/textclass.js eval "$model" --data "$split/dev.jsonl" --json || fail "$name-eval"
    timed "$name-predict" node --input-type=module -e "$TC_PREDICT_JS" "$ROOT" "$model" "$split/dev.jsonl" || fail "$name-predict"
    [ -n "${BENCH_KEEP_MODELS:-}" ] || rm -rf "$model"
  done
  for p in $PEERS; do
    timed "$r@peer-$p" "$PY" bench/peers.py "$split" "$p" --fasttext "$FASTTEXT" --tmp "$OUT/peers-tmp" || fail "$r@peer-$p"
  done
done
cat /proc/loadavg >"$LOGS/loadavg-end"
fi # BENCH_SUMMARY_ONLY

# ---------------------------------------------------------------------------------------------
# Tables and models-results.json.
node --input-type=module -e '
import fs from "node:fs";
import os from "node:os";
import { execFileSync } from "node:child_process";
const [out, logs, splits, py, fasttext] = process.argv.slice(1);
const read = (f) => fs.readFileSync(`${logs}/${f}`, "utf8");
const exists = (f) => fs.existsSync(`${logs}/${f}`);
const lastJson = (f) => JSON.parse(read(f).trim().split("\n").pop());
const times = (name) => { const [wall, user, sys] = read(`${name}.time`).trim().split(/\s+/).map(Number); return { wall, cpu: +(user + sys).toFixed(3) }; };
const words = (f) => read(f).split(/\s+/).filter(Boolean);
const recipes = words("recipes.list");
const peers = words("peers.list");
const variants = read("variants.list").trim().split(";").map((v) => v.trim()).filter(Boolean).map((v) => v.split(":")[0].trim());
const vfile = (v) => v.replace(/[^A-Za-z0-9._-]/g, "_");

// The main metric of each use case.
const MAIN = { goemotions: "macro_f1", "goemotions-ekman": "macro_f1", imdb: "accuracy", "dailydialog-next": "balanced_accuracy",
  "korean-emotion4": "accuracy", "tickets-category": "macro_f1", "tickets-type": "accuracy", chnsenticorp: "accuracy" };

let pyVersion = "";
try { pyVersion = execFileSync(py, ["-c", "import sys, sklearn; print(sys.version.split()[0], \"sklearn\", sklearn.__version__)"]).toString().trim(); } catch {}
const results = { generated_at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model, node: process.version, python: pyVersion, fasttext,
    loadavg_start: exists("loadavg-start") ? read("loadavg-start").trim() : null, loadavg_end: exists("loadavg-end") ? read("loadavg-end").trim() : null },
  recipes: {} };
let text = "";
const f4 = (x) => (typeof x === "number" ? x.toFixed(4) : "-");
for (const r of recipes) {
  const meta = JSON.parse(fs.readFileSync(`${splits}/${r}/meta.json`, "utf8"));
  const metric = MAIN[r] ?? (meta.task === "multilabel" ? "macro_f1" : "accuracy");
  const rows = [];
  const skipped = [];
  for (const v of variants) {
    const name = `${r}@tc-${vfile(v)}`;
    if (exists(`${name}.skipped`)) { skipped.push(`textclass ${v}: ${read(`${name}.skipped`).trim()}`); continue; }
    if (!exists(`${name}-eval.out`)) continue;
    const m = JSON.parse(read(`${name}.manifest.json`));
    const ev = lastJson(`${name}-eval.out`);
    const pr = lastJson(`${name}-predict.out`);
    const t = times(`${name}-train`);
    const tuned = meta.task === "multilabel" && !!m.metrics?.dev_at_fixed_threshold;
    const base = { tool: "textclass", train_seconds: t.wall, train_cpu_seconds: t.cpu, train_inproc_seconds: m.training?.seconds ?? null,
      eval_process_seconds: times(`${name}-eval`).wall, predict_seconds: pr.predict_seconds, model_load_seconds: pr.load_seconds, docs_per_second: pr.docs_per_second,
      model_type: m.recipe?.model?.type, sets: read(`${name}.sets`).split("\n").filter(Boolean), model_bytes: Number(read(`${name}.model-bytes`).trim()),
      n_train: m.training?.train_rows, n_dev: ev.n, num_features: m.training?.num_features ?? null };
    const pick = (e) => ({ accuracy: e.accuracy, macro_f1: e.macro_f1, micro_f1: e.micro_f1, weighted_f1: e.weighted_f1, balanced_accuracy: e.balanced_accuracy, samples_f1: e.samples_f1 });
    if (tuned) {
      rows.push({ row: `textclass ${v} (thresholds tuned on dev)*`, ...base, ...pick(ev), optimistic: true });
      rows.push({ row: `textclass ${v} @0.5`, ...base, ...pick(m.metrics.dev_at_fixed_threshold) });
    } else {
      rows.push({ row: `textclass ${v}`, ...base, ...pick(ev) });
    }
  }
  for (const p of peers) {
    const name = `${r}@peer-${p}`;
    if (!exists(`${name}.out`)) continue;
    const j = lastJson(`${name}.out`);
    rows.push({ row: `${p}`, tool: "peer", ...j, process_seconds: times(name).wall });
  }
  // Ratio: train seconds / train seconds of the fastest peer whose main metric is >= this row s.
  for (const row of rows) {
    const better = rows.filter((o) => o.tool === "peer" && o.row !== row.row && o[metric] >= row[metric] - 1e-12);
    const fastest = better.sort((a, b) => a.train_seconds - b.train_seconds)[0];
    row.ratio_vs = fastest ? fastest.row : null;
    row.train_ratio = fastest ? +(row.train_seconds / fastest.train_seconds).toFixed(3) : null;
  }
  results.recipes[r] = { task: meta.task, main_metric: metric, n_train: meta.n_train, n_dev: meta.n_dev, labels: meta.labels.length,
    script: meta.script, analyzer: meta.analyzer, skipped, rows };
  const head = ["", metric, "train s", "ratio*", "vs peer", "predict docs/s"];
  const body = rows.map((x) => [x.row, f4(x[metric]), x.train_seconds.toFixed(2), x.train_ratio === null ? "best" : x.train_ratio.toFixed(2), x.ratio_vs ?? "(none as good)", Math.round(x.docs_per_second).toLocaleString("en-US")]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c) => "| " + c.map((s, i) => (i === 0 || i === 4 ? s.padEnd(w[i]) : s.padStart(w[i]))).join(" | ") + " |";
  text += `\n${r} (${meta.task}, ${meta.labels.length} labels, ${meta.n_train} train / ${meta.n_dev} dev, ${meta.script} text)\n`;
  text += line(head) + "\n|" + w.map((n, i) => (i === 0 || i === 4 ? "-".repeat(n + 2) : "-".repeat(n + 1) + ":")).join("|") + "|\n" + body.map(line).join("\n") + "\n";
  for (const s of skipped) text += `  skipped: ${s}\n`;
}
text += `
ratio* = train s / train s of the fastest peer whose ${"main metric"} is equal or better ("best": no peer is as good).
train s: textclass = the whole "train" process (Node start-up, reading the JSONL, features, fit, dev scoring,
  threshold tuning, writing the model); scikit-learn = read + vectorize + fit inside the process (no start-up, no
  import); fastText = the "fasttext supervised" process (incl. writing its ~800 MB model).
predict docs/s: texts per second of prediction alone (textclass: in-process, model loaded, dev repeated to >= 50,000
  texts; sklearn: in-process, one pass over dev; fastText CLI: dev repeated to >= 50,000 lines, model load subtracted).
*: multilabel thresholds tuned on dev and scored on the same dev: optimistic; compare the @0.5 row with the peers.
load average at start / end: ${(results.machine.loadavg_start ?? "-").split(" ").slice(0, 3).join(" ")} / ${(results.machine.loadavg_end ?? "-").split(" ").slice(0, 3).join(" ")} (${results.machine.cpus} CPUs; other processes make times noisy)
`;
fs.writeFileSync(`${out}/models-results.json`, JSON.stringify(results, null, 1) + "\n");
fs.writeFileSync(`${out}/models-results.txt`, text);
process.stdout.write(text + `\nwritten: ${out}/models-results.json, ${out}/models-results.txt (logs in ${logs})\n`);
' "$OUT" "$LOGS" "$SPLITS" "$PY" "$FASTTEXT"
