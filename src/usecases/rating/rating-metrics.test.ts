import assert from 'node:assert/strict';
import { test } from 'node:test';
import { averageRanks, meanAbsoluteError, scoreRating, spearman } from './rating-metrics.js';

test('Spearman with ties matches scipy.stats.spearmanr', () => {
  // scipy 1.x: spearmanr([1,2,2,3,10,7,7,4,1,9], [0.1,0.3,0.2,0.2,0.9,0.8,0.6,0.5,0.05,0.95]) = 0.9540056835910354
  const rho = spearman([1, 2, 2, 3, 10, 7, 7, 4, 1, 9], [0.1, 0.3, 0.2, 0.2, 0.9, 0.8, 0.6, 0.5, 0.05, 0.95]);
  assert.ok(rho !== null && Math.abs(rho - 0.9540056835910354) < 1e-12, String(rho));
  assert.equal(spearman([1, 1, 2, 2, 3], [3, 3, 2, 2, 1]), -1);
});

test('Spearman is null when one side is constant', () => {
  assert.equal(spearman([5, 5, 5], [1, 2, 3]), null);
});

test('average ranks share tied ranks', () => {
  assert.deepEqual(Array.from(averageRanks([10, 20, 10, 30])), [1.5, 3, 1.5, 4]);
});

test('MAE in stars, and mismatched or empty inputs are refused', () => {
  assert.equal(meanAbsoluteError([1, 5, 10], [2, 5, 7]), 4 / 3);
  assert.deepEqual(scoreRating([1, 2], [1, 2]), { mae: 0, spearman: 1 });
  assert.throws(() => meanAbsoluteError([1], [1, 2]), /1 predictions for 2 true ratings/);
  assert.throws(() => meanAbsoluteError([], []), /at least one/);
});
