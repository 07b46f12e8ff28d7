import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lengthSortedBatches, meanPool, padBatch } from './batching.js';

test('lengthSortedBatches: longest first, ties in input order, every index once', () => {
  const batches = lengthSortedBatches([3, 9, 1, 9, 4], 2);
  assert.deepEqual(batches, [[1, 3], [4, 0], [2]]);
  assert.throws(() => lengthSortedBatches([1], 0), /batchSize/);
});

test('padBatch pads each row to the longest with the pad id and masks the padding', () => {
  const b = padBatch([[2, 7, 3], [2, 3]], 0);
  assert.equal(b.rows, 2);
  assert.equal(b.width, 3);
  assert.deepEqual(Array.from(b.inputIds, Number), [2, 7, 3, 2, 3, 0]);
  assert.deepEqual(Array.from(b.attentionMask, Number), [1, 1, 1, 1, 1, 0]);
  assert.deepEqual(Array.from(b.tokenTypeIds, Number), [0, 0, 0, 0, 0, 0]);
});

test('meanPool averages the unmasked positions only', () => {
  // 2 rows × 3 positions × 2 dims; row 1's last position is padding with a large value.
  const hidden = Float32Array.from([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 999, 999]);
  const mask = BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 0n]);
  assert.deepEqual(Array.from(meanPool(hidden, mask, 2, 3, 2)), [3, 4, 20, 30]);
});
