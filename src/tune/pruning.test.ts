import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { medianRule } from './pruning.js';

describe('medianRule', () => {
  it('waits for the warm-up trials', () => {
    assert.deepEqual(medianRule(0.1, [0.5, 0.6], 3, 'maximize'), { prune: false });
    assert.deepEqual(medianRule(0.1, [], 0, 'maximize'), { prune: false });
  });
  it('prunes below the median when maximizing, keeps at or above it', () => {
    assert.deepEqual(medianRule(0.4, [0.5, 0.6, 0.3], 3, 'maximize'), { prune: true, median: 0.5 });
    assert.deepEqual(medianRule(0.5, [0.5, 0.6, 0.3], 3, 'maximize'), { prune: false, median: 0.5 });
    assert.deepEqual(medianRule(0.7, [0.5, 0.6, 0.3, 0.2], 3, 'maximize'), { prune: false, median: 0.4 });
  });
  it('prunes above the median when minimizing', () => {
    assert.deepEqual(medianRule(1.2, [1.0, 0.8, 1.1], 2, 'minimize'), { prune: true, median: 1.0 });
    assert.deepEqual(medianRule(0.9, [1.0, 0.8, 1.1], 2, 'minimize'), { prune: false, median: 1.0 });
  });
});
