import { combineHash, fnv1a, fnv1aRange } from './hash.js';
import { TokenInterner, VocabIndex, WordScanner } from './scan.js';

/**
 * How a text becomes input rows, as in fastText's supervised mode: each word of the vocabulary
 * is a row; word n-grams (2..wordNgrams consecutive tokens, unknown words included) and, with
 * maxn > 0, character n-grams of `<word>` (minn..maxn code points) are hashed into `buckets`.
 * Unit ids live in one space: word w is w, bucket b is numWords + b. Words are the `word`
 * tokenizer's tokens (scan.ts reproduces it), the same words the TF-IDF models see.
 */
export interface UnitConfig {
  wordNgrams: number;
  buckets: number;
  minn: number;
  maxn: number;
}

/**
 * fastText ends every line with the token `</s>`: a row shared by all texts (a learned bias, in
 * effect) plus the n-gram of the last word with it. The `word` tokenizer never produces it.
 */
export const EOS = '</s>';

/** A growable Int32Array: the hot paths reuse one instead of allocating per text. */
export class IntBuffer {
  data: Int32Array;
  length = 0;
  constructor(capacity = 256) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }
  grow(min: number): void {
    const next = new Int32Array(Math.max(min, this.data.length * 2));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** A copy of the filled part, exactly sized (to persist or share). */
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Appends the bucket units of the character n-grams of `<token>` (fastText's computeSubwords,
 * counted in code points; the lone `<` and `>` are skipped as in fastText).
 */
export function pushCharNgrams(token: string, cfg: UnitConfig, numWords: number, out: IntBuffer, starts: IntBuffer): void {
  const w = `<${token}>`;
  starts.length = 0;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const prev = w.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) continue;
    }
    starts.push(i);
  }
  const count = starts.length;
  starts.push(w.length);
  const off = starts.data;
  for (let i = 0; i < count; i++) {
    for (let n = 1; n <= cfg.maxn && i + n <= count; n++) {
      if (n < cfg.minn || (n === 1 && (i === 0 || i + n === count))) continue;
      out.push(numWords + (fnv1aRange(w, off[i], off[i + n]) % cfg.buckets));
    }
  }
}

/**
 * Appends the units of one tokenized text: per token its word id (when in the vocabulary) and its
 * character n-grams (via `subwords`), then the hashed word n-grams over all tokens.
 */
export function pushUnits(
  cfg: UnitConfig,
  numWords: number,
  wordIds: Int32Array,
  hashes: Int32Array,
  numTokens: number,
  subwords: ((tokenIndex: number, out: IntBuffer) => void) | null,
  out: IntBuffer,
): void {
  for (let i = 0; i < numTokens; i++) {
    if (wordIds[i] >= 0) out.push(wordIds[i]);
    if (subwords !== null) subwords(i, out);
  }
  const n = cfg.wordNgrams;
  const B = cfg.buckets;
  for (let i = 0; i < numTokens; i++) {
    let h = hashes[i] >>> 0;
    for (let j = i + 1; j < numTokens && j < i + n; j++) {
      h = combineHash(h, hashes[j] >>> 0);
      out.push(numWords + (h % B));
    }
  }
}

/**
 * Turns texts into input rows at prediction time: known words and the buckets seen in training
 * (kept rows); everything else is ignored, where fastText would use the untrained random row.
 */
export class Featurizer {
  private readonly scanner = new WordScanner();
  private readonly vocab: VocabIndex;
  private readonly eosId: number;
  private readonly eosHash = fnv1a(EOS) | 0;
  private tokens: string[] = [];
  private wordIds = new IntBuffer();
  private hashes = new IntBuffer();
  private readonly units = new IntBuffer();
  private readonly starts = new IntBuffer();
  private readonly subwords: ((i: number, out: IntBuffer) => void) | null;
  private readonly buckets: BucketRanks;

  private readonly numWords: number;

  constructor(
    readonly cfg: UnitConfig,
    /** The vocabulary, or its index (a restored model builds that without a string per word). */
    words: readonly string[] | VocabIndex,
    /** Bucket id → input row, -1 for buckets unused in training (a map as bucketRowMap makes, or its compact form). */
    bucketRows: Int32Array | BucketRanks,
  ) {
    this.buckets = bucketRows instanceof BucketRanks ? bucketRows : BucketRanks.fromMap(bucketRows);
    this.vocab = words instanceof VocabIndex ? words : VocabIndex.fromWords(words);
    this.numWords = this.vocab.size;
    this.eosId = this.vocab.find(EOS, 0, EOS.length, this.eosHash);
    this.subwords = cfg.maxn > 0 ? (i, out) => {
      if (this.tokens[i] !== EOS) pushCharNgrams(this.tokens[i], cfg, this.numWords, out, this.starts);
    } : null;
  }

  /** Input rows of a normalized text, repeats kept, into `out` (reset first). */
  rows(text: string, out: IntBuffer): void {
    const t = this.scanner.scan(text);
    const n = t.length;
    const m = n + 1;
    const wordIds = this.wordIds;
    const hashes = this.hashes;
    if (wordIds.data.length < m) {
      wordIds.grow(m);
      hashes.grow(m);
    }
    const ids = wordIds.data;
    const hs = hashes.data;
    for (let i = 0; i < n; i++) {
      ids[i] = this.vocab.find(text, t.starts[i], t.ends[i], t.hashes[i]);
      hs[i] = t.hashes[i];
    }
    ids[n] = this.eosId;
    hs[n] = this.eosHash;
    wordIds.length = m;
    hashes.length = m;
    out.length = 0;
    if (this.subwords === null) {
      this.wordAndNgramRows(ids, hs, m, out);
      return;
    }
    // The tokens themselves are needed only for their character n-grams.
    this.tokens.length = 0;
    for (let i = 0; i < n; i++) this.tokens.push(text.slice(t.starts[i], t.ends[i]));
    this.tokens.push(EOS);
    this.units.length = 0;
    pushUnits(this.cfg, this.numWords, ids, hs, m, this.subwords, this.units);
    const nw = this.numWords;
    const u = this.units.data;
    for (let i = 0; i < this.units.length; i++) {
      const id = u[i];
      const row = id < nw ? id : this.buckets.row(id - nw);
      if (row >= 0) out.push(row);
    }
  }

  /**
   * pushUnits without character n-grams, straight to rows (no unit list): the known words, then
   * the word n-grams whose buckets training used, in pushUnits' order.
   */
  private wordAndNgramRows(ids: Int32Array, hs: Int32Array, m: number, out: IntBuffer): void {
    const N = this.cfg.wordNgrams;
    const B = this.cfg.buckets;
    if (out.data.length < m * N) out.grow(m * N);
    const rows = out.data;
    let k = 0;
    for (let i = 0; i < m; i++) if (ids[i] >= 0) rows[k++] = ids[i];
    for (let i = 0; i < m; i++) {
      let h = hs[i] >>> 0;
      for (let j = i + 1; j < m && j < i + N; j++) {
        h = combineHash(h, hs[j] >>> 0);
        const row = this.buckets.row(h % B);
        if (row >= 0) rows[k++] = row;
      }
    }
    out.length = k;
  }
}

/** Training features: per example the distinct input rows and how often each occurs (CSR). */
export interface EncodedTexts {
  words: string[];
  /** Sorted bucket ids that occur in the training data; bucket usedBuckets[k] is row numWords + k. */
  usedBuckets: Int32Array;
  offsets: Int32Array;
  rows: Int32Array;
  counts: Float32Array;
  /** 1 / (total units of the example), 0 for an example without units. */
  invNorm: Float32Array;
}

/**
 * Builds the vocabulary (tokens seen at least minCount times, in first-seen order, so the result
 * does not depend on hash-map iteration) and encodes every text once, before training, through
 * `prepare` (normalization) when given.
 * Tokenizes only once: pass 1 records per-text ids of distinct tokens, pass 2 derives the units.
 */
export function encodeTraining(texts: readonly string[], cfg: UnitConfig, minCount: number, prepare?: (text: string) => string): EncodedTexts {
  const scanner = new WordScanner();
  const interner = new TokenInterner();
  const counts = new IntBuffer(1 << 12);
  const seq = new IntBuffer(1 << 16);
  const textOffsets = new Int32Array(texts.length + 1);
  const eosHash = fnv1a(EOS) | 0;
  const add = (id: number): void => {
    if (id === counts.length) counts.push(0);
    counts.data[id]++;
    seq.push(id);
  };
  for (let t = 0; t < texts.length; t++) {
    // Prepared (normalized) as it is read, so no array of prepared copies of all texts is needed.
    const text = prepare ? prepare(texts[t]) : texts[t];
    const tok = scanner.scan(text);
    for (let i = 0; i < tok.length; i++) add(interner.intern(text, tok.starts[i], tok.ends[i], tok.hashes[i]));
    add(interner.intern(EOS, 0, EOS.length, eosHash));
    textOffsets[t + 1] = seq.length;
  }

  const strings = interner.strings;
  const words: string[] = [];
  const wordOf = new Int32Array(strings.length);
  const hashOf = interner.hashes;
  for (let i = 0; i < strings.length; i++) wordOf[i] = counts.data[i] >= minCount ? words.push(strings[i]) - 1 : -1;
  const numWords = words.length;
  const subwords = cfg.maxn > 0 ? charNgramTable(strings, cfg, numWords) : null;

  const rows = new IntBuffer(1 << 16);
  const rowCounts = new IntBuffer(1 << 16);
  const offsets = new Int32Array(texts.length + 1);
  const invNorm = new Float32Array(texts.length);
  // Per unit [last text seen, slot in rows], interleaved (one cache miss per lookup), to merge
  // repeats within a text without sorting; afterwards, a stamp >= 0 marks a used bucket.
  const seen = new Int32Array(2 * (numWords + cfg.buckets)).fill(-1);
  const wordIds = new IntBuffer();
  const hashes = new IntBuffer();
  const units = new IntBuffer();
  let tokenBase = 0;
  const sub = subwords === null ? null : (i: number, out: IntBuffer) => {
    const tok = seq.data[tokenBase + i];
    for (let k = subwords.offsets[tok]; k < subwords.offsets[tok + 1]; k++) out.push(subwords.units[k]);
  };
  for (let t = 0; t < texts.length; t++) {
    tokenBase = textOffsets[t];
    const n = textOffsets[t + 1] - tokenBase;
    wordIds.length = 0;
    hashes.length = 0;
    for (let i = 0; i < n; i++) {
      const tok = seq.data[tokenBase + i];
      wordIds.push(wordOf[tok]);
      hashes.push(hashOf[tok]);
    }
    units.length = 0;
    pushUnits(cfg, numWords, wordIds.data, hashes.data, n, sub, units);
    for (let i = 0; i < units.length; i++) {
      const u = units.data[i];
      if (seen[2 * u] === t) {
        rowCounts.data[seen[2 * u + 1]]++;
        continue;
      }
      seen[2 * u] = t;
      seen[2 * u + 1] = rows.length;
      rows.push(u);
      rowCounts.push(1);
    }
    offsets[t + 1] = rows.length;
    invNorm[t] = units.length > 0 ? 1 / units.length : 0;
  }

  const used = new Uint8Array(cfg.buckets);
  for (let b = 0; b < cfg.buckets; b++) used[b] = seen[2 * (numWords + b)] >= 0 ? 1 : 0;
  const { usedBuckets, bucketRow } = compactBuckets(used, numWords);
  const r = rows.data;
  for (let i = 0; i < rows.length; i++) if (r[i] >= numWords) r[i] = bucketRow[r[i] - numWords];
  return { words, usedBuckets, offsets, rows: rows.toArray(), counts: Float32Array.from(rowCounts.data.subarray(0, rowCounts.length)), invNorm };
}

/** Character n-gram units of every distinct token, computed once (fastText precomputes subwords too). */
function charNgramTable(strings: readonly string[], cfg: UnitConfig, numWords: number): { offsets: Int32Array; units: Int32Array } {
  const out = new IntBuffer(1 << 12);
  const starts = new IntBuffer();
  const offsets = new Int32Array(strings.length + 1);
  for (let i = 0; i < strings.length; i++) {
    if (strings[i] !== EOS) pushCharNgrams(strings[i], cfg, numWords, out, starts);
    offsets[i + 1] = out.length;
  }
  return { offsets, units: out.toArray() };
}

/**
 * Only buckets that training data touched get a row: the others would keep their random
 * initialization forever, so dropping them saves memory (2M × dim floats) without changing training.
 */
export function compactBuckets(used: Uint8Array, numWords: number): { usedBuckets: Int32Array; bucketRow: Int32Array } {
  let k = 0;
  for (let b = 0; b < used.length; b++) k += used[b];
  const usedBuckets = new Int32Array(k);
  const bucketRow = new Int32Array(used.length).fill(-1);
  k = 0;
  for (let b = 0; b < used.length; b++) {
    if (used[b] === 0) continue;
    usedBuckets[k] = b;
    bucketRow[b] = numWords + k++;
  }
  return { usedBuckets, bucketRow };
}

/**
 * bucket → row of a restored model (row = numWords + index of the bucket in the sorted used
 * list, −1 when unused) in 1/16 of the space of an Int32Array map over all buckets: per 32
 * buckets a bitmap of the used ones and the row of the first, the rest by counting bits. With
 * 2M buckets that is 500 KB instead of 8 MB, which stays in cache: each word n-gram of a text
 * at prediction paid a cache miss in the 8 MB map before its row was known.
 */
export class BucketRanks {
  private constructor(
    /** [bits, row of the first used bucket of the 32] per 32 buckets. */
    private readonly blocks: Int32Array,
  ) {}

  static fromUsed(usedBuckets: Int32Array, buckets: number, numWords: number): BucketRanks {
    const blocks = new Int32Array(2 * Math.ceil(buckets / 32));
    let k = 0;
    for (let w = 0; w * 2 < blocks.length; w++) {
      blocks[2 * w + 1] = numWords + k;
      let bits = 0;
      while (k < usedBuckets.length && usedBuckets[k] >>> 5 === w) bits |= 1 << (usedBuckets[k++] & 31);
      blocks[2 * w] = bits;
    }
    return new BucketRanks(blocks);
  }

  /** From a map as bucketRowMap makes: used buckets on consecutive rows in bucket order. */
  static fromMap(bucketRow: Int32Array): BucketRanks {
    const used: number[] = [];
    let first = -1;
    for (let b = 0; b < bucketRow.length; b++) {
      if (bucketRow[b] < 0) continue;
      if (first < 0) first = bucketRow[b];
      if (bucketRow[b] !== first + used.length) throw new Error(`fasttext: bucket ${b} maps to row ${bucketRow[b]}, expected ${first + used.length} (used buckets on consecutive rows)`);
      used.push(b);
    }
    return BucketRanks.fromUsed(Int32Array.from(used), bucketRow.length, Math.max(first, 0));
  }

  /** Row of bucket `b`, or −1 when training never used it. */
  row(b: number): number {
    const w = b >>> 5;
    const bits = this.blocks[2 * w];
    const bit = 1 << (b & 31);
    if ((bits & bit) === 0) return -1;
    return this.blocks[2 * w + 1] + popcount32(bits & (bit - 1));
  }
}

function popcount32(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** bucket → row map of a restored model, from its sorted used-bucket list. */
export function bucketRowMap(usedBuckets: Int32Array, buckets: number, numWords: number): Int32Array {
  const map = new Int32Array(buckets).fill(-1);
  for (let k = 0; k < usedBuckets.length; k++) map[usedBuckets[k]] = numWords + k;
  return map;
}
