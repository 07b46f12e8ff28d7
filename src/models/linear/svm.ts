import type { CsrMatrix } from '../../features/csr.js';
import { createRng } from '../../util/random.js';

/**
 * L2-regularized linear SVM solved in the dual by coordinate descent (Hsieh et al. 2008), the
 * solver LIBLINEAR runs for `-s 1` / `-s 3` and scikit-learn's LinearSVC calls:
 *
 *   min_w  ½‖w‖² + Σᵢ Cᵢ·ξ(w; xᵢ, yᵢ)       ξ = max(0, 1 − yᵢ·wᵀxᵢ)  (hinge)
 *                                           ξ = max(0, 1 − yᵢ·wᵀxᵢ)²  (squared hinge)
 *
 * The intercept is LIBLINEAR's: a constant feature of value `interceptScaling` appended to every row,
 * whose weight is regularized like the others, so the same C gives the same model as
 * `LinearSVC(C=…, intercept_scaling=1)`. Cᵢ = C · sampleWeightᵢ · classWeight(yᵢ).
 */
export type SvmLoss = 'squared_hinge' | 'hinge';

export interface LinearSvmOptions {
  C: number;
  loss: SvmLoss;
  /** Epochs (passes over the active rows), LIBLINEAR's max_iter. */
  maxIter: number;
  /** Stop when the projected-gradient gap max PG − min PG of an epoch is at most this. */
  tol: number;
  /** Drop rows stuck at a bound from the active set, as LIBLINEAR does (default true). */
  shrinking?: boolean;
  /** Value of the constant bias feature (default 1, scikit-learn's intercept_scaling). */
  interceptScaling?: number;
}

/** Weights feature-major (`weights[j * K + k]`), like LinearWeights, so a row's K scores read contiguously. */
export interface SvmWeights {
  numFeatures: number;
  numOutputs: number;
  weights: Float32Array;
  bias: Float32Array;
}

export interface SvmFitReport {
  /** Largest epoch count over the outputs. */
  iterations: number;
  /** Every output stopped on tol before maxIter. */
  converged: boolean;
}

export interface BinarySvmResult {
  /** Length D; the intercept is separate. */
  w: Float64Array;
  b: number;
  iterations: number;
  converged: boolean;
}

/**
 * One binary problem. `positive[i]` is 1 for yᵢ = +1. Only `rows` take part (all rows when absent),
 * which lets cross-validation train on folds without copying the matrix.
 * `rowC[i]` is Cᵢ for row i (indexed by matrix row, not by position in `rows`).
 */
export function fitBinarySvm(
  X: CsrMatrix,
  positive: Uint8Array,
  rowC: Float64Array,
  options: LinearSvmOptions,
  seed: number,
  rows?: Int32Array,
): BinarySvmResult {
  const { indptr, indices, data } = X;
  const D = X.cols;
  const biasValue = options.interceptScaling ?? 1;
  const shrinking = options.shrinking ?? true;
  const hinge = options.loss === 'hinge';

  // Rows with Cᵢ = 0 carry no loss: their αᵢ is pinned at 0 (hinge bound) or their diagonal is
  // infinite (squared hinge), so they are left out instead of dividing by zero.
  const active = selectRows(rows ?? null, X.rows, rowC);
  const l = active.length;
  const y = new Float64Array(l);
  const upper = new Float64Array(l);
  const diag = new Float64Array(l);
  const QD = new Float64Array(l);
  for (let s = 0; s < l; s++) {
    const i = active[s];
    y[s] = positive[i] === 1 ? 1 : -1;
    // The dual of the squared hinge has no box but a diagonal ½/Cᵢ; the hinge's has the box [0, Cᵢ].
    upper[s] = hinge ? rowC[i] : Infinity;
    diag[s] = hinge ? 0 : 0.5 / rowC[i];
    let norm = biasValue * biasValue;
    for (let p = indptr[i]; p < indptr[i + 1]; p++) norm += data[p] * data[p];
    QD[s] = diag[s] + norm;
  }

  const w = new Float64Array(D + 1); // w[D] is the bias feature's weight
  const alpha = new Float64Array(l);
  const order = Int32Array.from({ length: l }, (_, s) => s);
  const rng = createRng(seed);
  let activeSize = l;
  let pgMaxOld = Infinity;
  let pgMinOld = -Infinity;
  let iter = 0;
  let converged = false;

  while (iter < options.maxIter) {
    let pgMaxNew = -Infinity;
    let pgMinNew = Infinity;
    // LIBLINEAR's in-place partial Fisher–Yates over the active prefix.
    for (let s = 0; s < activeSize; s++) {
      const j = s + Math.floor(rng() * (activeSize - s));
      const t = order[s];
      order[s] = order[j];
      order[j] = t;
    }

    for (let s = 0; s < activeSize; s++) {
      const k = order[s];
      const i = active[k];
      const yi = y[k];
      const start = indptr[i];
      const end = indptr[i + 1];
      let dot = w[D] * biasValue;
      for (let p = start; p < end; p++) dot += w[indices[p]] * data[p];
      const G = yi * dot - 1 + alpha[k] * diag[k];
      const C = upper[k];

      let PG = 0;
      if (alpha[k] === 0) {
        if (shrinking && G > pgMaxOld) {
          activeSize--;
          order[s] = order[activeSize];
          order[activeSize] = k;
          s--;
          continue;
        }
        if (G < 0) PG = G;
      } else if (alpha[k] === C) {
        if (shrinking && G < pgMinOld) {
          activeSize--;
          order[s] = order[activeSize];
          order[activeSize] = k;
          s--;
          continue;
        }
        if (G > 0) PG = G;
      } else {
        PG = G;
      }
      if (PG > pgMaxNew) pgMaxNew = PG;
      if (PG < pgMinNew) pgMinNew = PG;

      if (Math.abs(PG) > 1e-12) {
        const old = alpha[k];
        const next = Math.min(Math.max(old - G / QD[k], 0), C);
        alpha[k] = next;
        const d = (next - old) * yi;
        for (let p = start; p < end; p++) w[indices[p]] += d * data[p];
        w[D] += d * biasValue;
      }
    }
    iter++;

    if (pgMaxNew - pgMinNew <= options.tol) {
      if (activeSize === l) {
        converged = true;
        break;
      }
      // Converged on the shrunk set only: re-check every row before stopping.
      activeSize = l;
      pgMaxOld = Infinity;
      pgMinOld = -Infinity;
      continue;
    }
    pgMaxOld = pgMaxNew <= 0 ? Infinity : pgMaxNew;
    pgMinOld = pgMinNew >= 0 ? -Infinity : pgMinNew;
  }

  // An empty problem (no rows, or no row with weight) stops at once with w = 0.
  if (l === 0) converged = true;
  return { w: w.subarray(0, D), b: w[D] * biasValue, iterations: iter, converged };
}

function selectRows(rows: Int32Array | null, n: number, rowC: Float64Array): Int32Array {
  const source = rows ?? Int32Array.from({ length: n }, (_, i) => i);
  let count = 0;
  for (const i of source) if (rowC[i] > 0) count++;
  if (count === source.length) return source;
  const out = new Int32Array(count);
  let s = 0;
  for (const i of source) if (rowC[i] > 0) out[s++] = i;
  return out;
}

/** Targets of the one-vs-rest problems: `y[i * K + k]` is 1 when row i is positive for output k. */
export interface OvrTargets {
  y: Uint8Array;
  numOutputs: number;
}

/**
 * K independent binary SVMs over the same matrix (one-vs-rest, as LinearSVC does for multiclass).
 * `outputClassWeights` are `[neg₀, pos₀, neg₁, pos₁, …]`, multiplied into Cᵢ per output.
 * Output k uses its own seed derived from `seed`, so outputs do not share a permutation stream.
 */
export function fitLinearSvm(
  X: CsrMatrix,
  targets: OvrTargets,
  options: LinearSvmOptions,
  seed: number,
  extra: {
    sampleWeights?: Float32Array;
    outputClassWeights?: Float64Array;
    rows?: Int32Array;
    onOutput?: (done: number, total: number) => void;
  } = {},
): { model: SvmWeights; report: SvmFitReport } {
  validateSvmOptions(options);
  const K = targets.numOutputs;
  const D = X.cols;
  const n = X.rows;
  const weights = new Float32Array(D * K);
  const bias = new Float32Array(K);
  const positive = new Uint8Array(n);
  const rowC = new Float64Array(n);
  const report: SvmFitReport = { iterations: 0, converged: true };
  for (let k = 0; k < K; k++) {
    const neg = extra.outputClassWeights ? extra.outputClassWeights[k * 2] : 1;
    const pos = extra.outputClassWeights ? extra.outputClassWeights[k * 2 + 1] : 1;
    for (let i = 0; i < n; i++) {
      positive[i] = targets.y[i * K + k];
      rowC[i] = options.C * (extra.sampleWeights ? extra.sampleWeights[i] : 1) * (positive[i] === 1 ? pos : neg);
    }
    const r = fitBinarySvm(X, positive, rowC, options, outputSeed(seed, k), extra.rows);
    for (let j = 0; j < D; j++) weights[j * K + k] = r.w[j];
    bias[k] = r.b;
    report.iterations = Math.max(report.iterations, r.iterations);
    report.converged &&= r.converged;
    extra.onOutput?.(k + 1, K);
  }
  return { model: { numFeatures: D, numOutputs: K, weights, bias }, report };
}

function outputSeed(seed: number, k: number): number {
  return (seed + Math.imul(k + 1, 0x9e3779b9)) >>> 0;
}

export function validateSvmOptions(o: LinearSvmOptions): void {
  if (!(o.C > 0) || !Number.isFinite(o.C)) throw new RangeError(`svm.C must be a positive number, got ${o.C}`);
  if (o.loss !== 'hinge' && o.loss !== 'squared_hinge') throw new RangeError(`svm.loss must be 'squared_hinge' or 'hinge', got ${String(o.loss)}`);
  if (!Number.isInteger(o.maxIter) || o.maxIter < 1) throw new RangeError(`svm.maxIter must be an integer ≥ 1, got ${o.maxIter}`);
  if (!(o.tol > 0)) throw new RangeError(`svm.tol must be positive, got ${o.tol}`);
}

/**
 * Decision values X·W + b, row-major `rows.length × K` (all rows when `rows` is absent),
 * accumulated in float64.
 */
export function svmDecision(X: CsrMatrix, m: SvmWeights, rows?: Int32Array): Float64Array {
  const K = m.numOutputs;
  const count = rows ? rows.length : X.rows;
  const out = new Float64Array(count * K);
  for (let s = 0; s < count; s++) {
    const i = rows ? rows[s] : s;
    const row = s * K;
    for (let k = 0; k < K; k++) out[row + k] = m.bias[k];
    for (let p = X.indptr[i]; p < X.indptr[i + 1]; p++) {
      const v = X.data[p];
      const base = X.indices[p] * K;
      for (let k = 0; k < K; k++) out[row + k] += v * m.weights[base + k];
    }
  }
  return out;
}
