import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecipeError } from '../errors.js';
import { parseRecipe } from '../recipe/load.js';
import { textPipelineOf } from '../train/fit-recipe.js';
import { resolveFeatures } from '../train/text-defaults.js';

/** features.char_ngrams: validation at the recipe boundary and what it becomes in the TfidfConfig. */

const recipe = (features: Record<string, unknown>) => parseRecipe({ name: 'x', task: 'binary', data: { format: 'csv', train: 't.csv', text_field: 'text', label_field: 'label' }, features });

function recipeError(features: Record<string, unknown>): string {
  try {
    recipe(features);
  } catch (e) {
    assert.ok(e instanceof RecipeError, `expected a RecipeError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('the recipe was accepted');
}

test('char_ngrams defaults: off; an empty object gives char_wb [2, 5], weight 1', () => {
  assert.equal(recipe({}).features.char_ngrams, null);
  assert.deepEqual(recipe({ char_ngrams: {} }).features.char_ngrams, { analyzer: 'char_wb', ngram_range: [2, 5], weight: 1 });
  assert.deepEqual(recipe({ analyzer: 'word', char_ngrams: { analyzer: 'char', ngram_range: [1, 3], weight: 0.5 } }).features.char_ngrams, { analyzer: 'char', ngram_range: [1, 3], weight: 0.5 });
});

test('char_ngrams with a character analyzer is refused, naming the field and the way out', () => {
  for (const analyzer of ['char', 'char_wb']) {
    const message = recipeError({ analyzer, char_ngrams: { ngram_range: [1, 3] } });
    assert.match(message, /features\.char_ngrams/);
    assert.match(message, new RegExp(`analyzer ${analyzer} makes character n-grams already`));
    assert.match(message, /set features\.analyzer: word, or drop char_ngrams/);
  }
});

test('char_ngrams values out of range are refused by field', () => {
  assert.match(recipeError({ char_ngrams: { ngram_range: [5, 2] } }), /features\.char_ngrams\.ngram_range/);
  assert.match(recipeError({ char_ngrams: { ngram_range: [0, 3] } }), /features\.char_ngrams\.ngram_range/);
  assert.match(recipeError({ char_ngrams: { ngram_range: [2, 9] } }), /features\.char_ngrams\.ngram_range/);
  assert.match(recipeError({ char_ngrams: { weight: 0 } }), /features\.char_ngrams\.weight/);
  assert.match(recipeError({ char_ngrams: { analyzer: 'word' } }), /features\.char_ngrams\.analyzer/);
  assert.match(recipeError({ char_ngrams: { range: [2, 4] } }), /features\.char_ngrams/);
});

test('analyzer auto: char_ngrams goes with word text, and is refused when auto picks characters', () => {
  const r = recipe({ char_ngrams: { analyzer: 'char', ngram_range: [1, 3] } });
  assert.equal(resolveFeatures(r.features, ['great movie', 'bad plot']).analyzer, 'word');
  assert.throws(() => resolveFeatures(r.features, ['房间很好', '不错']), (e: Error) => e instanceof RecipeError && /features\.char_ngrams: .*analyzer auto chose char n-grams for han text/.test(e.message));
});

test('the recipe becomes TfidfConfig.charNgrams (and null without it)', () => {
  const r = recipe({ analyzer: 'word', ngram_range: [1, 2], char_ngrams: { analyzer: 'char', ngram_range: [1, 3], weight: 2 } });
  const resolved = resolveFeatures(r.features, ['some text']);
  assert.deepEqual(textPipelineOf(r, resolved).tfidf.charNgrams, { analyzer: 'char', ngramRange: [1, 3], weight: 2 });
  const plain = recipe({ analyzer: 'word' });
  assert.equal(textPipelineOf(plain, resolveFeatures(plain.features, ['x'])).tfidf.charNgrams, null);
});
