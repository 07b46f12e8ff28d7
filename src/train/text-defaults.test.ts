import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRecipe } from '../recipe/load.js';
import { resolveFeatures } from './text-defaults.js';

const recipe = (features: Record<string, unknown> = {}) =>
  parseRecipe({ name: 'x', task: 'binary', data: { format: 'csv', train: 't.csv', text_field: 'text', label_field: 'label' }, features });

test('analyzer auto: character n-grams for Korean and Chinese, words elsewhere; explicit settings win', () => {
  assert.deepEqual(resolveFeatures(recipe().features, ['정말 재밌어요', '별로예요']), { script: 'hangul', analyzer: 'char_wb', ngramRange: [1, 4] });
  assert.deepEqual(resolveFeatures(recipe().features, ['房间很好', '不错']), { script: 'han', analyzer: 'char', ngramRange: [1, 3] });
  assert.deepEqual(resolveFeatures(recipe().features, ['great movie', 'bad']), { script: 'latin', analyzer: 'word', ngramRange: [1, 2] });
  assert.deepEqual(resolveFeatures(recipe({ analyzer: 'word' }).features, ['房间很好']).analyzer, 'word');
  assert.deepEqual(resolveFeatures(recipe({ ngram_range: [2, 5] }).features, ['정말']).ngramRange, [2, 5]);
  assert.throws(() => resolveFeatures(recipe({ ngram_range: [2, 5] }).features, ['english words']), /chose word n-grams for latin text/);
  assert.throws(() => resolveFeatures(recipe({ stemming: 'ru' }).features, ['정말 재밌어요']), /features\.stemming: applies to word tokens, but analyzer auto chose char_wb/);
});
