import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createRng } from '../util/random.js';
import { NgramTable } from './ngram-table.js';

test('getOrAdd hands out dense ids in insertion order; get finds them', () => {
  const t = new NgramTable(4);
  assert.equal(t.size, 0);
  assert.equal(t.get(0, -1, -1), -1);
  assert.equal(t.getOrAdd(0, -1, -1), 0);
  assert.equal(t.getOrAdd(0, 1, -1), 1);
  assert.equal(t.getOrAdd(0, 1, 2), 2);
  assert.equal(t.getOrAdd(1, 0, -1), 3);
  assert.equal(t.getOrAdd(7, 7, 7), 4);
  assert.equal(t.size, 5);
  // Existing keys keep their ids and do not grow the table.
  assert.equal(t.getOrAdd(0, 1, -1), 1);
  assert.equal(t.getOrAdd(0, -1, -1), 0);
  assert.equal(t.size, 5);
  assert.equal(t.get(0, -1, -1), 0);
  assert.equal(t.get(0, 1, -1), 1);
  assert.equal(t.get(0, 1, 2), 2);
  assert.equal(t.get(1, 0, -1), 3);
  assert.equal(t.get(7, 7, 7), 4);
  // Padding matters: a prefix or a permutation is a different key.
  assert.equal(t.get(1, -1, -1), -1);
  assert.equal(t.get(0, 2, 1), -1);
  assert.equal(t.get(2, 1, 0), -1);
  assert.equal(t.get(0, 1, 3), -1);
  assert.equal(t.get(-1, -1, -1), -1);
});

test('large token ids and the id 0 key work', () => {
  const t = new NgramTable();
  const big = 0x7fffffff;
  assert.equal(t.getOrAdd(big, big - 1, big - 2), 0);
  assert.equal(t.getOrAdd(0, 0, 0), 1);
  assert.equal(t.getOrAdd(0, 0, -1), 2);
  assert.equal(t.get(big, big - 1, big - 2), 0);
  assert.equal(t.get(0, 0, 0), 1);
  assert.equal(t.get(0, 0, -1), 2);
});

/** 100k random n-grams (unigrams, bigrams and trigrams) over a small vocabulary, so repeats occur. */
function randomKeys(seed: number, count: number, vocab: number): Int32Array {
  const rng = createRng(seed);
  const keys = new Int32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(rng() * 3);
    for (let j = 0; j < 3; j++) keys[i * 3 + j] = j < n ? Math.floor(rng() * vocab) : -1;
  }
  return keys;
}

test('grows far past its initial capacity (100k random triples)', () => {
  const count = 100_000;
  const keys = randomKeys(42, count, 1000);
  const t = new NgramTable(16);
  const expected = new Map<string, number>();
  const ids = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const [a, b, c] = [keys[i * 3], keys[i * 3 + 1], keys[i * 3 + 2]];
    const k = `${a},${b},${c}`;
    let want = expected.get(k);
    if (want === undefined) {
      want = expected.size;
      expected.set(k, want);
    }
    ids[i] = t.getOrAdd(a, b, c);
    assert.equal(ids[i], want);
  }
  assert.ok(expected.size > 50_000, `only ${expected.size} distinct keys`);
  assert.ok(expected.size < count, 'the test wants repeats too');
  assert.equal(t.size, expected.size);
  // After all the rehashing every key is still found with its first id.
  for (let i = 0; i < count; i++) assert.equal(t.get(keys[i * 3], keys[i * 3 + 1], keys[i * 3 + 2]), ids[i]);
  // Absent keys stay absent.
  for (const [a, b, c] of [[1000, -1, -1], [0, 1000, -1], [1, 2, 1000], [-1, 0, 0]]) assert.equal(t.get(a, b, c), -1);
});

test('exportKeys / fromKeys round-trip', () => {
  const keys = randomKeys(7, 100_000, 50);
  const t = new NgramTable(16);
  for (let i = 0; i < keys.length / 3; i++) t.getOrAdd(keys[i * 3], keys[i * 3 + 1], keys[i * 3 + 2]);

  const exported = new Int32Array(t.size * 3);
  t.exportKeys(exported);
  // Id order is insertion order: the first occurrence of each key.
  const seen = new Set<string>();
  let id = 0;
  for (let i = 0; i < keys.length / 3; i++) {
    const k = `${keys[i * 3]},${keys[i * 3 + 1]},${keys[i * 3 + 2]}`;
    if (seen.has(k)) continue;
    seen.add(k);
    assert.deepEqual([exported[id * 3], exported[id * 3 + 1], exported[id * 3 + 2]], [keys[i * 3], keys[i * 3 + 1], keys[i * 3 + 2]]);
    id++;
  }
  assert.equal(id, t.size);

  const restored = NgramTable.fromKeys(exported);
  assert.equal(restored.size, t.size);
  for (let f = 0; f < t.size; f++) assert.equal(restored.get(exported[f * 3], exported[f * 3 + 1], exported[f * 3 + 2]), f);
  const again = new Int32Array(restored.size * 3);
  restored.exportKeys(again);
  assert.deepEqual(again, exported);

  // An empty table round-trips too.
  const empty = NgramTable.fromKeys(new Int32Array(0));
  assert.equal(empty.size, 0);
  assert.equal(empty.get(0, -1, -1), -1);
});
