#!/usr/bin/env node
// Throughput of textclass's batched ONNX path (length-sorted batches, dynamic padding, token
// windows) against the naive use of transformers.js: pipeline('text-classification') called once
// per text. Both run here, one after the other, on the same texts, the same model file and the
// same onnxruntime thread count, after a warm-up each.
//
//   npm run build && node bench/onnx-throughput.mjs [--model DIR] [--texts N] [--threads T] [--batch B] [--rounds R]
//
// Default model: the committed tiny BERT fixture (test/fixtures/tiny-bert-classifier); texts:
// the starter data's, repeated to N. Prints texts/s of both and the ratio. Numbers depend on the
// machine and its load: they are printed, not asserted.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: path.join(root, 'test', 'fixtures', 'tiny-bert-classifier') },
    texts: { type: 'string', default: '2000' },
    threads: { type: 'string', default: '1' },
    batch: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
  },
});
const modelDir = path.resolve(values.model);
const n = Number(values.texts);
const threads = Number(values.threads);
const batchSize = Number(values.batch);
const rounds = Number(values.rounds);

const { parse } = await import('csv-parse/sync');
const starter = ['train', 'dev'].flatMap((s) => parse(fs.readFileSync(path.join(root, 'data', 'starter', `${s}.csv`), 'utf8'), { columns: true }).map((r) => r.text));
const texts = Array.from({ length: n }, (_, i) => starter[i % starter.length]);

const { fitOnnxModel } = await import(path.join(root, 'dist', 'onnx', 'fit.js'));
const { OnnxTextModel } = await import(path.join(root, 'dist', 'onnx', 'text-model.js'));
const { pipeline, env } = await import('@huggingface/transformers');

const config = JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8'));
const modelLabels = Object.keys(config.id2label).sort((a, b) => a - b).map((k) => config.id2label[k]);
const section = {
  type: 'onnx', path: modelDir, mode: 'classifier', window: { aggregate: 'mean' }, batch_size: batchSize, threads, quantized: false, device: 'cpu',
  allow_remote: false, embedding_cache: false, head: {}, combine_tfidf: 'none', class_weight: null, cache_dir: path.join(root, 'bench', 'out', 'onnx-cache'),
};
const ours = await fitOnnxModel(section, { task: 'multiclass', labels: modelLabels, texts: [], targets: { kind: 'single', y: new Int32Array(0) }, seed: 0 }, {}, null);

env.allowRemoteModels = false;
env.allowLocalModels = true;
const naive = await pipeline('text-classification', modelDir, { dtype: 'fp32', session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 } });

// How many texts the naive pipeline truncates (it keeps the first max_length tokens) and how many windows ours runs.
const tm = await OnnxTextModel.load({ source: { kind: 'local', dir: modelDir }, output: 'logits', cacheDir: section.cache_dir, allowRemote: false, quantized: false, batchSize, threads, device: 'cpu' });
const tokens = tm.tokenize(texts);
const windows = tm.windows(tokens).sequences.length;
const long = tokens.filter((t) => t.length > tm.plan.capacity).length;
await tm.dispose();

async function runOurs() {
  return ours.predictProbaAsync(texts);
}
async function runNaive() {
  const out = [];
  for (const t of texts) out.push(await naive(t, { top_k: null }));
  return out;
}

async function timed(fn) {
  await fn(); // warm-up (session creation, first-run allocations)
  const rates = [];
  let result;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    result = await fn();
    rates.push(texts.length / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { median: rates[Math.floor(rates.length / 2)], rates, result };
}

const a = await timed(runOurs);
const b = await timed(runNaive);
// The two agree on texts that fit in one window (the others the naive pipeline truncates).
let maxDiff = 0;
for (let i = 0; i < texts.length; i++) {
  if (tokens[i].length > tm.plan.capacity) continue;
  for (const { label, score } of b.result[i]) maxDiff = Math.max(maxDiff, Math.abs(score - a.result[i * modelLabels.length + modelLabels.indexOf(label)]));
}
console.log(`model ${path.relative(root, modelDir) || modelDir}, ${texts.length} texts (${long} longer than one window: ${windows} windows in all), threads ${threads}, batch ${batchSize}, median of ${rounds} rounds`);
console.log(`textclass batched      ${a.median.toFixed(0).padStart(8)} texts/s   (rounds: ${a.rates.map((r) => r.toFixed(0)).join(', ')})`);
console.log(`pipeline one at a time ${b.median.toFixed(0).padStart(8)} texts/s   (rounds: ${b.rates.map((r) => r.toFixed(0)).join(', ')})`);
console.log(`ratio                  ${(a.median / b.median).toFixed(2).padStart(8)}x`);
console.log(`largest score difference on texts within one window: ${maxDiff.toExponential(2)}`);
