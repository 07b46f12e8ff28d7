/**
 * Turning model scores into decisions. Scores are row-major `n × K` (see `Classifier`):
 * softmax probabilities for single-label tasks, independent sigmoids for multilabel.
 */

function checkShape(proba: ArrayLike<number>, n: number, K: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(K) || n < 0 || K < 0) {
    throw new RangeError(`invalid shape n=${n}, K=${K}`);
  }
  if (proba.length !== n * K) {
    throw new RangeError(`score matrix has ${proba.length} values, expected n×K = ${n}×${K}`);
  }
}

/**
 * Index of the highest score in each row. Ties go to the lowest index, like numpy's `argmax`,
 * so that predictions match the Python reference bit for bit. NaN scores never win (unless the
 * whole row is NaN, which yields 0).
 */
export function argmaxRows(proba: ArrayLike<number>, n: number, K: number): Int32Array {
  checkShape(proba, n, K);
  const out = new Int32Array(n);
  if (K === 0) return out;
  for (let i = 0, row = 0; i < n; i++, row += K) {
    let best = 0;
    let bestScore = -Infinity;
    for (let k = 0; k < K; k++) {
      const s = proba[row + k];
      if (s > bestScore) {
        bestScore = s;
        best = k;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * Multilabel decisions: a label fires when its score is ≥ its threshold; a text where nothing
 * fires gets its single top-scoring label instead, so every text carries at least one label
 * (a classifier that answers "nothing" is rarely what a user wants from a tagger).
 *
 * @param thresholds one threshold per label (length K) or a single threshold for all labels.
 * @param topK at most this many labels per text (the highest-scoring of those that fire).
 * @returns row-major `n × K` 0/1 matrix.
 */
export function applyThresholds(
  proba: ArrayLike<number>,
  n: number,
  K: number,
  thresholds: Float32Array | number,
  topK?: number,
): Uint8Array {
  checkShape(proba, n, K);
  if (typeof thresholds !== 'number' && thresholds.length !== K) {
    throw new RangeError(`got ${thresholds.length} thresholds for ${K} labels`);
  }
  const out = new Uint8Array(n * K);
  if (K === 0) return out;
  for (let i = 0, row = 0; i < n; i++, row += K) {
    let fired = 0;
    let best = 0;
    let bestScore = -Infinity;
    for (let k = 0; k < K; k++) {
      const s = proba[row + k];
      const t = typeof thresholds === 'number' ? thresholds : thresholds[k];
      if (s >= t) {
        out[row + k] = 1;
        fired++;
      }
      if (s > bestScore) {
        bestScore = s;
        best = k;
      }
    }
    if (fired === 0) out[row + best] = 1;
    else if (topK !== undefined && fired > topK) keepTopK(proba, out, row, K, topK);
  }
  return out;
}

/** Clears all but the `k` highest-scoring fired labels of one row (ties: lower index wins). */
function keepTopK(proba: ArrayLike<number>, out: Uint8Array, row: number, K: number, k: number): void {
  for (let kept = 0; kept < k; kept++) {
    let best = -1;
    for (let j = 0; j < K; j++) {
      if (out[row + j] === 1 && (best < 0 || proba[row + j] > proba[row + best])) best = j;
    }
    out[row + best] = 2; // kept: out of the running for the next pick
  }
  for (let j = 0; j < K; j++) out[row + j] = out[row + j] === 2 ? 1 : 0;
}

/**
 * Single-label decisions with a "not sure" option: the top class of each row, or -1 where the
 * top probability is below `abstainBelow`.
 */
export function argmaxOrAbstain(proba: ArrayLike<number>, n: number, K: number, abstainBelow: number): Int32Array {
  const out = argmaxRows(proba, n, K);
  for (let i = 0; i < n; i++) if (proba[i * K + out[i]] < abstainBelow) out[i] = -1;
  return out;
}
