import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import type { CsrMatrix } from '../../features/csr.js';
import { fitBinarySvm, fitLinearSvm, svmDecision, type LinearSvmOptions, type OvrTargets, type SvmLoss } from './svm.js';

/** The TF-IDF matrices, from scripts/golden/tfidf_logreg.py. */
interface GoldenCsr {
  indptr: number[];
  indices: number[];
  data: number[];
}
interface FeatureGolden {
  logistic_features: string;
  tfidf: { name: string; features: number[]; train: GoldenCsr; unseen: GoldenCsr }[];
}
/** Written by scripts/golden/linear_svm.py (scikit-learn 1.2.1 LinearSVC, tol 1e-8). */
interface GoldenSvmCase {
  name: string;
  kind: 'binary' | 'ovr';
  C: number;
  loss: SvmLoss;
  class_weight: 'balanced' | null;
  sample_weight: number[] | null;
  y: number[];
  coef_shape: [number, number];
  coef: number[];
  intercept: number[];
  decision_train: number[];
  decision_unseen: number[];
}
interface SvmGolden {
  features: string;
  svm: GoldenSvmCase[];
}

// dist/models/linear/svm.test.js → repository root is three levels up.
const root = new URL('../../../', import.meta.url);
const features = JSON.parse(fs.readFileSync(new URL('test/golden/tfidf-logreg.json', root), 'utf8')) as FeatureGolden;
const golden = JSON.parse(fs.readFileSync(new URL('test/golden/linear-svm.json', root), 'utf8')) as SvmGolden;

function csrFromGolden(m: GoldenCsr, cols: number): CsrMatrix {
  return { rows: m.indptr.length - 1, cols, indptr: Int32Array.from(m.indptr), indices: Int32Array.from(m.indices), data: Float32Array.from(m.data) };
}

const featureCase = features.tfidf.find((c) => c.name === golden.features);
assert.ok(featureCase, `TF-IDF case ${golden.features} missing from tfidf-logreg.json`);
const D = featureCase.features.length;
const Xtrain = csrFromGolden(featureCase.train, D);
const Xunseen = csrFromGolden(featureCase.unseen, D);
const n = Xtrain.rows;

/** LinearSVC's settings: binary has one output (class 1 positive), multiclass one per class. */
function targetsOf(c: GoldenSvmCase): OvrTargets {
  if (c.kind === 'binary') return { y: Uint8Array.from(c.y), numOutputs: 1 };
  const K = c.coef_shape[0];
  const y = new Uint8Array(n * K);
  c.y.forEach((cls, i) => (y[i * K + cls] = 1));
  return { y, numOutputs: K };
}

/**
 * LIBLINEAR's class weights as LinearSVC passes them: binary, each class weighs its own rows;
 * one-vs-rest, output k's positives get class k's weight and every other row keeps weight 1.
 */
function classWeightsOf(c: GoldenSvmCase): Float64Array | undefined {
  if (c.class_weight !== 'balanced') return undefined;
  const K = c.kind === 'binary' ? 2 : c.coef_shape[0];
  const counts = new Float64Array(K);
  for (const v of c.y) counts[v]++;
  const w = Array.from(counts, (count) => n / (K * count));
  if (c.kind === 'binary') return Float64Array.from([w[0], w[1]]);
  return Float64Array.from(w.flatMap((wk) => [1, wk]));
}

const SOLVE: Omit<LinearSvmOptions, 'C' | 'loss'> = { maxIter: 100000, tol: 1e-8 };

function fitCase(c: GoldenSvmCase, extra: Partial<LinearSvmOptions> = {}, seed = 1): ReturnType<typeof fitLinearSvm> {
  return fitLinearSvm(Xtrain, targetsOf(c), { C: c.C, loss: c.loss, ...SOLVE, ...extra }, seed, {
    outputClassWeights: classWeightsOf(c),
    sampleWeights: c.sample_weight ? Float32Array.from(c.sample_weight) : undefined,
  });
}

function assertRelClose(got: ArrayLike<number>, want: readonly number[], what: string, rel = 1e-4, abs = 1e-6): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (err > rel * Math.abs(want[i]) + abs && err > worstErr) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst !== -1) assert.fail(`${what}: entry ${worst}: got ${got[worst]}, sklearn ${want[worst]} (|diff| ${worstErr})`);
}

/** Our feature-major weights in sklearn's outputs × features layout. */
function coefOf(weights: Float32Array, K: number): Float64Array {
  const out = new Float64Array(K * D);
  for (let k = 0; k < K; k++) for (let j = 0; j < D; j++) out[k * D + j] = weights[j * K + k];
  return out;
}

for (const c of golden.svm) {
  test(`linear SVM matches scikit-learn LinearSVC: ${c.name}`, () => {
    const { model, report } = fitCase(c);
    assert.equal(report.converged, true);
    assertRelClose(svmDecision(Xtrain, model), c.decision_train, `${c.name}: decision_function(train)`);
    assertRelClose(svmDecision(Xunseen, model), c.decision_unseen, `${c.name}: decision_function(unseen)`);
    assertRelClose(coefOf(model.weights, model.numOutputs), c.coef, `${c.name}: coef_`, 1e-3, 1e-5);
    assertRelClose(model.bias, c.intercept, `${c.name}: intercept_`, 1e-3, 1e-5);
  });
}

test('golden SVM cases cover binary and 3-class, both losses, balanced weights and sample weights', () => {
  const seen = new Set(golden.svm.map((c) => `${c.kind}/${c.loss}/${c.class_weight ?? 'none'}`));
  for (const kind of ['binary', 'ovr']) for (const loss of ['squared_hinge', 'hinge']) for (const cw of ['none', 'balanced']) assert.ok(seen.has(`${kind}/${loss}/${cw}`), `${kind}/${loss}/${cw}`);
  assert.ok(golden.svm.some((c) => c.sample_weight !== null));
});

test('the solution does not depend on the seed or on shrinking (only the path does)', () => {
  const c = golden.svm.find((g) => g.name === 'ovr3-hinge-C5');
  assert.ok(c);
  const a = fitCase(c, {}, 1);
  const b = fitCase(c, { shrinking: false }, 12345);
  assert.equal(b.report.converged, true);
  const da = svmDecision(Xtrain, a.model);
  assertRelClose(svmDecision(Xtrain, b.model), Array.from(da), 'seed/shrinking', 1e-4, 1e-6);
  // Same seed, same options: bit-identical.
  assert.deepEqual(fitCase(c, {}, 1).model.weights, a.model.weights);
});

test('training on a row subset equals training on the copied rows', () => {
  const c = golden.svm.find((g) => g.name === 'binary-squared_hinge-C0.5');
  assert.ok(c);
  const rows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0);
  const positive = Uint8Array.from(c.y);
  const rowC = new Float64Array(n).fill(c.C);
  const subset = fitBinarySvm(Xtrain, positive, rowC, { C: c.C, loss: c.loss, ...SOLVE }, 3, rows);
  // The copy: a CSR of just those rows.
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (const i of rows) {
    for (let p = Xtrain.indptr[i]; p < Xtrain.indptr[i + 1]; p++) {
      indices.push(Xtrain.indices[p]);
      data.push(Xtrain.data[p]);
    }
    indptr.push(indices.length);
  }
  const Xsub: CsrMatrix = { rows: rows.length, cols: D, indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), data: Float32Array.from(data) };
  const copied = fitBinarySvm(Xsub, Uint8Array.from(rows, (i) => positive[i]), new Float64Array(rows.length).fill(c.C), { C: c.C, loss: c.loss, ...SOLVE }, 3);
  assertRelClose(subset.w, Array.from(copied.w), 'w', 1e-6, 1e-9);
  assert.ok(Math.abs(subset.b - copied.b) < 1e-9);
});

test('zero-weight rows are ignored, single-class targets and maxIter stop without NaN', () => {
  const c = golden.svm.find((g) => g.name === 'binary-squared_hinge-C0.5');
  assert.ok(c);
  const sw = new Float32Array(n).fill(1);
  for (let i = 0; i < n; i += 2) sw[i] = 0;
  const { model } = fitLinearSvm(Xtrain, targetsOf(c), { C: 1, loss: 'squared_hinge', ...SOLVE }, 1, { sampleWeights: sw });
  const rows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 1);
  const ref = fitLinearSvm(Xtrain, targetsOf(c), { C: 1, loss: 'squared_hinge', ...SOLVE }, 1, { rows });
  assertRelClose(model.weights, Array.from(ref.model.weights), 'zero weights = dropped rows', 1e-6, 1e-9);

  for (const loss of ['squared_hinge', 'hinge'] as const) {
    for (const value of [0, 1]) {
      const r = fitLinearSvm(Xtrain, { y: new Uint8Array(n).fill(value), numOutputs: 1 }, { C: 10, loss, ...SOLVE }, 1);
      const d = svmDecision(Xunseen, r.model);
      for (const v of d) assert.ok(Number.isFinite(v) && (value === 1 ? v > 0 : v < 0), `${loss}, all ${value}: decision ${v}`);
    }
  }
  const capped = fitLinearSvm(Xtrain, targetsOf(c), { C: 100, loss: 'hinge', maxIter: 2, tol: 1e-12 }, 1);
  assert.equal(capped.report.converged, false);
  assert.equal(capped.report.iterations, 2);
  for (const v of capped.model.weights) assert.ok(Number.isFinite(v));
});

test('invalid options are rejected with the field named', () => {
  const y: OvrTargets = { y: new Uint8Array(n), numOutputs: 1 };
  assert.throws(() => fitLinearSvm(Xtrain, y, { C: 0, loss: 'hinge', maxIter: 10, tol: 1e-4 }, 1), /svm\.C/);
  assert.throws(() => fitLinearSvm(Xtrain, y, { C: 1, loss: 'hinge', maxIter: 0, tol: 1e-4 }, 1), /svm\.maxIter/);
  assert.throws(() => fitLinearSvm(Xtrain, y, { C: 1, loss: 'log' as SvmLoss, maxIter: 10, tol: 1e-4 }, 1), /svm\.loss/);
});
