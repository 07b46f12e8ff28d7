import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng, shuffleInPlace } from '../util/random.js';
import { describeSampling, keepRatio, oversample, undersample } from './sampling.js';

/** 100 rows: none 60, joy 25, anger 10, fear 5, interleaved. */
function emotions(): string[][] {
  const labels: string[][] = [];
  for (const [label, n] of [['none', 60], ['joy', 25], ['anger', 10], ['fear', 5]] as const) for (let i = 0; i < n; i++) labels.push([label]);
  shuffleInPlace(labels, createRng(1));
  return labels;
}

function counts(labels: readonly (readonly string[])[], rows: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of rows) for (const l of labels[i]) out[l] = (out[l] ?? 0) + 1;
  return out;
}

function assertAscending(rows: readonly number[]): void {
  for (let j = 1; j < rows.length; j++) assert.ok(rows[j - 1] <= rows[j], 'rows ascending');
}

test('keepRatio keeps exactly round(ratio × count) rows of the label and all others', () => {
  const labels = emotions();
  const rows = keepRatio(labels, { none: 0.5, fear: 0.5 }, 3);
  assertAscending(rows);
  assert.equal(new Set(rows).size, rows.length);
  assert.deepEqual(counts(labels, rows), { none: 30, joy: 25, anger: 10, fear: 3 });
  // Both accepted shapes, in any order, give the same rows.
  assert.deepEqual(keepRatio(labels, [{ label: 'fear', ratio: 0.5 }, { label: 'none', ratio: 0.5 }], 3), rows);
  assert.deepEqual(keepRatio(labels, { none: 0.5, fear: 0.5 }, 3), rows);
  assert.notDeepEqual(keepRatio(labels, { none: 0.5 }, 4), keepRatio(labels, { none: 0.5 }, 3));
});

test('keepRatio 0 drops the label, 1 keeps everything', () => {
  const labels = emotions();
  assert.deepEqual(counts(labels, keepRatio(labels, { none: 0 }, 1)), { joy: 25, anger: 10, fear: 5 });
  assert.deepEqual(keepRatio(labels, { none: 1, joy: 1 }, 1), labels.map((_, i) => i));
  assert.deepEqual(keepRatio([], [], 1), []);
});

test('keepRatio touches a multilabel row only when the label is its only label', () => {
  const labels = [['none'], ['none', 'joy'], ['none'], ['joy'], ['none', 'none']];
  // Rows 0, 2, 4 are "none" rows; row 1 also carries joy and is always kept.
  assert.deepEqual(keepRatio(labels, { none: 0 }, 1), [1, 3]);
  assert.equal(keepRatio(labels, { none: 0.5 }, 1).length, 2 + Math.round(0.5 * 3));
});

test('keepRatio rejects bad ratios and unknown labels, naming the known ones', () => {
  const labels = emotions();
  assert.throws(() => keepRatio(labels, { none: 1.5 }, 1), { name: 'RangeError', message: 'keepRatio: ratio for "none" must be in [0, 1], got 1.5' });
  assert.throws(() => keepRatio(labels, { none: -0.1 }, 1), RangeError);
  assert.throws(() => keepRatio(labels, { none: Number.NaN }, 1), RangeError);
  assert.throws(() => keepRatio(labels, { nothing: 0.5 }, 1), {
    name: 'RangeError',
    message: 'keepRatio: unknown label "nothing"; known labels: "anger", "fear", "joy", "none"',
  });
  assert.throws(() => keepRatio(labels, [{ label: 'joy', ratio: 0.1 }, { label: 'joy', ratio: 0.2 }], 1), /"joy" is listed twice/);
});

test('undersample cuts every class to the smallest (or to target)', () => {
  const labels = emotions();
  const rows = undersample(labels, 5);
  assertAscending(rows);
  assert.deepEqual(counts(labels, rows), { none: 5, joy: 5, anger: 5, fear: 5 });
  assert.deepEqual(undersample(labels, 5), rows);
  assert.notDeepEqual(undersample(labels, 6), rows);
  assert.deepEqual(counts(labels, undersample(labels, 5, { target: 20 })), { none: 20, joy: 20, anger: 10, fear: 5 });
  assert.deepEqual(undersample([], 5), []);
  assert.throws(() => undersample(labels, 5, { target: 0 }), { name: 'RangeError', message: /undersample: target must be a positive integer, got 0/ });
  assert.throws(() => undersample(labels, 5, { target: 2.5 }), RangeError);
});

test('oversample keeps every row once and adds random copies up to the largest class', () => {
  const labels = emotions();
  const rows = oversample(labels, 5);
  assertAscending(rows);
  assert.deepEqual(counts(labels, rows), { none: 60, joy: 60, anger: 60, fear: 60 });
  assert.deepEqual([...new Set(rows)], labels.map((_, i) => i), 'every original row is there');
  assert.deepEqual(oversample(labels, 5), rows);
  assert.notDeepEqual(oversample(labels, 6), rows);
  assert.deepEqual(counts(labels, oversample(labels, 5, { target: 20 })), { none: 60, joy: 25, anger: 20, fear: 20 });
  assert.deepEqual(oversample(labels, 5, { target: 0 }), labels.map((_, i) => i));
  assert.deepEqual(oversample([], 5), []);
  assert.throws(() => oversample(labels, 5, { target: -1 }), { name: 'RangeError', message: /oversample: target must be a non-negative integer, got -1/ });
});

test('multilabel rows are resampled by their rarest label', () => {
  // Counts: a 4, b 2, c 1. Classes: row 0 → c, rows 1, 2 → b, rows 3, 4 → a, row 5 (no label) → ''.
  const labels = [['a', 'c'], ['a', 'b'], ['b'], ['a'], ['a'], []];
  const under = undersample(labels, 1);
  assert.equal(under.length, 4, 'one row of each class: c, b, a, none');
  assert.ok(under.includes(0) && under.includes(5), 'the only rows of classes c and none stay');
  assert.equal(under.filter((i) => i === 1 || i === 2).length, 1);
  assert.equal(under.filter((i) => i === 3 || i === 4).length, 1);
  const over = oversample(labels, 1);
  assert.equal(over.length, 8, 'classes a and b have 2 rows; c and none get one copy each');
  assert.equal(over.filter((i) => i === 0).length, 2);
  assert.equal(over.filter((i) => i === 5).length, 2);
});

test('describeSampling counts labels before and after, repeats included', () => {
  const labels = [['a'], ['a', 'b'], ['b'], []];
  assert.deepEqual(describeSampling(labels, [0, 1, 1, 3]), {
    rowsBefore: 4,
    rowsAfter: 4,
    perLabel: { a: { before: 2, after: 3 }, b: { before: 2, after: 2 } },
    unlabelled: { before: 1, after: 1 },
  });
  const emo = emotions();
  const summary = describeSampling(emo, undersample(emo, 2));
  assert.deepEqual(Object.keys(summary.perLabel), ['anger', 'fear', 'joy', 'none']);
  assert.deepEqual(summary.perLabel.none, { before: 60, after: 5 });
});
