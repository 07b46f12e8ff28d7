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
