#!/usr/bin/env node
// Exports the train/dev data of use-case recipes exactly as `textclass train` sees it, so that
// textclass and its peers (bench/peers.py) train and score on identical rows.
//
// For each recipe it calls textclass's own `loadRecipe` + `prepareData` (from dist/: reader,
// label rules, dialog targets, dev/test splits, sampling) and writes
//
//   <out>/<recipe>/train.jsonl   the *sampled* training rows, i.e. what textclass fits on
//   <out>/<recipe>/dev.jsonl     the dev rows (label rules applied, never resampled)
//   <out>/<recipe>/meta.json     task, labels (the model's label order), positive label (binary),
//                                counts, where the parts came from, the script of the training text
//                                and the analyzer textclass resolves for it, and the resolved recipe
//
// One JSON object per line: {"text": ..., "labels": [...]}. Texts are written as the reader returns
// them (title + body joined, dialog context prepended), *not* normalized: each tool preprocesses
// them its own way.
//
// IMDB has no dev file; it uses the movie-grouped split of bench/imdb-split.mjs (data.train =
// <imdb-split>/train, data.dev = <imdb-split>/test), which must exist (bench/models.sh builds it).
//
// Usage: node bench/export-splits.mjs [--data-dir ../shared/datasets] [--out bench/out/splits]
//          [--imdb-split bench/out/imdb-split] [recipe ...]
// Needs `npm run build` first. Default recipes: see DEFAULT_RECIPES.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_RECIPES = ['goemotions', 'goemotions-ekman', 'imdb', 'dailydialog-next', 'korean-emotion4', 'tickets-category', 'tickets-type', 'chnsenticorp'];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'data-dir': { type: 'string', default: path.resolve(repoRoot, '../shared/datasets') },
    out: { type: 'string', default: path.join(repoRoot, 'bench/out/splits') },
    'imdb-split': { type: 'string', default: path.join(repoRoot, 'bench/out/imdb-split') },
  },
});
const dataDir = path.resolve(values['data-dir']);
const outRoot = path.resolve(values.out);
const imdbSplit = path.resolve(values['imdb-split']);
const recipes = positionals.length > 0 ? positionals : DEFAULT_RECIPES;

const dist = (p) => import(path.join(repoRoot, 'dist', p));
const { loadRecipe } = await dist('recipe/load.js');
const { prepareData } = await dist('train/prepare-data.js');
const { resolveFeatures } = await dist('train/text-defaults.js');

/** Recipe overrides per recipe name (--set key=value, as the CLI takes them). */
function overridesFor(name) {
  if (name !== 'imdb') return [];
  for (const side of ['train', 'test']) {
    if (!fs.existsSync(path.join(imdbSplit, side))) throw new Error(`imdb: ${imdbSplit}/${side} not found; run node bench/imdb-split.mjs first`);
  }
  return [`data.train=${path.join(imdbSplit, 'train')}`, `data.dev=${path.join(imdbSplit, 'test')}`];
}

async function writeJsonl(file, examples) {
  const out = fs.createWriteStream(file);
  let buf = '';
  for (const e of examples) {
    buf += JSON.stringify({ text: e.text, labels: e.labels }) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise((resolve, reject) => out.on('finish', resolve).on('error', reject));
}

const countLabels = (rows) => {
  const c = {};
  for (const e of rows) for (const l of e.labels) c[l] = (c[l] ?? 0) + 1;
  return c;
};

for (const name of recipes) {
  const file = fs.existsSync(name) ? name : path.join(repoRoot, 'recipes', `${name}.yaml`);
  const overrides = overridesFor(name);
  const recipe = loadRecipe(file, overrides);
  const t0 = performance.now();
  const p = await prepareData(recipe, dataDir, { onBadRow: recipe.data.on_bad_row });
  if (p.dev.length === 0) throw new Error(`${name}: the recipe has no dev data (dev file or dev_split)`);
  const resolved = resolveFeatures(recipe.features, p.train.map((e) => e.text));
  const dir = path.join(outRoot, recipe.name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  await writeJsonl(path.join(dir, 'train.jsonl'), p.train);
  await writeJsonl(path.join(dir, 'dev.jsonl'), p.dev);
  const meta = {
    recipe: recipe.name,
    recipe_file: path.relative(repoRoot, path.resolve(file)),
    overrides,
    task: recipe.task,
    labels: p.labels,
    positive_label: recipe.task === 'binary' ? p.labels[1] : null,
    n_train: p.train.length,
    n_train_unsampled: p.unsampledTrain.length,
    n_dev: p.dev.length,
    n_test_not_exported: p.test.length,
    train_label_counts: countLabels(p.train),
    dev_label_counts: countLabels(p.dev),
    origin: p.origin,
    skipped_rows: p.skipped.length,
    dropped_rows: Object.fromEntries(p.dropped),
    sampling: p.sampling,
    script: resolved.script,
    analyzer: resolved.analyzer,
    ngram_range: resolved.ngramRange,
    // The resolved recipe (schema defaults filled in): the textclass side copies preprocessing,
    // features, model, training and evaluation from here.
    resolved_recipe: recipe,
  };
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 1) + '\n');
  process.stdout.write(
    `${recipe.name}: ${p.train.length} train (${p.unsampledTrain.length} before sampling), ${p.dev.length} dev, ` +
      `${p.labels.length} labels, ${resolved.script} text -> ${resolved.analyzer} ${resolved.ngramRange.join('-')} ` +
      `(${((performance.now() - t0) / 1000).toFixed(1)} s) -> ${path.relative(repoRoot, dir)}\n`,
  );
}
