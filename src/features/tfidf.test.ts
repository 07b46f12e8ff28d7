import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { toDense, type CsrMatrix } from './csr.js';
import { DEFAULT_TFIDF, TfidfVectorizer, type TfidfConfig } from './tfidf.js';

/** Written by scripts/golden/tfidf_logreg.py (scikit-learn 1.2.1). */
interface GoldenCsr {
  indptr: number[];
  indices: number[];
  data: number[];
}
interface GoldenTfidfCase {
  name: string;
  sklearn: Record<string, unknown>;
  config: TfidfConfig;
  /** get_feature_names_out(), as indices into `vocabulary`, in sklearn's (alphabetical) column order. */
  features: number[];
  idf: number[] | null;
  train: GoldenCsr;
  unseen: GoldenCsr;
}
interface Golden {
  corpus: string[];
  unseen: string[];
  vocabulary: string[];
  tfidf: GoldenTfidfCase[];
}

// dist/features/tfidf.test.js → repository root is two levels up.
const golden = JSON.parse(fs.readFileSync(new URL('../../test/golden/tfidf-logreg.json', import.meta.url), 'utf8')) as Golden;

const TOL = 1e-6;

/** Checks CSR invariants: monotone indptr, in-range strictly ascending column indices, finite values. */
function assertWellFormed(m: CsrMatrix, rows: number, cols: number): void {
  assert.equal(m.rows, rows);
  assert.equal(m.cols, cols);
  assert.equal(m.indptr.length, rows + 1);
  assert.equal(m.indptr[0], 0);
  assert.equal(m.indptr[rows], m.indices.length);
  assert.equal(m.data.length, m.indices.length);
  for (let i = 0; i < rows; i++) {
    assert.ok(m.indptr[i] <= m.indptr[i + 1]);
    for (let p = m.indptr[i]; p < m.indptr[i + 1]; p++) {
      assert.ok(m.indices[p] >= 0 && m.indices[p] < cols, `column ${m.indices[p]} out of range`);
      if (p > m.indptr[i]) assert.ok(m.indices[p] > m.indices[p - 1], `row ${i}: columns not strictly ascending`);
      assert.ok(Number.isFinite(m.data[p]));
    }
  }
}

/** Compares our matrix with sklearn's entry by entry (zeros included); `colMap[j]` is our column of sklearn's column j. */
function assertMatrixMatches(ours: CsrMatrix, expected: GoldenCsr, colMap: Int32Array, what: string): void {
  const rows = expected.indptr.length - 1;
  const D = colMap.length;
  assertWellFormed(ours, rows, D);
  const want = new Float64Array(rows * D);
  for (let i = 0; i < rows; i++) {
    for (let p = expected.indptr[i]; p < expected.indptr[i + 1]; p++) want[i * D + colMap[expected.indices[p]]] = expected.data[p];
  }
  const got = toDense(ours);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < D; f++) {
      const g = got[i * D + f];
      const w = want[i * D + f];
      if (!(Math.abs(g - w) <= TOL)) assert.fail(`${what}: row ${i}, column ${f}: got ${g}, sklearn ${w}`);
    }
  }
}

for (const c of golden.tfidf) {
  test(`tfidf matches scikit-learn: ${c.name} ${JSON.stringify(c.sklearn)}`, () => {
    const { vectorizer, matrix } = TfidfVectorizer.fit(golden.corpus, c.config);

    // Same feature set: map every sklearn feature name to our feature id.
    const names = c.features.map((v) => golden.vocabulary[v]);
    const ours = new Map<string, number>();
    for (let f = 0; f < vectorizer.numFeatures; f++) {
      const name = vectorizer.featureName(f);
      assert.ok(!ours.has(name), `duplicate feature ${JSON.stringify(name)}`);
      ours.set(name, f);
    }
    const missing = names.filter((n) => !ours.has(n));
    const extra = [...ours.keys()].filter((n) => !names.includes(n));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, 'feature set differs from sklearn');
    assert.equal(vectorizer.numFeatures, names.length);
    const colMap = Int32Array.from(names, (n) => ours.get(n)!);

    // idf_ (stored as Float32 on our side).
    for (let j = 0; j < names.length; j++) {
      const want = c.idf ? c.idf[j] : 1;
      const got = vectorizer.idf[colMap[j]];
      assert.ok(Math.abs(got - want) <= TOL, `idf of ${JSON.stringify(names[j])}: got ${got}, sklearn ${want}`);
    }

    assertMatrixMatches(matrix, c.train, colMap, 'fit_transform');
    assertMatrixMatches(vectorizer.transform(golden.unseen), c.unseen, colMap, 'transform(unseen)');

    // fit's matrix is what transform gives on the training texts (sklearn's fit_transform == fit().transform()).
    const again = vectorizer.transform(golden.corpus);
    assert.deepEqual(again.indptr, matrix.indptr);
    assert.deepEqual(again.indices, matrix.indices);
    assert.deepEqual(again.data, matrix.data);
  });
}

test('golden file covers the settings it claims to', () => {
  const cfgs = golden.tfidf.map((c) => c.config);
  const has = (p: (c: TfidfConfig) => boolean): boolean => cfgs.some(p);
  assert.ok(has((c) => c.ngramRange[0] === 1 && c.ngramRange[1] === 3));
  assert.ok(has((c) => c.ngramRange[0] === 2));
  assert.ok(has((c) => c.minDf > 0 && c.minDf < 1));
  assert.ok(has((c) => c.maxDf > 1));
  assert.ok(has((c) => c.maxDf < 1));
  assert.ok(has((c) => c.maxFeatures !== null));
  assert.ok(has((c) => c.sublinearTf) && has((c) => !c.sublinearTf));
  assert.ok(has((c) => c.norm === 'none') && has((c) => !c.smoothIdf) && has((c) => !c.useIdf));
});

// ---------------------------------------------------------------------------------------------
// Own unit tests.

const RAW: TfidfConfig = {
  ...DEFAULT_TFIDF,
  tokenPattern: 'sklearn',
  ngramRange: [1, 1],
  minDf: 1,
  maxDf: 1.0,
  maxFeatures: null,
  sublinearTf: false,
  useIdf: false,
  smoothIdf: true,
  norm: 'none',
};

/** Row `i` of `m` as { featureName: value }. */
function rowByName(v: TfidfVectorizer, m: CsrMatrix, i: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let p = m.indptr[i]; p < m.indptr[i + 1]; p++) out[v.featureName(m.indices[p])] = m.data[p];
  return out;
}

function rowLength(m: CsrMatrix, i: number): number {
  return m.indptr[i + 1] - m.indptr[i];
}

test('an empty document gives an empty row, in fit and in transform', () => {
  const { vectorizer, matrix } = TfidfVectorizer.fit(['good movie', '', 'bad movie'], { ...DEFAULT_TFIDF, minDf: 1 });
  assertWellFormed(matrix, 3, vectorizer.numFeatures);
  assert.equal(rowLength(matrix, 1), 0);
  assert.ok(rowLength(matrix, 0) > 0 && rowLength(matrix, 2) > 0);
  const t = vectorizer.transform(['', 'good', '   ', '']);
  assertWellFormed(t, 4, vectorizer.numFeatures);
  assert.deepEqual([0, 1, 2, 3].map((i) => rowLength(t, i)), [0, 1, 0, 0]);
  assert.equal(vectorizer.transform([]).rows, 0);
});

test('a document of only unknown words gives an empty row', () => {
  for (const ngramRange of [[1, 1], [1, 2], [1, 3], [2, 3]] as [number, number][]) {
    const { vectorizer } = TfidfVectorizer.fit(golden.corpus, { ...DEFAULT_TFIDF, tokenPattern: 'sklearn', minDf: 1, ngramRange });
    const t = vectorizer.transform(['zebra quantum flux', 'xyz', 'the team won', 'qqq qqq qqq']);
    assertWellFormed(t, 4, vectorizer.numFeatures);
    assert.equal(rowLength(t, 0), 0, `${ngramRange}`);
    assert.equal(rowLength(t, 1), 0, `${ngramRange}`);
    assert.ok(rowLength(t, 2) > 0, `${ngramRange}`);
    assert.equal(rowLength(t, 3), 0, `${ngramRange}`);
  }
});

test('toArrays / fromArrays round-trip gives identical transform output', () => {
  const texts = [...golden.corpus, ...golden.unseen, '', 'rain rain rain and more rain'];
  for (const config of [
    { ...DEFAULT_TFIDF, minDf: 1 },
    { ...DEFAULT_TFIDF, ngramRange: [1, 3] as [number, number], minDf: 2, maxDf: 0.5, sublinearTf: false },
    { ...DEFAULT_TFIDF, tokenPattern: 'sklearn' as const, ngramRange: [2, 3] as [number, number], minDf: 1, maxFeatures: 20 },
    { ...DEFAULT_TFIDF, minDf: 1, useIdf: false, norm: 'none' as const },
  ]) {
    const { vectorizer } = TfidfVectorizer.fit(golden.corpus, config);
    const arrays = vectorizer.toArrays();
    // Through plain copies, as a model directory would hand them back.
    const restored = TfidfVectorizer.fromArrays(config, {
      tokens: Uint8Array.from(arrays.tokens),
      ngrams: Int32Array.from(arrays.ngrams),
      idf: Float32Array.from(arrays.idf),
    });
    assert.equal(restored.numFeatures, vectorizer.numFeatures);
    for (let f = 0; f < vectorizer.numFeatures; f++) assert.equal(restored.featureName(f), vectorizer.featureName(f));
    const a = vectorizer.transform(texts);
    const b = restored.transform(texts);
    assert.deepEqual(b.indptr, a.indptr);
    assert.deepEqual(b.indices, a.indices);
    assert.deepEqual(b.data, a.data);
  }
});

test('fromArrays of an empty vocabulary', () => {
  const { vectorizer } = TfidfVectorizer.fit(['a b c'], { ...RAW }); // 1-character words are no sklearn tokens
  assert.equal(vectorizer.numFeatures, 0);
  const restored = TfidfVectorizer.fromArrays(RAW, vectorizer.toArrays());
  assert.equal(restored.numFeatures, 0);
  const t = restored.transform(['a b c', 'anything']);
  assertWellFormed(t, 2, 0);
  assert.equal(t.indices.length, 0);
});

test('maxFeatures keeps the most frequent n-grams (by total count, not document frequency)', () => {
  const texts = [
    'alpha alpha beta gamma',
    'alpha beta gamma delta',
    'alpha beta delta',
    'alpha epsilon',
    'zeta zeta zeta zeta zeta zeta', // total count 6, document frequency 1
  ];
  // totals: zeta 6, alpha 5, beta 3, gamma 2, delta 2, epsilon 1
  const names = (maxFeatures: number | null): string[] => {
    const { vectorizer } = TfidfVectorizer.fit(texts, { ...RAW, maxFeatures });
    return Array.from({ length: vectorizer.numFeatures }, (_, f) => vectorizer.featureName(f)).sort();
  };
  assert.deepEqual(names(1), ['zeta']);
  assert.deepEqual(names(2), ['alpha', 'zeta']);
  assert.deepEqual(names(3), ['alpha', 'beta', 'zeta']);
  assert.deepEqual(names(6), ['alpha', 'beta', 'delta', 'epsilon', 'gamma', 'zeta']);
  assert.deepEqual(names(100), names(null));

  // The document-frequency bounds apply first, then the cut: with minDf 2, zeta (df 1) is out.
  const { vectorizer } = TfidfVectorizer.fit(texts, { ...RAW, minDf: 2, maxFeatures: 2 });
  const kept = Array.from({ length: vectorizer.numFeatures }, (_, f) => vectorizer.featureName(f)).sort();
  assert.deepEqual(kept, ['alpha', 'beta']);
});

test('unigram + bigram: an unknown neighbour does not turn "good" into a second unigram', () => {
  const { vectorizer } = TfidfVectorizer.fit(['good movie', 'bad movie', 'good plot'], { ...RAW, ngramRange: [1, 2] });
  const t = vectorizer.transform(['good xyz', 'xyz good', 'good xyz good', 'good movie good', 'movie good']);
  assert.deepEqual(rowByName(vectorizer, t, 0), { good: 1 });
  assert.deepEqual(rowByName(vectorizer, t, 1), { good: 1 });
  assert.deepEqual(rowByName(vectorizer, t, 2), { good: 2 });
  // "movie good" is made of known tokens but is no feature: ignored, and no double counting either.
  assert.deepEqual(rowByName(vectorizer, t, 3), { good: 2, movie: 1, 'good movie': 1 });
  assert.deepEqual(rowByName(vectorizer, t, 4), { good: 1, movie: 1 });
});

test('trigrams: a token known only as part of kept n-grams, unknown n-grams skipped', () => {
  // minDf 2 keeps "the cat" and "the cat sat" but not "cat sat on" etc.
  const { vectorizer } = TfidfVectorizer.fit(['the cat sat', 'the cat sat', 'the dog ran'], { ...RAW, ngramRange: [1, 3], minDf: 2 });
  const names = Array.from({ length: vectorizer.numFeatures }, (_, f) => vectorizer.featureName(f)).sort();
  assert.deepEqual(names, ['cat', 'cat sat', 'sat', 'the', 'the cat', 'the cat sat']);
  const t = vectorizer.transform(['the cat sat the dog sat', 'cat the sat']);
  assert.deepEqual(rowByName(vectorizer, t, 0), { the: 2, cat: 1, sat: 2, 'the cat': 1, 'cat sat': 1, 'the cat sat': 1 });
  assert.deepEqual(rowByName(vectorizer, t, 1), { the: 1, cat: 1, sat: 1 });
});

test('bigram-only range (2, 2) has no unigram features', () => {
  const { vectorizer, matrix } = TfidfVectorizer.fit(['good movie', 'good plot twist', 'single'], { ...RAW, ngramRange: [2, 2] });
  const names = Array.from({ length: vectorizer.numFeatures }, (_, f) => vectorizer.featureName(f)).sort();
  assert.deepEqual(names, ['good movie', 'good plot', 'plot twist']);
  assert.equal(rowLength(matrix, 2), 0);
  assert.deepEqual(rowByName(vectorizer, vectorizer.transform(['good']), 0), {});
});

test('l2 rows have unit norm; sublinear tf is 1 + ln(count)', () => {
  const { vectorizer, matrix } = TfidfVectorizer.fit(golden.corpus, { ...DEFAULT_TFIDF, minDf: 1 });
  for (let i = 0; i < matrix.rows; i++) {
    let sq = 0;
    for (let p = matrix.indptr[i]; p < matrix.indptr[i + 1]; p++) sq += matrix.data[p] * matrix.data[p];
    assert.ok(Math.abs(Math.sqrt(sq) - 1) < 1e-6);
  }
  const raw = TfidfVectorizer.fit(['aa aa aa aa bb'], { ...RAW, sublinearTf: true });
  assert.deepEqual(rowByName(raw.vectorizer, raw.matrix, 0), { aa: Math.fround(1 + Math.log(4)), bb: 1 });
  assert.equal(vectorizer.termWeight(1), 1);
});

// ---- Word + character n-grams in one vectorizer (TfidfConfig.charNgrams) ----

const WORDS_AND_CHARS: TfidfConfig = { ...DEFAULT_TFIDF, minDf: 1, ngramRange: [1, 2], charNgrams: { analyzer: 'char_wb', ngramRange: [2, 4], weight: 1 } };

/** Sum of squares of row i's values over the features `inBlock` accepts. */
function blockNorm(m: CsrMatrix, i: number, inBlock: (f: number) => boolean): number {
  let sq = 0;
  for (let p = m.indptr[i]; p < m.indptr[i + 1]; p++) if (inBlock(m.indices[p])) sq += m.data[p] * m.data[p];
  return Math.sqrt(sq);
}

function featureNames(v: TfidfVectorizer): string[] {
  return Array.from({ length: v.numFeatures }, (_, f) => v.featureName(f));
}

test('words + chars: every word feature comes first, the character block after it, marked ⟨char⟩', () => {
  const { vectorizer, matrix } = TfidfVectorizer.fit(golden.corpus, WORDS_AND_CHARS);
  assertWellFormed(matrix, golden.corpus.length, vectorizer.numFeatures);
  const names = featureNames(vectorizer);
  assert.ok(vectorizer.charStart > 0 && vectorizer.charStart < vectorizer.numFeatures);
  names.forEach((name, f) => assert.equal(name.startsWith('⟨char⟩'), f >= vectorizer.charStart, `${f} ${name}`));
  // The word block is exactly what the word analyzer alone learns, in the same order.
  const { vectorizer: wordsOnly } = TfidfVectorizer.fit(golden.corpus, { ...WORDS_AND_CHARS, charNgrams: null });
  assert.deepEqual(names.slice(0, vectorizer.charStart), featureNames(wordsOnly));
  assert.equal(wordsOnly.charStart, wordsOnly.numFeatures);
});

test('words + chars is a FeatureUnion: each block equals its own vectorizer, the character block times weight', () => {
  const texts = [...golden.corpus, '', 'rain rain rain and more rain!'];
  const weight = 0.6;
  const combined = TfidfVectorizer.fit(golden.corpus, { ...WORDS_AND_CHARS, charNgrams: { analyzer: 'char_wb', ngramRange: [2, 4], weight } }).vectorizer;
  const words = TfidfVectorizer.fit(golden.corpus, { ...WORDS_AND_CHARS, charNgrams: null }).vectorizer;
  const chars = TfidfVectorizer.fit(golden.corpus, { ...WORDS_AND_CHARS, analyzer: 'char_wb', ngramRange: [2, 4], charNgrams: null }).vectorizer;
  assert.equal(combined.numFeatures, words.numFeatures + chars.numFeatures);
  const [c, w, ch] = [combined.transform(texts), words.transform(texts), chars.transform(texts)];
  for (let i = 0; i < texts.length; i++) {
    const expected: Record<string, number> = { ...rowByName(words, w, i) };
    for (const [name, v] of Object.entries(rowByName(chars, ch, i))) expected[`⟨char⟩${name}`] = Math.fround(v * weight);
    const got = rowByName(combined, c, i);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(expected).sort(), `text ${i}`);
    for (const k of Object.keys(got)) assert.ok(Math.abs(got[k] - expected[k]) <= 1e-6, `text ${i} ${k}: ${got[k]} vs ${expected[k]}`);
  }
});

test('words + chars, l2: each block has norm 1 (the character block: weight), the row sqrt(1 + weight²)', () => {
  for (const weight of [1, 0.5, 2]) {
    for (const hashBuckets of [null, 1024]) {
      const config: TfidfConfig = { ...WORDS_AND_CHARS, hashBuckets, charNgrams: { analyzer: 'char', ngramRange: [1, 3], weight } };
      const { vectorizer, matrix } = TfidfVectorizer.fit(golden.corpus, config);
      for (let i = 0; i < matrix.rows; i++) {
        const isChar = (f: number) => vectorizer.isCharFeature(f);
        assert.ok(Math.abs(blockNorm(matrix, i, (f) => !isChar(f)) - 1) < 1e-6, `words, row ${i}`);
        assert.ok(Math.abs(blockNorm(matrix, i, isChar) - weight) < 1e-6, `chars, row ${i}, weight ${weight}`);
        assert.ok(Math.abs(blockNorm(matrix, i, () => true) - Math.sqrt(1 + weight * weight)) < 1e-6);
      }
    }
  }
  // A text with characters but no word tokens: only the character block, still of norm `weight`.
  const { vectorizer } = TfidfVectorizer.fit(['ab, cd', 'ab cd'], { ...WORDS_AND_CHARS, tokenPattern: 'sklearn', ngramRange: [1, 1], charNgrams: { analyzer: 'char', ngramRange: [1, 1], weight: 3 } });
  const t = vectorizer.transform([', ,']);
  assert.deepEqual(Object.keys(rowByName(vectorizer, t, 0)).sort(), ['⟨char⟩ ', '⟨char⟩,']);
  assert.ok(Math.abs(blockNorm(t, 0, () => true) - 3) < 1e-6);
});

test('words + chars without norm: the character block is tf × idf × weight', () => {
  const config: TfidfConfig = { ...RAW, charNgrams: { analyzer: 'char', ngramRange: [2, 2], weight: 2.5 } };
  const { vectorizer, matrix } = TfidfVectorizer.fit(['aa aa bb'], config);
  // word tokens: aa ×2, bb ×1; char bigrams of "aa aa bb": "aa" ×2, "a " ×2, " a" ×1, " b" ×1, "bb" ×1.
  assert.deepEqual(rowByName(vectorizer, matrix, 0), { aa: 2, bb: 1, '⟨char⟩aa': 5, '⟨char⟩a ': 5, '⟨char⟩ a': 2.5, '⟨char⟩ b': 2.5, '⟨char⟩bb': 2.5 });
});

test('a word and the character n-gram with the same letters are different features (vocabulary and hashing)', () => {
  for (const hashBuckets of [null, 64]) {
    const config: TfidfConfig = { ...RAW, hashBuckets, charNgrams: { analyzer: 'char', ngramRange: [2, 2], weight: 1 } };
    const { vectorizer, matrix } = TfidfVectorizer.fit(['ab ab ab'], config);
    const row = rowByName(vectorizer, matrix, 0);
    if (!hashBuckets) {
      assert.deepEqual(row, { ab: 3, '⟨char⟩ab': 3, '⟨char⟩b ': 2, '⟨char⟩ a': 2 });
    } else {
      // The word "ab" and the character bigram "ab" hash to the same bucket number, in different blocks.
      const bucketOf = (f: number) => vectorizer.ngrams[f * 3];
      const word = [...Array(vectorizer.charStart).keys()];
      const char = [...Array(vectorizer.numFeatures - vectorizer.charStart).keys()].map((k) => k + vectorizer.charStart);
      assert.equal(word.length, 1);
      const abChar = char.find((f) => bucketOf(f) === bucketOf(word[0]));
      assert.ok(abChar !== undefined, 'the character bigram "ab" has its own feature');
      assert.equal(row[vectorizer.featureName(word[0])], 3);
      assert.equal(row[vectorizer.featureName(abChar)], 3);
      assert.match(vectorizer.featureName(abChar), /^⟨char⟩#\d+$/);
    }
  }
});

test('words + chars: min_df, max_df and max_features apply over the union of both blocks', () => {
  const texts = ['xy xy', 'xy zq', 'xy', 'zz'];
  const config: TfidfConfig = { ...RAW, charNgrams: { analyzer: 'char_wb', ngramRange: [3, 3], weight: 1 } };
  // min_df 2: the word zq (df 1) and the char trigram " zz" (df 1) go, " xy" and "xy " (df 3) stay.
  const min2 = featureNames(TfidfVectorizer.fit(texts, { ...config, minDf: 2 }).vectorizer).sort();
  assert.deepEqual(min2, ['xy', '⟨char⟩ xy', '⟨char⟩xy ']);
  // max_df 2 documents: everything in three documents goes, from both blocks.
  const max2 = featureNames(TfidfVectorizer.fit(texts, { ...config, maxDf: 2 }).vectorizer).sort();
  assert.deepEqual(max2, ['zq', 'zz', '⟨char⟩ zq', '⟨char⟩ zz', '⟨char⟩zq ', '⟨char⟩zz ']);
  // max_features ranks both blocks by total count: xy 4, " xy" 4, "xy " 4, then the count-1 rest.
  const top3 = featureNames(TfidfVectorizer.fit(texts, { ...config, maxFeatures: 3 }).vectorizer).sort();
  assert.deepEqual(top3, ['xy', '⟨char⟩ xy', '⟨char⟩xy ']);
  const top1 = TfidfVectorizer.fit(texts, { ...config, maxFeatures: 1 }).vectorizer;
  assert.deepEqual(featureNames(top1), ['xy'], 'ties go to the first seen, a word here');
  assert.equal(top1.charStart, 1);
  // Hashing: the same bounds over word and character buckets.
  const hashed = TfidfVectorizer.fit(texts, { ...config, hashBuckets: 1 << 12, minDf: 2 }).vectorizer;
  assert.equal(hashed.charStart, 1);
  assert.equal(hashed.numFeatures, 3);
});

test('words + chars: stop words and stemming touch the word block only', () => {
  const config: TfidfConfig = { ...RAW, tokenPattern: 'word', stopWords: 'en', stem: 'en', charNgrams: { analyzer: 'char_wb', ngramRange: [4, 4], weight: 1 } };
  const { vectorizer, matrix } = TfidfVectorizer.fit(['the running dogs'], config);
  const row = rowByName(vectorizer, matrix, 0);
  assert.ok(!('the' in row) && 'run' in row && 'dog' in row, JSON.stringify(row));
  assert.ok('⟨char⟩ the' in row && '⟨char⟩ning' in row && '⟨char⟩ogs ' in row, JSON.stringify(row));
});

test('words + chars: fit is deterministic, transform of the training texts repeats fit, arrays round-trip', () => {
  const texts = [...golden.corpus, ...golden.unseen, '', '😡😡 不好 très bien'];
  for (const hashBuckets of [null, 2048]) {
    const config: TfidfConfig = { ...WORDS_AND_CHARS, minDf: 2, maxDf: 0.9, hashBuckets, charNgrams: { analyzer: 'char', ngramRange: [1, 4], weight: 0.8 } };
    const a = TfidfVectorizer.fit(texts, config);
    const b = TfidfVectorizer.fit(texts, config);
    assert.deepEqual(b.vectorizer.toArrays(), a.vectorizer.toArrays());
    assert.deepEqual(b.matrix, a.matrix);
    const again = a.vectorizer.transform(texts);
    assert.deepEqual(again.indices, a.matrix.indices);
    assert.deepEqual(again.data, a.matrix.data);
    const arrays = a.vectorizer.toArrays();
    const restored = TfidfVectorizer.fromArrays(JSON.parse(JSON.stringify(config)) as TfidfConfig, {
      tokens: Uint8Array.from(arrays.tokens),
      ngrams: Int32Array.from(arrays.ngrams),
      idf: Float32Array.from(arrays.idf),
    });
    assert.equal(restored.charStart, a.vectorizer.charStart);
    assert.deepEqual(featureNames(restored), featureNames(a.vectorizer));
    assert.deepEqual(restored.transform(golden.unseen), a.vectorizer.transform(golden.unseen));
  }
});

test('character-block arrays with a config that has no charNgrams are refused, not misread', () => {
  const { vectorizer } = TfidfVectorizer.fit(golden.corpus, WORDS_AND_CHARS);
  assert.throws(() => TfidfVectorizer.fromArrays({ ...WORDS_AND_CHARS, charNgrams: null }, vectorizer.toArrays()), (e: Error) => e.name === 'ModelFormatError' && /character n-gram features from \d+ on, but the config has no charNgrams/.test(e.message));
  const arrays = vectorizer.toArrays();
  const shuffled = Int32Array.from(arrays.ngrams);
  // Move the first character feature's key in front of the word features.
  const last = shuffled.length - 3;
  const firstKey = shuffled.slice(0, 3);
  shuffled.set(shuffled.slice(last, last + 3), 0);
  shuffled.set(firstKey, last);
  assert.throws(() => TfidfVectorizer.fromArrays(WORDS_AND_CHARS, { ...arrays, ngrams: shuffled }), /the character block must come last/);
});

test('a text preparation given to fit and transform is applied once per text, as it is read, with the result of preparing them all first', () => {
  const texts = ['Good FILM, great plot', 'Bad film… BAD', 'ＦＵＬＬ width and 한국어 text', '', 'good good GOOD'];
  const prepare = (t: string): string => t.normalize('NFKC').toLowerCase();
  const configs: TfidfConfig[] = [
    { ...DEFAULT_TFIDF, minDf: 1 },
    { ...DEFAULT_TFIDF, minDf: 1, charNgrams: { analyzer: 'char_wb', ngramRange: [2, 3], weight: 1 } },
    { ...DEFAULT_TFIDF, minDf: 1, analyzer: 'char', ngramRange: [1, 3] },
    { ...DEFAULT_TFIDF, minDf: 1, hashBuckets: 64 },
  ];
  for (const config of configs) {
    let calls = 0;
    const counted = (t: string): string => {
      calls++;
      return prepare(t);
    };
    const lazy = TfidfVectorizer.fit(texts, config, counted);
    assert.equal(calls, texts.length, 'fit prepares each text once');
    const eager = TfidfVectorizer.fit(texts.map(prepare), config);
    assert.deepEqual(lazy.vectorizer.toArrays(), eager.vectorizer.toArrays());
    assert.deepEqual(lazy.matrix, eager.matrix);
    calls = 0;
    assert.deepEqual(eager.vectorizer.transform(texts, counted), eager.vectorizer.transform(texts.map(prepare)));
    assert.equal(calls, texts.length, 'transform prepares each text once');
  }
});
