import { createRng, shuffleInPlace } from '../../util/random.js';

/**
 * Platt scaling: P(y = 1 | f) = 1 / (1 + exp(A·f + B)) fitted to decision values f by weighted
 * maximum likelihood with Platt's smoothed targets t₊ = (N₊ + 1)/(N₊ + 2), t₋ = 1/(N₋ + 2) —
 * the objective of scikit-learn's `_sigmoid_calibration` (CalibratedClassifierCV, method='sigmoid').
 *
 * scikit-learn minimizes it with scipy's BFGS (gtol 1e-5, so it stops slightly short of the optimum);
 * here it is Newton's method with backtracking (Lin, Lin & Weng 2007, "A note on Platt's
 * probabilistic outputs"), which is exact for two parameters and never overflows.
 */
export interface SigmoidParams {
  A: number;
  B: number;
}

export interface SigmoidFitResult extends SigmoidParams {
  iterations: number;
  /** Largest |gradient| of the weighted objective at (A, B). */
  gradient: number;
}

const MAX_NEWTON = 100;
const MIN_STEP = 1e-10;
/** Tiny ridge on the Hessian so a constant f (singular Hessian) still yields a step. */
const HESSIAN_RIDGE = 1e-12;

/** `positive[i]` ∈ {0, 1}; `weights` are per-sample weights (all 1 when absent). */
export function fitSigmoid(f: Float64Array, positive: Uint8Array, weights?: ArrayLike<number>): SigmoidFitResult {
  const n = f.length;
  let prior0 = 0;
  let prior1 = 0;
  for (let i = 0; i < n; i++) {
    const s = weights ? weights[i] : 1;
    if (positive[i] === 1) prior1 += s;
    else prior0 += s;
  }
  const hiTarget = (prior1 + 1) / (prior1 + 2);
  const loTarget = 1 / (prior0 + 2);
  const target = (i: number): number => (positive[i] === 1 ? hiTarget : loTarget);

  const objective = (A: number, B: number): number => {
    let value = 0;
    for (let i = 0; i < n; i++) {
      const s = weights ? weights[i] : 1;
      const z = A * f[i] + B; // P = σ(−z)
      const t = target(i);
      // −t·log σ(−z) − (1−t)·log σ(z), written so neither exp overflows.
      value += s * (z >= 0 ? t * z + Math.log1p(Math.exp(-z)) : (t - 1) * z + Math.log1p(Math.exp(z)));
    }
    return value;
  };

  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  let value = objective(A, B);
  let iterations = 0;
  let gradient = Infinity;
  const gradTol = 1e-10 * Math.max(1, prior0 + prior1);
  for (; iterations < MAX_NEWTON; iterations++) {
    let h11 = HESSIAN_RIDGE;
    let h22 = HESSIAN_RIDGE;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const s = weights ? weights[i] : 1;
      const z = A * f[i] + B;
      const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z)); // σ(−z)
      const d2 = s * p * (1 - p);
      h11 += f[i] * f[i] * d2;
      h22 += d2;
      h21 += f[i] * d2;
      const d1 = s * (target(i) - p);
      g1 += f[i] * d1;
      g2 += d1;
    }
    gradient = Math.max(Math.abs(g1), Math.abs(g2));
    if (gradient <= gradTol) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    let accepted = false;
    while (step >= MIN_STEP) {
      const nextA = A + step * dA;
      const nextB = B + step * dB;
      const nextValue = objective(nextA, nextB);
      if (nextValue <= value + 1e-4 * step * gd) {
        A = nextA;
        B = nextB;
        accepted = nextValue < value;
        value = nextValue;
        break;
      }
      step /= 2;
    }
    // No decrease possible any more: (A, B) is optimal to float64 precision.
    if (!accepted) break;
  }
  return { A, B, iterations, gradient };
}

/** P(y = 1 | f) = σ(−(A·f + B)). */
export function sigmoidProbability(f: number, A: number, B: number): number {
  const z = A * f + B;
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}

/**
 * Calibrated probabilities from decision values, row-major `n × K` with K = numOutputs, as
 * scikit-learn's `_CalibratedClassifier.predict_proba`:
 *  - `binary` (one output): two columns [1 − p, p];
 *  - `multiclass`: each one-vs-rest column calibrated, then rows divided by their sum
 *    (uniform when every column is 0);
 *  - `multilabel`: independent per-label sigmoids, not normalized.
 */
export function calibratedProba(
  decisions: Float64Array,
  numOutputs: number,
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  mode: 'binary' | 'multiclass' | 'multilabel',
): Float32Array {
  const K = numOutputs;
  const n = decisions.length / K;
  if (mode === 'binary') {
    const out = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const p = sigmoidProbability(decisions[i], A[0], B[0]);
      out[i * 2] = 1 - p;
      out[i * 2 + 1] = p;
    }
    return out;
  }
  const out = new Float32Array(n * K);
  for (let i = 0; i < n; i++) {
    const row = i * K;
    if (mode === 'multilabel') {
      for (let k = 0; k < K; k++) out[row + k] = sigmoidProbability(decisions[row + k], A[k], B[k]);
      continue;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += sigmoidProbability(decisions[row + k], A[k], B[k]);
    for (let k = 0; k < K; k++) {
      // Recomputed rather than buffered: K is small and this keeps the loop allocation-free.
      out[row + k] = sum > 0 ? sigmoidProbability(decisions[row + k], A[k], B[k]) / sum : 1 / K;
    }
  }
  return out;
}

/**
 * Seeded stratified fold assignment: rows of each stratum are shuffled and dealt to folds in turn,
 * continuing the deal across strata so fold sizes differ by at most one. Returns the fold of each row.
 * Strata are visited in ascending id order, so the result depends only on (strata, folds, seed).
 */
export function stratifiedFolds(strata: Int32Array, folds: number, seed: number): Int32Array {
  const n = strata.length;
  const byStratum = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = byStratum.get(strata[i]);
    if (list) list.push(i);
    else byStratum.set(strata[i], [i]);
  }
  const rng = createRng(seed);
  const fold = new Int32Array(n);
  let dealt = 0;
  for (const key of [...byStratum.keys()].sort((a, b) => a - b)) {
    const rows = byStratum.get(key) ?? [];
    shuffleInPlace(rows, rng);
    for (const i of rows) fold[i] = dealt++ % folds;
  }
  return fold;
}
