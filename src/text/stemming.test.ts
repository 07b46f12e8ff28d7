import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TfidfVectorizer, DEFAULT_TFIDF, type TfidfConfig } from '../features/tfidf.js';
import { parseRecipe } from '../recipe/load.js';
import { RecipeError } from '../errors.js';
import { createStemmer } from './stemming.js';
import { createTokenizer, type WordFilters } from './tokenize.js';

function words(text: string, filters: WordFilters, pattern: 'word' | 'segmented' | 'sklearn' = 'word'): string[] {
  const out: string[] = [];
  createTokenizer('word', pattern, [1, 1], filters)(text, (t) => out.push(t));
  return out;
}

test('English Snowball stemming of word tokens; ! and emoji pass through', () => {
  assert.deepEqual(words('running runs ran generously !', { stem: 'en' }), ['run', 'run', 'ran', 'generous', '!']);
  assert.deepEqual(words("don't 😀 xxnum", { stem: 'en' }), ["don't", '😀', 'xxnum']);
  assert.deepEqual(words('running runs', { stem: 'en' }, 'segmented'), ['run', 'run']);
  assert.deepEqual(words('running runs', { stem: 'en' }, 'sklearn'), ['run', 'run']);
});

test('Russian Snowball stemming: forms of one word share a stem', () => {
  const [a, b, c] = words('книги книгой книга', { stem: 'ru' });
  assert.equal(a, 'книг');
  assert.equal(b, a);
  assert.equal(c, a);
  assert.deepEqual(words('красивая красивый', { stem: 'ru' }), ['красив', 'красив']);
});

test('stop words are removed before stemming', () => {
  assert.deepEqual(words('the cats are on the mat !', { stopWords: 'en' }), ['cats', 'mat', '!']);
  assert.deepEqual(words('the cats are on the mat', { stopWords: 'en', stem: 'en' }), ['cat', 'mat']);
  assert.deepEqual(words('я и книги на столе', { stopWords: 'ru' }), ['книги', 'столе']);
  assert.deepEqual(words('я и книги на столе', { stopWords: 'ru', stem: 'ru' }), ['книг', 'стол']);
  // Off: the plain tokenizer.
  assert.deepEqual(words('the running', { stopWords: null, stem: null }), ['the', 'running']);
});

test('stop words and stemming refuse character analyzers', () => {
  assert.throws(() => createTokenizer('char', 'word', [1, 3], { stem: 'en' }), /word tokens/);
  assert.throws(() => createTokenizer('char_wb', 'word', [1, 3], { stopWords: 'ru' }), /word tokens/);
});

test('the stem cache is bounded and stays correct past its limit', () => {
  const stem = createStemmer('en', 2);
  for (let round = 0; round < 3; round++) {
    assert.equal(stem('running'), 'run');
    assert.equal(stem('cats'), 'cat');
    assert.equal(stem('generously'), 'generous');
  }
});

test('a stemmed vectorizer restored from arrays transforms identically', () => {
  const corpus = ['the cats are running', 'a cat runs home', 'running cats and dogs', 'dogs ran home', 'книги книгой', 'книга на столе'];
  const texts = [...corpus, 'the cat runs', 'книгами', ''];
  const configs: TfidfConfig[] = [
    { ...DEFAULT_TFIDF, minDf: 1, stem: 'en', stopWords: 'en' },
    { ...DEFAULT_TFIDF, minDf: 1, stem: 'ru', stopWords: 'ru' },
    { ...DEFAULT_TFIDF, minDf: 1, stem: 'en', hashBuckets: 1024 },
  ];
  for (const config of configs) {
    const { vectorizer } = TfidfVectorizer.fit(corpus, config);
    const arrays = vectorizer.toArrays();
    // The config as a manifest would hand it back (JSON), the arrays as plain copies.
    const restored = TfidfVectorizer.fromArrays(JSON.parse(JSON.stringify(config)) as TfidfConfig, {
      tokens: Uint8Array.from(arrays.tokens),
      ngrams: Int32Array.from(arrays.ngrams),
      idf: Float32Array.from(arrays.idf),
    });
    assert.equal(restored.numFeatures, vectorizer.numFeatures);
    const a = vectorizer.transform(texts);
    const b = restored.transform(texts);
    assert.deepEqual(b.indptr, a.indptr);
    assert.deepEqual(b.indices, a.indices);
    assert.deepEqual(b.data, a.data);
  }
  const { vectorizer } = TfidfVectorizer.fit(corpus, configs[0]!);
  const names = Array.from({ length: vectorizer.numFeatures }, (_, f) => vectorizer.featureName(f));
  assert.ok(names.includes('run') && names.includes('cat'), names.join(','));
  assert.ok(!names.includes('running') && !names.includes('the'), names.join(','));
  // A model written before these fields (absent) tokenizes as before.
  const { vectorizer: plain } = TfidfVectorizer.fit(corpus, { ...DEFAULT_TFIDF, minDf: 1 });
  assert.ok(Array.from({ length: plain.numFeatures }, (_, f) => plain.featureName(f)).includes('running'));
});

test('recipe: stop_words and stemming default to null, take en | ru, and need word tokens', () => {
  const minimal = { name: 'x', task: 'multiclass', data: { format: 'csv', train: 't.csv', text_field: 'text', label_field: 'label' } };
  const r = parseRecipe(minimal);
  assert.equal(r.features.stop_words, null);
  assert.equal(r.features.stemming, null);
  const set = parseRecipe({ ...minimal, features: { stop_words: 'ru', stemming: 'en', analyzer: 'word' } });
  assert.equal(set.features.stop_words, 'ru');
  assert.equal(set.features.stemming, 'en');
  assert.throws(() => parseRecipe({ ...minimal, features: { stemming: 'de' } }), (e: unknown) => e instanceof RecipeError && /features\.stemming/.test(e.message));
  assert.throws(() => parseRecipe({ ...minimal, features: { stop_words: 'english' } }), (e: unknown) => e instanceof RecipeError && /features\.stop_words/.test(e.message));
  assert.throws(
    () => parseRecipe({ ...minimal, features: { analyzer: 'char_wb', stemming: 'en' } }),
    (e: unknown) => e instanceof RecipeError && /features\.stemming/.test(e.message) && /character n-grams/.test(e.message),
  );
  assert.throws(
    () => parseRecipe({ ...minimal, features: { analyzer: 'char', stop_words: 'en' } }),
    (e: unknown) => e instanceof RecipeError && /features\.stop_words/.test(e.message),
  );
});
