/**
 * What fit() remembers of each document between counting and building the matrix: one
 * (candidate id, count) pair per distinct n-gram of the document, not every occurrence.
 *
 * Keeping every occurrence (4 bytes each, in an array grown by doubling) cost about 1 GB on IMDB
 * with char_wb 2–5. Here a reused per-candidate counter collects one document, then its distinct
 * n-grams are appended as pairs: 4 bytes of id and 1 byte of count (counts of 255 and more live in
 * a side map, rare). Pairs are stored in fixed-size chunks, so the store never copies itself while
 * growing, and `drain` gives each chunk's memory back once it has been read.
 */

import { release, shrinkableInt32, shrinkableUint8 } from '../util/shrinkable-buffer.js';

/** Pairs per chunk: 5 MiB, committed by the OS only as it is written. */
const DEFAULT_CHUNK = 1 << 20;
/** A count byte of this value means "look the count up in the overflow map". */
const BIG = 255;

/** Document frequency, corpus total and per-document counts of candidate n-grams (dense ids). */
export class DocumentCounter {
  /** Documents each candidate occurs in; valid for ids below the largest id added. */
  df: Int32Array;
  /** Occurrences of each candidate in the corpus; null unless asked for (max_features). */
  total: Float64Array | null;
  /** Count of each candidate in the current document; all zero between documents. */
  private inDoc: Int32Array;
  private touched = new Int32Array(1024);
  private numTouched = 0;
  /** Pairs of each document, in document order. */
  private readonly docPairs: Int32Array;
  private numDocs = 0;
  private idChunks: (Int32Array | null)[] = [];
  private countChunks: (Uint8Array | null)[] = [];
  /** Counts ≥ BIG by pair index. */
  private readonly bigCounts = new Map<number, number>();
  /** The chunk being filled and the next position in it. */
  private ids: Int32Array = new Int32Array(0);
  private counts: Uint8Array = new Uint8Array(0);
  private at: number;
  private readonly chunkSize: number;
  /** Pairs stored so far (a float: may pass 2³¹ on large corpora). */
  numPairs = 0;

  /**
   * @param maxDocs documents that will be counted
   * @param capacity expected candidates (grows as needed)
   * @param chunkSize pairs per storage chunk (small in tests, to cross chunk boundaries)
   */
  constructor(maxDocs: number, capacity: number, withTotals: boolean, chunkSize = DEFAULT_CHUNK) {
    this.chunkSize = chunkSize;
    this.at = chunkSize;
    const cap = Math.max(16, capacity);
    this.df = new Int32Array(cap);
    this.total = withTotals ? new Float64Array(cap) : null;
    this.inDoc = new Int32Array(cap);
    this.docPairs = new Int32Array(maxDocs);
  }

  /** One occurrence of candidate `id` in the current document. */
  add(id: number): void {
    if (id >= this.inDoc.length) this.grow(id + 1);
    if (this.inDoc[id]++ === 0) {
      if (this.numTouched === this.touched.length) {
        const next = new Int32Array(this.touched.length * 2);
        next.set(this.touched);
        this.touched = next;
      }
      this.touched[this.numTouched++] = id;
    }
  }

  /** Closes the current document: its distinct candidates become pairs, df and totals grow. */
  endDocument(): void {
    if (this.numDocs === this.docPairs.length) throw new Error(`DocumentCounter: more than the ${this.docPairs.length} documents it was made for`);
    const { inDoc, df, total } = this;
    for (let j = 0; j < this.numTouched; j++) {
      const id = this.touched[j];
      const c = inDoc[id];
      inDoc[id] = 0;
      df[id]++;
      if (total !== null) total[id] += c;
      this.pushPair(id, c);
    }
    this.docPairs[this.numDocs++] = this.numTouched;
    this.numTouched = 0;
  }

  private pushPair(id: number, count: number): void {
    if (this.at === this.chunkSize) {
      this.ids = shrinkableInt32(this.chunkSize);
      this.counts = shrinkableUint8(this.chunkSize);
      this.idChunks.push(this.ids);
      this.countChunks.push(this.counts);
      this.at = 0;
    }
    this.ids[this.at] = id;
    if (count >= BIG) {
      this.counts[this.at] = BIG;
      this.bigCounts.set(this.numPairs, count);
    } else this.counts[this.at] = count;
    this.at++;
    this.numPairs++;
  }

  private grow(min: number): void {
    const cap = Math.max(min, this.inDoc.length * 2);
    const inDoc = new Int32Array(cap);
    inDoc.set(this.inDoc);
    this.inDoc = inDoc;
    const df = new Int32Array(cap);
    df.set(this.df);
    this.df = df;
    if (this.total !== null) {
      const total = new Float64Array(cap);
      total.set(this.total);
      this.total = total;
    }
  }

  /** Documents ended so far. */
  get numDocuments(): number {
    return this.numDocs;
  }

  /** How many stored pairs have a kept candidate (`remap[id] !== -1`): the matrix's nnz. */
  countKept(remap: Int32Array): number {
    let kept = 0;
    let left = this.numPairs;
    for (const ids of this.idChunks) {
      if (ids === null) throw new Error('DocumentCounter: pairs already drained');
      const len = Math.min(left, this.chunkSize);
      for (let i = 0; i < len; i++) if (remap[ids[i]] !== -1) kept++;
      left -= len;
    }
    return kept;
  }

  /**
   * Visits every document's pairs in order, calling `endRow` after each document (empty ones
   * too), and frees the pairs as it goes: the counter is spent afterwards.
   */
  drain(visit: (id: number, count: number) => void, endRow: () => void): void {
    let chunk = 0;
    let ids = this.idChunks[0] ?? new Int32Array(0);
    let counts = this.countChunks[0] ?? new Uint8Array(0);
    let at = 0;
    let index = 0;
    for (let d = 0; d < this.numDocs; d++) {
      for (let p = this.docPairs[d]; p > 0; p--) {
        if (at === this.chunkSize) {
          release(ids);
          release(counts);
          this.idChunks[chunk] = null;
          this.countChunks[chunk] = null;
          chunk++;
          ids = this.idChunks[chunk] as Int32Array;
          counts = this.countChunks[chunk] as Uint8Array;
          at = 0;
        }
        const count = counts[at];
        visit(ids[at], count === BIG ? (this.bigCounts.get(index) as number) : count);
        at++;
        index++;
      }
      endRow();
    }
    if (chunk < this.idChunks.length) {
      release(ids);
      release(counts);
    }
    this.idChunks = [];
    this.countChunks = [];
    this.ids = new Int32Array(0);
    this.counts = new Uint8Array(0);
    this.at = this.chunkSize;
    this.numPairs = 0;
    this.numDocs = 0;
    this.bigCounts.clear();
  }
}
