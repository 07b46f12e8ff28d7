import assert from 'node:assert/strict';
import { test } from 'node:test';
import { murmur3, ngramHash, TokenHasher } from './hashing.js';

const bytes = (s: string) => {
  const b = new TextEncoder().encode(s);
  return murmur3(b, b.length);
};

test('MurmurHash3_x86_32 reference values (seed 0; as scikit-learn murmurhash3_32(s, positive=True))', () => {
  assert.equal(bytes(''), 0);
  assert.equal(bytes('hello'), 613153351);
  assert.equal(bytes('The quick brown fox jumps over the lazy dog'), 0x2e4ff723);
  assert.equal(bytes('행복'), murmur3(Uint8Array.from([0xed, 0x96, 0x89, 0xeb, 0xb3, 0xb5]), 6));
});

test('token hashes are cached but identical to uncached ones; n-gram hashes depend on order and length', () => {
  const h = new TokenHasher(1);
  assert.equal(h.hash('good'), bytes('good'));
  assert.equal(h.hash('movie'), bytes('movie'), 'past the cache limit, still hashed');
  assert.equal(h.hash('good'), bytes('good'));
  const [a, b] = [bytes('not'), bytes('good')];
  assert.notEqual(ngramHash(a, b, -1, 2), ngramHash(b, a, -1, 2));
  assert.notEqual(ngramHash(a, b, -1, 2), a);
  assert.equal(ngramHash(a, -1, -1, 1), a);
});

test('a hashed TF-IDF vectorizer: same rows as the vocabulary one when buckets do not collide, round-trips, ignores unseen n-grams', async () => {
  const { TfidfVectorizer, DEFAULT_TFIDF } = await import('./tfidf.js');
  const texts = ['the movie was good', 'the movie was not good', 'a bad movie', 'good good fun'];
  const vocab = TfidfVectorizer.fit(texts, { ...DEFAULT_TFIDF, minDf: 1 });
  const hashed = TfidfVectorizer.fit(texts, { ...DEFAULT_TFIDF, minDf: 1, hashBuckets: 1 << 20 });
  assert.equal(hashed.vectorizer.numFeatures, vocab.vectorizer.numFeatures, 'no collisions among these few n-grams');
  const rowValues = (m: { indptr: Int32Array; data: Float32Array }, r: number) => Array.from(m.data.subarray(m.indptr[r], m.indptr[r + 1])).sort();
  for (let r = 0; r < texts.length; r++) assert.deepEqual(rowValues(hashed.matrix, r), rowValues(vocab.matrix, r));
  const restored = TfidfVectorizer.fromArrays(hashed.vectorizer.config, hashed.vectorizer.toArrays());
  assert.deepEqual(restored.transform(['not good at all']), hashed.vectorizer.transform(['not good at all']));
  assert.equal(restored.transform(['zzz qqq']).data.length, 0);
  assert.match(restored.featureName(0), /^#\d+$/);
  // Few buckets: collisions merge n-grams, never lose a row.
  const tiny = TfidfVectorizer.fit(texts, { ...DEFAULT_TFIDF, minDf: 1, hashBuckets: 4 });
  assert.ok(tiny.vectorizer.numFeatures <= 4);
  assert.equal(tiny.matrix.rows, texts.length);
});
