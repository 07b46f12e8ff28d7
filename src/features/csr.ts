/**
 * Compressed sparse row matrix in typed arrays. Row i's entries are
 * `indices[indptr[i]..indptr[i+1])` with values `data[...]`, column indices sorted ascending.
 */
export interface CsrMatrix {
  rows: number;
  cols: number;
  indptr: Int32Array; // length rows + 1
  indices: Int32Array; // length nnz
  data: Float32Array; // length nnz
}

export function nnz(m: CsrMatrix): number {
  return m.indptr[m.rows];
}

/** Dense row-major copy; for tests and tiny matrices only. */
export function toDense(m: CsrMatrix): Float64Array {
  const out = new Float64Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) {
    for (let p = m.indptr[i]; p < m.indptr[i + 1]; p++) out[i * m.cols + m.indices[p]] = m.data[p];
  }
  return out;
}

/** Growable Int32 buffer: amortized appends without per-element objects. */
export class Int32Builder {
  private buf: Int32Array;
  length = 0;
  constructor(initialCapacity = 1024) {
    this.buf = new Int32Array(Math.max(16, initialCapacity));
  }
  push(v: number): void {
    if (this.length === this.buf.length) this.grow(this.length + 1);
    this.buf[this.length++] = v;
  }
  /** Appends all of `values` (one copy, not a push per value). */
  append(values: Int32Array): void {
    if (this.length + values.length > this.buf.length) this.grow(this.length + values.length);
    this.buf.set(values, this.length);
    this.length += values.length;
  }
  private grow(min: number): void {
    const next = new Int32Array(Math.max(min, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  /** A right-sized copy of the contents. */
  toArray(): Int32Array {
    return this.buf.slice(0, this.length);
  }
  /**
   * The contents, right-sized, and the builder emptied: the buffer itself when exactly full (no
   * copy of a large matrix array), else a copy.
   */
  detach(): Int32Array {
    const out = this.length === this.buf.length ? this.buf : this.buf.slice(0, this.length);
    this.buf = new Int32Array(16);
    this.length = 0;
    return out;
  }
  view(): Int32Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Growable Float32 buffer, the companion of Int32Builder for CSR values. */
export class Float32Builder {
  private buf: Float32Array;
  length = 0;
  constructor(initialCapacity = 1024) {
    this.buf = new Float32Array(Math.max(16, initialCapacity));
  }
  push(v: number): void {
    if (this.length === this.buf.length) this.grow(this.length + 1);
    this.buf[this.length++] = v;
  }
  /** Appends all of `values` (one copy, not a push per value). */
  append(values: Float32Array): void {
    if (this.length + values.length > this.buf.length) this.grow(this.length + values.length);
    this.buf.set(values, this.length);
    this.length += values.length;
  }
  private grow(min: number): void {
    const next = new Float32Array(Math.max(min, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  toArray(): Float32Array {
    return this.buf.slice(0, this.length);
  }
  /** As Int32Builder.detach. */
  detach(): Float32Array {
    const out = this.length === this.buf.length ? this.buf : this.buf.slice(0, this.length);
    this.buf = new Float32Array(16);
    this.length = 0;
    return out;
  }
}
