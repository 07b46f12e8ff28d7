/**
 * Batches of token sequences for an encoder: sorted by length so each batch pads only to its own
 * longest member (dynamic padding), then turned into the int64 tensors BERT-style graphs take.
 */

/** Indices of `lengths` in batches of at most `batchSize`, longest first; ties keep input order. */
export function lengthSortedBatches(lengths: readonly number[], batchSize: number): number[][] {
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
  const batches: number[][] = [];
  for (let s = 0; s < order.length; s += batchSize) batches.push(order.slice(s, s + batchSize));
  return batches;
}

export interface PaddedBatch {
  rows: number;
  /** Sequence length of the batch: its longest member. */
  width: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
}

/** Right-padded row-major tensors of the sequences `ids` (already with special tokens). */
export function padBatch(ids: readonly (readonly number[])[], padId: number): PaddedBatch {
  const rows = ids.length;
  let width = 0;
  for (const s of ids) if (s.length > width) width = s.length;
  const inputIds = new BigInt64Array(rows * width).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const s = ids[r];
    for (let t = 0; t < s.length; t++) {
      inputIds[r * width + t] = BigInt(s[t]);
      attentionMask[r * width + t] = 1n;
    }
  }
  return { rows, width, inputIds, attentionMask, tokenTypeIds: new BigInt64Array(rows * width) };
}

/**
 * Mean over the unpadded positions of each row of a `rows × width × dim` hidden-state tensor
 * (as sentence-transformers pools: special tokens included, padding excluded).
 */
export function meanPool(hidden: Float32Array, mask: BigInt64Array, rows: number, width: number, dim: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let count = 0;
    for (let t = 0; t < width; t++) {
      if (mask[r * width + t] === 0n) continue;
      count++;
      const src = (r * width + t) * dim;
      for (let d = 0; d < dim; d++) out[r * dim + d] += hidden[src + d];
    }
    if (count > 0) for (let d = 0; d < dim; d++) out[r * dim + d] /= count;
  }
  return out;
}
