/**
 * Ascending sort of a matrix row's column ids (distinct, below a known bound), the per-row step
 * of building CSR rows. Int32Array.prototype.sort took about a fifth of a char_wb 2–5 fit on IMDB
 * (rows of ~1,900 ids); an LSD radix sort over the bound's bits, in two or three passes with
 * reused buffers, is about three times faster on such rows. Short rows use the built-in sort,
 * whose cost there is below the radix passes' fixed histogram work.
 */

/** Bits per pass at most: a histogram of 2^11 counts stays in L1 cache. */
const MAX_DIGIT_BITS = 11;

export class RowSorter {
  private readonly passes: number;
  private readonly digitBits: number;
  /**
   * Rows shorter than this use the built-in sort: its cost meets the radix passes' fixed
   * histogram work near passes × 2^digitBits / 8 ids (measured: ~250 for a bound of 300,000, two
   * passes of 10 bits; ~400 for 3,000,000, two of 11).
   */
  private readonly minRadixLength: number;
  /** Made on the first long row: transforms of single texts never need them. */
  private histogram: Int32Array | null = null;
  private scratch: Int32Array = new Int32Array(0);

  /** @param bound every id sorted is in [0, bound) */
  constructor(bound: number) {
    const bits = bound <= 1 ? 1 : 32 - Math.clz32(bound - 1);
    this.passes = Math.ceil(bits / MAX_DIGIT_BITS);
    this.digitBits = Math.ceil(bits / this.passes);
    this.minRadixLength = Math.max(128, (this.passes << this.digitBits) / 8);
  }

  /**
   * Sorts ids[0 .. length) ascending and returns the sorted run: a view of `ids` itself or of a
   * scratch buffer that the next call reuses. `ids` may be left permuted.
   */
  sort(ids: Int32Array, length: number): Int32Array {
    if (length < this.minRadixLength) return ids.subarray(0, length).sort();
    if (this.scratch.length < length) this.scratch = new Int32Array(Math.max(length, this.scratch.length * 2));
    const histogram = (this.histogram ??= new Int32Array(1 << this.digitBits));
    const mask = histogram.length - 1;
    let src: Int32Array = ids;
    let dst = this.scratch;
    for (let pass = 0, shift = 0; pass < this.passes; pass++, shift += this.digitBits) {
      histogram.fill(0);
      for (let i = 0; i < length; i++) histogram[(src[i] >>> shift) & mask]++;
      let sum = 0;
      for (let b = 0; b <= mask; b++) {
        const c = histogram[b];
        histogram[b] = sum;
        sum += c;
      }
      for (let i = 0; i < length; i++) {
        const v = src[i];
        dst[histogram[(v >>> shift) & mask]++] = v;
      }
      const t = src;
      src = dst;
      dst = t;
    }
    return src.subarray(0, length);
  }
}
