/**
 * The trial count a sweep plans (recorded with its run, shown as "7 of 13 trials"): tune.trials
 * plus the baseline, or the grid's size when a grid sweep has fewer points; the same count
 * runTune works through. A space that cannot be applied is the RecipeError runTune throws.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RecipeError } from '../errors.js';
import { tuneSchema } from '../recipe/schema.js';
import { plannedTrials } from './tune.js';

const BASE = {
  name: 'x',
  task: 'multiclass',
  data: { format: 'csv', train: 't.csv', dev: 'd.csv', text_field: 'text', label_field: 'label' },
  features: { ngram_range: [1, 2] },
  model: { C: 10 },
} as Record<string, unknown>;

function planned(tune: Record<string, unknown>, baseline = true): number {
  return plannedTrials({ baseRaw: BASE, tune: tuneSchema.parse(tune), source: 'x.yaml', baseline });
}

/** 3 values of C × 2 n-gram ranges: a grid of 6 points. */
const SMALL_GRID = { 'model.C': { choice: [0.1, 1, 10] }, 'features.ngram_range': { choice: [[1, 1], [1, 2]] } };

describe('plannedTrials', () => {
  test('tune.trials, plus the baseline unless it is left out', () => {
    const space = { 'model.C': { log_range: [0.01, 100] } };
    assert.equal(planned({ trials: 12, strategy: 'tpe', space }), 13);
    assert.equal(planned({ trials: 12, strategy: 'random', space }, false), 12);
    assert.equal(planned({ space }), 21, 'the default of 20 trials');
  });

  test('a grid smaller than tune.trials plans its points; a larger one, tune.trials', () => {
    assert.equal(planned({ trials: 40, strategy: 'grid', space: SMALL_GRID }), 7);
    assert.equal(planned({ trials: 40, strategy: 'grid', space: SMALL_GRID }, false), 6);
    assert.equal(planned({ trials: 4, strategy: 'grid', space: SMALL_GRID }), 5);
    // A conditional parameter adds points only where its condition holds: 2 + 1 = 3 (not 2 × 2).
    const conditional = {
      model: { choice: [{ type: 'logistic_regression' }, { type: 'naive_bayes' }] },
      'model.C': { choice: [1, 10], when: { 'model.type': 'logistic_regression' } },
    };
    assert.equal(planned({ trials: 40, strategy: 'grid', space: conditional }, false), 3);
  });

  test('a space that cannot be applied to the recipe is the RecipeError the sweep would throw', () => {
    assert.throws(() => planned({ trials: 5, space: { 'model.C': { choice: [1, 2], when: { 'model.type': [] } } } }), (e: unknown) => e instanceof RecipeError && /needs at least one value/.test(e.message));
  });
});
