#!/usr/bin/env node
// Throughput of an exported ONNX model in onnxruntime-node (featurize with featurize-for-onnx +
// session.run, batched) against textclass's own predictProba, in one process, on the same IMDB
// reviews; also the largest |p_onnx − p_ours| over all of them.
//
//   npm run build && node bench/onnx-export.mjs [--model <modelDir>] [--texts N] [--batch B] [--data-dir D]
//
// Without --model it trains recipes/imdb.yaml (NB-SVM 1-3-grams, isotonic calibration) into
// bench/out/onnx/imdb-model first (a few minutes) and reuses it on later runs. The export goes to
// bench/out/onnx/export. Reviews: the first N/2 files (by name) of aclImdb/train/pos and of neg.
// Everything runs single-process; onnxruntime is measured with 1 intra-op thread (like our one JS
// thread) and with its default thread count.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    texts: { type: 'string', default: '5000' },
    batch: { type: 'string', default: '256' },
    'data-dir': { type: 'string', default: path.resolve(ROOT, '../shared/datasets') },
    rounds: { type: 'string', default: '5' },
  },
});
const N = Number(values.texts);
const B = Number(values.batch);
const ROUNDS = Number(values.rounds);
const OUT = path.join(ROOT, 'bench', 'out', 'onnx');
fs.mkdirSync(OUT, { recursive: true });

const { loadModel } = await import(path.join(ROOT, 'dist/persist/model-dir.js'));
const { writeOnnxExport } = await import(path.join(ROOT, 'dist/export/export-onnx.js'));
const { OnnxFeaturizer } = await import(path.join(ROOT, 'dist/export/featurize-for-onnx.js'));
const { loadOrt, runExported } = await import(path.join(ROOT, 'dist/export/onnx-session.js'));
const ort = loadOrt();

let modelDir = values.model;
if (!modelDir) {
  modelDir = path.join(OUT, 'imdb-model');
  if (!fs.existsSync(path.join(modelDir, 'manifest.json'))) {
    console.log(`training recipes/imdb.yaml into ${modelDir} (once) ...`);
    const r = spawnSync(process.execPath, ['bin/textclass.js', 'train', 'recipes/imdb.yaml', '--out', modelDir, '--data-dir', values['data-dir']], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

const reviewsDir = path.join(values['data-dir'], 'imdb', 'aclImdb', 'train');
const texts = [];
for (const label of ['pos', 'neg']) {
  const dir = path.join(reviewsDir, label);
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort().slice(0, Math.ceil(N / 2))) texts.push(fs.readFileSync(path.join(dir, f), 'utf8'));
}
const chars = texts.reduce((s, t) => s + t.length, 0);

const loadBefore = os.loadavg();
const exportDir = path.join(OUT, 'export');
const t0 = performance.now();
const written = writeOnnxExport(modelDir, exportDir);
const exportSeconds = (performance.now() - t0) / 1000;
const model = loadModel(modelDir);
const featurizer = OnnxFeaturizer.load(exportDir);
const onnxFile = path.join(exportDir, 'model.onnx');

function batches() {
  const out = [];
  for (let i = 0; i < texts.length; i += B) out.push(texts.slice(i, i + B));
  return out;
}

/**
 * Every path once per round, interleaved, after one untimed warm-up pass each: on a busy machine
 * load then hits all paths alike. Each path's best round is reported.
 */
async function measureAll(paths) {
  const best = Object.fromEntries(Object.keys(paths).map((k) => [k, Infinity]));
  for (const fn of Object.values(paths)) await fn();
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn] of Object.entries(paths)) {
      const start = performance.now();
      await fn();
      best[name] = Math.min(best[name], (performance.now() - start) / 1000);
    }
  }
  return best;
}

const sessions = {
  1: await ort.InferenceSession.create(onnxFile, { intraOpNumThreads: 1, interOpNumThreads: 1 }),
  default: await ort.InferenceSession.create(onnxFile),
};
const features = batches().map((b) => featurizer.featurize(b));
const best = await measureAll({
  ours: async () => {
    for (const b of batches()) model.classifier.predictProba(b);
  },
  featurize: async () => {
    for (const b of batches()) featurizer.featurize(b);
  },
  run1: async () => {
    for (const x of features) await runExported(ort, sessions[1], x);
  },
  total1: async () => {
    for (const b of batches()) await runExported(ort, sessions[1], featurizer.featurize(b));
  },
  runDefault: async () => {
    for (const x of features) await runExported(ort, sessions.default, x);
  },
  totalDefault: async () => {
    for (const b of batches()) await runExported(ort, sessions.default, featurizer.featurize(b));
  },
});
const oursSeconds = best.ours;
const featurizeSeconds = best.featurize;
const results = [
  { threads: 1, runSeconds: best.run1, totalSeconds: best.total1 },
  { threads: 'default', runSeconds: best.runDefault, totalSeconds: best.totalDefault },
];

// Agreement over every text, untimed.
let maxDiff = 0;
for (const b of batches()) {
  const ours = model.classifier.predictProba(b);
  const p = await runExported(ort, sessions[1], featurizer.featurize(b));
  for (let j = 0; j < ours.length; j++) maxDiff = Math.max(maxDiff, Math.abs(ours[j] - p[j]));
}
const loadAfter = os.loadavg();

const rate = (s) => Math.round(texts.length / s);
const lines = [
  `model: ${modelDir} (${model.manifest.model.type}, ${model.manifest.task}, calibration ${model.manifest.calibration?.method ?? 'none'}); export ${written.files.map((f) => `${f.name} ${(f.bytes / 1048576).toFixed(1)} MiB`).join(', ')} in ${exportSeconds.toFixed(1)} s`,
  `texts: ${texts.length} IMDB reviews (${Math.round(chars / texts.length)} chars on average), batches of ${B}, best of ${ROUNDS}; node ${process.version}, onnxruntime-node ${ort.env.versions?.common ?? ''}, ${os.cpus().length} cpus, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} at start, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} at end`,
  '',
  '| path | texts/s | seconds |',
  '|---|---:|---:|',
  `| textclass predictProba (featurize + score) | ${rate(oursSeconds)} | ${oursSeconds.toFixed(2)} |`,
  `| featurize-for-onnx alone | ${rate(featurizeSeconds)} | ${featurizeSeconds.toFixed(2)} |`,
  ...results.flatMap((r) => [
    `| onnxruntime run alone (${r.threads} thread${r.threads === 1 ? '' : 's'}) | ${rate(r.runSeconds)} | ${r.runSeconds.toFixed(2)} |`,
    `| ONNX featurize + run (${r.threads} thread${r.threads === 1 ? '' : 's'}) | ${rate(r.totalSeconds)} | ${r.totalSeconds.toFixed(2)} |`,
  ]),
  '',
  ...results.map((r) => `ratio ONNX (featurize + run, ${r.threads} threads) / textclass predictProba: ${(oursSeconds / r.totalSeconds).toFixed(2)}x texts/s`),
  `max |p_onnx − p_ours| over ${texts.length * model.manifest.labels.length} scores: ${maxDiff.toExponential(2)}`,
];
const report = lines.join('\n') + '\n';
process.stdout.write(report);
fs.writeFileSync(path.join(OUT, 'results.txt'), report);
