#!/usr/bin/env bash
# Issue 4's last accuracy row: on data in a language textclass was not tuned for, a recipe that
# names only its files and columns must reach at least the macro-F1 of the best of fastText's and
# scikit-learn's defaults. For each dataset below, the train/dev rows exported by
# bench/export-splits.mjs become a plain CSV pair (text,label); textclass trains on it with a
# four-line recipe (no task, no format, no features, no model: all filled in from the files and
# the defaults) and the peers run with their own defaults (bench/peers_defaults.py), side by side.
#
#   bash bench/minimal-recipe.sh [dataset ...]     (default: korean-emotion4 chnsenticorp tickets-category)
#
# Needs `npm run build`, the exported splits (node bench/export-splits.mjs), Debian's python3 with
# scikit-learn and the fastText CLI. Writes bench/out/minimal/ (CSV pairs, recipes, models, results.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
SETS=("$@")
[ ${#SETS[@]} -gt 0 ] || SETS=(korean-emotion4 chnsenticorp tickets-category)
OUT=bench/out/minimal
mkdir -p "$OUT"
PY="${BENCH_PYTHON:-/usr/bin/python3}"
results="$OUT/results.txt"
printf '| dataset | textclass (minimal recipe) | sklearn LR | sklearn LinearSVC | sklearn ComplementNB | fastText | best peer | textclass − best peer |\n|---|---:|---:|---:|---:|---:|---|---:|\n' > "$results.tmp"
for name in "${SETS[@]}"; do
  split="bench/out/splits/$name"
  [ -f "$split/train.jsonl" ] || { echo "minimal-recipe: $split/train.jsonl not found; run node bench/export-splits.mjs $name" >&2; exit 1; }
  node --input-type=module -e '
    import fs from "node:fs";
    const [split, out, name] = process.argv.slice(1);
    const cell = (s) => `"${s.replace(/"/g, "\"\"")}"`;
    for (const part of ["train", "dev"]) {
      const rows = fs.readFileSync(`${split}/${part}.jsonl`, "utf8").trim().split("\n").map((l) => JSON.parse(l));
      if (rows.some((r) => r.labels.length !== 1)) throw new Error(`${split}/${part}.jsonl: single-label data only`);
      fs.writeFileSync(`${out}/${name}-${part}.csv`, "text,label\n" + rows.map((r) => `${cell(r.text)},${cell(r.labels[0])}`).join("\n") + "\n");
    }' "$split" "$OUT" "$name"
  printf 'name: %s-minimal\ndata:\n  train: %s-train.csv\n  dev: %s-dev.csv\n  text_field: text\n  label_field: label\n' "$name" "$name" "$name" > "$OUT/$name.yaml"
  node bin/textclass.js train "$OUT/$name.yaml" --data-dir "$OUT" --out "$OUT/model-$name" --quiet --no-track > /dev/null
  tc=$(node -e 'console.log(require(process.argv[1]).metrics.dev.macro_f1.toFixed(4))' "$PWD/$OUT/model-$name/manifest.json")
  peers=$("$PY" bench/peers_defaults.py "$OUT" "$name")
  node -e '
    const [name, tc, peers] = process.argv.slice(1);
    const p = JSON.parse(peers);
    const best = Object.entries(p).sort((a, b) => b[1] - a[1])[0];
    const f = (v) => v.toFixed(4);
    console.log(`| ${name} | ${tc} | ${f(p["sklearn-lr"])} | ${f(p["sklearn-linearsvc"])} | ${f(p["sklearn-cnb"])} | ${f(p.fasttext)} | ${best[0]} | ${(Number(tc) - best[1] >= 0 ? "+" : "")}${(Number(tc) - best[1]).toFixed(4)} |`);
  ' "$name" "$tc" "$peers" >> "$results.tmp"
done
mv "$results.tmp" "$results"
cat "$results"
echo "macro-F1 on each dataset's dev rows; written: $results"
