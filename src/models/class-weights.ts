/** Class weighting shared by the model types (`class_weight: balanced`, as scikit-learn). */

/** scikit-learn's `class_weight='balanced'`: n / (K · count(class)) for every row. */
export function balancedRowWeights(y: Int32Array, numClasses: number): Float32Array {
  const counts = new Float64Array(numClasses);
  for (const c of y) counts[c]++;
  const present = counts.filter((c) => c > 0).length;
  return Float32Array.from(y, (c) => y.length / (present * counts[c]));
}

/**
 * Balanced weights of each label's one-vs-rest problem, `[absent₀, present₀, absent₁, …]`:
 * n / (2 · count), and 1 where a side has no rows (nothing to weigh).
 */
export function balancedPairWeights(y: Uint8Array, K: number): Float64Array {
  const n = y.length / K;
  const pos = new Float64Array(K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) pos[k] += y[i * K + k];
  const out = new Float64Array(2 * K);
  for (let k = 0; k < K; k++) {
    const neg = n - pos[k];
    out[2 * k] = neg > 0 ? n / (2 * neg) : 1;
    out[2 * k + 1] = pos[k] > 0 ? n / (2 * pos[k]) : 1;
  }
  return out;
}

/** Row weights times row weights; `a` absent means all ones. */
export function multiplyWeights(a: Float32Array | undefined, b: Float32Array): Float32Array {
  if (!a) return b;
  return a.map((v, i) => v * b[i]);
}
