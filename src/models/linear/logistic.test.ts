import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import type { CsrMatrix } from '../../features/csr.js';
import { fitLogistic, linearProba, type LinearWeights, type LogisticTargets } from './logistic.js';

/** Written by scripts/golden/tfidf_logreg.py (scikit-learn 1.2.1). */
interface GoldenCsr {
  indptr: number[];
  indices: number[];
  data: number[];
}
interface GoldenLogisticCase {
  name: string;
  kind: 'binary' | 'multinomial' | 'ovr';
  C: number;
  class_weight: 'balanced' | null;
  /** binary / multinomial: class per row; ovr: n × K 0/1 rows. */
  y: number[] | number[][];
  coef_shape: [number, number];
  /** Row-major (outputs × features), sklearn's column order. */
  coef: number[];
  intercept: number[];
  /** Row-major; binary: [P(0), P(1)] per row, multinomial: K columns, ovr: P(label k) per column. */
  proba_train: number[];
  proba_unseen: number[];
}
interface Golden {
  corpus: string[];
  unseen: string[];
  logistic_features: string;
  tfidf: { name: string; features: number[]; train: GoldenCsr; unseen: GoldenCsr }[];
  logistic: GoldenLogisticCase[];
}

// dist/models/linear/logistic.test.js → repository root is three levels up.
const golden = JSON.parse(fs.readFileSync(new URL('../../../test/golden/tfidf-logreg.json', import.meta.url), 'utf8')) as Golden;

const PROBA_TOL = 1e-5;

/** sklearn's dense TF-IDF matrix as our CsrMatrix, in sklearn's column order (values are exact float32). */
function csrFromGolden(m: GoldenCsr, cols: number): CsrMatrix {
  return {
    rows: m.indptr.length - 1,
    cols,
    indptr: Int32Array.from(m.indptr),
    indices: Int32Array.from(m.indices),
    data: Float32Array.from(m.data),
  };
}

const featureCase = golden.tfidf.find((c) => c.name === golden.logistic_features);
assert.ok(featureCase, `TF-IDF case ${golden.logistic_features} missing from the golden file`);
const D = featureCase.features.length;
const Xtrain = csrFromGolden(featureCase.train, D);
const Xunseen = csrFromGolden(featureCase.unseen, D);
const n = Xtrain.rows;

function targetsOf(c: GoldenLogisticCase): LogisticTargets {
  if (c.kind === 'multinomial') {
    const y = Int32Array.from(c.y as number[]);
    return { link: 'softmax', y, numClasses: c.coef_shape[0] };
  }
  if (c.kind === 'binary') return { link: 'sigmoid', y: Uint8Array.from(c.y as number[]), numOutputs: 1 };
  const rows = c.y as number[][];
  return { link: 'sigmoid', y: Uint8Array.from(rows.flat()), numOutputs: rows[0].length };
}

/** scikit-learn's class_weight='balanced' per one-vs-rest output: n / (2 · count), as [neg, pos] pairs. */
function balancedOutputWeights(y: Uint8Array, K: number): Float64Array {
  const out = new Float64Array(2 * K);
  for (let k = 0; k < K; k++) {
    let pos = 0;
    for (let i = 0; i < n; i++) pos += y[i * K + k];
    out[2 * k] = n / (2 * (n - pos));
    out[2 * k + 1] = n / (2 * pos);
  }
  return out;
}

function assertClose(got: ArrayLike<number>, want: readonly number[], tol: (w: number) => number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol(want[i])) && (worstAt === -1 || err > worst)) {
      worst = err;
      worstAt = i;
    }
  }
  if (worstAt !== -1) assert.fail(`${what}: entry ${worstAt}: got ${got[worstAt]}, sklearn ${want[worstAt]} (|diff| ${worst})`);
}

function fitCase(c: GoldenLogisticCase, onIteration?: (it: number, loss: number) => void): { model: LinearWeights; converged: boolean; iterations: number } {
  const targets = targetsOf(c);
  let cw: Float64Array | undefined;
  if (c.class_weight === 'balanced') {
    assert.equal(targets.link, 'sigmoid', 'balanced golden cases are one-vs-rest / binary');
    if (targets.link === 'sigmoid') cw = balancedOutputWeights(targets.y, targets.numOutputs);
  }
  const { model, report } = fitLogistic(Xtrain, targets, { C: c.C, maxIter: 10000, tol: 1e-10 }, undefined, onIteration, cw);
  return { model, converged: report.converged, iterations: report.iterations };
}

for (const c of golden.logistic) {
  test(`logistic regression matches scikit-learn: ${c.name}`, () => {
    const { model, converged } = fitCase(c);
    assert.equal(converged, true);
    const K = model.numOutputs;
    for (const v of [...model.weights, ...model.bias]) assert.ok(Number.isFinite(v));

    assertClose(linearProba(Xtrain, model), c.proba_train, () => PROBA_TOL, `${c.name}: predict_proba(train)`);
    assertClose(linearProba(Xunseen, model), c.proba_unseen, () => PROBA_TOL, `${c.name}: predict_proba(unseen)`);

    // Softmax intercepts are identifiable only up to a constant (and sklearn centres coef_),
    // so the multinomial model is compared through its probabilities only.
    if (c.kind === 'multinomial') return;
    const [rows, cols] = c.coef_shape;
    assert.equal(rows, K);
    assert.equal(cols, D);
    const ours = new Float64Array(K * D); // sklearn's layout: outputs × features
    for (let k = 0; k < K; k++) for (let j = 0; j < D; j++) ours[k * D + j] = model.weights[j * K + k];
    const relative = (w: number): number => 1e-3 * Math.abs(w) + 1e-5;
    assertClose(ours, c.coef, relative, `${c.name}: coef_`);
    assertClose(model.bias, c.intercept, relative, `${c.name}: intercept_`);
  });
}

test('golden logistic cases cover binary, multinomial, one-vs-rest, C ∈ {1, 10} and balanced weights', () => {
  const kinds = new Set(golden.logistic.map((c) => `${c.kind}/${c.C}`));
  for (const k of ['binary/1', 'binary/10', 'multinomial/1', 'multinomial/10', 'ovr/1', 'ovr/10']) assert.ok(kinds.has(k), k);
  assert.ok(golden.logistic.some((c) => c.class_weight === 'balanced'));
});

test('the loss reported to onIteration decreases monotonically', () => {
  for (const name of ['binary-C10', 'multinomial-C10', 'binary-balanced-C10']) {
    const c = golden.logistic.find((g) => g.name === name);
    assert.ok(c, name);
    const losses: number[] = [];
    const its: number[] = [];
    const { iterations } = fitCase(c, (it, loss) => {
      its.push(it);
      losses.push(loss);
    });
    assert.ok(losses.length > 1);
    assert.equal(losses.length, iterations);
    assert.deepEqual(its, Array.from({ length: its.length }, (_, i) => i + 1));
    for (let i = 0; i < losses.length; i++) assert.ok(Number.isFinite(losses[i]) && losses[i] > 0);
    for (let i = 1; i < losses.length; i++) assert.ok(losses[i] <= losses[i - 1], `${name}: loss rose at iteration ${i + 1}: ${losses[i - 1]} → ${losses[i]}`);
    // It starts below the loss of the zero model: ln 2 (binary; balanced weights sum to n too) or ln 3 (softmax).
    assert.ok(losses[0] < Math.log(c.kind === 'multinomial' ? 3 : 2));
  }
});

test('a binary target with a single class does not crash or produce NaN', () => {
  for (const value of [0, 1]) {
    for (const C of [1, 1e4]) {
      const y = new Uint8Array(n).fill(value);
      const { model, report } = fitLogistic(Xtrain, { link: 'sigmoid', y, numOutputs: 1 }, { C, maxIter: 10000, tol: 1e-10 });
      for (const v of [...model.weights, ...model.bias]) assert.ok(Number.isFinite(v), `C=${C}, y=${value}: weight ${v}`);
      assert.ok(Number.isFinite(report.finalLoss) && report.finalLoss >= 0);
      for (const X of [Xtrain, Xunseen]) {
        const p = linearProba(X, model);
        for (let i = 0; i < X.rows; i++) {
          const pPositive = p[i * 2 + 1];
          assert.ok(Number.isFinite(pPositive), 'probability is NaN');
          assert.ok(value === 1 ? pPositive > 0.99 : pPositive < 0.01, `C=${C}, y=${value}: P(1) = ${pPositive}`);
        }
      }
    }
  }
  // The same for one column of a one-vs-rest problem, next to a normal column, and for softmax.
  const y = new Uint8Array(n * 2);
  for (let i = 0; i < n; i++) y[i * 2 + 1] = i % 2;
  const ovr = fitLogistic(Xtrain, { link: 'sigmoid', y, numOutputs: 2 }, { C: 10, maxIter: 10000, tol: 1e-10 });
  for (const v of linearProba(Xtrain, ovr.model)) assert.ok(Number.isFinite(v));
  const soft = fitLogistic(Xtrain, { link: 'softmax', y: new Int32Array(n).fill(2), numClasses: 3 }, { C: 10, maxIter: 10000, tol: 1e-10 });
  const p = linearProba(Xtrain, soft.model);
  for (let i = 0; i < n; i++) assert.ok(p[i * 3 + 2] > 0.99 && Number.isFinite(p[i * 3]));
});

/** A random sparse n × cols matrix, deterministic (LCG), for the threaded one-vs-rest tests. */
function randomCsr(rows: number, cols: number, perRow: number, seed: number): { X: CsrMatrix; next: () => number } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(rows * perRow);
  const data = new Float32Array(rows * perRow);
  for (let i = 0; i < rows; i++) {
    const cols_ = new Set<number>();
    while (cols_.size < perRow) cols_.add(Math.floor(next() * cols));
    const sorted = [...cols_].sort((a, b) => a - b);
    for (let p = 0; p < perRow; p++) {
      indices[i * perRow + p] = sorted[p];
      data[i * perRow + p] = next();
    }
    indptr[i + 1] = (i + 1) * perRow;
  }
  return { X: { rows, cols, indptr, indices, data }, next };
}

/** Fits with the given thread count, forcing workers even on a tiny problem; records the onIteration trace. */
function fitOvr(
  X: CsrMatrix,
  y: Uint8Array,
  K: number,
  threads: number,
  sampleWeights?: Float32Array,
  cw?: Float64Array,
): { model: LinearWeights; report: unknown; trace: [number, number][] } {
  const trace: [number, number][] = [];
  const options = { C: 4, maxIter: 500, tol: 1e-8, threads, minParallelNnz: 0 };
  const { model, report } = fitLogistic(X, { link: 'sigmoid', y, numOutputs: K }, options, sampleWeights, (it, loss) => trace.push([it, loss]), cw);
  return { model, report, trace };
}

function assertSameFit(a: ReturnType<typeof fitOvr>, b: ReturnType<typeof fitOvr>, what: string): void {
  // deepEqual on typed arrays compares every element exactly: the threaded fit must be bit-identical.
  assert.deepEqual(a.model, b.model, `${what}: model`);
  assert.deepEqual(a.report, b.report, `${what}: report`);
  assert.deepEqual(a.trace, b.trace, `${what}: onIteration trace`);
}

test('one-vs-rest on worker threads is bit-identical to the single-threaded fit (golden cases)', () => {
  for (const c of golden.logistic.filter((g) => g.kind === 'ovr')) {
    const targets = targetsOf(c);
    assert.equal(targets.link, 'sigmoid');
    if (targets.link !== 'sigmoid') continue;
    const cw = c.class_weight === 'balanced' ? balancedOutputWeights(targets.y, targets.numOutputs) : undefined;
    const single = fitOvr(Xtrain, targets.y, targets.numOutputs, 1, undefined, cw);
    assertSameFit(fitOvr(Xtrain, targets.y, targets.numOutputs, 2, undefined, cw), single, c.name);
  }
});

test('one-vs-rest on worker threads is bit-identical with sample and class weights, any thread count', () => {
  const rows = 400;
  const K = 7;
  const { X, next } = randomCsr(rows, 300, 12, 12345);
  const y = new Uint8Array(rows * K);
  // Outputs of very different balance, so they take different numbers of iterations.
  for (let i = 0; i < rows; i++) for (let k = 0; k < K; k++) y[i * K + k] = next() < (k + 1) / (K + 2) ? 1 : 0;
  const sampleWeights = Float32Array.from({ length: rows }, () => 0.5 + next());
  const cw = Float64Array.from({ length: K * 2 }, () => 0.5 + next());
  const single = fitOvr(X, y, K, 1, sampleWeights, cw);
  assert.equal(single.trace.length, single.trace.at(-1)?.[0], 'the trace counts iterations 1, 2, … across outputs');
  for (const threads of [2, 3, 16]) assertSameFit(fitOvr(X, y, K, threads, sampleWeights, cw), single, `${threads} threads`);
  // Without a progress callback the workers send no per-iteration messages; the model is the same.
  const quiet = fitLogistic(X, { link: 'sigmoid', y, numOutputs: K }, { C: 4, maxIter: 500, tol: 1e-8, threads: 2, minParallelNnz: 0 }, sampleWeights, undefined, cw);
  assert.deepEqual(quiet.model, single.model);
  assert.deepEqual(quiet.report, single.report);
});

test('the threaded one-vs-rest result lives in ordinary (not shared) memory', () => {
  const { X, next } = randomCsr(50, 40, 5, 7);
  const y = Uint8Array.from({ length: 50 * 3 }, () => (next() < 0.3 ? 1 : 0));
  const { model } = fitOvr(X, y, 3, 2);
  assert.ok(!(model.weights.buffer instanceof SharedArrayBuffer));
  assert.ok(!(model.bias.buffer instanceof SharedArrayBuffer));
});
