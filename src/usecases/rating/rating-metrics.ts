/**
 * How close predicted star ratings are to the true ones: mean absolute error (in stars) and
 * Spearman's rank correlation with average ranks for ties (scipy.stats.spearmanr's definition;
 * star ratings tie a lot, so the tie handling matters).
 */

export interface RatingScore {
  /** Mean |predicted − true| in stars. */
  mae: number;
  /** Spearman's ρ; null when either side is constant (ρ is undefined then). */
  spearman: number | null;
}

export function meanAbsoluteError(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  const n = checkLengths(predicted, truth);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs(predicted[i] - truth[i]);
  return sum / n;
}

/** Ranks 1..n, ties sharing the mean of the ranks they span. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2;
    for (let t = start; t < end; t++) ranks[order[t]] = rank;
    start = end;
  }
  return ranks;
}

export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const n = checkLengths(a, b);
  return pearson(averageRanks(a), averageRanks(b), n);
}

export function scoreRating(predicted: ArrayLike<number>, truth: ArrayLike<number>): RatingScore {
  return { mae: meanAbsoluteError(predicted, truth), spearman: spearman(predicted, truth) };
}

function pearson(x: Float64Array, y: Float64Array, n: number): number | null {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

function checkLengths(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`rating metrics: ${a.length} predictions for ${b.length} true ratings`);
  if (a.length === 0) throw new RangeError('rating metrics need at least one rating');
  return a.length;
}
