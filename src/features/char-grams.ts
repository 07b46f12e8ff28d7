/**
 * Character n-grams without a string per n-gram: those of the standalone `char` / `char_wb`
 * analyzers and of the character block beside word n-grams (TfidfConfig.charNgrams).
 *
 * Counting the character n-grams of a review as strings allocates one string per n-gram — four or
 * five per character for a 2–5 range, many times what the word path allocates — and hashes each
 * into a Map. Here a text is read once into a reused buffer of code points and each n-gram is a
 * (start, length) window over it: the vocabulary finds windows in a CharGramTrie (each n-gram
 * found from its prefix's id and its last code point), hashing encodes a window's UTF-8 into a
 * small reused buffer. Strings are built only for n-grams a vocabulary keeps.
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
  return createCodePointUnits<GramVisitor>(analyzer, (cps, count, wholeOnce, visit) => {
    for (let n = lo; n <= hi; n++) {
      if (wholeOnce && count <= n) {
        visit(cps, 0, count);
        break;
      }
      if (n > count) break;
      for (let i = 0; i + n <= count; i++) visit(cps, i, n);
    }
  });
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

/** The prefix of one-code-point n-grams in a CharGramTrie. */
const ROOT = -2;
/** One-code-point n-grams below this code point (the BMP) are found by index, not hashed. */
const DIRECT = 0x10000;

/**
 * The n-grams of a vocabulary as a trie in one open-addressing table: an n-gram is (id of its
 * first n−1 code points, last code point) → id, the one-code-point n-grams hanging off ROOT.
 * Scanning a text looks up the n-grams of length n+1 from those of length n (one probe of two
 * integers per n-gram), instead of hashing and comparing each window's code points: on IMDB
 * char_wb 2–5 that lookup was about half of fit. Ids are dense, in order of creation; an n-gram's
 * prefixes are n-grams too (ids without a feature where they are shorter than the range).
 */
export class CharGramTrie {
  /** Per slot: prefix id, last code point, n-gram id (−1: empty slot). */
  private slots: Int32Array;
  /** Id of each one-code-point n-gram of the BMP (−1: absent); a third of all lookups for a 2–5 range. */
  private readonly unigrams = new Int32Array(DIRECT).fill(-1);
  private mask: number;
  private prefixOf: Int32Array = new Int32Array(1 << 12);
  private lastOf: Int32Array = new Int32Array(1 << 12);
  size = 0;

  constructor(expected = 1 << 12) {
    let cap = 16;
    while (cap < expected * 2) cap <<= 1;
    this.slots = new Int32Array(cap * 3).fill(-1);
    this.mask = cap - 1;
  }

  private static hash(prefix: number, cp: number): number {
    let h = Math.imul(prefix ^ Math.imul(cp, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** The id of the one-code-point n-gram `cp`, or −1. */
  unigram(cp: number): number {
    return cp < DIRECT ? this.unigrams[cp] : this.child(ROOT, cp);
  }

  /** As unigram(), adding the n-gram when absent. */
  unigramOrAdd(cp: number): number {
    if (cp >= DIRECT) return this.childOrAdd(ROOT, cp);
    const id = this.unigrams[cp];
    return id !== -1 ? id : (this.unigrams[cp] = this.newId(ROOT, cp));
  }

  /** The id of n-gram `prefix` + `cp` (a prefix id, not ROOT below DIRECT: see unigram()), or −1. */
  child(prefix: number, cp: number): number {
    const slots = this.slots;
    let slot = CharGramTrie.hash(prefix, cp) & this.mask;
    for (;;) {
      const k = slot * 3;
      const id = slots[k + 2];
      if (id === -1 || (slots[k] === prefix && slots[k + 1] === cp)) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  /** As child(), adding the n-gram with the next id when absent. */
  childOrAdd(prefix: number, cp: number): number {
    const slots = this.slots;
    let slot = CharGramTrie.hash(prefix, cp) & this.mask;
    for (;;) {
      const k = slot * 3;
      const id = slots[k + 2];
      if (id === -1) break;
      if (slots[k] === prefix && slots[k + 1] === cp) return id;
      slot = (slot + 1) & this.mask;
    }
    const id = this.newId(prefix, cp);
    const k = slot * 3;
    slots[k] = prefix;
    slots[k + 1] = cp;
    slots[k + 2] = id;
    if (this.size * 2 > this.mask + 1) this.rehash();
    return id;
  }

  private newId(prefix: number, cp: number): number {
    const id = this.size++;
    if (id === this.prefixOf.length) {
      this.prefixOf = growInt32(this.prefixOf);
      this.lastOf = growInt32(this.lastOf);
    }
    this.prefixOf[id] = prefix;
    this.lastOf[id] = cp;
    return id;
  }

  /** The id of the n-gram cps[start .. start + len), or −1. */
  get(cps: Int32Array, start: number, len: number): number {
    let id = this.unigram(cps[start]);
    for (let k = start + 1; k < start + len && id !== -1; k++) id = this.child(id, cps[k]);
    return id;
  }

  /** The id of the n-gram cps[start .. start + len) (len ≥ 1), adding it and its prefixes when absent. */
  add(cps: Int32Array, start: number, len: number): number {
    let id = this.unigramOrAdd(cps[start]);
    for (let k = start + 1; k < start + len; k++) id = this.childOrAdd(id, cps[k]);
    return id;
  }

  /** The n-gram of `id` as a string. */
  stringOf(id: number): string {
    const cps: number[] = [];
    for (let g = id; g !== ROOT; g = this.prefixOf[g]) cps.push(this.lastOf[g]);
    let s = '';
    for (let k = cps.length - 1; k >= 0; k--) s += String.fromCodePoint(cps[k]);
    return s;
  }

  private rehash(): void {
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(cap * 3).fill(-1);
    const mask = cap - 1;
    for (let id = 0; id < this.size; id++) {
      const prefix = this.prefixOf[id];
      const cp = this.lastOf[id];
      if (prefix === ROOT && cp < DIRECT) continue;
      let slot = CharGramTrie.hash(prefix, cp) & mask;
      while (slots[slot * 3 + 2] !== -1) slot = (slot + 1) & mask;
      slots[slot * 3] = prefix;
      slots[slot * 3 + 1] = cp;
      slots[slot * 3 + 2] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function growInt32(a: Int32Array): Int32Array {
  const next = new Int32Array(a.length * 2);
  next.set(a);
  return next;
}

/** Called with the id of each n-gram (CharGramTrie), in the order createCharGramScanner visits them. */
export type GramIdVisitor = (id: number) => void;

/**
 * The trie counterpart of createCharGramScanner: visits the same n-grams in the same order, as
 * ids in `trie`. With `grow`, unknown n-grams (and their prefixes) are added, so an n-gram's id is
 * created when it is first visited — ids of the range's n-grams keep first-seen order, which is
 * the vocabulary's feature order; without, unknown n-grams are skipped.
 *
 * Works level by level: ids of the n-grams of length n at every start are kept in one row and
 * extended in place by one code point for length n+1.
 */
export function createCharGramIdScanner(analyzer: 'char' | 'char_wb', lo: number, hi: number, trie: CharGramTrie, grow: boolean): (text: string, visit: GramIdVisitor) => void {
  let row = new Int32Array(256);
  // A unit is the whole text (char) or one padded word (char_wb, whose word is visited once, whole, when not longer than n).
  const unit = (cps: Int32Array, count: number, wholeOnce: boolean, visit: GramIdVisitor): void => {
    if (row.length < count) row = new Int32Array(Math.max(count, row.length * 2));
    const ids = row;
    const top = Math.min(hi, count);
    for (let n = 1; n <= top; n++) {
      const last = count - n;
      const at = n - 1;
      if (n === 1) {
        if (grow) for (let i = 0; i <= last; i++) ids[i] = trie.unigramOrAdd(cps[i]);
        else for (let i = 0; i <= last; i++) ids[i] = trie.unigram(cps[i]);
      } else if (grow) {
        for (let i = 0; i <= last; i++) ids[i] = trie.childOrAdd(ids[i], cps[i + at]);
      } else {
        for (let i = 0; i <= last; i++) {
          const prefix = ids[i];
          ids[i] = prefix === -1 ? -1 : trie.child(prefix, cps[i + at]);
        }
      }
      if (n >= lo) {
        for (let i = 0; i <= last; i++) {
          const id = ids[i];
          if (id !== -1) visit(id);
        }
      }
    }
    if (wholeOnce && count < lo && ids[0] !== -1) visit(ids[0]);
  };
  return createCodePointUnits<GramIdVisitor>(analyzer, unit);
}

/**
 * Reads a text's code points into a reused buffer and hands over its units: for `char` the whole
 * text with whitespace runs collapsed to one space, for `char_wb` each whitespace-separated word
 * padded with one space on both sides.
 */
function createCodePointUnits<V>(analyzer: 'char' | 'char_wb', unit: (cps: Int32Array, count: number, wholeOnce: boolean, visit: V) => void): (text: string, visit: V) => void {
  let buf = new Int32Array(256);
  const ensure = (n: number): void => {
    if (buf.length < n) buf = new Int32Array(Math.max(n, buf.length * 2));
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
      unit(buf, count, false, visit);
    };
  }
  return (text, visit) => {
    ensure(text.length + 2);
    let count = 0;
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i) as number;
      i += cp > 0xffff ? 2 : 1;
      if (isJsWhitespace(cp)) {
        if (count > 0) {
          buf[0] = SPACE;
          buf[count + 1] = SPACE;
          unit(buf, count + 2, true, visit);
          count = 0;
        }
      } else buf[1 + count++] = cp;
    }
    if (count > 0) {
      buf[0] = SPACE;
      buf[count + 1] = SPACE;
      unit(buf, count + 2, true, visit);
    }
  };
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
