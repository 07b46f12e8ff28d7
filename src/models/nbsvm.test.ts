import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CsrMatrix } from '../features/csr.js';
import { DEFAULT_TFIDF } from '../features/tfidf.js';
import { loadStarter } from '../test-support/starter-data.js';
import { DEFAULT_NORMALIZE } from '../text/normalize.js';
import { classifierConformance } from './conformance.js';
import { fitLogistic, linearScores, sigmoid } from './linear/logistic.js';
import { fitNbsvm, logCountRatio, nbsvm, nbsvmProba, type NbsvmOptions } from './nbsvm.js';

/** Rows: [a, b, c] counts; rows 0 and 1 positive, row 2 negative. */
const X: CsrMatrix = {
  rows: 3,
  cols: 3,
  indptr: Int32Array.from([0, 2, 3, 5]),
  indices: Int32Array.from([0, 1, 0, 1, 2]),
  data: Float32Array.from([1, 2, 1, 1, 3]),
};
const y = Uint8Array.from([1, 1, 0]);

test('log-count ratio is log((p/‖p‖₁) / (q/‖q‖₁)) with α added to every feature', () => {
  // α = 1: p = [1+2, 1+2, 1+0] = [3, 3, 1] (‖p‖ = 7); q = [1, 1+1, 1+3] = [1, 2, 4] (‖q‖ = 7).
  const r = logCountRatio(X, y, 1);
  const want = [Math.log(3 / 1), Math.log(3 / 2), Math.log(1 / 4)];
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(r[j] - want[j]) < 1e-6, `r[${j}] = ${r[j]}, want ${want[j]}`);
  // Row weights scale each row's contribution: row 0 twice → p = [4, 5, 1], ‖p‖ = 10.
  const w = logCountRatio(X, y, 1, Float32Array.from([2, 1, 1]));
  assert.ok(Math.abs(w[1] - Math.log(5 / 10 / (2 / 7))) < 1e-6);
});

test('fitNbsvm equals logistic regression on the ratio-scaled matrix', () => {
  const settings = { alpha: 1, C: 3, maxIter: 500, tol: 1e-9 };
  const { model } = fitNbsvm(X, { kind: 'single', y: Int32Array.from(y) }, 'binary', 1, settings);
  const r = logCountRatio(X, y, 1);
  const scaled: CsrMatrix = { ...X, data: X.data.map((v, p) => v * r[X.indices[p]]) };
  const ref = fitLogistic(scaled, { link: 'sigmoid', y, numOutputs: 1 }, { C: 3, maxIter: 500, tol: 1e-9 }).model;
  assert.deepEqual(model.ratios, r);
  assert.deepEqual(model.weights, ref.weights);
  assert.deepEqual(model.bias, ref.bias);
  // And scores fold r into w: z = Σ x·r·w + b.
  const z = linearScores(scaled, ref);
  const p = nbsvmProba(z, 3, 1, 'binary');
  for (let i = 0; i < 3; i++) assert.equal(p[i * 2 + 1] > 0.5, y[i] === 1);
});

test('multiclass probabilities are the one-vs-rest sigmoids normalized to sum 1', () => {
  const z = Float64Array.from([2, 0, -1, 0, 0, 0]);
  const p = nbsvmProba(z, 2, 3, 'multiclass');
  const s = [sigmoid(2), 0.5, sigmoid(-1)];
  const sum = s[0] + s[1] + s[2];
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(p[k] - s[k] / sum) < 1e-7);
  for (let k = 3; k < 6; k++) assert.ok(Math.abs(p[k] - 1 / 3) < 1e-7);
  const multi = nbsvmProba(z, 2, 3, 'multilabel');
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(multi[k] - s[k]) < 1e-7);
});

const OPTIONS: NbsvmOptions = {
  normalize: DEFAULT_NORMALIZE,
  tfidf: { ...DEFAULT_TFIDF, minDf: 1 },
  alpha: 1,
  binarize: true,
  C: 1,
  maxIter: 200,
  tol: 1e-4,
  classWeight: null,
};

test('state round-trip through fromState predicts identically (without the registry)', async () => {
  const train = loadStarter('train');
  const labels = [...new Set(train.map((r) => r.emotion))].sort();
  const fitted = await nbsvm.fit(
    { task: 'multiclass', labels, texts: train.map((r) => r.text), targets: { kind: 'single', y: Int32Array.from(train, (r) => labels.indexOf(r.emotion)) }, seed: 1 },
    OPTIONS,
  );
  const probe = loadStarter('dev').slice(0, 30).map((r) => r.text);
  const restored = nbsvm.fromState(structuredClone(fitted.toState()));
  assert.deepEqual(restored.predictProba(probe), fitted.predictProba(probe));
});

classifierConformance(nbsvm, OPTIONS);
classifierConformance(nbsvm, { ...OPTIONS, binarize: false, C: 10, alpha: 0.5, tfidf: { ...DEFAULT_TFIDF, minDf: 1, ngramRange: [1, 3] }, classWeight: 'balanced' });
