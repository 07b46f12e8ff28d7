import type { StemLanguage } from '../text/stemming.js';
import type { StopWordLanguage } from '../text/stopwords.js';
import { ModelFormatError } from '../errors.js';
import { createTokenizer, type Analyzer, type Tokenizer, type TokenPattern } from '../text/tokenize.js';
import { chunkedFloat32Builder, chunkedInt32Builder, Float32Builder, Int32Builder, type CsrMatrix } from './csr.js';
import { CharGramHasher, CharGramTrie, codePointsOf, createCharGramIdScanner, createCharGramScanner, type GramIdVisitor, type GramVisitor } from './char-grams.js';
import { DocumentCounter } from './doc-counts.js';
import { ngramHash, TokenHasher } from './hashing.js';
import { NgramTable } from './ngram-table.js';
import { RowSorter } from './radix-sort.js';

/** TF-IDF settings; the semantics follow scikit-learn's TfidfVectorizer. */
export interface TfidfConfig {
  /** Word n-grams (default) or character n-grams; absent in models written before 0.2 (word). */
  analyzer?: Analyzer;
  tokenPattern: TokenPattern;
  /**
   * Smallest and largest n: of word n-grams (1 ≤ min ≤ max ≤ 3) for the word analyzer, of
   * character n-grams (in characters) for `char` and `char_wb`, as in scikit-learn.
   */
  ngramRange: [number, number];
  /** Integer ≥ 1: document count; in (0, 1): fraction of documents. */
  minDf: number;
  /** In (0, 1]: fraction of documents; integer > 1: document count. */
  maxDf: number;
  /** Keep only the most frequent n-grams (by total count in the corpus); null keeps all. */
  maxFeatures: number | null;
  sublinearTf: boolean;
  /**
   * Hash n-grams into this many buckets instead of building a vocabulary of strings (see
   * hashing.ts); null or absent: a vocabulary. min_df/max_df/max_features then apply to buckets.
   * A character block hashes into buckets of its own, as many again.
   */
  hashBuckets?: number | null;
  useIdf: boolean;
  smoothIdf: boolean;
  norm: 'l2' | 'none';
  /** Drop this language's stop words from word tokens (word analyzer only); null or absent: keep all. */
  stopWords?: StopWordLanguage | null;
  /** Snowball-stem word tokens in this language (word analyzer only); null or absent: no stemming. */
  stem?: StemLanguage | null;
  /**
   * Character n-grams counted beside the word n-grams (word analyzer only), as a second block of
   * features; null or absent (every model written before): word n-grams alone.
   */
  charNgrams?: CharNgramsConfig | null;
}

/**
 * The character block of a word + character vectorizer: scikit-learn's FeatureUnion of a word and a
 * character TfidfVectorizer, in one pass and one matrix. Its features come after all word features
 * (ids charStart..numFeatures−1); tf, idf and the l2 norm are computed per block, then the character
 * block is multiplied by `weight`, so a row has norm sqrt(1 + weight²) when both blocks are present.
 */
export interface CharNgramsConfig {
  analyzer: 'char' | 'char_wb';
  /** n-gram lengths in code points, 1 ≤ min ≤ max ≤ 8. */
  ngramRange: [number, number];
  /** > 0: the character block's values are multiplied by it after its own normalization. */
  weight: number;
}

export const DEFAULT_TFIDF: TfidfConfig = {
  analyzer: 'word',
  tokenPattern: 'word',
  ngramRange: [1, 2],
  minDf: 2,
  maxDf: 1.0,
  maxFeatures: null,
  sublinearTf: true,
  useIdf: true,
  smoothIdf: true,
  norm: 'l2',
};

/** What is done to each text just before its n-grams are read (normalization, in a model). */
export type TextPrepare = (text: string) => string;

/** Persisted arrays of a fitted vectorizer. */
export interface TfidfArrays {
  /** Token strings joined by '\n', UTF-8. */
  tokens: Uint8Array;
  /**
   * Token ids of each feature's n-gram, three per feature, -1 padded. With hashing: the feature's
   * bucket, then -1, -1 (and `tokens` is empty), so every model persists both kinds the same way.
   */
  ngrams: Int32Array;
  idf: Float32Array;
}

const NO_TOKEN = -1;
/**
 * Second key slot of a character-block feature: (token id or bucket, CHAR_NGRAM_MARK, -1). Word
 * n-grams never hold it, so the character n-gram "ab" and the word "ab" are different features
 * even though they share one interned string.
 */
export const CHAR_NGRAM_MARK = -2;
/** How feature names mark the character block (`⟨char⟩ing `). */
export const CHAR_FEATURE_PREFIX = '⟨char⟩';

/** The word tokenizer; null for the character analyzers, which scan code points (analyzerScannerFor). */
function tokenizerFor(config: TfidfConfig): Tokenizer | null {
  if ((config.analyzer ?? 'word') !== 'word') return null;
  return createTokenizer('word', config.tokenPattern, config.ngramRange, { stopWords: config.stopWords ?? null, stem: config.stem ?? null });
}

type CharScanner = (text: string, visit: GramVisitor) => void;
type CharIdScanner = (text: string, visit: GramIdVisitor) => void;
interface CharGramSpec {
  analyzer: 'char' | 'char_wb';
  range: [number, number];
}

/**
 * The n-grams of a standalone `char` / `char_wb` analyzer, or null for `word`. The scanners visit
 * the units createTokenizer emits for these analyzers, in the same order, as code point windows
 * (char-grams.ts): a feature is a one-unit n-gram (token id, -1, -1) as before, so vocabularies,
 * hash buckets and saved models are the same; only no string is built per n-gram.
 */
function analyzerGrams(config: TfidfConfig): CharGramSpec | null {
  const analyzer = config.analyzer ?? 'word';
  if (analyzer === 'word') return null;
  if (config.stopWords || config.stem) throw new Error(`stop words and stemming apply to word tokens; analyzer ${analyzer} makes character n-grams`);
  return { analyzer, range: config.ngramRange };
}

/** The n-grams of the character block beside word n-grams, or null without one. */
function blockGrams(config: TfidfConfig): CharGramSpec | null {
  const c = config.charNgrams;
  if (!c) return null;
  if ((config.analyzer ?? 'word') !== 'word') throw new Error(`charNgrams adds character n-grams to word n-grams; analyzer ${config.analyzer} makes character n-grams already`);
  return { analyzer: c.analyzer, range: c.ngramRange };
}

/** A window scanner (for hashing) of these n-grams. */
function scannerOf(spec: CharGramSpec | null): CharScanner | null {
  return spec && createCharGramScanner(spec.analyzer, spec.range[0], spec.range[1]);
}

/** A trie-id scanner (for a vocabulary) of these n-grams; `grow` adds unknown n-grams to the trie. */
function idScannerOf(spec: CharGramSpec | null, trie: CharGramTrie, grow: boolean): CharIdScanner | null {
  return spec && createCharGramIdScanner(spec.analyzer, spec.range[0], spec.range[1], trie, grow);
}

/** A fitted TF-IDF vectorizer: frozen vocabulary and idf weights. */
export class TfidfVectorizer {
  private readonly tokenIds: Map<string, number>;
  private readonly table: NgramTable;
  /** Word tokenizer (word analyzer), or null. */
  private readonly tokenize: Tokenizer | null;
  /** Trie-id scanner of the standalone char / char_wb analyzer; null without one and with hashing. */
  private readonly analyzerScan: CharIdScanner | null;
  /** Trie-id scanner of the character block beside word n-grams; null without one and with hashing. */
  private readonly charScan: CharIdScanner | null;
  /**
   * Character n-grams with a feature (the standalone analyzer's, or the character block's) and
   * their prefixes, and each trie id's feature (−1: a prefix only); empty with hashing.
   */
  private readonly charGrams: CharGramTrie;
  private readonly featureOfGram: Int32Array;
  /** Id of the first character-block feature; numFeatures when there is none. */
  readonly charStart: number;
  /**
   * Per-feature counts reused by every `transform` (all zero between calls): allocating a
   * vocabulary-sized array per call dominated single-text prediction on large vocabularies.
   */
  private scratchCounts: Int32Array | null = null;

  private constructor(
    readonly config: TfidfConfig,
    readonly tokens: string[],
    readonly ngrams: Int32Array,
    readonly idf: Float32Array,
  ) {
    this.tokenize = tokenizerFor(config);
    const ownGrams = analyzerGrams(config);
    const block = blockGrams(config);
    this.charStart = charBlockStart(ngrams, block !== null);
    // The character analyzers look n-grams up by code points (charGrams) and need no string map.
    this.tokenIds = this.tokenize ? new Map(tokens.map((t, i) => [t, i])) : new Map();
    // Without hashing, a character analyzer's features are found through charGrams alone.
    this.table = ownGrams && !config.hashBuckets ? new NgramTable(16) : NgramTable.fromKeys(ngrams);
    const firstGramFeature = ownGrams ? 0 : this.charStart;
    const numGrams = config.hashBuckets ? 0 : this.numFeatures - firstGramFeature;
    this.charGrams = new CharGramTrie(Math.max(16, numGrams * 2));
    const gramOfFeature = new Int32Array(numGrams);
    for (let f = firstGramFeature; f < firstGramFeature + numGrams; f++) {
      const cps = codePointsOf(tokens[ngrams[f * 3]]);
      gramOfFeature[f - firstGramFeature] = this.charGrams.add(cps, 0, cps.length);
    }
    // Equal tokens (lone surrogates read back as U+FFFD) share a gram: the later feature wins, as before.
    this.featureOfGram = new Int32Array(this.charGrams.size).fill(-1);
    gramOfFeature.forEach((g, j) => (this.featureOfGram[g] = firstGramFeature + j));
    this.analyzerScan = config.hashBuckets ? null : idScannerOf(ownGrams, this.charGrams, false);
    this.charScan = config.hashBuckets ? null : idScannerOf(block, this.charGrams, false);
  }

  get numFeatures(): number {
    return this.idf.length;
  }

  /** Whether feature `f` is a character n-gram of the character block. */
  isCharFeature(f: number): boolean {
    return f >= this.charStart;
  }

  /**
   * Human-readable name of feature `f` (`"not good"`), as scikit-learn prints it; character-block
   * features are prefixed with CHAR_FEATURE_PREFIX (`⟨char⟩ing `), hashed ones are `#bucket`.
   */
  featureName(f: number): string {
    const prefix = this.isCharFeature(f) ? CHAR_FEATURE_PREFIX : '';
    if (this.config.hashBuckets) return `${prefix}#${this.ngrams[f * 3]}`;
    if (prefix) return prefix + this.tokens[this.ngrams[f * 3]];
    const parts: string[] = [];
    for (let j = 0; j < 3; j++) {
      const t = this.ngrams[f * 3 + j];
      if (t !== NO_TOKEN) parts.push(this.tokens[t]);
    }
    return parts.join(' ');
  }

  /**
   * Learns the vocabulary and idf from `texts` and returns their matrix (fit_transform).
   * `prepare` (e.g. normalization) is applied to each text as it is read, so prepared copies of all
   * texts never exist at once: each is garbage once its n-grams are counted.
   */
  static fit(texts: readonly string[], config: TfidfConfig, prepare?: TextPrepare): { vectorizer: TfidfVectorizer; matrix: CsrMatrix } {
    if (config.hashBuckets) return TfidfVectorizer.fitHashed(texts, config, config.hashBuckets, prepare);
    const ownGrams = analyzerGrams(config);
    if (ownGrams) return TfidfVectorizer.fitCharAnalyzer(texts, config, ownGrams, prepare);
    const [nMin, nMax] = config.ngramRange;
    const n = texts.length;
    const tokenize = tokenizerFor(config) as Tokenizer;
    const block = blockGrams(config);
    const grams = new CharGramTrie(block ? 1 << 16 : 16);
    const charScan = idScannerOf(block, grams, true);

    // Pass 1: intern tokens, give every n-gram a candidate id, count per document.
    const tokenIds = new Map<string, number>();
    const tokenList: string[] = [];
    const docTokens = new Int32Builder(1 << 16);
    const table = new NgramTable(1 << 16);
    const counter = new DocumentCounter(n, 1 << 16, config.maxFeatures !== null);
    const intern = (tok: string): void => {
      let id = tokenIds.get(tok);
      if (id === undefined) {
        id = tokenList.length;
        tokenIds.set(tok, id);
        tokenList.push(tok);
      }
      docTokens.push(id);
    };
    // A character n-gram's candidate is (gram id, mark, -1), made when the gram is first visited
    // (the trie also holds prefixes, which are never visited when shorter than the range).
    let candidateOfGram: Int32Array = new Int32Array(1 << 12).fill(-1);
    const countGram: GramIdVisitor = (g) => {
      if (g >= candidateOfGram.length) candidateOfGram = growInt32(candidateOfGram, g + 1, -1);
      let c = candidateOfGram[g];
      if (c === -1) c = candidateOfGram[g] = table.getOrAdd(g, CHAR_NGRAM_MARK, NO_TOKEN);
      counter.add(c);
    };

    for (let d = 0; d < n; d++) {
      docTokens.length = 0;
      const text = prepare ? prepare(texts[d]) : texts[d];
      tokenize(text, intern);
      const toks = docTokens.view();
      for (let p = 0; p < toks.length; p++) {
        for (let len = nMin; len <= nMax && p + len <= toks.length; len++) {
          counter.add(table.getOrAdd(toks[p], len >= 2 ? toks[p + 1] : NO_TOKEN, len >= 3 ? toks[p + 2] : NO_TOKEN));
        }
      }
      if (charScan) charScan(text, countGram);
      counter.endDocument();
    }

    // Choose the kept n-grams over both blocks together (as one vocabulary would).
    const numCandidates = table.size;
    let kept = keptCandidates(counter, numCandidates, n, config);
    const candidateKeys = new Int32Array(numCandidates * 3);
    table.exportKeys(candidateKeys);
    // Word features first, then the character block, each in first-seen order.
    if (charScan) kept = [...kept.filter((c) => candidateKeys[c * 3 + 1] !== CHAR_NGRAM_MARK), ...kept.filter((c) => candidateKeys[c * 3 + 1] === CHAR_NGRAM_MARK)];

    // Compact the vocabulary to the tokens the kept n-grams use.
    const remap = new Int32Array(numCandidates).fill(-1);
    const tokenRemap = new Int32Array(tokenList.length).fill(-1);
    const tokens: string[] = [];
    const ngrams = new Int32Array(kept.length * 3);
    const idf = new Float32Array(kept.length);
    // Character n-grams join the token list, sharing an entry with an equal word token.
    let tokenIndex: Map<string, number> | null = null;
    for (let f = 0; f < kept.length; f++) {
      const c = kept[f];
      remap[c] = f;
      idf[f] = config.useIdf ? idfValue(n, counter.df[c], config.smoothIdf) : 1;
      if (candidateKeys[c * 3 + 1] === CHAR_NGRAM_MARK) {
        tokenIndex ??= new Map(tokens.map((t, i) => [t, i]));
        const gram = grams.stringOf(candidateKeys[c * 3]);
        let t = tokenIndex.get(gram);
        if (t === undefined) {
          t = tokens.push(gram) - 1;
          tokenIndex.set(gram, t);
        }
        ngrams.set([t, CHAR_NGRAM_MARK, NO_TOKEN], f * 3);
        continue;
      }
      for (let j = 0; j < 3; j++) {
        const t = candidateKeys[c * 3 + j];
        if (t === NO_TOKEN) {
          ngrams[f * 3 + j] = NO_TOKEN;
          continue;
        }
        if (tokenRemap[t] === -1) {
          tokenRemap[t] = tokens.length;
          tokens.push(tokenList[t]);
        }
        ngrams[f * 3 + j] = tokenRemap[t];
      }
    }

    const vectorizer = new TfidfVectorizer(config, tokens, ngrams, idf);
    return { vectorizer, matrix: fittedRows(vectorizer, counter, remap) };
  }

  /**
   * fit() for the standalone `char` / `char_wb` analyzers: n-grams are code point windows counted
   * by their CharGramTrie ids. Those are the candidates: an n-gram of the range gets its id when
   * first visited, so kept ids ascend in first-seen order, exactly the token ids and n-gram ids
   * the string tokenizer gave them (the shorter prefixes between them are never counted, df 0,
   * and drop out). Strings are made for kept n-grams only.
   */
  private static fitCharAnalyzer(texts: readonly string[], config: TfidfConfig, spec: CharGramSpec, prepare: TextPrepare | undefined): { vectorizer: TfidfVectorizer; matrix: CsrMatrix } {
    const n = texts.length;
    const counter = new DocumentCounter(n, 1 << 16, config.maxFeatures !== null);
    const grams = new CharGramTrie(1 << 16);
    const scan = idScannerOf(spec, grams, true) as CharIdScanner;
    const countGram: GramIdVisitor = (g) => counter.add(g);
    for (let d = 0; d < n; d++) {
      scan(prepare ? prepare(texts[d]) : texts[d], countGram);
      counter.endDocument();
    }
    const numCandidates = grams.size;
    const kept = keptCandidates(counter, numCandidates, n, config);
    const remap = new Int32Array(numCandidates).fill(-1);
    const tokens = new Array<string>(kept.length);
    const ngrams = new Int32Array(kept.length * 3).fill(NO_TOKEN);
    const idf = new Float32Array(kept.length);
    for (let f = 0; f < kept.length; f++) {
      const c = kept[f];
      remap[c] = f;
      tokens[f] = grams.stringOf(c);
      ngrams[f * 3] = f;
      idf[f] = config.useIdf ? idfValue(n, counter.df[c], config.smoothIdf) : 1;
    }
    const vectorizer = new TfidfVectorizer(config, tokens, ngrams, idf);
    return { vectorizer, matrix: fittedRows(vectorizer, counter, remap) };
  }

  /**
   * fit() with hashing: the same counting as with a vocabulary, but an n-gram's candidate id is its
   * slot (see hashedSlots), so there is no n-gram table and no token list to grow.
   */
  private static fitHashed(texts: readonly string[], config: TfidfConfig, buckets: number, prepare: TextPrepare | undefined): { vectorizer: TfidfVectorizer; matrix: CsrMatrix } {
    const n = texts.length;
    const slots = config.charNgrams ? 2 * buckets : buckets;
    const counter = new DocumentCounter(n, slots, config.maxFeatures !== null);
    const hashNgrams = hashedSlots(config, buckets);
    const add = (slot: number): void => counter.add(slot);
    for (let d = 0; d < n; d++) {
      hashNgrams(prepare ? prepare(texts[d]) : texts[d], add);
      counter.endDocument();
    }
    // Kept slots ascend, so word buckets (slots < buckets) come before the character block.
    const kept = keptCandidates(counter, slots, n, config);
    const remap = new Int32Array(slots).fill(-1);
    const keys = new Int32Array(kept.length * 3).fill(NO_TOKEN);
    const idf = new Float32Array(kept.length);
    kept.forEach((b, f) => {
      remap[b] = f;
      keys[f * 3] = b < buckets ? b : b - buckets;
      if (b >= buckets) keys[f * 3 + 1] = CHAR_NGRAM_MARK;
      idf[f] = config.useIdf ? idfValue(n, counter.df[b], config.smoothIdf) : 1;
    });
    const vectorizer = new TfidfVectorizer(config, [], keys, idf);
    return { vectorizer, matrix: fittedRows(vectorizer, counter, remap) };
  }

  /** The TF-IDF matrix of `texts` under the fitted vocabulary; unknown n-grams are ignored. */
  /** The matrix of `texts`; `prepare` is applied to each text as it is read, as in fit(). */
  transform(texts: readonly string[], prepare?: TextPrepare): CsrMatrix {
    if (this.config.hashBuckets) return this.transformHashed(texts, this.config.hashBuckets, prepare);
    const builder = new RowBuilder(this.numFeatures, texts.length, { estimate: texts.length * 32 }, this.counts());
    const lookupGram: GramIdVisitor = (g) => {
      const f = this.featureOfGram[g];
      if (f !== -1) builder.add(f);
    };
    const analyzerScan = this.analyzerScan;
    if (analyzerScan) {
      try {
        for (let d = 0; d < texts.length; d++) {
          analyzerScan(prepare ? prepare(texts[d]) : texts[d], lookupGram);
          builder.endRow(this);
        }
      } finally {
        builder.abandonRow();
      }
      return builder.finish();
    }
    const tokenize = this.tokenize as Tokenizer;
    const [nMin, nMax] = this.config.ngramRange;
    const ids = new Int32Builder(256);
    const lookup = (tok: string): void => {
      ids.push(this.tokenIds.get(tok) ?? NO_TOKEN);
    };
    try {
      for (let d = 0; d < texts.length; d++) {
        ids.length = 0;
        const text = prepare ? prepare(texts[d]) : texts[d];
        tokenize(text, lookup);
        const toks = ids.view();
        for (let p = 0; p < toks.length; p++) {
          // An n-gram with an unknown token can never be a feature; stopping also avoids
          // mistaking ("good", unknown) for the unigram ("good", -1, -1).
          for (let len = nMin; len <= nMax && p + len <= toks.length; len++) {
            const a = toks[p];
            const b = len >= 2 ? toks[p + 1] : NO_TOKEN;
            const c = len >= 3 ? toks[p + 2] : NO_TOKEN;
            if (a === NO_TOKEN || (len >= 2 && b === NO_TOKEN) || (len >= 3 && c === NO_TOKEN)) break;
            const f = this.table.get(a, b, c);
            if (f !== -1) builder.add(f);
          }
        }
        if (this.charScan) this.charScan(text, lookupGram);
        builder.endRow(this);
      }
    } finally {
      builder.abandonRow();
    }
    return builder.finish();
  }

  private counts(): Int32Array {
    if (this.scratchCounts === null || this.scratchCounts.length !== this.numFeatures) this.scratchCounts = new Int32Array(this.numFeatures);
    return this.scratchCounts;
  }

  private transformHashed(texts: readonly string[], buckets: number, prepare: TextPrepare | undefined): CsrMatrix {
    const builder = new RowBuilder(this.numFeatures, texts.length, { estimate: texts.length * 32 }, this.counts());
    const hashNgrams = hashedSlots(this.config, buckets);
    const add = (slot: number): void => {
      const f = slot < buckets ? this.table.get(slot, NO_TOKEN, NO_TOKEN) : this.table.get(slot - buckets, CHAR_NGRAM_MARK, NO_TOKEN);
      if (f !== -1) builder.add(f);
    };
    try {
      for (let d = 0; d < texts.length; d++) {
        hashNgrams(prepare ? prepare(texts[d]) : texts[d], add);
        builder.endRow(this);
      }
    } finally {
      builder.abandonRow();
    }
    return builder.finish();
  }

  toArrays(): TfidfArrays {
    return { tokens: new TextEncoder().encode(this.tokens.join('\n')), ngrams: this.ngrams, idf: this.idf };
  }

  static fromArrays(config: TfidfConfig, arrays: TfidfArrays): TfidfVectorizer {
    const text = new TextDecoder().decode(arrays.tokens);
    const tokens = text.length === 0 ? [] : text.split('\n');
    return new TfidfVectorizer(config, tokens, arrays.ngrams, arrays.idf);
  }

  /** Term weight from a raw count, before idf and normalization. */
  termWeight(count: number): number {
    return this.config.sublinearTf ? 1 + Math.log(count) : count;
  }
}

/**
 * Calls `emit` with the slot of every n-gram of a text, in the config's n-gram range: a word
 * n-gram's bucket, then, with a character block, each character n-gram's bucket + `buckets`
 * (murmur3 of the n-gram, mod buckets): the blocks hash into separate ranges and never collide.
 */
function hashedSlots(config: TfidfConfig, buckets: number): (text: string, emit: (slot: number) => void) => void {
  const gramHasher = new CharGramHasher();
  let sink: (slot: number) => void = () => {};
  // A standalone character analyzer's n-gram is a one-token n-gram: its bucket is its string's
  // hash (ngramHash of length 1), mod buckets, in the word range of slots.
  const analyzerScan = scannerOf(analyzerGrams(config));
  if (analyzerScan) {
    const emitOwnGram: GramVisitor = (cps, start, len) => sink(gramHasher.hash(cps, start, len) % buckets);
    return (text, emit) => {
      sink = emit;
      analyzerScan(text, emitOwnGram);
    };
  }
  const tokenize = tokenizerFor(config) as Tokenizer;
  const charScan = scannerOf(blockGrams(config));
  const [nMin, nMax] = config.ngramRange;
  const hasher = new TokenHasher();
  const hashes = new Int32Builder(256);
  const push = (tok: string): void => hashes.push(hasher.hash(tok));
  const emitGram: GramVisitor = (cps, start, len) => sink(buckets + (gramHasher.hash(cps, start, len) % buckets));
  return (text, emit) => {
    hashes.length = 0;
    tokenize(text, push);
    const h = hashes.view();
    for (let p = 0; p < h.length; p++) {
      for (let len = nMin; len <= nMax && p + len <= h.length; len++) {
        const g = ngramHash(h[p], len >= 2 ? h[p + 1] : 0, len >= 3 ? h[p + 2] : 0, len);
        emit((g >>> 0) % buckets);
      }
    }
    if (charScan) {
      sink = emit;
      charScan(text, emitGram);
    }
  };
}

/**
 * Where the character block starts in a fitted feature list, checking that it is one run at the
 * end (RowBuilder normalizes the blocks separately by that boundary) and that the config has one.
 */
function charBlockStart(ngrams: Int32Array, hasCharBlock: boolean): number {
  const F = ngrams.length / 3;
  let start = F;
  for (let f = 0; f < F; f++) {
    const isChar = ngrams[f * 3 + 1] === CHAR_NGRAM_MARK;
    if (isChar && start === F) start = f;
    if (!isChar && start !== F) throw new ModelFormatError('(vectorizer)', `word feature ${f} after the first character n-gram feature ${start}; the character block must come last`);
  }
  if (start < F && !hasCharBlock) throw new ModelFormatError('(vectorizer)', `character n-gram features from ${start} on, but the config has no charNgrams`);
  return start;
}

/**
 * Candidates that pass the document-frequency bounds, then, with max_features, the most frequent
 * of them (by total count; ties: first seen), ascending.
 */
function keptCandidates(counter: DocumentCounter, numCandidates: number, n: number, config: TfidfConfig): number[] {
  const { df, total } = counter;
  const minCount = config.minDf >= 1 ? config.minDf : Math.ceil(config.minDf * n);
  const maxCount = config.maxDf > 1 ? config.maxDf : Math.floor(config.maxDf * n);
  let kept: number[] = [];
  for (let c = 0; c < numCandidates; c++) if (df[c] > 0 && df[c] >= minCount && df[c] <= maxCount) kept.push(c);
  if (total !== null && config.maxFeatures !== null && kept.length > config.maxFeatures) {
    kept.sort((a, b) => total[b] - total[a] || a - b);
    kept = kept.slice(0, config.maxFeatures).sort((a, b) => a - b);
  }
  return kept;
}

/** The training matrix from the counted pairs, candidates renumbered to features by `remap` (−1: dropped). */
function fittedRows(vectorizer: TfidfVectorizer, counter: DocumentCounter, remap: Int32Array): CsrMatrix {
  // The exact nnz sizes the matrix arrays once; they fill as the pairs are freed.
  const builder = new RowBuilder(vectorizer.numFeatures, counter.numDocuments, { exact: counter.countKept(remap) });
  counter.drain(
    (id, count) => {
      const f = remap[id];
      if (f !== -1) builder.addCount(f, count);
    },
    () => builder.endRow(vectorizer),
  );
  return builder.finish();
}

function idfValue(n: number, df: number, smooth: boolean): number {
  return smooth ? Math.log((1 + n) / (1 + df)) + 1 : Math.log(n / df) + 1;
}

function growInt32(a: Int32Array, min: number, fill: number): Int32Array {
  const next = new Int32Array(Math.max(min, a.length * 2));
  next.set(a);
  if (fill !== 0) next.fill(fill, a.length);
  return next;
}

/** 1 + ln(count) for the counts most n-grams have: the same doubles as computing them each time. */
const SUBLINEAR_TF = Float64Array.from({ length: 256 }, (_, c) => 1 + Math.log(c));

/** Where RowBuilder appends a matrix's columns: Int32Builder / Float32Builder or a ChunkedBuilder. */
interface ColumnBuilder<T> {
  readonly length: number;
  append(values: T): void;
  detach(): T;
}

/** Accumulates feature counts of one row at a time and emits weighted, normalized CSR rows. */
class RowBuilder {
  private readonly counts: Int32Array;
  private touched: Int32Array;
  private numTouched = 0;
  /** Weights of the row being ended, and the same scaled to float32 (reused). */
  private values = new Float64Array(1024);
  private scaled = new Float32Array(1024);
  private readonly indptr: Int32Array;
  private readonly indices: ColumnBuilder<Int32Array>;
  private readonly data: ColumnBuilder<Float32Array>;
  private readonly sorter: RowSorter;
  private row = 0;

  /**
   * @param nnz the matrix's stored values: `exact` when known (fit counts them first), so the
   *   columns are built in place with no copy; else an `estimate`, and the columns grow in chunks
   *   (see ChunkedBuilder) so that a large transform peaks near its final size, not twice it.
   * @param counts an all-zero array of `cols` counts to use (and leave all zero), else a new one.
   */
  constructor(
    private readonly cols: number,
    rows: number,
    nnz: { exact: number } | { estimate: number },
    counts?: Int32Array,
  ) {
    this.counts = counts ?? new Int32Array(cols);
    this.touched = new Int32Array(Math.min(cols, 1024));
    this.sorter = new RowSorter(cols);
    this.indptr = new Int32Array(rows + 1);
    if ('exact' in nnz) {
      this.indices = new Int32Builder(nnz.exact);
      this.data = new Float32Builder(nnz.exact);
    } else {
      this.indices = chunkedInt32Builder(nnz.estimate);
      this.data = chunkedFloat32Builder(nnz.estimate);
    }
  }

  add(f: number): void {
    if (this.counts[f]++ === 0) {
      if (this.numTouched === this.touched.length) this.touched = growInt32(this.touched, this.touched.length * 2, 0);
      this.touched[this.numTouched++] = f;
    }
  }

  /** `count` occurrences of feature f at once. */
  addCount(f: number, count: number): void {
    if (this.counts[f] === 0) {
      if (this.numTouched === this.touched.length) this.touched = growInt32(this.touched, this.touched.length * 2, 0);
      this.touched[this.numTouched++] = f;
    }
    this.counts[f] += count;
  }

  /** Zeroes the counts of a row left unfinished (an exception mid-row), so shared counts stay clean. */
  abandonRow(): void {
    for (let j = 0; j < this.numTouched; j++) this.counts[this.touched[j]] = 0;
    this.numTouched = 0;
  }

  /**
   * Ends the row: tf × idf, then per block (word, character) the l2 norm, and the character
   * block's weight — scikit-learn's FeatureUnion of two normalized vectorizers.
   */
  endRow(v: TfidfVectorizer): void {
    const cols = this.sorter.sort(this.touched, this.numTouched);
    if (this.values.length < cols.length) {
      this.values = new Float64Array(this.touched.length);
      this.scaled = new Float32Array(this.touched.length);
    }
    const values = this.values;
    const scaled = this.scaled;
    const charStart = v.charStart;
    const sublinear = v.config.sublinearTf;
    const idf = v.idf;
    let sq = 0;
    let sqChar = 0;
    for (let j = 0; j < cols.length; j++) {
      const f = cols[j];
      // termWeight(count), inlined: this loop runs once per stored value.
      const count = this.counts[f];
      const w = (sublinear ? (count < SUBLINEAR_TF.length ? SUBLINEAR_TF[count] : 1 + Math.log(count)) : count) * idf[f];
      values[j] = w;
      if (f < charStart) sq += w * w;
      else sqChar += w * w;
      this.counts[f] = 0;
    }
    const l2 = v.config.norm === 'l2';
    const scale = l2 && sq > 0 ? 1 / Math.sqrt(sq) : 1;
    const weight = v.config.charNgrams?.weight ?? 1;
    const charScale = l2 && sqChar > 0 ? weight / Math.sqrt(sqChar) : weight;
    for (let j = 0; j < cols.length; j++) scaled[j] = values[j] * (cols[j] < charStart ? scale : charScale);
    this.indices.append(cols);
    this.data.append(scaled.subarray(0, cols.length));
    this.numTouched = 0;
    this.indptr[++this.row] = this.indices.length;
  }

  finish(): CsrMatrix {
    return { rows: this.row, cols: this.cols, indptr: this.indptr, indices: this.indices.detach(), data: this.data.detach() };
  }
}
