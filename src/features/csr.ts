/**
 * Compressed sparse row matrix in typed arrays. Row i's entries are
 * `indices[indptr[i]..indptr[i+1])` with values `data[...]`, column indices sorted ascending.
 */

import { release, shrinkableFloat32, shrinkableInt32 } from '../util/shrinkable-buffer.js';

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

type ColumnArray = Int32Array | Float32Array;

/** Elements per chunk of a ChunkedBuilder past its first: 4 MiB, committed as it is written. */
const CHUNK_ELEMENTS = 1 << 20;
/** Chunks at least this long live in buffers that can give their memory back at once. */
const SHRINKABLE_MIN = 1 << 16;

/**
 * An append-only array of unknown final length, for the columns of a matrix being built
 * (`transform`'s indices and values). It fills fixed-size chunks, so growing never copies what is
 * stored, and `detach` copies the chunks into one right-sized plain array, giving each chunk's
 * memory back as soon as it is copied. The peak is about the final array plus one chunk; a buffer
 * grown by doubling and then trimmed peaks at two to three times the final array.
 */
export class ChunkedBuilder<T extends ColumnArray> {
  private readonly full: T[] = [];
  private current: T;
  private at = 0;
  /** Elements appended so far. */
  length = 0;

  /** @param firstCapacity the first chunk's length (an estimate of the final length; capped at one chunk) */
  constructor(
    private readonly make: (length: number, shrinkable: boolean) => T,
    firstCapacity: number,
  ) {
    const n = Math.min(Math.max(16, firstCapacity), CHUNK_ELEMENTS);
    this.current = make(n, n >= SHRINKABLE_MIN);
  }

  append(values: T): void {
    let from = 0;
    while (from < values.length) {
      if (this.at === this.current.length) {
        this.full.push(this.current);
        this.current = this.make(CHUNK_ELEMENTS, true);
        this.at = 0;
      }
      const take = Math.min(values.length - from, this.current.length - this.at);
      this.current.set(values.subarray(from, from + take) as never, this.at);
      this.at += take;
      from += take;
    }
    this.length += values.length;
  }

  /** The contents as one right-sized plain array; the builder is empty afterwards. */
  detach(): T {
    const out = this.make(this.length, false);
    let at = 0;
    for (const chunk of this.full) {
      out.set(chunk as never, at);
      at += chunk.length;
      release(chunk);
    }
    out.set(this.current.subarray(0, this.at) as never, at);
    release(this.current);
    this.full.length = 0;
    this.current = this.make(16, false);
    this.at = 0;
    this.length = 0;
    return out;
  }
}

export function chunkedInt32Builder(firstCapacity: number): ChunkedBuilder<Int32Array> {
  return new ChunkedBuilder((n, shrinkable) => (shrinkable ? shrinkableInt32(n) : new Int32Array(n)), firstCapacity);
}

export function chunkedFloat32Builder(firstCapacity: number): ChunkedBuilder<Float32Array> {
  return new ChunkedBuilder((n, shrinkable) => (shrinkable ? shrinkableFloat32(n) : new Float32Array(n)), firstCapacity);
}
