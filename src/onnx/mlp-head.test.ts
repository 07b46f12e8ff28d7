import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TRAINING_CONTROLS, type TrainingControls } from '../models/classifier.js';
import { createRng } from '../util/random.js';
import { fitMlp, mlpProba } from './mlp-head.js';

/** Three Gaussian blobs in 4 dimensions, class k centred at 3·e_k. */
function blobs(n: number, seed: number): { X: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const X = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let d = 0; d < 4; d++) X[i * 4 + d] = (d === y[i] ? 3 : 0) + (rng() - 0.5) * 2;
  }
  return { X, y };
}

const labels = ['a', 'b', 'c'];
const accuracy = (proba: Float32Array, y: Int32Array): number => {
  let right = 0;
  for (let i = 0; i < y.length; i++) {
    const row = Array.from(proba.subarray(i * 3, i * 3 + 3));
    if (row.indexOf(Math.max(...row)) === y[i]) right++;
  }
  return right / y.length;
};

test('fitMlp learns separable classes; probabilities are rows summing to 1; seeded runs are identical', () => {
  const train = blobs(300, 1);
  const dev = blobs(150, 2);
  const fit = () => fitMlp({ task: 'multiclass', labels, X: train.X, targets: { kind: 'single', y: train.y } }, { hidden: 16, epochs: 10, lr: 0.05, seed: 7 }, DEFAULT_TRAINING_CONTROLS);
  const a = fit();
  const proba = mlpProba(a.weights, dev.X);
  assert.ok(accuracy(proba, dev.y) > 0.95, `accuracy ${accuracy(proba, dev.y)}`);
  for (let i = 0; i < dev.y.length; i++) assert.ok(Math.abs(proba[i * 3] + proba[i * 3 + 1] + proba[i * 3 + 2] - 1) < 1e-5);
  assert.deepEqual(mlpProba(fit().weights, dev.X), proba);
  assert.equal(a.trace.epochs.length, 10);
  assert.ok(a.trace.epochs[9].trainLoss < a.trace.epochs[0].trainLoss);
});

test('fitMlp: focal loss and multilabel sigmoids train too', () => {
  const train = blobs(300, 3);
  const focal: TrainingControls = { ...DEFAULT_TRAINING_CONTROLS, loss: 'focal', focalGamma: 2, focalAlpha: 0.25 };
  const f = fitMlp({ task: 'multiclass', labels, X: train.X, targets: { kind: 'single', y: train.y } }, { hidden: 16, epochs: 10, lr: 0.1, seed: 1 }, focal);
  assert.ok(accuracy(mlpProba(f.weights, train.X), train.y) > 0.9);
  const multi = new Uint8Array(300 * 3);
  for (let i = 0; i < 300; i++) multi[i * 3 + train.y[i]] = 1;
  const m = fitMlp({ task: 'multilabel', labels, X: train.X, targets: { kind: 'multi', y: multi, numLabels: 3 } }, { hidden: 16, epochs: 10, lr: 0.05, seed: 1 }, DEFAULT_TRAINING_CONTROLS);
  assert.equal(m.weights.link, 'sigmoid');
  const p = mlpProba(m.weights, train.X);
  let right = 0;
  for (let c = 0; c < p.length; c++) if ((p[c] >= 0.5 ? 1 : 0) === multi[c]) right++;
  assert.ok(right / p.length > 0.95, `${right / p.length}`);
});

test('fitMlp with early stopping keeps the best epoch on dev', () => {
  const train = blobs(120, 4);
  const dev = blobs(60, 5);
  const controls: TrainingControls = { ...DEFAULT_TRAINING_CONTROLS, lrSchedule: 'constant', earlyStopping: { metric: 'loss', patience: 2, minDelta: 0 } };
  // A learning rate this high overfits and oscillates, so dev loss stops improving early.
  const r = fitMlp(
    { task: 'multiclass', labels, X: train.X, targets: { kind: 'single', y: train.y }, validation: { X: dev.X, targets: { kind: 'single', y: dev.y } } },
    { hidden: 32, epochs: 60, lr: 0.5, seed: 3 },
    controls,
  );
  const devLosses = r.trace.epochs.map((e) => e.dev!);
  assert.equal(r.trace.bestEpoch, devLosses.indexOf(Math.min(...devLosses)) + 1);
  if (r.trace.stoppedEarly) assert.equal(r.trace.epochs.length, r.trace.bestEpoch + 2);
});
