import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelFormatError } from '../../errors.js';
import type { Manifest } from '../../persist/model-dir.js';
import { rateRow, ratingSectionOf, starsColumn, type RatingSection } from './rating-section.js';

function manifestWith(rating: unknown): Manifest {
  return { name: 'reviews', labels: ['neg', 'pos'], rating } as unknown as Manifest;
}

const section = {
  stars_from: 'file_name',
  stars_pattern: '_(\\d+)\\.[^./\\\\]+$',
  positive_label: 'pos',
  method: 'median_isotonic',
  map: { cuts: [0.1, 0.5, 0.9], stars: [1, 4, 7, 9] },
  naive_rule: 'clamp(round(10 * p), 1, 10)',
  fitted_on: 'cv',
  fitted_rows: 10,
  selection: { folds: 5, candidates: [] },
  metrics: {},
} satisfies RatingSection;

test('a valid section rates score rows from the positive column', () => {
  const s = ratingSectionOf(manifestWith(section))!;
  assert.deepEqual(rateRow(s, ['neg', 'pos'], [0.05, 0.95]), { stars: 9, naive_stars: 10, positive_probability: 0.95 });
  assert.deepEqual(rateRow(s, ['neg', 'pos'], [0.7, 0.3]), { stars: 4, naive_stars: 3, positive_probability: 0.3 });
  assert.equal(starsColumn(rateRow(s, ['neg', 'pos'], [0.7, 0.3])), '\tstars=4 naive=3');
  assert.equal(ratingSectionOf(manifestWith(undefined)), undefined, 'no section, no rating');
});

test('a malformed section is refused with the reason, naming the model', () => {
  assert.throws(() => ratingSectionOf(manifestWith({ ...section, map: { cuts: [0.5], stars: [1] } }), 'models/reviews'), (e: unknown) => e instanceof ModelFormatError && /models\/reviews: rating\.map has 1 cuts and 1 star values/.test(e.message));
  assert.throws(() => ratingSectionOf(manifestWith({ ...section, map: { cuts: [0.5], stars: [7, 3] } })), /must not decrease/);
  assert.throws(() => ratingSectionOf(manifestWith({ ...section, positive_label: 'positive' })), /rating\.positive_label must be one of the model's labels \(neg, pos\)/);
  assert.throws(() => ratingSectionOf(manifestWith({ ...section, map: null })), /rating\.map is missing/);
});
