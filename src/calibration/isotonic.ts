/**
 * Isotonic regression (pool adjacent violators) with scikit-learn's IsotonicRegression semantics
 * (increasing, out_of_bounds='clip'): duplicate x values are merged first (weighted mean of y),
 * the fitted step function is kept as its breakpoints, and prediction interpolates linearly
 * between them like numpy's `interp`, clipping outside the fitted range.
 */

export interface IsotonicCurve {
  /** Increasing breakpoints. */
  x: Float64Array;
  /** Non-decreasing fitted values at `x`. */
  y: Float64Array;
}

/**
 * Fits y ≈ f(x) with f non-decreasing, minimising Σ w (y − f(x))².
 * @param weights optional per-point weights (default 1).
 */
export function fitIsotonic(x: ArrayLike<number>, y: ArrayLike<number>, weights?: ArrayLike<number>): IsotonicCurve {
  const n = x.length;
  if (y.length !== n || (weights && weights.length !== n)) throw new RangeError('fitIsotonic: x, y and weights must have the same length');
  if (n === 0) return { x: new Float64Array(0), y: new Float64Array(0) };
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Sort by x, then y: the order inside a tie does not matter once ties are merged.
  order.sort((a, b) => x[a] - x[b] || y[a] - y[b]);
  // Merge equal x into one point with the weighted mean y.
  const ux = new Float64Array(n);
  const uy = new Float64Array(n);
  const uw = new Float64Array(n);
  let m = 0;
  for (let t = 0; t < n; t++) {
    const i = order[t];
    const w = weights ? weights[i] : 1;
    if (m > 0 && ux[m - 1] === x[i]) {
      uy[m - 1] += w * y[i];
      uw[m - 1] += w;
    } else {
      ux[m] = x[i];
      uy[m] = w * y[i];
      uw[m] = w;
      m++;
    }
  }
  for (let j = 0; j < m; j++) uy[j] = uw[j] > 0 ? uy[j] / uw[j] : 0;
  // Pool adjacent violators over blocks (value, weight, start index).
  const bv = new Float64Array(m);
  const bw = new Float64Array(m);
  const bs = new Int32Array(m);
  let blocks = 0;
  for (let j = 0; j < m; j++) {
    bv[blocks] = uy[j];
    bw[blocks] = uw[j];
    bs[blocks] = j;
    blocks++;
    while (blocks > 1 && bv[blocks - 2] > bv[blocks - 1]) {
      const w = bw[blocks - 2] + bw[blocks - 1];
      bv[blocks - 2] = w > 0 ? (bv[blocks - 2] * bw[blocks - 2] + bv[blocks - 1] * bw[blocks - 1]) / w : bv[blocks - 2];
      bw[blocks - 2] = w;
      blocks--;
    }
  }
  const fitted = new Float64Array(m);
  for (let b = 0; b < blocks; b++) {
    const end = b + 1 < blocks ? bs[b + 1] : m;
    for (let j = bs[b]; j < end; j++) fitted[j] = bv[b];
  }
  // Keep only the points interpolation needs: the ends of each constant run (sklearn does the same).
  const keepX: number[] = [];
  const keepY: number[] = [];
  for (let j = 0; j < m; j++) {
    const prevSame = j > 0 && fitted[j - 1] === fitted[j];
    const nextSame = j + 1 < m && fitted[j + 1] === fitted[j];
    if (!(prevSame && nextSame)) {
      keepX.push(ux[j]);
      keepY.push(fitted[j]);
    }
  }
  return { x: Float64Array.from(keepX), y: Float64Array.from(keepY) };
}

/** f(v) by linear interpolation between breakpoints; clipped to the end values outside them. */
export function predictIsotonic(curve: IsotonicCurve, v: number): number {
  const { x, y } = curve;
  const m = x.length;
  if (m === 0) return v;
  if (!(v > x[0])) return y[0];
  if (v >= x[m - 1]) return y[m - 1];
  let lo = 0;
  let hi = m - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= v) lo = mid;
    else hi = mid;
  }
  const t = (v - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + t * (y[hi] - y[lo]);
}
