/**
 * The standalone `char` / `char_wb` analyzers count code point windows (char-grams.ts), not one
 * string per n-gram. Saved models must load and predict as before, so this pins the new path to
 * the string path it replaced: a reference fit/transform over createTokenizer's n-gram strings
 * (token ids in first-seen order, one-token n-grams, TokenHasher + ngramHash buckets), compared
 * array for array and value for value.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTokenizer } from '../text/tokenize.js';
import type { CsrMatrix } from './csr.js';
import { ngramHash, TokenHasher } from './hashing.js';
import { DEFAULT_TFIDF, TfidfVectorizer, type TfidfConfig } from './tfidf.js';
import { createRng as rng } from '../util/random.js';

const FIXED = [
  '',
  ' ',
  '\t\n',
  'a',
  'good movie, not bad!',
  '  leading and   trailing\tspaces\n\nand lines  ',
  '정말 재밌어요 ㅋㅋ 정말 최고',
  '我今天很高兴，谢谢你的礼物。我很高兴',
  'emoji 😡😡 and 👍🏽 skin tone 😡',
  'lone \ud800 high and \udc00 low surrogates \ud800x\udc00',
  '\ud83d',
  'no\u00a0break\u2003em\u3000ideographic\ufeffbom\u2028line\u0085nel',
  'e\u0301 combining, ﬁ ligature',
  'a'.repeat(700),
  'ab '.repeat(400),
];

/** Pieces the random texts are made of: repeats make min_df, max_df and max_features matter. */
const PIECES = ['good', 'bad', 'movie', '정말', '재밌', '어요', '我', '很', '高兴', '😡', '👍🏽', '𝒜', '\ud800', '\udc00', 'é', 'e\u0301', ' ', ' ', '  ', '\t', '\n', '\u00a0', '\u3000', '!', 'ab', 'x'];

function corpus(seed: number, size: number): string[] {
  const r = rng(seed);
  const texts = [...FIXED];
  while (texts.length < size) {
    let s = '';
    const len = Math.floor(r() * 25);
    for (let i = 0; i < len; i++) s += PIECES[Math.floor(r() * PIECES.length)];
    texts.push(s);
  }
  return texts;
}

interface Fitted {
  tokens: string[];
  ngrams: Int32Array;
  idf: Float32Array;
}

/** The string path: each n-gram a token, interned in first-seen order (or hashed), as before the scanner. */
function referenceUnits(config: TfidfConfig, texts: readonly string[]): number[][] & { strings: string[] } {
  const tokenize = createTokenizer(config.analyzer ?? 'word', config.tokenPattern, config.ngramRange);
  const ids = new Map<string, number>();
  const strings: string[] = [];
  const hasher = new TokenHasher();
  const buckets = config.hashBuckets ?? 0;
  const docs = texts.map((text) => {
    const units: number[] = [];
    tokenize(text, (tok) => {
      if (buckets) {
        units.push((ngramHash(hasher.hash(tok), 0, 0, 1) >>> 0) % buckets);
        return;
      }
      let id = ids.get(tok);
      if (id === undefined) {
        id = strings.push(tok) - 1;
        ids.set(tok, id);
      }
      units.push(id);
    });
    return units;
  });
  return Object.assign(docs, { strings });
}

function referenceFit(texts: readonly string[], config: TfidfConfig): Fitted & { matrix: CsrMatrix } {
  const n = texts.length;
  const docs = referenceUnits(config, texts);
  const numCandidates = config.hashBuckets ?? docs.strings.length;
  const df = new Float64Array(numCandidates);
  const total = new Float64Array(numCandidates);
  for (const units of docs) {
    for (const u of new Set(units)) df[u]++;
    for (const u of units) total[u]++;
  }
  const minCount = config.minDf >= 1 ? config.minDf : Math.ceil(config.minDf * n);
  const maxCount = config.maxDf > 1 ? config.maxDf : Math.floor(config.maxDf * n);
  let kept: number[] = [];
  for (let c = 0; c < numCandidates; c++) if (df[c] > 0 && df[c] >= minCount && df[c] <= maxCount) kept.push(c);
  if (config.maxFeatures !== null && kept.length > config.maxFeatures) {
    kept.sort((a, b) => total[b] - total[a] || a - b);
    kept = kept.slice(0, config.maxFeatures).sort((a, b) => a - b);
  }
  const ngrams = new Int32Array(kept.length * 3).fill(-1);
  const idf = new Float32Array(kept.length);
  const featureOf = new Map<number, number>();
  kept.forEach((c, f) => {
    featureOf.set(c, f);
    ngrams[f * 3] = config.hashBuckets ? c : f;
    idf[f] = config.useIdf ? (config.smoothIdf ? Math.log((1 + n) / (1 + df[c])) + 1 : Math.log(n / df[c]) + 1) : 1;
  });
  const tokens = config.hashBuckets ? [] : kept.map((c) => docs.strings[c]);
  return { tokens, ngrams, idf, matrix: referenceRows(config, idf, docs.map((units) => units.map((u) => featureOf.get(u) ?? -1))) };
}

/** Rows as RowBuilder computes them: tf × idf in ascending column order, then the l2 norm, in float64, stored as float32. */
function referenceRows(config: TfidfConfig, idf: Float32Array, docs: number[][]): CsrMatrix {
  const indptr = new Int32Array(docs.length + 1);
  const indices: number[] = [];
  const data: number[] = [];
  docs.forEach((features, d) => {
    const counts = new Map<number, number>();
    for (const f of features) if (f !== -1) counts.set(f, (counts.get(f) ?? 0) + 1);
    const cols = [...counts.keys()].sort((a, b) => a - b);
    const values = cols.map((f) => (config.sublinearTf ? 1 + Math.log(counts.get(f) as number) : (counts.get(f) as number)) * idf[f]);
    let sq = 0;
    for (const v of values) sq += v * v;
    const scale = config.norm === 'l2' && sq > 0 ? 1 / Math.sqrt(sq) : 1;
    cols.forEach((f, j) => {
      indices.push(f);
      data.push(values[j] * scale);
    });
    indptr[d + 1] = indices.length;
  });
  return { rows: docs.length, cols: idf.length, indptr, indices: Int32Array.from(indices), data: Float32Array.from(data) };
}

/** transform() of the string path: unknown n-grams ignored. */
function referenceTransform(fitted: Fitted, config: TfidfConfig, texts: readonly string[]): CsrMatrix {
  const tokenize = createTokenizer(config.analyzer ?? 'word', config.tokenPattern, config.ngramRange);
  const hasher = new TokenHasher();
  const featureOfKey = new Map<string | number, number>();
  for (let f = 0; f < fitted.idf.length; f++) featureOfKey.set(config.hashBuckets ? fitted.ngrams[f * 3] : fitted.tokens[fitted.ngrams[f * 3]], f);
  const docs = texts.map((text) => {
    const features: number[] = [];
    tokenize(text, (tok) => features.push(featureOfKey.get(config.hashBuckets ? (ngramHash(hasher.hash(tok), 0, 0, 1) >>> 0) % config.hashBuckets : tok) ?? -1));
    return features;
  });
  return referenceRows(config, fitted.idf, docs);
}

function assertSameMatrix(got: CsrMatrix, want: CsrMatrix, what: string): void {
  assert.equal(got.rows, want.rows, `${what}: rows`);
  assert.equal(got.cols, want.cols, `${what}: cols`);
  assert.deepEqual(got.indptr, want.indptr, `${what}: indptr`);
  assert.deepEqual(got.indices, want.indices, `${what}: indices`);
  // Bit for bit: the same float32 values, not merely close ones.
  assert.deepEqual(new Uint32Array(got.data.buffer, got.data.byteOffset, got.data.length), new Uint32Array(want.data.buffer, want.data.byteOffset, want.data.length), `${what}: data`);
}

const TRAIN = corpus(11, 240);
const UNSEEN = [...corpus(12, 80).slice(FIXED.length), ...FIXED];

type Variant = Partial<TfidfConfig> & { analyzer: 'char' | 'char_wb'; ngramRange: [number, number] };

const VARIANTS: Variant[] = [];
for (const analyzer of ['char', 'char_wb'] as const) {
  for (const ngramRange of [[1, 1], [1, 3], [2, 5], [3, 8], [5, 5]] as [number, number][]) {
    VARIANTS.push({ analyzer, ngramRange, minDf: 1 });
    VARIANTS.push({ analyzer, ngramRange, minDf: 2, maxDf: 0.5, hashBuckets: 1 << 20 });
  }
  VARIANTS.push(
    { analyzer, ngramRange: [2, 4], minDf: 3, maxDf: 40, maxFeatures: 150 },
    { analyzer, ngramRange: [2, 4], minDf: 0.02, maxDf: 0.9, maxFeatures: 60, sublinearTf: false, norm: 'none' },
    { analyzer, ngramRange: [1, 4], minDf: 2, useIdf: false },
    { analyzer, ngramRange: [1, 4], minDf: 1, smoothIdf: false },
    // Few buckets: collisions, and max_features over buckets.
    { analyzer, ngramRange: [1, 3], minDf: 1, hashBuckets: 97 },
    { analyzer, ngramRange: [2, 5], minDf: 2, hashBuckets: 4096, maxFeatures: 300, sublinearTf: false },
    // Everything filtered out: an empty vocabulary.
    { analyzer, ngramRange: [2, 3], minDf: 10_000 },
  );
}

for (const variant of VARIANTS) {
  const config: TfidfConfig = { ...DEFAULT_TFIDF, ...variant };
  const name = JSON.stringify(variant);
  test(`char analyzer equals the string path: ${name}`, () => {
    const want = referenceFit(TRAIN, config);
    const { vectorizer, matrix } = TfidfVectorizer.fit(TRAIN, config);

    // The persisted arrays: what every saved model holds.
    assert.deepEqual(vectorizer.tokens, want.tokens, 'tokens');
    assert.deepEqual(vectorizer.ngrams, want.ngrams, 'ngrams');
    assert.deepEqual(vectorizer.idf, want.idf, 'idf');
    const arrays = vectorizer.toArrays();
    assert.deepEqual(arrays.tokens, new TextEncoder().encode(want.tokens.join('\n')), 'tokens bytes');
    assertSameMatrix(matrix, want.matrix, 'fit');

    // transform, fresh and after a round trip through the arrays (a model loaded from disk).
    const wantUnseen = referenceTransform(want, config, UNSEEN);
    assertSameMatrix(vectorizer.transform(UNSEEN), wantUnseen, 'transform');
    assertSameMatrix(vectorizer.transform(TRAIN), want.matrix, 'transform of the training texts');
    // Saved tokens are UTF-8, so a lone surrogate comes back as U+FFFD (as it always has): the
    // loaded model is compared with the string path over the tokens it loaded.
    const loaded = TfidfVectorizer.fromArrays(config, arrays);
    assertSameMatrix(loaded.transform(UNSEEN), referenceTransform({ ...want, tokens: loaded.tokens }, config, UNSEEN), 'transform after fromArrays');
    for (let f = 0; f < Math.min(vectorizer.numFeatures, 20); f++) assert.equal(loaded.featureName(f), config.hashBuckets ? `#${want.ngrams[f * 3]}` : loaded.tokens[f]);
  });
}

test('the equality corpus reaches what it claims: every script class, and a vocabulary the bounds cut', () => {
  const { vectorizer } = TfidfVectorizer.fit(TRAIN, { ...DEFAULT_TFIDF, analyzer: 'char', ngramRange: [1, 1], minDf: 1 });
  const chars = new Set(vectorizer.tokens);
  for (const c of ['a', '정', '我', '😡', '𝒜', '\ud800', '\udc00', '\u0301', ' ']) assert.ok(chars.has(c), `unit ${JSON.stringify(c)}`);
  // Whitespace other than U+0020 never survives into an n-gram; U+0085 is not whitespace in JS.
  for (const c of ['\t', '\n', '\u00a0', '\u3000', '\ufeff']) assert.ok(!chars.has(c), `unit ${JSON.stringify(c)}`);
  assert.ok(chars.has('\u0085'));
  const bounded = TfidfVectorizer.fit(TRAIN, { ...DEFAULT_TFIDF, analyzer: 'char_wb', ngramRange: [2, 4], minDf: 3, maxDf: 40, maxFeatures: 150 }).vectorizer;
  assert.equal(bounded.numFeatures, 150);
});

test('a character analyzer with stop words or stemming is refused, as before', () => {
  assert.throws(() => TfidfVectorizer.fit(['abc'], { ...DEFAULT_TFIDF, analyzer: 'char_wb', ngramRange: [1, 2], stopWords: 'en' }), /stop words and stemming apply to word tokens; analyzer char_wb/);
});

// Rows of hundreds of distinct n-grams: RowBuilder sorts long rows by radix (radix-sort.ts, from
// 128 ids for these small vocabularies), shorter ones with the built-in sort; both must give the
// string path's matrix.
const LONG_TRAIN = [...corpus(21, 60).map((t, i) => t.repeat(1 + (i % 3)) + corpus(22 + i, 40).join(' ')), ...FIXED];
const LONG_UNSEEN = corpus(99, 30).map((t, i) => t + corpus(200 + i, 30).join('\n'));

for (const variant of [
  { analyzer: 'char', ngramRange: [1, 5], minDf: 1 },
  { analyzer: 'char_wb', ngramRange: [2, 5], minDf: 2 },
  { analyzer: 'char_wb', ngramRange: [3, 8], minDf: 1, sublinearTf: false },
  { analyzer: 'char', ngramRange: [2, 4], minDf: 2, maxFeatures: 500 },
] as Variant[]) {
  const config: TfidfConfig = { ...DEFAULT_TFIDF, ...variant };
  test(`char analyzer equals the string path on long rows: ${JSON.stringify(variant)}`, () => {
    const want = referenceFit(LONG_TRAIN, config);
    const { vectorizer, matrix } = TfidfVectorizer.fit(LONG_TRAIN, config);
    assert.deepEqual(vectorizer.tokens, want.tokens, 'tokens');
    assert.deepEqual(vectorizer.idf, want.idf, 'idf');
    assertSameMatrix(matrix, want.matrix, 'fit');
    let longRows = 0;
    for (let i = 0; i < matrix.rows; i++) if (matrix.indptr[i + 1] - matrix.indptr[i] >= 128) longRows++;
    assert.ok(longRows >= 10, `${longRows} rows of 128 n-grams or more`);
    assertSameMatrix(vectorizer.transform(LONG_UNSEEN), referenceTransform(want, config, LONG_UNSEEN), 'transform');
  });
}
