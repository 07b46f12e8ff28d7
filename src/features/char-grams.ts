/**
 * Character n-grams without a string per n-gram: those of the standalone `char` / `char_wb`
 * analyzers and of the character block beside word n-grams (TfidfConfig.charNgrams).
 *
 * Counting the character n-grams of a review as strings allocates one string per n-gram — four or
 * five per character for a 2–5 range, many times what the word path allocates — and hashes each
 * into a Map. Here a text is read once into a reused buffer of code points and each n-gram is a
 * (start, length) window over it: the vocabulary looks windows up in CharGramTable (open
 * addressing over code points), hashing encodes a window's UTF-8 into a small reused buffer.
 * Strings are built only for n-grams a vocabulary keeps.
 *
 * The windows are exactly the units of src/text/tokenize.ts's `char` and `char_wb` analyzers, in
 * the same order (tests compare them on every code point class that matters).
 */
import { murmur3 } from './hashing.js';

/** Called for each n-gram: code points cps[start .. start + len). `cps` is reused between calls. */
export type GramVisitor = (cps: Int32Array, start: number, len: number) => void;

/** JavaScript's /\s/u: WhiteSpace and LineTerminator code points. */
export function isJsWhitespace(cp: number): boolean {
  if (cp <= 0x20) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d);
  if (cp < 0xa0) return false;
  return cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000 || cp === 0xfeff;
}

const SPACE = 0x20;

/**
 * A scanner for one analyzer and n-gram range: `char` (whitespace runs collapsed to one space, all
 * n-grams of the text) or `char_wb` (each whitespace-separated word padded with one space on both
 * sides; a padded word of at most n code points is visited once, whole, and longer n skipped).
 */
export function createCharGramScanner(analyzer: 'char' | 'char_wb', lo: number, hi: number): (text: string, visit: GramVisitor) => void {
  let buf = new Int32Array(256);
  const ensure = (n: number): void => {
    if (buf.length < n) {
      const next = new Int32Array(Math.max(n, buf.length * 2));
      next.set(buf);
      buf = next;
    }
  };
  if (analyzer === 'char') {
    return (text, visit) => {
      ensure(text.length);
      let count = 0;
      let inSpace = false;
      for (let i = 0; i < text.length; ) {
        const cp = text.codePointAt(i) as number;
        i += cp > 0xffff ? 2 : 1;
        if (isJsWhitespace(cp)) {
          if (!inSpace) buf[count++] = SPACE;
          inSpace = true;
        } else {
          buf[count++] = cp;
          inSpace = false;
        }
      }
      for (let n = lo; n <= hi && n <= count; n++) for (let i = 0; i + n <= count; i++) visit(buf, i, n);
    };
  }
  return (text, visit) => {
    ensure(text.length + 2);
    let count = 0;
    const flush = (): void => {
      if (count === 0) return;
      buf[0] = SPACE;
      buf[count + 1] = SPACE;
      const padded = count + 2;
      for (let n = lo; n <= hi; n++) {
        if (padded <= n) {
          visit(buf, 0, padded);
          break;
        }
        for (let i = 0; i + n <= padded; i++) visit(buf, i, n);
      }
      count = 0;
    };
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i) as number;
      i += cp > 0xffff ? 2 : 1;
      if (isJsWhitespace(cp)) flush();
      else buf[1 + count++] = cp;
    }
    flush();
  };
}

/** The n-gram as a string (lone surrogates stay lone, as String.prototype.slice leaves them). */
export function gramString(cps: Int32Array, start: number, len: number): string {
  let s = '';
  for (let k = start; k < start + len; k++) s += String.fromCodePoint(cps[k]);
  return s;
}

/** Code points of a string, as the scanner reads them. */
export function codePointsOf(s: string): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i) as number;
    out.push(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return Int32Array.from(out);
}

function gramHash(cps: Int32Array, start: number, len: number): number {
  let h = Math.imul(0x811c9dc5 ^ len, 0x01000193);
  for (let k = start; k < start + len; k++) h = Math.imul(h ^ cps[k], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Open-addressing table from n-grams (code point windows) to dense ids, code points pooled. */
export class CharGramTable {
  private pool = new Int32Array(1 << 16);
  private poolLength = 0;
  private starts = new Int32Array(1 << 12);
  private lengths = new Uint8Array(1 << 12);
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected = 1 << 12) {
    let cap = 16;
    while (cap < expected * 2) cap <<= 1;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  private find(cps: Int32Array, start: number, len: number, hash: number): number {
    let slot = hash & this.mask;
    for (;;) {
      const id = this.slots[slot];
      if (id === -1 || this.equals(id, cps, start, len)) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  private equals(id: number, cps: Int32Array, start: number, len: number): boolean {
    if (this.lengths[id] !== len) return false;
    const at = this.starts[id];
    for (let k = 0; k < len; k++) if (this.pool[at + k] !== cps[start + k]) return false;
    return true;
  }

  /** The id of the n-gram, or -1. */
  get(cps: Int32Array, start: number, len: number): number {
    return this.slots[this.find(cps, start, len, gramHash(cps, start, len))];
  }

  /** The id of the n-gram, adding it with the next id when absent. */
  getOrAdd(cps: Int32Array, start: number, len: number): number {
    const slot = this.find(cps, start, len, gramHash(cps, start, len));
    const found = this.slots[slot];
    if (found !== -1) return found;
    const id = this.size++;
    if (id === this.starts.length) {
      const starts = new Int32Array(id * 2);
      starts.set(this.starts);
      this.starts = starts;
      const lengths = new Uint8Array(id * 2);
      lengths.set(this.lengths);
      this.lengths = lengths;
    }
    if (this.poolLength + len > this.pool.length) {
      const pool = new Int32Array(Math.max(this.pool.length * 2, this.poolLength + len));
      pool.set(this.pool);
      this.pool = pool;
    }
    this.pool.set(cps.subarray(start, start + len), this.poolLength);
    this.starts[id] = this.poolLength;
    this.lengths[id] = len;
    this.poolLength += len;
    this.slots[slot] = id;
    if (this.size * 2 > this.slots.length) this.rehash();
    return id;
  }

  /** The n-gram of `id` as a string. */
  stringOf(id: number): string {
    return gramString(this.pool, this.starts[id], this.lengths[id]);
  }

  private rehash(): void {
    const cap = this.slots.length * 2;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = gramHash(this.pool, this.starts[id], this.lengths[id]) & this.mask;
      while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
      this.slots[slot] = id;
    }
  }
}

/**
 * MurmurHash3 (seed 0) of an n-gram's UTF-8 bytes — what TokenHasher gives for the n-gram's string —
 * encoded into a reused buffer. Lone surrogates encode as U+FFFD, as TextEncoder does. (A cache of
 * hashes per distinct n-gram was measured slower than hashing the few bytes again.)
 */
export class CharGramHasher {
  private bytes = new Uint8Array(64);

  hash(cps: Int32Array, start: number, len: number): number {
    if (this.bytes.length < len * 4) this.bytes = new Uint8Array(len * 4);
    const b = this.bytes;
    let n = 0;
    for (let k = start; k < start + len; k++) {
      let cp = cps[k];
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
      if (cp < 0x80) b[n++] = cp;
      else if (cp < 0x800) {
        b[n++] = 0xc0 | (cp >> 6);
        b[n++] = 0x80 | (cp & 0x3f);
      } else if (cp < 0x10000) {
        b[n++] = 0xe0 | (cp >> 12);
        b[n++] = 0x80 | ((cp >> 6) & 0x3f);
        b[n++] = 0x80 | (cp & 0x3f);
      } else {
        b[n++] = 0xf0 | (cp >> 18);
        b[n++] = 0x80 | ((cp >> 12) & 0x3f);
        b[n++] = 0x80 | ((cp >> 6) & 0x3f);
        b[n++] = 0x80 | (cp & 0x3f);
      }
    }
    return murmur3(b, n);
  }
}
