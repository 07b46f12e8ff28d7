import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import type { CsrMatrix } from '../../features/csr.js';
import { fitCalibratedSvm, ovrTargets } from '../tfidf-svm.js';
import { calibratedProba, fitSigmoid, sigmoidProbability, stratifiedFolds } from './calibration.js';
import { svmDecision } from './svm.js';

interface GoldenCsr {
  indptr: number[];
  indices: number[];
  data: number[];
}
interface FeatureGolden {
  logistic_features: string;
  tfidf: { name: string; features: number[]; train: GoldenCsr; unseen: GoldenCsr }[];
}
/** Written by scripts/golden/linear_svm.py (scikit-learn 1.2.1). */
interface GoldenPlatt {
  name: string;
  f: number[];
  y: number[];
  sample_weight: number[] | null;
  sklearn_A: number;
  sklearn_B: number;
  exact_A: number;
  exact_B: number;
}
interface GoldenCalibrated {
  name: string;
  C: number;
  loss: 'squared_hinge' | 'hinge';
  y: number[];
  fold: number[];
  proba_train: number[];
  proba_unseen: number[];
}
interface Golden {
  features: string;
  platt: GoldenPlatt[];
  calibrated: GoldenCalibrated[];
}

const root = new URL('../../../', import.meta.url);
const features = JSON.parse(fs.readFileSync(new URL('test/golden/tfidf-logreg.json', root), 'utf8')) as FeatureGolden;
const golden = JSON.parse(fs.readFileSync(new URL('test/golden/linear-svm.json', root), 'utf8')) as Golden;

function csrFromGolden(m: GoldenCsr, cols: number): CsrMatrix {
  return { rows: m.indptr.length - 1, cols, indptr: Int32Array.from(m.indptr), indices: Int32Array.from(m.indices), data: Float32Array.from(m.data) };
}

for (const c of golden.platt) {
  test(`Platt sigmoid matches scikit-learn's _sigmoid_calibration: ${c.name}`, () => {
    const r = fitSigmoid(Float64Array.from(c.f), Uint8Array.from(c.y), c.sample_weight ?? undefined);
    // Newton reaches the exact optimum; sklearn's BFGS (gtol 1e-5) stops within ~1e-5 relative of it.
    assert.ok(Math.abs(r.A - c.exact_A) <= 1e-7 * Math.abs(c.exact_A) + 1e-9, `A ${r.A} vs exact ${c.exact_A}`);
    assert.ok(Math.abs(r.B - c.exact_B) <= 1e-7 * Math.abs(c.exact_B) + 1e-9, `B ${r.B} vs exact ${c.exact_B}`);
    assert.ok(Math.abs(r.A - c.sklearn_A) <= 1e-4 * Math.abs(c.sklearn_A) + 1e-6, `A ${r.A} vs sklearn ${c.sklearn_A}`);
    assert.ok(Math.abs(r.B - c.sklearn_B) <= 1e-4 * Math.abs(c.sklearn_B) + 1e-6, `B ${r.B} vs sklearn ${c.sklearn_B}`);
  });
}

test('Platt sigmoid by hand: two points, Platt targets 2/3 and 1/3 give P = t exactly', () => {
  // One positive at f = 1, one negative at f = −1: t₊ = (1+1)/(1+2) = 2/3, t₋ = 1/(1+2) = 1/3.
  // The optimum fits both exactly: σ(−(A + B)) = 2/3 and σ(−(−A + B)) = 1/3, so B = 0, A = −ln 2.
  const r = fitSigmoid(Float64Array.from([1, -1]), Uint8Array.from([1, 0]));
  assert.ok(Math.abs(r.A + Math.LN2) < 1e-10, `A = ${r.A}`);
  assert.ok(Math.abs(r.B) < 1e-10, `B = ${r.B}`);
  assert.ok(Math.abs(sigmoidProbability(1, r.A, r.B) - 2 / 3) < 1e-10);
});

test('Platt sigmoid is finite for degenerate inputs: one class, constant or huge scores', () => {
  const cases: [number[], number[]][] = [
    [[1, 2, 3], [1, 1, 1]],
    [[1, 2, 3], [0, 0, 0]],
    [[0, 0, 0, 0], [1, 0, 1, 0]],
    [[1e6, -1e6, 1e6, -1e6], [1, 0, 1, 0]],
    [[], []],
  ];
  for (const [f, y] of cases) {
    const r = fitSigmoid(Float64Array.from(f), Uint8Array.from(y));
    assert.ok(Number.isFinite(r.A) && Number.isFinite(r.B), `${JSON.stringify([f, y])}: A ${r.A}, B ${r.B}`);
    for (const v of f) {
      const p = sigmoidProbability(v, r.A, r.B);
      assert.ok(p >= 0 && p <= 1);
    }
  }
});

test('calibratedProba: binary is [1 − p, p], multiclass rows sum to 1, multilabel is per column', () => {
  const d = Float64Array.from([0.5, -2, 3, 0, 0, 0]);
  const A = [-2, -1, -3];
  const B = [0.1, 0, -0.2];
  const bin = calibratedProba(d, 1, A, B, 'binary');
  assert.equal(bin.length, 12);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(bin[i * 2] + bin[i * 2 + 1] - 1) < 1e-7);
  assert.ok(Math.abs(bin[1] - sigmoidProbability(0.5, -2, 0.1)) < 1e-7);
  const multi = calibratedProba(d, 3, A, B, 'multiclass');
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(multi[i * 3] + multi[i * 3 + 1] + multi[i * 3 + 2] - 1) < 1e-6);
  const ml = calibratedProba(d, 3, A, B, 'multilabel');
  for (let k = 0; k < 6; k++) assert.ok(Math.abs(ml[k] - sigmoidProbability(d[k], A[k % 3], B[k % 3])) < 1e-7);
});

test('stratifiedFolds: seeded, balanced fold sizes, each class spread over the folds', () => {
  const strata = Int32Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : i < 95 ? 1 : 2));
  const a = stratifiedFolds(strata, 3, 42);
  assert.deepEqual(stratifiedFolds(strata, 3, 42), a);
  assert.notDeepEqual(stratifiedFolds(strata, 3, 43), a);
  const sizes = [0, 0, 0];
  const perClass = [new Set<number>(), new Set<number>(), new Set<number>()];
  a.forEach((f, i) => {
    sizes[f]++;
    perClass[strata[i]].add(f);
  });
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `fold sizes ${sizes}`);
  for (const s of perClass) assert.equal(s.size, 3);
});

const featureCase = features.tfidf.find((c) => c.name === golden.features);
assert.ok(featureCase);
const D = featureCase.features.length;
const Xtrain = csrFromGolden(featureCase.train, D);
const Xunseen = csrFromGolden(featureCase.unseen, D);

for (const c of golden.calibrated) {
  test(`calibrated SVM matches CalibratedClassifierCV(LinearSVC, sigmoid, ensemble=False): ${c.name}`, () => {
    const K = Math.max(...c.y) + 1;
    const mode = K === 2 ? 'binary' : 'multiclass';
    const targets = ovrTargets({ kind: 'single', y: Int32Array.from(c.y) }, K, mode);
    const fitted = fitCalibratedSvm(
      Xtrain,
      targets,
      mode,
      { svm: { C: c.C, loss: c.loss, maxIter: 100000, tol: 1e-8 }, calibration: { method: 'sigmoid', folds: 3 }, classWeight: null },
      { seed: 1, fold: Int32Array.from(c.fold) },
    );
    for (const [X, want, what] of [
      [Xtrain, c.proba_train, 'train'],
      [Xunseen, c.proba_unseen, 'unseen'],
    ] as const) {
      const p = calibratedProba(svmDecision(X, fitted.model), targets.numOutputs, fitted.A, fitted.B, mode);
      assert.equal(p.length, want.length);
      // sklearn's sigmoid stops at BFGS gtol 1e-5, ours at the optimum: agree to ~1e-5 in probability.
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(p[i] - want[i]) < 5e-5, `${what}[${i}]: ${p[i]} vs sklearn ${want[i]}`);
    }
  });
}
