#!/usr/bin/env node
/**
 * textclass's fastText-style model next to the fastText CLI, in one run, on the splits that
 * bench/models.sh exports (bench/out/splits/<dataset>/{train,dev}.jsonl + meta.json):
 *
 *   node bench/fasttext-peer.mjs [--datasets goemotions,imdb] [--builds DIR[,DIR...]] [--rounds N]
 *                                [--set key=value ...] [--no-cli]
 *
 * For each dataset and round: every textclass build (a checkout with a built dist/, default this
 * one; give an old copy too to compare builds: they run alternately, so the machine's load hits
 * both alike) trains the recipe of the split with model.type=fasttext (the recipe's preprocessing
 * and class_weight, fastText defaults otherwise, as bench/models.sh's "fasttext" variant), then a
 * fresh process loads the model and times predictInBatches(classifier, dev, 4096) exactly as
 * models.sh does ("predict docs/s": one pass over dev, the first texts of which run before V8 has
 * compiled the code), and another fresh process times dev repeated to >= 50,000 texts in one
 * call ("docs/s, 50k"), which is how bench/peers.py measures the fastText CLI (its dev file
 * repeated to >= 50,000 lines, the model load subtracted). The CLI runs through bench/peers.py (the
 * same command, decision rule and net-of-load throughput as models.sh).
 *
 * Metric: the use case's main one (macro-F1 for multilabel at the fixed 0.5 threshold with the
 * top-label fallback, accuracy otherwise), computed by textclass's own scoreReport from the
 * predictions; train s = the whole `textclass train` / `fasttext supervised` process.
 * Output: a table per dataset, ratios against the CLI (metric difference, train time ratio,
 * throughput ratio), load average at start and end. Models are written under a temp folder and
 * deleted. Nothing is written to bench/out.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function parseArgs(argv) {
  const o = { datasets: ['goemotions', 'imdb'], builds: [ROOT], rounds: 1, sets: [], cli: true, splits: path.join(ROOT, 'bench/out/splits') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--datasets') o.datasets = next().split(',').filter(Boolean);
    else if (a === '--builds') o.builds = next().split(',').filter(Boolean).map((b) => path.resolve(b));
    else if (a === '--rounds') o.rounds = Number(next());
    else if (a === '--set') o.sets.push(next());
    else if (a === '--splits') o.splits = path.resolve(next());
    else if (a === '--no-cli') o.cli = false;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(fs.readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0] + '*/\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (see --help)`);
  }
  if (!(Number.isInteger(o.rounds) && o.rounds >= 1)) throw new Error('--rounds must be a positive integer');
  for (const b of o.builds) if (!fs.existsSync(path.join(b, 'dist/persist/model-dir.js'))) throw new Error(`${b}: no built dist/ (run npx tsc -p tsconfig.json there)`);
  return o;
}

/** The textclass recipe for an exported split, as bench/models.sh's gen_recipe writes it for model.type=fasttext. */
function recipeFor(meta, split, sets) {
  const r = meta.resolved_recipe;
  const data = { format: 'jsonl', train: `${split}/train.jsonl`, dev: `${split}/dev.jsonl`, text_field: 'text', label_field: 'labels' };
  if (r.task === 'binary') data.positive_label = meta.positive_label;
  const model = { type: 'fasttext', class_weight: r.model.class_weight };
  const extra = meta.analyzer === 'char' || meta.analyzer === 'char_wb' ? ['model.minn=2', 'model.maxn=4'].filter((s) => !sets.some((x) => x.startsWith(s.split('=')[0]))) : [];
  return {
    recipe: { name: r.name, description: `${r.name} on exported splits (bench/fasttext-peer.mjs)`, task: r.task, data, preprocessing: r.preprocessing, features: r.features, model, training: r.training, evaluation: r.evaluation },
    sets: [...sets, ...extra],
  };
}

// Runs in a fresh process of the build under test: load, then either time one pass over dev and
// score it at 0.5 ("dev"), or time dev repeated to >= 50,000 texts ("many", as peers.py times the CLI).
const PREDICT_JS = `
import fs from "node:fs";
import path from "node:path";
const [root, modelDir, devFile, mode] = process.argv.slice(1);
const { loadModel } = await import(path.join(root, "dist/persist/model-dir.js"));
const { predictInBatches, scoreReport } = await import(path.join(root, "dist/eval/evaluate.js"));
const rows = fs.readFileSync(devFile, "utf8").split("\\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
const texts = rows.map((r) => r.text);
let t = performance.now();
const { classifier } = loadModel(modelDir);
const load = (performance.now() - t) / 1000;
if (mode === "many") {
  const many = [];
  while (many.length < 50000) many.push(...texts);
  t = performance.now();
  predictInBatches(classifier, many, 4096);
  console.log(JSON.stringify({ n: many.length, docs_per_second: many.length / ((performance.now() - t) / 1000) }));
  process.exit(0);
}
t = performance.now();
const proba = predictInBatches(classifier, texts, 4096);
const predict = (performance.now() - t) / 1000;
const labels = classifier.labels;
const K = labels.length;
const index = new Map(labels.map((l, k) => [l, k]));
let targets, decision;
if (classifier.task === "multilabel") {
  const y = new Uint8Array(rows.length * K);
  rows.forEach((r, i) => { for (const l of r.labels) y[i * K + index.get(l)] = 1; });
  targets = { kind: "multi", y, numLabels: K };
  decision = { kind: "thresholds", thresholds: labels.map(() => 0.5), tunedOn: "none" };
} else {
  targets = { kind: "single", y: Int32Array.from(rows, (r) => index.get(r.labels[0])) };
  decision = { kind: "argmax" };
}
const rep = scoreReport(classifier.task, labels, targets, proba, decision);
console.log(JSON.stringify({ n: texts.length, load_seconds: load, predict_seconds: predict, docs_per_second: texts.length / predict,
  accuracy: rep.accuracy, macro_f1: rep.macro_f1, micro_f1: rep.micro_f1 }));
`;

function runTextclass(build, dataset, split, meta, sets, tmp) {
  const { recipe, sets: allSets } = recipeFor(meta, split, sets);
  const recipeFile = path.join(tmp, `${dataset}.recipe.json`);
  fs.writeFileSync(recipeFile, JSON.stringify(recipe, null, 1) + '\n');
  const modelDir = path.join(tmp, `${dataset}-model`);
  fs.rmSync(modelDir, { recursive: true, force: true });
  const args = [path.join(build, 'bin/textclass.js'), 'train', recipeFile, '--out', modelDir, ...allSets.flatMap((s) => ['--set', s])];
  const t0 = performance.now();
  const tr = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const trainSeconds = (performance.now() - t0) / 1000;
  if (tr.status !== 0) throw new Error(`${build}: textclass train ${dataset} exited ${tr.status}:\n${(tr.stderr || tr.stdout).slice(-3000)}`);
  const predict = (mode) => {
    const pr = spawnSync(process.execPath, ['--input-type=module', '-e', PREDICT_JS, build, modelDir, `${split}/dev.jsonl`, mode], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (pr.status !== 0) throw new Error(`${build}: predict ${dataset} (${mode}) exited ${pr.status}:\n${pr.stderr.slice(-3000)}`);
    return JSON.parse(pr.stdout.trim().split('\n').pop());
  };
  const dev = predict('dev');
  const many = predict('many');
  fs.rmSync(modelDir, { recursive: true, force: true });
  return { train_seconds: trainSeconds, ...dev, many_docs_per_second: many.docs_per_second };
}

function runCli(split, tmp) {
  const out = execFileSync('/usr/bin/python3', [path.join(ROOT, 'bench/peers.py'), split, 'fasttext', '--fasttext', '/usr/bin/fasttext', '--tmp', tmp], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const j = JSON.parse(out.trim().split('\n').pop());
  // peers.py's docs_per_second is already over dev repeated to >= 50,000 lines, net of the model load.
  return { train_seconds: j.train_seconds, docs_per_second: j.docs_per_second, many_docs_per_second: j.docs_per_second, accuracy: j.accuracy, macro_f1: j.macro_f1, micro_f1: j.micro_f1 };
}

const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

const opts = parseArgs(process.argv.slice(2));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fasttext-peer-'));
const startLoad = loadavg();
let text = '';
try {
  for (const dataset of opts.datasets) {
    const split = path.join(opts.splits, dataset);
    const meta = JSON.parse(fs.readFileSync(path.join(split, 'meta.json'), 'utf8'));
    const metric = meta.task === 'multilabel' ? 'macro_f1' : 'accuracy';
    const results = new Map();
    const add = (name, r) => {
      if (!results.has(name)) results.set(name, []);
      results.get(name).push(r);
    };
    for (let round = 0; round < opts.rounds; round++) {
      // Alternate the order of builds each round, and put the CLI in between.
      const order = round % 2 === 0 ? opts.builds : [...opts.builds].reverse();
      order.forEach((b, i) => {
        process.stderr.write(`fasttext-peer: ${dataset} round ${round + 1}: textclass ${b}\n`);
        add(`textclass ${b}`, runTextclass(b, dataset, split, meta, opts.sets, tmp));
        if (opts.cli && i === 0) {
          process.stderr.write(`fasttext-peer: ${dataset} round ${round + 1}: fastText CLI\n`);
          add('fastText CLI', runCli(split, tmp));
        }
      });
    }
    const cli = results.get('fastText CLI');
    const cliM = cli ? mean(cli.map((r) => r[metric])) : null;
    const cliT = cli ? mean(cli.map((r) => r.train_seconds)) : null;
    const cliD = cli ? mean(cli.map((r) => r.docs_per_second)) : null;
    const head = ['', metric, 'train s', 'predict docs/s', 'docs/s, 50k', ...(cli ? [`${metric} − CLI`, 'train / CLI', 'docs/s / CLI', '50k / CLI'] : [])];
    const body = [...results].map(([name, rs]) => {
      const m = mean(rs.map((r) => r[metric]));
      const t = mean(rs.map((r) => r.train_seconds));
      const d = mean(rs.map((r) => r.docs_per_second));
      const w = mean(rs.map((r) => r.many_docs_per_second));
      const spread = (xs, f) => (xs.length > 1 ? ` (${xs.map(f).join('/')})` : '');
      return [
        name,
        m.toFixed(4) + spread(rs.map((r) => r[metric]), (x) => x.toFixed(4)),
        t.toFixed(2) + spread(rs.map((r) => r.train_seconds), (x) => x.toFixed(2)),
        Math.round(d).toLocaleString('en-US') + spread(rs.map((r) => r.docs_per_second), (x) => Math.round(x / 1000) + 'k'),
        Math.round(w).toLocaleString('en-US') + spread(rs.map((r) => r.many_docs_per_second), (x) => Math.round(x / 1000) + 'k'),
        ...(cli ? [(m - cliM >= 0 ? '+' : '') + (m - cliM).toFixed(4), (t / cliT).toFixed(2), (d / cliD).toFixed(2), (w / cliD).toFixed(2)] : []),
      ];
    });
    const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (c) => '| ' + c.map((s, i) => (i === 0 ? s.padEnd(w[i]) : s.padStart(w[i]))).join(' | ') + ' |';
    text += `\n${dataset} (${meta.task}, ${meta.labels.length} labels, ${meta.n_train} train / ${meta.n_dev} dev; textclass: recipe ${meta.recipe} + model.type=fasttext${opts.sets.length ? ' ' + opts.sets.join(' ') : ''}; ${opts.rounds} round(s), means)\n`;
    text += line(head) + '\n|' + w.map((n, i) => (i === 0 ? '-'.repeat(n + 2) : '-'.repeat(n + 1) + ':')).join('|') + '|\n' + body.map(line).join('\n') + '\n';
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
text += `
predict docs/s: textclass = one pass over dev in a fresh process (as bench/models.sh); fastText CLI = dev repeated to
  >= 50,000 lines, model load subtracted (bench/peers.py). docs/s, 50k: textclass over dev repeated to >= 50,000 texts
  in a fresh process (the CLI's way of measuring; the CLI column repeats its one figure). Ratios are of means.
load average (1/5/15 min) at start: ${startLoad}; at end: ${loadavg()}; ${os.cpus().length} CPUs, node ${process.version}
`;
process.stdout.write(text);
