import { tokenPatternRegex } from '../../text/tokenize.js';
import { fnv1a, fnv1aRange } from './hash.js';

/**
 * The `word` tokenizer of src/text/tokenize.ts (runs of letters, marks, digits and `_` joined by
 * inner apostrophes, each emoji, `!` and `?`) as a scanner for prediction: it records where each
 * token is and its fastText hash, computed while scanning, instead of a substring per token. On
 * GoEmotions the regex match objects and substrings, and looking each one up in a Map, were the
 * largest part of predicting a short text. ASCII is scanned by hand; at the first non-ASCII
 * character of a token (or between tokens) the regex itself takes over for that one token, so
 * every script and emoji is split exactly as by the regex (tested against it, scan.test.ts).
 */
export interface ScannedTokens {
  /** Start and end (UTF-16 offsets) and fnv1a hash (as int32) of each token. */
  starts: Int32Array;
  ends: Int32Array;
  hashes: Int32Array;
  length: number;
}

const SEPARATOR = 0;
const WORD = 1;
/** `!` and `?`: tokens of their own. */
const MARK = 2;
const APOSTROPHE = 3;

/** ASCII classes as the `word` regex sees them: [A-Za-z0-9_] are \p{L}/\p{N}/_, no ASCII is pictographic. */
const ASCII_CLASS = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    if (/[A-Za-z0-9_]/.test(ch)) t[c] = WORD;
    else if (ch === '!' || ch === '?') t[c] = MARK;
    else if (ch === "'") t[c] = APOSTROPHE;
    else t[c] = SEPARATOR;
  }
  return t;
})();

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;

export class WordScanner {
  private readonly re = tokenPatternRegex('word');
  readonly tokens: ScannedTokens = { starts: new Int32Array(64), ends: new Int32Array(64), hashes: new Int32Array(64), length: 0 };

  /** Scans `text` into `this.tokens` (reset first). */
  scan(text: string): ScannedTokens {
    const t = this.tokens;
    t.length = 0;
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c >= 128) {
        i = this.regexToken(text, i);
        continue;
      }
      const k = ASCII_CLASS[c];
      if (k === WORD) {
        i = this.wordToken(text, i);
      } else {
        if (k === MARK) this.push(i, i + 1, Math.imul(FNV_OFFSET ^ c, FNV_PRIME));
        i++;
      }
    }
    return t;
  }

  /** A token that starts with an ASCII word character at `start`; returns where scanning goes on. */
  private wordToken(text: string, start: number): number {
    const n = text.length;
    let h = FNV_OFFSET;
    let i = start;
    for (;;) {
      let c = 0;
      while (i < n) {
        c = text.charCodeAt(i);
        if (c >= 128 || ASCII_CLASS[c] !== WORD) break;
        h = Math.imul(h ^ c, FNV_PRIME);
        i++;
      }
      if (i >= n) break;
      // A non-ASCII character may continue the token (a letter, a mark, ’): the regex decides.
      if (c >= 128) return this.regexToken(text, start);
      if (c !== 0x27 || i + 1 >= n) break;
      const next = text.charCodeAt(i + 1);
      if (next >= 128) return this.regexToken(text, start);
      if (ASCII_CLASS[next] !== WORD) break;
      // An inner apostrophe followed by a word character joins the two runs (`don't`).
      h = Math.imul(h ^ c, FNV_PRIME);
      i++;
    }
    this.push(start, i, h);
    return i;
  }

  /** The regex's next token at or after `from` (everything before `from` is not part of one); returns its end. */
  private regexToken(text: string, from: number): number {
    const re = this.re;
    re.lastIndex = from;
    const m = re.exec(text);
    if (m === null) return text.length;
    this.push(m.index, m.index + m[0].length, fnv1a(m[0]));
    return m.index + m[0].length;
  }

  private push(start: number, end: number, hash: number): void {
    const t = this.tokens;
    if (t.length === t.starts.length) {
      const size = t.length * 2;
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(size);
        b.set(a);
        return b;
      };
      t.starts = grow(t.starts);
      t.ends = grow(t.ends);
      t.hashes = grow(t.hashes);
    }
    t.starts[t.length] = start;
    t.ends[t.length] = end;
    t.hashes[t.length] = hash;
    t.length++;
  }
}

/**
 * Word → id by fastText hash, for tokens given as a range of a text: open addressing over the
 * hashes, each candidate checked against the word's characters (kept in one array), so no
 * substring is made and a hash collision never maps a token to another word.
 */
export class VocabIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;

  private constructor(
    /** The words' characters, one after the other: word w is chars[offsets[w], offsets[w + 1]). */
    private readonly chars: Uint16Array,
    private readonly offsets: Int32Array,
    /** fnv1a of each word (as int32). */
    private readonly hashes: Int32Array,
  ) {
    let size = 16;
    while (size < hashes.length * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let w = 0; w < hashes.length; w++) {
      let slot = hashes[w] & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = w + 1;
    }
  }

  static fromWords(words: readonly string[]): VocabIndex {
    const offsets = new Int32Array(words.length + 1);
    for (let w = 0; w < words.length; w++) offsets[w + 1] = offsets[w] + words[w].length;
    const chars = new Uint16Array(offsets[words.length]);
    for (let w = 0; w < words.length; w++) for (let j = 0; j < words[w].length; j++) chars[offsets[w] + j] = words[w].charCodeAt(j);
    return new VocabIndex(chars, offsets, Int32Array.from(words, (w) => fnv1aRange(w, 0, w.length) | 0));
  }

  /**
   * From the words joined by '\n', as a model stores them: no string per word (a restored model's
   * tens of thousands of them were most of what loading left on the JavaScript heap).
   */
  static fromJoined(joined: string): VocabIndex {
    let n = joined.length === 0 ? 0 : 1;
    for (let i = 0; i < joined.length; i++) if (joined.charCodeAt(i) === 10) n++;
    const offsets = new Int32Array(n + 1);
    const hashes = new Int32Array(n);
    const chars = new Uint16Array(joined.length - Math.max(0, n - 1));
    let w = 0;
    let k = 0;
    let start = 0;
    for (let i = 0; i <= joined.length; i++) {
      const c = i < joined.length ? joined.charCodeAt(i) : 10;
      if (c !== 10) {
        chars[k++] = c;
        continue;
      }
      if (w === n) break;
      hashes[w] = fnv1aRange(joined, start, i) | 0;
      offsets[++w] = k;
      start = i + 1;
    }
    return new VocabIndex(chars, offsets, hashes);
  }

  /** Number of words. */
  get size(): number {
    return this.hashes.length;
  }

  /** Id of the word text[start, end) with fnv1a `hash` (as int32), or −1. */
  find(text: string, start: number, end: number, hash: number): number {
    const { slots, mask, chars, offsets, hashes } = this;
    let slot = hash & mask;
    for (;;) {
      const w = slots[slot] - 1;
      if (w < 0) return -1;
      if (hashes[w] === hash) {
        const at = offsets[w];
        const len = end - start;
        if (offsets[w + 1] - at === len) {
          let j = 0;
          while (j < len && chars[at + j] === text.charCodeAt(start + j)) j++;
          if (j === len) return w;
        }
      }
      slot = (slot + 1) & mask;
    }
  }
}

/**
 * Distinct tokens in first-seen order, interned from ranges of texts (training's vocabulary
 * pass): a token seen before costs a probe and a character comparison, no substring; a new one
 * is sliced once. Ids are those a Map in first-seen order would give.
 */
export class TokenInterner {
  readonly strings: string[] = [];
  /** fnv1a (as int32) of each string. */
  hashes = new Int32Array(1024);
  private slots = new Int32Array(1 << 12);

  /** Id of text[start, end) with fnv1a `hash` (as int32), added when new. */
  intern(text: string, start: number, end: number, hash: number): number {
    const mask = this.slots.length - 1;
    const len = end - start;
    let slot = hash & mask;
    for (;;) {
      const id = this.slots[slot] - 1;
      if (id < 0) break;
      if (this.hashes[id] === hash) {
        const s = this.strings[id];
        if (s.length === len) {
          let j = 0;
          while (j < len && s.charCodeAt(j) === text.charCodeAt(start + j)) j++;
          if (j === len) return id;
        }
      }
      slot = (slot + 1) & mask;
    }
    const id = this.strings.length;
    this.strings.push(text.slice(start, end));
    if (id === this.hashes.length) {
      const grown = new Int32Array(id * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[id] = hash;
    this.slots[slot] = id + 1;
    if ((id + 1) * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.strings.length; id++) {
      let slot = this.hashes[id] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }
}
