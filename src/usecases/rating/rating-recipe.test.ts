import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadRecipe, parseRecipe } from '../../recipe/load.js';
import { REPO_ROOT } from '../../test-support/starter-data.js';

const base = {
  name: 'r',
  task: 'binary',
  data: { format: 'folder', train: 'imdb/aclImdb/train', labels: ['neg', 'pos'], positive_label: 'pos' },
};

test('a rating section gets its defaults', () => {
  const r = parseRecipe({ ...base, rating: { stars_from: 'file_name' } });
  assert.deepEqual(r.rating, { stars_from: 'file_name', method: 'auto', cv_folds: 3, selection_folds: 5 });
  assert.equal(parseRecipe({ ...base, rating: { stars_from: 'file_name', stars_pattern: 'stars(\\d+)', method: 'binned_median' } }).rating?.method, 'binned_median');
});

test('a rating section is refused where stars cannot be read or learnt', () => {
  assert.throws(() => parseRecipe({ ...base, rating: { stars_from: 'column' } }), /rating\.stars_from/);
  assert.throws(() => parseRecipe({ ...base, rating: { stars_from: 'file_name', stars_pattern: '(' } }), /rating\.stars_pattern: must be a valid regular expression with a capture group/);
  assert.throws(() => parseRecipe({ ...base, rating: { stars_from: 'file_name', stars_pattern: '_\\d+' } }), /capture group/);
  assert.throws(() => parseRecipe({ ...base, rating: { stars_from: 'file_name', method: 'mean' } }), /rating\.method/);
  assert.throws(() => parseRecipe({ ...base, rating: { stars_from: 'file_name', extra: 1 } }), /rating/);
  assert.throws(
    () => parseRecipe({ ...base, data: { format: 'csv', train: 'x.csv', text_field: 'text', label_field: 'label', positive_label: 'pos' }, rating: { stars_from: 'file_name' } }),
    /rating\.stars_from: file_name needs format folder/,
  );
});

test('recipes/imdb-rating.yaml is valid and asks for the map', () => {
  const r = loadRecipe(`${REPO_ROOT}/recipes/imdb-rating.yaml`);
  assert.equal(r.task, 'binary');
  assert.equal(r.data.dev_split, 0.2);
  assert.deepEqual(r.rating, { stars_from: 'file_name', method: 'auto', cv_folds: 3, selection_folds: 5 });
});
