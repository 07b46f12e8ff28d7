/**
 * An honest estimate of a multilabel model's macro-F1 with tuned thresholds: thresholds tuned
 * on one half of the dev data are scored on the other half, and the halves swapped (2-fold,
 * seeded, repeated), with the model's own tuning settings. Tuning and scoring on the same dev rows, as `train` reports it, is optimistic.
 *
 *   node dist/bench/heldout-thresholds.js <modelDir> <devFile> [repeats]
 */
import { encodeTargets } from '../data/labels.js';
import { loadExamples } from '../data/dataset.js';
import { predictInBatches, scoreReport } from '../eval/evaluate.js';
import { shrinkThresholds, tuneThresholds } from '../eval/thresholds.js';
import type { Recipe } from '../recipe/schema.js';
import { dataSpecOf, loadModel } from '../persist/model-dir.js';
import { createRng, shuffleInPlace } from '../util/random.js';

const [modelDir, devFile, repeatsArg] = process.argv.slice(2);
if (!modelDir || !devFile) {
  console.error('usage: node dist/bench/heldout-thresholds.js <modelDir> <devFile> [repeats]');
  process.exit(2);
}
const { manifest, classifier } = loadModel(modelDir);
// The model's own label rules apply (goemotions-ekman maps 28 labels to 7), as in `eval`.
const { examples } = await loadExamples(devFile, dataSpecOf(manifest));
const labels = manifest.labels;
const K = labels.length;
const targets = encodeTargets(examples, labels, 'multilabel');
if (targets.kind !== 'multi') throw new Error('multilabel models only');
const proba = predictInBatches(classifier, examples.map((e) => e.text));

const pick = (rows: Int32Array) => {
  const y = new Uint8Array(rows.length * K);
  const p = new Float32Array(rows.length * K);
  rows.forEach((r, i) => {
    y.set(targets.y.subarray(r * K, (r + 1) * K), i * K);
    p.set(proba.subarray(r * K, (r + 1) * K), i * K);
  });
  return { y, p, n: rows.length };
};

const fixed = scoreReport('multilabel', labels, targets, proba, { kind: 'thresholds', thresholds: labels.map(() => 0.5), tunedOn: 'none' });
const scores: number[] = [];
const repeats = Number(repeatsArg ?? 5);
for (let rep = 0; rep < repeats; rep++) {
  const order = Int32Array.from(examples.keys());
  shuffleInPlace(order, createRng(1000 + rep));
  const half = Math.floor(order.length / 2);
  const folds = [order.slice(0, half), order.slice(half)];
  for (let f = 0; f < 2; f++) {
    const tune = pick(folds[f]);
    const test = pick(folds[1 - f]);
    const ev = (manifest.recipe as unknown as Recipe).evaluation;
    const tuned = tuneThresholds(tune.y, tune.p, tune.n, K);
    const thresholds = Array.from(shrinkThresholds(tuned, tune.y, tune.n, K, ev.threshold, ev.threshold_prior_strength));
    const r = scoreReport('multilabel', labels, { kind: 'multi', y: test.y, numLabels: K }, test.p, { kind: 'thresholds', thresholds, tunedOn: 'dev' });
    scores.push(r.macro_f1);
  }
}
const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (scores.length - 1));
console.log(JSON.stringify({ model: manifest.name, n: examples.length, macro_f1_at_0_5: fixed.macro_f1, macro_f1_tuned_heldout_mean: mean, macro_f1_tuned_heldout_sd: sd, folds: scores.length }));
