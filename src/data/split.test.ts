import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng, shuffleInPlace } from '../util/random.js';
import { kFold, type RowLabels, splitGroupsOf, splitRows, stratifiedSplit, textGroups } from './split.js';
import { normalizeTextKey, textKeyHash } from './normalize-key.js';
import type { Example } from './types.js';

/** 1000 rows: a 700, b 200, c 90, d 9, e 1, interleaved so that no label sits in one block. */
function imbalanced(): string[][] {
  const labels: string[][] = [];
  const plan: [string, number][] = [['a', 700], ['b', 200], ['c', 90], ['d', 9], ['e', 1]];
  for (const [label, n] of plan) for (let i = 0; i < n; i++) labels.push([label]);
  shuffleInPlace(labels, createRng(99));
  return labels;
}

/** Synthetic multilabel set: label j is on a row with probability p[j]; some rows have no label. */
function multilabelSet(rows: number, seed: number): string[][] {
  const p = [0.3, 0.2, 0.12, 0.08, 0.05, 0.03, 0.02, 0.012, 0.008, 0.005];
  const rng = createRng(seed);
  return Array.from({ length: rows }, () => p.flatMap((q, j) => (rng() < q ? [`L${j}`] : [])));
}

function countOf(labels: RowLabels, rows: readonly number[], label: string): number {
  return rows.filter((i) => labels[i].includes(label)).length;
}

function assertPartition(parts: readonly (readonly number[])[], n: number): void {
  for (const part of parts) for (let j = 1; j < part.length; j++) assert.ok(part[j - 1] < part[j], 'each side ascending');
  assert.deepEqual(parts.flat().sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
}

function assertGroupsTogether(parts: readonly (readonly number[])[], groups: ArrayLike<string | number>): void {
  const sideOfGroup = new Map<string | number, number>();
  parts.forEach((part, side) => {
    for (const i of part) {
      const seen = sideOfGroup.get(groups[i]);
      assert.ok(seen === undefined || seen === side, `group ${groups[i]} is on sides ${seen} and ${side}`);
      sideOfGroup.set(groups[i], side);
    }
  });
}

/** Mean over labels and subsets of |count − share × total| / total: 0 is perfect stratification. */
function deviation(labels: RowLabels, parts: readonly (readonly number[])[], shares: readonly number[]): number {
  const names = [...new Set(labels.flat())];
  let sum = 0;
  for (const name of names) {
    const total = labels.filter((row) => row.includes(name)).length;
    parts.forEach((part, j) => (sum += Math.abs(countOf(labels, part, name) - shares[j] * total) / total));
  }
  return sum / (names.length * parts.length);
}

/** What a plain random split would give: shuffle, then cut by share. */
function randomParts(n: number, shares: readonly number[], seed: number): number[][] {
  const order = Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(order, createRng(seed));
  let at = 0;
  return shares.map((share, j) => {
    const end = j === shares.length - 1 ? n : at + Math.round(share * n);
    const part = order.slice(at, end).sort((a, b) => a - b);
    at = end;
    return part;
  });
}

/** Group keys: runs of 1–6 consecutive rows, then shuffled in place so groups are scattered. */
function randomGroups(n: number, seed: number): string[] {
  const rng = createRng(seed);
  const groups: string[] = [];
  for (let g = 0; groups.length < n; g++) {
    const size = 1 + Math.floor(rng() * 6);
    for (let j = 0; j < size && groups.length < n; j++) groups.push(`g${g}`);
  }
  shuffleInPlace(groups, rng);
  return groups;
}

test('splitRows gives every label exactly its rounded share of dev and test', () => {
  const labels = imbalanced();
  const s = splitRows(labels, { fractions: { dev: 0.1, test: 0.2 }, seed: 7 });
  assertPartition([s.train, s.dev, s.test], labels.length);
  for (const [label, n] of [['a', 700], ['b', 200], ['c', 90], ['d', 9], ['e', 1]] as const) {
    assert.equal(countOf(labels, s.test, label), Math.round(0.2 * n), `test ${label}`);
    assert.equal(countOf(labels, s.dev, label), Math.round(0.1 * n), `dev ${label}`);
  }
  // The single "e" row: round(0.2 × 1) = round(0.1 × 1) = 0, so it stays in train.
  assert.equal(countOf(labels, s.train, 'e'), 1);
});

test('splitRows is seeded; adding a dev fraction leaves the test side alone', () => {
  const labels = imbalanced();
  const options = { fractions: { dev: 0.1, test: 0.2 }, seed: 1 };
  assert.deepEqual(splitRows(labels, options), splitRows(labels, options));
  assert.notDeepEqual(splitRows(labels, { ...options, seed: 2 }).test, splitRows(labels, options).test);
  assert.deepEqual(splitRows(labels, { fractions: { test: 0.2 }, seed: 1 }).test, splitRows(labels, options).test);
});

test('stratifiedSplit still gives the split of the original implementation', () => {
  /** The implementation before splitRows, verbatim in behaviour. */
  const original = (examples: readonly Example[], fraction: number, seed: number): { train: number[]; held: number[] } => {
    const byLabel = new Map<string, number[]>();
    examples.forEach((e, i) => {
      const key = e.labels[0] ?? '';
      let bucket = byLabel.get(key);
      if (!bucket) byLabel.set(key, (bucket = []));
      bucket.push(i);
    });
    const rng = createRng(seed);
    const held = new Set<number>();
    for (const key of [...byLabel.keys()].sort()) {
      const bucket = byLabel.get(key)!;
      shuffleInPlace(bucket, rng);
      for (let j = 0; j < Math.round(fraction * bucket.length); j++) held.add(bucket[j]);
    }
    const train: number[] = [];
    const heldOut: number[] = [];
    for (let i = 0; i < examples.length; i++) (held.has(i) ? heldOut : train).push(i);
    return { train, held: heldOut };
  };
  const examples: Example[] = imbalanced().map((labels, i) => ({ text: `t${i}`, labels: i % 50 === 0 ? [] : labels, source: { file: 'f', line: i + 1 } }));
  for (const seed of [0, 3, 42]) for (const fraction of [0.1, 0.25, 0.5]) assert.deepEqual(stratifiedSplit(examples, fraction, seed), original(examples, fraction, seed));
});

test('groups never straddle sides, and each side still gets about its share', () => {
  const labels = imbalanced();
  const groups = randomGroups(labels.length, 5);
  const s = splitRows(labels, { fractions: { dev: 0.1, test: 0.2 }, seed: 3, groups });
  assertPartition([s.train, s.dev, s.test], labels.length);
  assertGroupsTogether([s.train, s.dev, s.test], groups);
  // A side stops at the first group that reaches its target, so it overshoots by under one group per bucket.
  assert.ok(Math.abs(s.test.length - 200) <= 5 * 6, `test has ${s.test.length} rows`);
  assert.ok(Math.abs(s.dev.length - 100) <= 5 * 6, `dev has ${s.dev.length} rows`);
  assert.deepEqual(splitRows(labels, { fractions: { dev: 0.1, test: 0.2 }, seed: 3, groups }), s);
});

test('textGroups gives the ids grouping by the normalized text itself would, on 20,000 generated texts with repeats', () => {
  const rng = createRng(11);
  const words = ['good', 'bad', 'Film', 'ＦＩＬＭ', 'plot', ' ', '  ', 'é', 'é', '한국', '😀', 'x'];
  const texts = Array.from({ length: 20_000 }, () => Array.from({ length: 1 + Math.floor(rng() * 6) }, () => words[Math.floor(rng() * words.length)]).join(rng() < 0.5 ? ' ' : '\t'));
  const ids = new Map<string, number>();
  const byString = texts.map((t) => {
    const key = normalizeTextKey(t);
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  });
  assert.ok(ids.size > 1000 && ids.size < 20_000, `${ids.size} distinct keys: repeats and variety both`);
  assert.deepEqual([...textGroups(texts)], byString);
  assert.equal(textKeyHash('Hello  World'), textKeyHash('hello world'));
  assert.notEqual(textKeyHash('hello world'), textKeyHash('hello world!'));
  assert.ok(Number.isSafeInteger(textKeyHash('x')) && textKeyHash('x') >= 0);
});

test('textGroups joins texts equal up to case, spacing and width, in order of first appearance', () => {
  const groups = textGroups(['Hello  World', 'other', ' hello world\n', 'ＨＥＬＬＯ world', 'hello world!', '']);
  assert.deepEqual([...groups], [0, 1, 0, 0, 2, 3]);
  assert.ok(groups instanceof Int32Array);
  const texts = ['Good movie', 'good  movie', 'bad', 'Bad ', 'meh'];
  const labels = [['pos'], ['pos'], ['neg'], ['neg'], ['neg']];
  for (let seed = 0; seed < 20; seed++) {
    const s = splitRows(labels, { fractions: { test: 0.4 }, seed, groups: textGroups(texts) });
    assertGroupsTogether([s.train, s.dev, s.test], textGroups(texts));
  }
});

test('kFold (single-label) deals each label evenly over the folds', () => {
  const labels = imbalanced();
  const folds = kFold(labels, { k: 5, seed: 11 });
  assert.equal(folds.length, 5);
  assertPartition(folds, labels.length);
  for (const label of ['a', 'b', 'c', 'd', 'e']) {
    const counts = folds.map((f) => countOf(labels, f, label));
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `${label}: ${counts}`);
  }
  const sizes = folds.map((f) => f.length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
  assert.deepEqual(kFold(labels, { k: 5, seed: 11 }), folds);
  assert.notDeepEqual(kFold(labels, { k: 5, seed: 12 }), folds);
});

test('kFold with groups keeps groups whole and folds balanced', () => {
  const labels = imbalanced();
  const groups = randomGroups(labels.length, 8);
  for (const multilabel of [false, true]) {
    const folds = kFold(labels, { k: 4, seed: 2, groups, multilabel });
    assertPartition(folds, labels.length);
    assertGroupsTogether(folds, groups);
    for (const f of folds) assert.ok(Math.abs(f.length - 250) <= 12, `fold of ${f.length} rows (multilabel: ${multilabel})`);
    assert.deepEqual(kFold(labels, { k: 4, seed: 2, groups, multilabel }), folds);
  }
});

test('iterative stratification keeps label shares far better than a random split', () => {
  const labels = multilabelSet(3000, 4);
  const shares = [0.2, 0.2, 0.2, 0.2, 0.2];
  const folds = kFold(labels, { k: 5, seed: 4, multilabel: true });
  assertPartition(folds, labels.length);
  const stratified = deviation(labels, folds, shares);
  const random = deviation(labels, randomParts(labels.length, shares, 4), shares);
  assert.ok(stratified < random / 3, `k-fold deviation ${stratified.toFixed(4)} vs random ${random.toFixed(4)}`);
  // On this set every label is within one row of its fifth in every fold (a random split misses by up to 20).
  for (const name of new Set(labels.flat())) {
    const total = countOf(labels, labels.map((_, i) => i), name);
    for (const f of folds) assert.ok(Math.abs(countOf(labels, f, name) - total / 5) <= 1, `${name}: ${countOf(labels, f, name)} of ${total}`);
  }
  const sizes = folds.map((f) => f.length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 10, `sizes ${sizes}`);

  const s = splitRows(labels, { fractions: { dev: 0.15, test: 0.15 }, seed: 4, multilabel: true });
  assertPartition([s.train, s.dev, s.test], labels.length);
  const splitShares = [0.7, 0.15, 0.15];
  const splitDeviation = deviation(labels, [s.train, s.dev, s.test], splitShares);
  const randomSplit = deviation(labels, randomParts(labels.length, splitShares, 4), splitShares);
  assert.ok(splitDeviation < randomSplit / 3, `split deviation ${splitDeviation.toFixed(4)} vs random ${randomSplit.toFixed(4)}`);
  assert.ok(Math.abs(s.test.length - 450) <= 5 && Math.abs(s.dev.length - 450) <= 5, `dev ${s.dev.length}, test ${s.test.length}`);
});

test('multilabel split is seeded and group-aware', () => {
  const labels = multilabelSet(1500, 9);
  const groups = randomGroups(labels.length, 9);
  const options = { fractions: { test: 0.25 }, seed: 5, multilabel: true, groups };
  const s = splitRows(labels, options);
  assertPartition([s.train, s.dev, s.test], labels.length);
  assertGroupsTogether([s.train, s.dev, s.test], groups);
  assert.equal(s.dev.length, 0);
  assert.deepEqual(splitRows(labels, options), s);
  assert.notDeepEqual(splitRows(labels, { ...options, seed: 6 }).test, s.test);
  const shares = [0.75, 0, 0.25];
  assert.ok(deviation(labels, [s.train, s.dev, s.test], shares) < deviation(labels, randomParts(labels.length, shares, 5), shares));
});

test('edge cases: empty input, rows without labels, one row per label', () => {
  assert.deepEqual(splitRows([], { fractions: { dev: 0.2 }, seed: 1 }), { train: [], dev: [], test: [] });
  assert.deepEqual(splitRows([], { fractions: { dev: 0.2 }, seed: 1, multilabel: true }), { train: [], dev: [], test: [] });
  // One row per label: round(0.2 × 1) = 0, so nothing is held out.
  assert.deepEqual(splitRows([['a'], ['b'], ['c']], { fractions: { test: 0.2 }, seed: 1 }), { train: [0, 1, 2], dev: [], test: [] });
  // Unlabelled rows form their own bucket ('') in single-label mode and are spread by size in multilabel mode.
  const unlabelled: string[][] = Array.from({ length: 10 }, () => []);
  assert.equal(splitRows(unlabelled, { fractions: { test: 0.3 }, seed: 1 }).test.length, 3);
  assert.equal(splitRows(unlabelled, { fractions: { test: 0.3 }, seed: 1, multilabel: true }).test.length, 3);
  assert.deepEqual(kFold([['a'], ['b']], { k: 2, seed: 1 }).map((f) => f.length), [1, 1]);
});

test('clear errors for bad fractions, bad k, bad groups and unsplittable groups', () => {
  const labels = imbalanced();
  const bad = (fractions: { dev?: number; test?: number }): (() => unknown) => () => splitRows(labels, { fractions, seed: 1 });
  assert.throws(bad({ dev: 0 }), { name: 'RangeError', message: /fractions\.dev must be in \(0, 1\), got 0/ });
  assert.throws(bad({ test: 1 }), { name: 'RangeError', message: /fractions\.test must be in \(0, 1\), got 1/ });
  assert.throws(bad({ test: Number.NaN }), RangeError);
  assert.throws(bad({}), { name: 'RangeError', message: /give fractions\.dev, fractions\.test or both/ });
  assert.throws(bad({ dev: 0.5, test: 0.5 }), { name: 'RangeError', message: /must be below 1/ });
  assert.throws(() => splitRows(labels, { fractions: { dev: 0.2 }, seed: 1, groups: ['x'] }), { name: 'RangeError', message: /groups has 1 entries but there are 1000 rows/ });
  // All rows in one group: the group goes to test whole and train would be empty.
  const oneGroup = new Array<string>(labels.length).fill('same');
  assert.throws(() => splitRows(labels, { fractions: { test: 0.2 }, seed: 1, groups: oneGroup }), { name: 'RangeError', message: /take all 1000 rows \(1 group\), leaving none for train/ });
  assert.throws(() => kFold(labels, { k: 2, seed: 1, groups: oneGroup }), { name: 'RangeError', message: /k must be an integer from 2 to the number of groups \(1\), got 2/ });
  assert.throws(() => kFold(labels, { k: 1, seed: 1 }), /from 2 to the number of rows \(1000\), got 1/);
  assert.throws(() => kFold(labels, { k: 2.5, seed: 1 }), RangeError);
  assert.throws(() => kFold([], { k: 2, seed: 1 }), RangeError);
  assert.throws(() => kFold([['a']], { k: 2, seed: 1, multilabel: true }), RangeError);
});

/** Rows of dialogs as a dialog reader gives them: `dialogs[d]` holds the texts of dialog d's rows. */
function dialogRows(file: string, dialogs: string[][]): Example[] {
  return dialogs.flatMap((texts, id) => texts.map((text, turn) => ({ text, labels: ['x'], source: { file, line: id + 1 }, dialog: { id, turn } })));
}

test('splitGroupsOf: plain rows are grouped by text only when asked', () => {
  const rows = ['a b', 'A  b', 'c'].map((text) => ({ text, source: { file: 'f.csv' } }));
  assert.equal(splitGroupsOf(rows, false), undefined);
  assert.deepEqual(splitGroupsOf(rows, true), textGroups(rows.map((r) => r.text)));
});

test('splitGroupsOf: a dialog stays whole; equal ids in two files are two dialogs; only verbatim duplicate dialogs merge', () => {
  const train = dialogRows('train.zip', [
    ['hi', 'thank you | you are welcome'],
    ['how much is it', 'thank you | you are welcome'], // shares one exchange with dialog 0: stays apart
    ['hi', 'Thank you | you are  welcome'], // dialog 0 again, up to case and spacing
  ]);
  const dev = dialogRows('dev.zip', [['so cold today', 'brr']]);
  const rows = [...train, ...dev];
  const byDialog = splitGroupsOf(rows, false)!;
  assert.deepEqual([...byDialog], [0, 0, 1, 1, 2, 2, 3, 3]);
  const byText = splitGroupsOf(rows, true)!;
  assert.deepEqual([...byText], [0, 0, 1, 1, 0, 0, 2, 2]);
});

test('kFold over dialog groups never puts one dialog in two folds', () => {
  const rng = createRng(3);
  const dialogs = Array.from({ length: 60 }, (_, d) => Array.from({ length: 1 + Math.floor(rng() * 8) }, (_, t) => `d${d} t${t}`));
  const rows = dialogRows('train.zip', dialogs).map((r, i) => ({ ...r, labels: [i % 5 === 0 ? 'rare' : 'common'] }));
  const folds = kFold(rows.map((r) => r.labels), { k: 5, seed: 1, groups: splitGroupsOf(rows, true) });
  const foldOfDialog = new Map<number, number>();
  folds.forEach((fold, f) => {
    for (const i of fold) {
      const d = rows[i].dialog!.id;
      assert.equal(foldOfDialog.get(d) ?? f, f, `dialog ${d} is in two folds`);
      foldOfDialog.set(d, f);
    }
  });
  assert.equal(foldOfDialog.size, 60);
});
