import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregateRows, defaultStride, windowCount, windowStarts } from './windows.js';

test('windowStarts: a text that fits is one window', () => {
  assert.deepEqual(windowStarts(0, { capacity: 10, stride: 5 }), [0]);
  assert.deepEqual(windowStarts(10, { capacity: 10, stride: 5 }), [0]);
});

test('windowStarts: long texts are covered to the last token, every window full', () => {
  for (const [length, capacity, stride] of [
    [11, 10, 5],
    [25, 10, 5],
    [100, 62, 31],
    [100, 62, 62],
    [63, 62, 1],
    [1000, 7, 3],
  ]) {
    const plan = { capacity, stride };
    const starts = windowStarts(length, plan);
    const seen = new Uint8Array(length);
    for (const s of starts) {
      assert.ok(s >= 0 && s + capacity <= length, `window at ${s} of ${length}`);
      seen.fill(1, s, s + capacity);
    }
    assert.equal(seen.indexOf(0), -1, `a token was skipped (length ${length}, capacity ${capacity}, stride ${stride})`);
    assert.equal(starts.at(-1), length - capacity);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] <= stride && starts[i] > starts[i - 1]);
    assert.equal(windowCount(length, plan), starts.length);
  }
});

test('windowStarts refuses a stride that would skip tokens', () => {
  assert.throws(() => windowStarts(50, { capacity: 10, stride: 11 }), /stride/);
  assert.throws(() => windowStarts(50, { capacity: 10, stride: 0 }), /stride/);
});

test('defaultStride is half a window, at least 1', () => {
  assert.equal(defaultStride(62), 31);
  assert.equal(defaultStride(1), 1);
});

test('aggregateRows: mean and max per text, element by element', () => {
  // Text 0 has windows 0 and 2, text 1 has window 1.
  const values = Float32Array.from([1, 10, 5, 5, 3, -2]);
  const owner = Int32Array.from([0, 1, 0]);
  assert.deepEqual(Array.from(aggregateRows(values, 2, owner, 2, 'mean')), [2, 4, 5, 5]);
  assert.deepEqual(Array.from(aggregateRows(values, 2, owner, 2, 'max')), [3, 10, 5, 5]);
  assert.throws(() => aggregateRows(values, 2, owner, 3, 'mean'), /text 2 has no window/);
});
