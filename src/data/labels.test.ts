import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../errors.js';
import { discoverLabels, encodeTargets, orderBinaryLabels } from './labels.js';
import { stratifiedSplit } from './split.js';
import type { Example } from './types.js';

const ex = (labels: string[], line: number): Example => ({ text: 't', labels, source: { file: 'f.csv', line } });

test('labels are discovered sorted; the binary positive label goes second', () => {
  assert.deepEqual(discoverLabels([ex(['pos'], 1), ex(['neg'], 2), ex(['pos'], 3)]), ['neg', 'pos']);
  const codes = ['11', '4', '1', '5', '12', 'b2', 'b10', 'a', 'B'].map((l, i) => ex([l], i));
  assert.deepEqual(discoverLabels(codes), ['1', '4', '5', '11', '12', 'B', 'a', 'b2', 'b10']);
  assert.deepEqual(orderBinaryLabels(['negative', 'positive'], 'negative'), ['positive', 'negative']);
  assert.throws(() => orderBinaryLabels(['a', 'b'], 'c'), /"c" is not one of the labels/);
});

test('targets: class indices, a 0/1 matrix, and errors that point at the row', () => {
  const single = encodeTargets([ex(['b'], 1), ex(['a'], 2)], ['a', 'b'], 'multiclass');
  assert.deepEqual(single, { kind: 'single', y: Int32Array.from([1, 0]) });
  const multi = encodeTargets([ex(['a', 'c'], 1), ex(['b'], 2)], ['a', 'b', 'c'], 'multilabel');
  assert.deepEqual(multi, { kind: 'multi', y: Uint8Array.from([1, 0, 1, 0, 1, 0]), numLabels: 3 });
  assert.throws(() => encodeTargets([ex(['z'], 7)], ['a', 'b'], 'multiclass'), (e: unknown) => e instanceof DataError && e.message.startsWith('f.csv:7: label "z"'));
  assert.throws(() => encodeTargets([ex(['a', 'b'], 3)], ['a', 'b'], 'multiclass'), /f\.csv:3: 2 labels .* use task multilabel/);
});

test('stratified split keeps label shares, is seeded, and covers every row once', () => {
  const examples = Array.from({ length: 100 }, (_, i) => ex([i < 80 ? 'a' : 'b'], i + 1));
  const s1 = stratifiedSplit(examples, 0.25, 3);
  const s2 = stratifiedSplit(examples, 0.25, 3);
  assert.deepEqual(s1, s2);
  assert.equal(s1.held.length, 25);
  assert.equal(s1.held.filter((i) => i >= 80).length, 5);
  assert.deepEqual([...s1.train, ...s1.held].sort((a, b) => a - b), examples.map((_, i) => i));
  assert.notDeepEqual(stratifiedSplit(examples, 0.25, 4).held, s1.held);
});
