/**
 * Thinning of long curves for drawing. A ROC curve over 50,000 rows has up to 50,000 points,
 * far more than the ~300 pixels it is drawn on; keeping them all would make a 28-label report
 * tens of MB. Largest-Triangle-Three-Buckets (Steinarsson 2013) keeps the first and last
 * point and, from each of `maxPoints - 2` consecutive buckets, the point that spans the
 * largest triangle with its neighbours, which preserves corners and steps that a uniform
 * stride would cut.
 */

/** Indices of the points to keep (ascending), at most `maxPoints` of them; non-finite points are never kept. */
export function thinIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, maxPoints: number): number[] {
  const finite: number[] = [];
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) finite.push(i);
  const n = finite.length;
  if (n <= maxPoints) return finite;
  if (maxPoints < 3) return maxPoints <= 0 ? [] : maxPoints === 1 ? [finite[0]] : [finite[0], finite[n - 1]];

  const kept = [finite[0]];
  const bucketSize = (n - 2) / (maxPoints - 2);
  let a = finite[0];
  for (let b = 0; b < maxPoints - 2; b++) {
    const start = Math.floor(b * bucketSize) + 1;
    const end = Math.min(n - 1, Math.floor((b + 1) * bucketSize) + 1);
    // Average of the next bucket (or the last point) is the third triangle corner.
    const nextStart = end;
    const nextEnd = Math.min(n, Math.floor((b + 2) * bucketSize) + 1);
    let avgX = 0;
    let avgY = 0;
    const count = Math.max(1, nextEnd - nextStart);
    for (let j = nextStart; j < nextStart + count && j < n; j++) {
      avgX += xs[finite[j]];
      avgY += ys[finite[j]];
    }
    avgX /= count;
    avgY /= count;
    let best = finite[start];
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const i = finite[j];
      const area = Math.abs((xs[a] - avgX) * (ys[i] - ys[a]) - (xs[a] - xs[i]) * (avgY - ys[a]));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    kept.push(best);
    a = best;
  }
  kept.push(finite[n - 1]);
  return kept;
}

/** The two coordinate arrays thinned to at most `maxPoints` points. */
export function thinCurve(xs: ArrayLike<number>, ys: ArrayLike<number>, maxPoints: number): { xs: number[]; ys: number[] } {
  const idx = thinIndices(xs, ys, maxPoints);
  return { xs: idx.map((i) => xs[i]), ys: idx.map((i) => ys[i]) };
}
