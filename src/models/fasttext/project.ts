/**
 * Each input row's projection onto the output layer. A text's logits are output · mean(rows),
 * which is the mean of its rows' projections, so a final model scores a text with numOutputs
 * additions per row from this table instead of dim additions per row and numOutputs × dim for
 * the output layer. Computed once when training ends, on the training threads (worker.ts).
 */

/** Rows [from, to) of the table `out` (rows × O, row-major): out[r · O + o] = output row o · input row r. */
export function projectRowsInto(input: Float32Array, output: Float32Array, out: Float32Array, from: number, to: number, O: number, dim: number): void {
  // Two input rows × four output rows at a time: each value loaded serves several products
  // (measured ~40% faster than one row at a time; V8 does not vectorize). Sums in double precision.
  let r = from;
  for (; r + 1 < to; r += 2) {
    const x0 = r * dim;
    const x1 = x0 + dim;
    const q0 = r * O;
    const q1 = q0 + O;
    let o = 0;
    for (; o + 3 < O; o += 4) {
      const w0 = o * dim;
      const w1 = w0 + dim;
      const w2 = w1 + dim;
      const w3 = w2 + dim;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let d = 0; d < dim; d++) {
        const a = input[x0 + d];
        const b = input[x1 + d];
        const v0 = output[w0 + d];
        const v1 = output[w1 + d];
        const v2 = output[w2 + d];
        const v3 = output[w3 + d];
        s00 += v0 * a;
        s01 += v1 * a;
        s02 += v2 * a;
        s03 += v3 * a;
        s10 += v0 * b;
        s11 += v1 * b;
        s12 += v2 * b;
        s13 += v3 * b;
      }
      out[q0 + o] = s00;
      out[q0 + o + 1] = s01;
      out[q0 + o + 2] = s02;
      out[q0 + o + 3] = s03;
      out[q1 + o] = s10;
      out[q1 + o + 1] = s11;
      out[q1 + o + 2] = s12;
      out[q1 + o + 3] = s13;
    }
    for (; o < O; o++) {
      out[q0 + o] = dotRows(output, o * dim, input, x0, dim);
      out[q1 + o] = dotRows(output, o * dim, input, x1, dim);
    }
  }
  for (; r < to; r++) for (let o = 0; o < O; o++) out[r * O + o] = dotRows(output, o * dim, input, r * dim, dim);
}

/** The whole table of `rows` input rows, in this thread. */
export function projectRows(input: Float32Array, output: Float32Array, rows: number, O: number, dim: number): Float32Array {
  const out = new Float32Array(rows * O);
  projectRowsInto(input, output, out, 0, rows, O, dim);
  return out;
}

/** Thread `thread` of `threads`' share of `rows` rows: [from, to). */
export function rowShare(rows: number, thread: number, threads: number): { from: number; to: number } {
  return { from: Math.floor((rows * thread) / threads), to: Math.floor((rows * (thread + 1)) / threads) };
}

/** a[aAt, aAt + dim) · b[bAt, bAt + dim), summed in double precision. */
export function dotRows(a: Float32Array, aAt: number, b: Float32Array, bAt: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let d = 0;
  for (; d + 1 < dim; d += 2) {
    s0 += a[aAt + d] * b[bAt + d];
    s1 += a[aAt + d + 1] * b[bAt + d + 1];
  }
  if (d < dim) s0 += a[aAt + d] * b[bAt + d];
  return s0 + s1;
}
