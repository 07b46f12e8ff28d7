import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DEFAULT_TFIDF } from '../features/tfidf.js';
import { loadStarter } from '../test-support/starter-data.js';
import { DEFAULT_NORMALIZE } from '../text/normalize.js';
import { classifierConformance } from './conformance.js';
import { DEFAULT_SVM_CALIBRATION, DEFAULT_SVM_OPTIONS, tfidfSvm, TfidfSvmClassifier, type TfidfSvmOptions } from './tfidf-svm.js';

const base: TfidfSvmOptions = {
  normalize: DEFAULT_NORMALIZE,
  tfidf: { ...DEFAULT_TFIDF, minDf: 1 },
  svm: DEFAULT_SVM_OPTIONS,
  calibration: DEFAULT_SVM_CALIBRATION,
  classWeight: null,
};

classifierConformance(tfidfSvm, base);
classifierConformance(tfidfSvm, {
  ...base,
  tfidf: { ...DEFAULT_TFIDF, minDf: 1, ngramRange: [1, 3] },
  svm: { ...DEFAULT_SVM_OPTIONS, loss: 'hinge', C: 0.5 },
  calibration: { method: 'sigmoid', folds: 5 },
  classWeight: 'balanced',
});

const train = loadStarter('train');
const dev = loadStarter('dev');
const emotions = [...new Set(train.map((r) => r.emotion))].sort();
const fitEmotions = (options: TfidfSvmOptions = base, seed = 7): Promise<TfidfSvmClassifier> =>
  tfidfSvm.fit(
    { task: 'multiclass', labels: emotions, texts: train.map((r) => r.text), targets: { kind: 'single', y: Int32Array.from(train, (r) => emotions.indexOf(r.emotion)) }, seed },
    options,
  ) as Promise<TfidfSvmClassifier>;

// The conformance suite restores through the registry; this checks the factory's own fromState.
test('tfidf-svm: fromState restores a model that predicts identically', async () => {
  const fitted = await fitEmotions();
  const restored = tfidfSvm.fromState(structuredClone(fitted.toState()));
  const texts = dev.slice(0, 30).map((r) => r.text);
  assert.deepEqual(restored.predictProba(texts), fitted.predictProba(texts));
  const state = fitted.toState();
  assert.equal(state.arrays.calibA.length, emotions.length);
  assert.ok(state.arrays.calibA instanceof Float64Array);
});

test('tfidf-svm: calibrated probabilities follow the decision values and beat chance on dev', async () => {
  const fitted = await fitEmotions();
  const texts = dev.map((r) => r.text);
  const d = fitted.decisionFunction(texts);
  const p = fitted.predictProba(texts);
  const K = emotions.length;
  let hits = 0;
  for (let i = 0; i < texts.length; i++) {
    let bestD = 0;
    for (let k = 1; k < K; k++) if (d[i * K + k] > d[i * K + bestD]) bestD = k;
    hits += Number(emotions[bestD] === dev[i].emotion);
  }
  assert.ok(hits / texts.length > 1.5 / K, `dev accuracy ${hits / texts.length}`);
  // Each sigmoid is increasing in its decision value (A < 0) once the SVM has learned anything.
  const A = fitted.toState().arrays.calibA;
  for (const a of A) assert.ok(a < 0, `A = ${a}`);
  for (const v of p) assert.ok(v >= 0 && v <= 1);
});

test('tfidf-svm: the seed changes the folds but not the final SVM', async () => {
  const a = await fitEmotions(base, 7);
  const b = await fitEmotions(base, 8);
  const wa = a.toState().arrays.weights;
  const wb = b.toState().arrays.weights;
  let worst = 0;
  for (let j = 0; j < wa.length; j++) worst = Math.max(worst, Math.abs(wa[j] - wb[j]));
  assert.ok(worst < 1e-2, `weights differ by ${worst}`); // same optimum up to tol 1e-4
  assert.notDeepEqual(a.toState().arrays.calibA, b.toState().arrays.calibA);
});

test('tfidf-svm: invalid calibration and SVM options are rejected', async () => {
  await assert.rejects(fitEmotions({ ...base, calibration: { method: 'sigmoid', folds: 1 } }), /calibration\.folds/);
  await assert.rejects(fitEmotions({ ...base, svm: { ...base.svm, C: -1 } }), /svm\.C/);
});
