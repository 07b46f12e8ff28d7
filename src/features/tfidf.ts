import type { StemLanguage } from '../text/stemming.js';
import type { StopWordLanguage } from '../text/stopwords.js';
import { createTokenizer, type Analyzer, type Tokenizer, type TokenPattern } from '../text/tokenize.js';
import { Float32Builder, Int32Builder, type CsrMatrix } from './csr.js';
import { ngramHash, TokenHasher } from './hashing.js';
import { NgramTable } from './ngram-table.js';

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
   */
  hashBuckets?: number | null;
  useIdf: boolean;
  smoothIdf: boolean;
  norm: 'l2' | 'none';
  /** Drop this language's stop words from word tokens (word analyzer only); null or absent: keep all. */
  stopWords?: StopWordLanguage | null;
  /** Snowball-stem word tokens in this language (word analyzer only); null or absent: no stemming. */
  stem?: StemLanguage | null;
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

function tokenizerFor(config: TfidfConfig): Tokenizer {
  return createTokenizer(config.analyzer ?? 'word', config.tokenPattern, config.ngramRange, { stopWords: config.stopWords ?? null, stem: config.stem ?? null });
}

/**
 * The n-gram range over the tokenizer's units: character analyzers already emit whole n-grams as
 * tokens, so each token is a feature on its own.
 */
function tokenNgramRange(config: TfidfConfig): [number, number] {
  return (config.analyzer ?? 'word') === 'word' ? config.ngramRange : [1, 1];
}

/** A fitted TF-IDF vectorizer: frozen vocabulary and idf weights. */
export class TfidfVectorizer {
  private readonly tokenIds: Map<string, number>;
  private readonly table: NgramTable;
  private readonly tokenize: Tokenizer;
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
    this.tokenIds = new Map(tokens.map((t, i) => [t, i]));
    this.table = NgramTable.fromKeys(ngrams);
    this.tokenize = tokenizerFor(config);
  }

  get numFeatures(): number {
    return this.idf.length;
  }

  /** Human-readable name of feature `f` (`"not good"`), as scikit-learn prints it. */
  featureName(f: number): string {
    if (this.config.hashBuckets) return `#${this.ngrams[f * 3]}`;
    const parts: string[] = [];
    for (let j = 0; j < 3; j++) {
      const t = this.ngrams[f * 3 + j];
      if (t !== NO_TOKEN) parts.push(this.tokens[t]);
    }
    return parts.join(' ');
  }

  /** Learns the vocabulary and idf from `texts` and returns their matrix (fit_transform). */
  static fit(texts: readonly string[], config: TfidfConfig): { vectorizer: TfidfVectorizer; matrix: CsrMatrix } {
    if (config.hashBuckets) return TfidfVectorizer.fitHashed(texts, config, config.hashBuckets);
    const [nMin, nMax] = tokenNgramRange(config);
    const n = texts.length;
    const tokenize = tokenizerFor(config);

    // Pass 1: intern tokens, give every n-gram occurrence a candidate id, count document frequency.
    const tokenIds = new Map<string, number>();
    const tokenList: string[] = [];
    const docTokens = new Int32Builder(1 << 16);
    const occurrences = new Int32Builder(1 << 16);
    const occOffsets = new Int32Array(n + 1);
    const table = new NgramTable(1 << 16);
    let df: Int32Array = new Int32Array(1 << 16);
    let lastDoc: Int32Array = new Int32Array(1 << 16).fill(-1);
    let total = new Float64Array(1 << 16);
    const intern = (tok: string): void => {
      let id = tokenIds.get(tok);
      if (id === undefined) {
        id = tokenList.length;
        tokenIds.set(tok, id);
        tokenList.push(tok);
      }
      docTokens.push(id);
    };

    for (let d = 0; d < n; d++) {
      docTokens.length = 0;
      tokenize(texts[d], intern);
      const toks = docTokens.view();
      for (let p = 0; p < toks.length; p++) {
        for (let len = nMin; len <= nMax && p + len <= toks.length; len++) {
          const c = table.getOrAdd(toks[p], len >= 2 ? toks[p + 1] : NO_TOKEN, len >= 3 ? toks[p + 2] : NO_TOKEN);
          if (c >= df.length) {
            df = growInt32(df, c + 1, 0);
            lastDoc = growInt32(lastDoc, c + 1, -1);
            const t = new Float64Array(df.length);
            t.set(total);
            total = t;
          }
          if (lastDoc[c] !== d) {
            lastDoc[c] = d;
            df[c]++;
          }
          total[c]++;
          occurrences.push(c);
        }
      }
      occOffsets[d + 1] = occurrences.length;
    }

    // Choose the kept n-grams: document-frequency bounds first, then the most frequent ones.
    const numCandidates = table.size;
    const minCount = config.minDf >= 1 ? config.minDf : Math.ceil(config.minDf * n);
    const maxCount = config.maxDf > 1 ? config.maxDf : Math.floor(config.maxDf * n);
    let kept: number[] = [];
    for (let c = 0; c < numCandidates; c++) if (df[c] >= minCount && df[c] <= maxCount) kept.push(c);
    if (config.maxFeatures !== null && kept.length > config.maxFeatures) {
      kept.sort((a, b) => total[b] - total[a] || a - b);
      kept = kept.slice(0, config.maxFeatures).sort((a, b) => a - b);
    }

    // Compact the vocabulary to the tokens the kept n-grams use.
    const candidateKeys = new Int32Array(numCandidates * 3);
    table.exportKeys(candidateKeys);
    const remap = new Int32Array(numCandidates).fill(-1);
    const tokenRemap = new Int32Array(tokenList.length).fill(-1);
    const tokens: string[] = [];
    const ngrams = new Int32Array(kept.length * 3);
    const idf = new Float32Array(kept.length);
    for (let f = 0; f < kept.length; f++) {
      const c = kept[f];
      remap[c] = f;
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
      idf[f] = config.useIdf ? idfValue(n, df[c], config.smoothIdf) : 1;
    }

    const vectorizer = new TfidfVectorizer(config, tokens, ngrams, idf);
    const builder = new RowBuilder(kept.length, n, occurrences.length);
    const occ = occurrences.view();
    for (let d = 0; d < n; d++) {
      for (let p = occOffsets[d]; p < occOffsets[d + 1]; p++) {
        const f = remap[occ[p]];
        if (f !== -1) builder.add(f);
      }
      builder.endRow(vectorizer);
    }
    return { vectorizer, matrix: builder.finish() };
  }

  /**
   * fit() with hashing: the same counting as with a vocabulary, but an n-gram's candidate id is its
   * bucket, so there is no n-gram table and no token list to grow.
   */
  private static fitHashed(texts: readonly string[], config: TfidfConfig, buckets: number): { vectorizer: TfidfVectorizer; matrix: CsrMatrix } {
    const n = texts.length;
    const df = new Int32Array(buckets);
    const lastDoc = new Int32Array(buckets).fill(-1);
    const total = config.maxFeatures !== null ? new Float64Array(buckets) : null;
    const occurrences = new Int32Builder(1 << 16);
    const occOffsets = new Int32Array(n + 1);
    const hashNgrams = hashedNgrams(config, buckets);
    for (let d = 0; d < n; d++) {
      hashNgrams(texts[d], (bucket) => {
        if (lastDoc[bucket] !== d) {
          lastDoc[bucket] = d;
          df[bucket]++;
        }
        if (total) total[bucket]++;
        occurrences.push(bucket);
      });
      occOffsets[d + 1] = occurrences.length;
    }
    const minCount = config.minDf >= 1 ? config.minDf : Math.ceil(config.minDf * n);
    const maxCount = config.maxDf > 1 ? config.maxDf : Math.floor(config.maxDf * n);
    let kept: number[] = [];
    for (let b = 0; b < buckets; b++) if (df[b] > 0 && df[b] >= minCount && df[b] <= maxCount) kept.push(b);
    if (total && config.maxFeatures !== null && kept.length > config.maxFeatures) {
      kept.sort((a, b) => total[b] - total[a] || a - b);
      kept = kept.slice(0, config.maxFeatures).sort((a, b) => a - b);
    }
    const remap = new Int32Array(buckets).fill(-1);
    const keys = new Int32Array(kept.length * 3).fill(NO_TOKEN);
    const idf = new Float32Array(kept.length);
    kept.forEach((b, f) => {
      remap[b] = f;
      keys[f * 3] = b;
      idf[f] = config.useIdf ? idfValue(n, df[b], config.smoothIdf) : 1;
    });
    const vectorizer = new TfidfVectorizer(config, [], keys, idf);
    const builder = new RowBuilder(kept.length, n, occurrences.length);
    const occ = occurrences.view();
    for (let d = 0; d < n; d++) {
      for (let p = occOffsets[d]; p < occOffsets[d + 1]; p++) {
        const f = remap[occ[p]];
        if (f !== -1) builder.add(f);
      }
      builder.endRow(vectorizer);
    }
    return { vectorizer, matrix: builder.finish() };
  }

  /** The TF-IDF matrix of `texts` under the fitted vocabulary; unknown n-grams are ignored. */
  transform(texts: readonly string[]): CsrMatrix {
    if (this.config.hashBuckets) return this.transformHashed(texts, this.config.hashBuckets);
    const [nMin, nMax] = tokenNgramRange(this.config);
    const ids = new Int32Builder(256);
    const lookup = (tok: string): void => {
      ids.push(this.tokenIds.get(tok) ?? NO_TOKEN);
    };
    const builder = new RowBuilder(this.numFeatures, texts.length, texts.length * 32, this.counts());
    try {
      for (let d = 0; d < texts.length; d++) {
        ids.length = 0;
        this.tokenize(texts[d], lookup);
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

  private transformHashed(texts: readonly string[], buckets: number): CsrMatrix {
    const builder = new RowBuilder(this.numFeatures, texts.length, texts.length * 32, this.counts());
    const hashNgrams = hashedNgrams(this.config, buckets);
    const add = (bucket: number): void => {
      const f = this.table.get(bucket, NO_TOKEN, NO_TOKEN);
      if (f !== -1) builder.add(f);
    };
    try {
      for (let d = 0; d < texts.length; d++) {
        hashNgrams(texts[d], add);
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

/** Calls `emit` with the bucket of every n-gram of a text, in the config's n-gram range. */
function hashedNgrams(config: TfidfConfig, buckets: number): (text: string, emit: (bucket: number) => void) => void {
  const tokenize = tokenizerFor(config);
  const [nMin, nMax] = tokenNgramRange(config);
  const hasher = new TokenHasher();
  const hashes = new Int32Builder(256);
  const push = (tok: string): void => hashes.push(hasher.hash(tok));
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
  };
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

/** Accumulates feature counts of one row at a time and emits weighted, normalized CSR rows. */
class RowBuilder {
  private readonly counts: Int32Array;
  private touched: Int32Array;
  private numTouched = 0;
  private readonly indptr: Int32Array;
  private readonly indices: Int32Builder;
  private readonly data: Float32Builder;
  private row = 0;

  /** @param counts an all-zero array of `cols` counts to use (and leave all zero), else a new one. */
  constructor(
    private readonly cols: number,
    rows: number,
    nnzHint: number,
    counts?: Int32Array,
  ) {
    this.counts = counts ?? new Int32Array(cols);
    this.touched = new Int32Array(Math.min(cols, 1024));
    this.indptr = new Int32Array(rows + 1);
    this.indices = new Int32Builder(nnzHint);
    this.data = new Float32Builder(nnzHint);
  }

  add(f: number): void {
    if (this.counts[f]++ === 0) {
      if (this.numTouched === this.touched.length) this.touched = growInt32(this.touched, this.touched.length * 2, 0);
      this.touched[this.numTouched++] = f;
    }
  }

  /** Zeroes the counts of a row left unfinished (an exception mid-row), so shared counts stay clean. */
  abandonRow(): void {
    for (let j = 0; j < this.numTouched; j++) this.counts[this.touched[j]] = 0;
    this.numTouched = 0;
  }

  endRow(v: TfidfVectorizer): void {
    const cols = this.touched.subarray(0, this.numTouched).sort();
    const values = new Float64Array(cols.length);
    let sq = 0;
    for (let j = 0; j < cols.length; j++) {
      const f = cols[j];
      const w = v.termWeight(this.counts[f]) * v.idf[f];
      values[j] = w;
      sq += w * w;
      this.counts[f] = 0;
    }
    const scale = v.config.norm === 'l2' && sq > 0 ? 1 / Math.sqrt(sq) : 1;
    for (let j = 0; j < cols.length; j++) {
      this.indices.push(cols[j]);
      this.data.push(values[j] * scale);
    }
    this.numTouched = 0;
    this.indptr[++this.row] = this.indices.length;
  }

  finish(): CsrMatrix {
    return { rows: this.row, cols: this.cols, indptr: this.indptr, indices: this.indices.toArray(), data: this.data.toArray() };
  }
}
