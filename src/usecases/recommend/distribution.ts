/**
 * Emotion distributions as plain arrays aligned with a model's labels, and the distance the
 * recommender compares them with.
 */

/** A copy of `p` scaled to sum to 1. Multilabel models give independent sigmoids; distances need a distribution. */
export function normalize(p: ArrayLike<number>): number[] {
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += Math.max(0, p[i]);
  const out = new Array<number>(p.length);
  for (let i = 0; i < p.length; i++) out[i] = sum > 0 ? Math.max(0, p[i]) / sum : 1 / p.length;
  return out;
}

/** The point `t` of the way from `a` to `b` (t = 0: a, t = 1: b). */
export function mix(a: readonly number[], b: readonly number[], t: number): number[] {
  return a.map((x, i) => (1 - t) * x + t * b[i]);
}

/** All mass on label `k` of `K`. */
export function oneHot(K: number, k: number): number[] {
  const out = new Array<number>(K).fill(0);
  out[k] = 1;
  return out;
}

export function argmax(p: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}

/**
 * Jensen–Shannon distance (the square root of the base-2 JS divergence): symmetric, bounded in
 * [0, 1], a true metric, and finite when one side has zeros — which a one-hot target always has,
 * so KL divergence would not do.
 */
export function jsDistance(p: readonly number[], q: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) d += p[i] * Math.log2(p[i] / m);
    if (q[i] > 0) d += q[i] * Math.log2(q[i] / m);
  }
  return Math.sqrt(Math.min(1, Math.max(0, d / 2)));
}

/** `{label: probability}` rounded for output (4 decimals keeps JSON short and bars exact enough). */
export function asRecord(labels: readonly string[], p: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  labels.forEach((label, i) => (out[label] = round4(p[i])));
  return out;
}

export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
