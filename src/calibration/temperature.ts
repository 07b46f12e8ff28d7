/**
 * Temperature scaling (Guo et al. 2017): one scalar T > 0 divides every logit, fitted by
 * minimising the log loss on held-out data. It never changes which label ranks first, so
 * accuracy and ranking metrics are untouched; only the confidence moves.
 *
 * Logits are recovered from the stored probabilities, so any model can be calibrated after the
 * fact: single-label softmax outputs use z = log p (softmax is invariant to the per-row constant
 * that log p lost), multilabel sigmoids use z = logit p per cell.
 */
import type { Targets } from '../data/targets.js';

/** Probabilities are clipped here before taking logs, so a hard 0 or 1 stays finite. */
const P_EPS = 1e-7;

export type ScoreKind = 'softmax' | 'sigmoid';

function logits(proba: ArrayLike<number>, kind: ScoreKind): Float64Array {
  const z = new Float64Array(proba.length);
  for (let i = 0; i < proba.length; i++) {
    const p = Math.min(1 - P_EPS, Math.max(P_EPS, proba[i]));
    z[i] = kind === 'softmax' ? Math.log(p) : Math.log(p / (1 - p));
  }
  return z;
}

/** Mean negative log-likelihood of `targets` under logits scaled by β = 1/T. */
function nll(z: Float64Array, targets: Targets, n: number, K: number, kind: ScoreKind, beta: number): number {
  let total = 0;
  if (kind === 'softmax') {
    if (targets.kind !== 'single') throw new RangeError('softmax scores need single-label targets');
    for (let i = 0, row = 0; i < n; i++, row += K) {
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, beta * z[row + k]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(beta * z[row + k] - max);
      total += max + Math.log(sum) - beta * z[row + targets.y[i]];
    }
    return n > 0 ? total / n : 0;
  }
  if (targets.kind !== 'multi') throw new RangeError('sigmoid scores need multilabel targets');
  for (let c = 0; c < n * K; c++) {
    const s = beta * z[c];
    // −log σ(s) = softplus(−s), −log(1 − σ(s)) = softplus(s), computed without overflow.
    const x = targets.y[c] !== 0 ? -s : s;
    total += x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }
  return n * K > 0 ? total / (n * K) : 0;
}

export interface TemperatureFit {
  temperature: number;
  /** Held-out log loss before (T = 1) and after scaling, as computed here (probabilities clipped at 1e-7). */
  nllBefore: number;
  nllAfter: number;
}

/**
 * The temperature minimising held-out log loss. The loss is convex in β = 1/T, so a golden-section
 * search over log β in [−7, 7] (T from ~0.001 to ~1100) finds the minimum to ~1e-9 in log β.
 */
export function fitTemperature(proba: ArrayLike<number>, targets: Targets, n: number, K: number, kind: ScoreKind): TemperatureFit {
  if (proba.length !== n * K) throw new RangeError(`score matrix has ${proba.length} values, expected ${n}×${K}`);
  const z = logits(proba, kind);
  const f = (u: number): number => nll(z, targets, n, K, kind, Math.exp(u));
  let lo = -7;
  let hi = 7;
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  while (hi - lo > 1e-9) {
    if (fa <= fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = f(b);
    }
  }
  const u = (lo + hi) / 2;
  return { temperature: 1 / Math.exp(u), nllBefore: f(0), nllAfter: f(u) };
}

/** Scores with every logit divided by `temperature`, in the same layout. */
export function applyTemperature(proba: ArrayLike<number>, n: number, K: number, kind: ScoreKind, temperature: number): Float32Array {
  const z = logits(proba, kind);
  const beta = 1 / temperature;
  const out = new Float32Array(n * K);
  if (kind === 'sigmoid') {
    for (let c = 0; c < n * K; c++) out[c] = 1 / (1 + Math.exp(-beta * z[c]));
    return out;
  }
  for (let i = 0, row = 0; i < n; i++, row += K) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, beta * z[row + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(beta * z[row + k] - max);
    for (let k = 0; k < K; k++) out[row + k] = Math.exp(beta * z[row + k] - max) / sum;
  }
  return out;
}
