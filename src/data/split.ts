import { createRng, shuffleInPlace } from '../util/random.js';
import { normalizeTextKey, textKeyHash } from './normalize-key.js';
import type { Example } from './types.js';

/** The labels of each row: one for single-label rows, any number (zero included) for multilabel rows. */
export type RowLabels = readonly (readonly string[])[];

/**
 * A group key per row; rows with the same key always land on the same side. Any strings or numbers
 * (movie ids, dialog ids), or the Int32Array that `textGroups` returns.
 */
export type RowGroups = ArrayLike<string | number>;

export interface SplitRowsOptions {
  /** Share of the rows held out for dev and for test; each in (0, 1), together below 1. */
  fractions: { dev?: number; test?: number };
  seed: number;
  /** Keep rows with equal keys together (one key per row). */
  groups?: RowGroups;
  /** Stratify every label of a row (iterative stratification) instead of only its first label. */
  multilabel?: boolean;
}

/** Row indices of each side, each in ascending original order. */
export interface RowSplit {
  train: number[];
  dev: number[];
  test: number[];
}

export interface KFoldOptions {
  /** Number of folds, from 2 to the number of units (rows, or groups when `groups` is given). */
  k: number;
  seed: number;
  groups?: RowGroups;
  multilabel?: boolean;
}

const TRAIN = 0;
const DEV = 1;
const TEST = 2;

/**
 * Seeded split stratified by the first label of each example: each label keeps its share on
 * both sides. Returns row indices, each side in the original order. Kept for the trainer's
 * `dev_split`; it is `splitRows` with only a dev fraction, so old seeds give the same split.
 */
export function stratifiedSplit(examples: readonly Example[], fraction: number, seed: number): { train: number[]; held: number[] } {
  const { train, dev } = splitRows(
    examples.map((e) => e.labels),
    { fractions: { dev: fraction }, seed },
  );
  return { train, held: dev };
}

/**
 * Seeded, stratified train/dev/test split of row indices.
 *
 * Single-label (default): rows (or groups) are bucketed by their first label (a group by the first
 * label of its first row; no label counts as `''`), buckets are taken in sorted label order, and each
 * bucket is shuffled with one shared RNG. From the front of the shuffled bucket, units go to test
 * until test has `round(test × rows in bucket)` rows, then to dev until dev has
 * `round(dev × rows in bucket)` rows; the rest is train. Without groups every label therefore gets
 * exactly its rounded share; with groups a side can overshoot by part of one group (this is the
 * procedure of the shared datasets' README). Test is filled first so that the test side of a seed
 * does not change when a dev fraction is added (single-label).
 *
 * Multilabel (`multilabel: true`): iterative stratification (Sechidis, Tsoumakas & Vlahavas 2011),
 * see `kFold`. A group is one unit whose label counts are the sums over its rows.
 *
 * Tiny buckets may leave dev or test without that label (`round(0.2 × 1) = 0`), and an empty input
 * gives three empty sides.
 *
 * @throws RangeError when a fraction is not in (0, 1), none is given, dev + test ≥ 1, `groups` has
 *   the wrong length, or no row would be left for train (e.g. all rows in one group).
 */
export function splitRows(labels: RowLabels, options: SplitRowsOptions): RowSplit {
  const fractions = validateFractions(options.fractions);
  const units = buildUnits(labels.length, options.groups);
  const rng = createRng(options.seed);
  const sideOfUnit = options.multilabel
    ? iterativeStratify(labels, units, [1 - fractions.dev - fractions.test, fractions.dev, fractions.test], rng)
    : fillSidesByBucket(labels, units, fractions, rng);
  const [train, dev, test] = rowsBySide(units, sideOfUnit, 3);
  if (labels.length > 0 && train.length === 0) {
    const what = options.groups ? `${units.count} group${units.count === 1 ? '' : 's'}` : `${units.count} row${units.count === 1 ? '' : 's'}`;
    throw new RangeError(`splitRows: dev and test would take all ${labels.length} rows (${what}), leaving none for train; use smaller fractions or finer groups`);
  }
  return { train, dev, test };
}

/**
 * Seeded, stratified k-fold partition: the k test folds, each in ascending row order; every row is
 * in exactly one fold.
 *
 * Single-label: units (rows, or groups) are bucketed by their first label as in `splitRows`; each
 * bucket is shuffled (groups then ordered largest first), and each unit goes to the fold holding
 * the fewest rows of that bucket so far (ties: fewest rows in all, then lowest fold). Without groups
 * this deals rows round-robin, so each label's count per fold differs by at most one, and so do
 * fold sizes. O(n log k).
 *
 * Multilabel: iterative stratification (Sechidis et al. 2011, as in scikit-multilearn): while rows
 * with labels remain, take the label with the fewest remaining rows and give each of its remaining
 * units (in seeded random order) to the fold that still wants the most rows of that label (ties:
 * the most rows in all, then seeded random); units without labels go last to the fold that wants
 * the most rows in all. Cost O(labelled entries + units × k + labels²).
 *
 * @throws RangeError unless k is an integer from 2 to the number of units (so always for an empty
 *   input), or when `groups` has the wrong length.
 */
export function kFold(labels: RowLabels, options: KFoldOptions): number[][] {
  const units = buildUnits(labels.length, options.groups);
  const { k } = options;
  if (!Number.isInteger(k) || k < 2 || k > units.count) {
    const what = options.groups ? 'groups' : 'rows';
    throw new RangeError(`kFold: k must be an integer from 2 to the number of ${what} (${units.count}), got ${k}`);
  }
  const rng = createRng(options.seed);
  const foldOfUnit = options.multilabel
    ? iterativeStratify(labels, units, new Array<number>(k).fill(1 / k), rng)
    : dealFoldsByBucket(labels, units, k, rng, options.groups !== undefined);
  return rowsBySide(units, foldOfUnit, k);
}

/**
 * A group id per row such that rows whose texts are equal after `normalizeTextKey` (NFKC, lower
 * case, whitespace collapsed and trimmed) share an id, so that identical texts never land on both
 * sides of a split. Ids are 0, 1, 2, … in order of first appearance; pass the result as `groups`.
 */
export function textGroups(texts: readonly string[]): Int32Array {
  // Keyed by a hash of the key, not the key: one number per distinct text instead of a copy of it.
  const ids = new Map<number, number>();
  const out = new Int32Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const key = textKeyHash(texts[i]);
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    out[i] = id;
  }
  return out;
}

/**
 * The groups a split of `examples` must keep whole, or undefined when rows may go anywhere.
 * - Dialog rows (from a dialog reader): the rows of one dialog, always. A row's text repeats the
 *   turns before it and a next-turn target is the next row's label, so a dialog cut between train
 *   and held-out rows leaks both: 5-fold CV of `recipes/dailydialog-next-tuned.yaml` measured 0.53
 *   balanced accuracy with rows split freely, 0.42 with dialogs kept whole. With `byText` (the
 *   recipe's `split_groups: text`), dialogs whose rows are all equal (verbatim duplicate dialogs)
 *   also stay together; equal single rows do not tie their dialogs, as common exchanges ("thank
 *   you" / "you're welcome") would chain thousands of dialogs into a few groups.
 * - Other rows: equal texts (as `textGroups`) when `byText`.
 * Dialog ids count from 0 in each file, so a dialog is its file and id. Ids are 0, 1, 2, … in order
 * of first appearance.
 */
export function splitGroupsOf(examples: readonly Pick<Example, 'text' | 'source' | 'dialog'>[], byText: boolean): Int32Array | undefined {
  if (!examples.some((e) => e.dialog !== undefined)) return byText ? textGroups(examples.map((e) => e.text)) : undefined;
  const dialogOf = (e: Pick<Example, 'source' | 'dialog'>, row: number): string => (e.dialog === undefined ? `r\0${row}` : `d\0${e.source.file}\0${e.dialog.id}`);
  // A dialog's key: itself, or with byText its rows' normalized texts in order.
  const dialogKey = new Map<string, string>();
  if (byText) {
    const parts = new Map<string, string[]>();
    examples.forEach((e, i) => {
      const d = dialogOf(e, i);
      let list = parts.get(d);
      if (list === undefined) parts.set(d, (list = []));
      list.push(normalizeTextKey(e.text));
    });
    for (const [d, texts] of parts) dialogKey.set(d, texts.length > 0 ? `t\0${texts.join('\u0001')}` : d);
  }
  const ids = new Map<string, number>();
  const out = new Int32Array(examples.length);
  examples.forEach((e, i) => {
    const d = dialogOf(e, i);
    const key = dialogKey.get(d) ?? d;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    out[i] = id;
  });
  return out;
}

/** Checked fractions with absent ones as 0. */
function validateFractions(fractions: { dev?: number; test?: number }): { dev: number; test: number } {
  for (const name of ['dev', 'test'] as const) {
    const value = fractions[name];
    if (value !== undefined && !(value > 0 && value < 1)) throw new RangeError(`splitRows: fractions.${name} must be in (0, 1), got ${value}`);
  }
  if (fractions.dev === undefined && fractions.test === undefined) throw new RangeError('splitRows: give fractions.dev, fractions.test or both');
  const dev = fractions.dev ?? 0;
  const test = fractions.test ?? 0;
  if (dev + test >= 1) throw new RangeError(`splitRows: fractions.dev + fractions.test must be below 1 so that train keeps rows, got ${dev} + ${test}`);
  return { dev, test };
}

/**
 * The units that are moved as a whole: one per row, or one per distinct group key. Units are
 * numbered in order of their first row, so without groups unit i is row i.
 */
interface Units {
  count: number;
  unitOfRow: Int32Array;
  /** First (lowest) row of each unit: its label decides the single-label bucket. */
  firstRow: Int32Array;
  /** Rows in each unit. */
  size: Int32Array;
}

function buildUnits(rows: number, groups: RowGroups | undefined): Units {
  const unitOfRow = new Int32Array(rows);
  if (groups === undefined) {
    for (let i = 0; i < rows; i++) unitOfRow[i] = i;
    return { count: rows, unitOfRow, firstRow: unitOfRow.slice(), size: new Int32Array(rows).fill(1) };
  }
  if (groups.length !== rows) throw new RangeError(`groups has ${groups.length} entries but there are ${rows} rows`);
  const ids = new Map<string | number, number>();
  const firstRow: number[] = [];
  for (let i = 0; i < rows; i++) {
    let id = ids.get(groups[i]);
    if (id === undefined) {
      id = firstRow.length;
      ids.set(groups[i], id);
      firstRow.push(i);
    }
    unitOfRow[i] = id;
  }
  const size = new Int32Array(firstRow.length);
  for (let i = 0; i < rows; i++) size[unitOfRow[i]]++;
  return { count: firstRow.length, unitOfRow, firstRow: Int32Array.from(firstRow), size };
}

/** Row indices per side (ascending), given the side of each unit. */
function rowsBySide(units: Units, sideOfUnit: ArrayLike<number>, sides: number): number[][] {
  const out: number[][] = Array.from({ length: sides }, () => []);
  for (let i = 0; i < units.unitOfRow.length; i++) out[sideOfUnit[units.unitOfRow[i]]].push(i);
  return out;
}

/** Units bucketed by the first label of their first row; buckets in sorted label order, units ascending. */
function bucketUnitsByFirstLabel(labels: RowLabels, units: Units): number[][] {
  const byLabel = new Map<string, number[]>();
  for (let u = 0; u < units.count; u++) {
    const key = labels[units.firstRow[u]][0] ?? '';
    let bucket = byLabel.get(key);
    if (!bucket) byLabel.set(key, (bucket = []));
    bucket.push(u);
  }
  return [...byLabel.keys()].sort().map((key) => byLabel.get(key)!);
}

/** Single-label `splitRows`: per shuffled bucket, test then dev take units until they reach their row target. */
function fillSidesByBucket(labels: RowLabels, units: Units, fractions: { dev: number; test: number }, rng: () => number): Uint8Array {
  const side = new Uint8Array(units.count).fill(TRAIN);
  for (const bucket of bucketUnitsByFirstLabel(labels, units)) {
    shuffleInPlace(bucket, rng);
    let rows = 0;
    for (const u of bucket) rows += units.size[u];
    let next = takeUntil(bucket, 0, Math.round(fractions.test * rows), TEST, side, units.size);
    next = takeUntil(bucket, next, Math.round(fractions.dev * rows), DEV, side, units.size);
  }
  return side;
}

/** Gives units bucket[start…] to `sideId` until it holds `targetRows` rows; returns the next unused position. */
function takeUntil(bucket: readonly number[], start: number, targetRows: number, sideId: number, side: Uint8Array, size: Int32Array): number {
  let taken = 0;
  let i = start;
  for (; taken < targetRows && i < bucket.length; i++) {
    side[bucket[i]] = sideId;
    taken += size[bucket[i]];
  }
  return i;
}

/**
 * Single-label `kFold`: greedy "fold with the fewest rows of this bucket". Two heaps keep it
 * O(n log k): folds not yet used in the current bucket (by total rows), and folds used in it (by
 * bucket rows, then total); an unused fold always wins, since a used one holds at least one row.
 */
function dealFoldsByBucket(labels: RowLabels, units: Units, k: number, rng: () => number, grouped: boolean): Int32Array {
  const fold = new Int32Array(units.count);
  const total = new Float64Array(k);
  const inBucket = new Float64Array(k);
  const unused = new MinHeap((a, b) => total[a] - total[b] || a - b);
  const used = new MinHeap((a, b) => inBucket[a] - inBucket[b] || total[a] - total[b] || a - b);
  for (let f = 0; f < k; f++) unused.push(f);
  for (const bucket of bucketUnitsByFirstLabel(labels, units)) {
    shuffleInPlace(bucket, rng);
    // Largest groups first balance better; the sort is stable, so equal sizes keep the shuffled order.
    if (grouped) bucket.sort((a, b) => units.size[b] - units.size[a]);
    for (const u of bucket) {
      const f = unused.size > 0 ? unused.pop() : used.pop();
      fold[u] = f;
      inBucket[f] += units.size[u];
      total[f] += units.size[u];
      used.push(f);
    }
    while (used.size > 0) {
      const f = used.pop();
      inBucket[f] = 0;
      unused.push(f);
    }
  }
  return fold;
}

/** Binary min-heap of small integers (fold ids) under a comparator that reads external arrays. */
class MinHeap {
  private readonly items: number[] = [];
  constructor(private readonly compare: (a: number, b: number) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    let i = items.push(value) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i], items[parent]) >= 0) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): number {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length === 0) return top;
    items[0] = last;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && this.compare(items[left], items[smallest]) < 0) smallest = left;
      if (right < items.length && this.compare(items[right], items[smallest]) < 0) smallest = right;
      if (smallest === i) break;
      [items[i], items[smallest]] = [items[smallest], items[i]];
      i = smallest;
    }
    return top;
  }
}

/**
 * Per-unit label counts in compressed form: the labels of unit u are `ids[start[u] … start[u+1])`
 * with the number of its rows carrying each in `counts`. Labels are numbered in sorted name order.
 */
interface UnitLabels {
  numLabels: number;
  start: Int32Array;
  ids: Int32Array;
  counts: Int32Array;
}

function buildUnitLabels(labels: RowLabels, units: Units): UnitLabels {
  const names = new Set<string>();
  let entries = 0;
  for (const row of labels) {
    for (const name of row) names.add(name);
    entries += row.length;
  }
  const idOf = new Map<string, number>([...names].sort().map((name, i) => [name, i]));
  const numLabels = idOf.size;
  // Rows of each unit, contiguous, so each unit's labels can be summed in one pass.
  const rowStart = new Int32Array(units.count + 1);
  for (let u = 0; u < units.count; u++) rowStart[u + 1] = rowStart[u] + units.size[u];
  const cursor = rowStart.slice(0, units.count);
  const rowsOfUnit = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) rowsOfUnit[cursor[units.unitOfRow[i]]++] = i;

  const start = new Int32Array(units.count + 1);
  const ids = new Int32Array(entries);
  const counts = new Int32Array(entries);
  const scratch = new Int32Array(numLabels);
  const lastRow = new Int32Array(numLabels).fill(-1); // a label repeated within one row counts once
  const touched: number[] = [];
  let n = 0;
  for (let u = 0; u < units.count; u++) {
    for (let p = rowStart[u]; p < rowStart[u + 1]; p++) {
      const row = rowsOfUnit[p];
      for (const name of labels[row]) {
        const id = idOf.get(name)!;
        if (lastRow[id] === row) continue;
        lastRow[id] = row;
        if (scratch[id]++ === 0) touched.push(id);
      }
    }
    for (const id of touched) {
      ids[n] = id;
      counts[n++] = scratch[id];
      scratch[id] = 0;
    }
    touched.length = 0;
    start[u + 1] = n;
  }
  return { numLabels, start, ids, counts };
}

/**
 * Iterative stratification (Sechidis, Tsoumakas & Vlahavas 2011; scikit-multilearn's
 * IterativeStratification, order 1) over units. Rare labels are placed first, while every subset
 * still has room for them; frequent labels then have enough units left to even out.
 *
 * @param ratios the desired share of each subset (summing to 1); a subset with share 0 gets nothing.
 * @returns the subset of each unit.
 */
function iterativeStratify(labels: RowLabels, units: Units, ratios: readonly number[], rng: () => number): Int32Array {
  const unitLabels = buildUnitLabels(labels, units);
  const { numLabels, start, ids, counts } = unitLabels;
  const remaining = new Float64Array(numLabels);
  const unitsWithLabel = new Int32Array(numLabels + 1);
  for (let e = 0; e < ids.length; e++) {
    remaining[ids[e]] += counts[e];
    unitsWithLabel[ids[e] + 1]++;
  }
  for (let l = 0; l < numLabels; l++) unitsWithLabel[l + 1] += unitsWithLabel[l];

  // Each label's units, in one seeded random order.
  const order = new Int32Array(units.count);
  for (let u = 0; u < units.count; u++) order[u] = u;
  shuffleInPlace(order, rng);
  const labelUnits = new Int32Array(unitsWithLabel[numLabels]);
  const cursor = unitsWithLabel.slice(0, numLabels);
  for (const u of order) for (let e = start[u]; e < start[u + 1]; e++) labelUnits[cursor[ids[e]]++] = u;

  const subsets = ratios.length;
  const active = ratios.map((_, j) => j).filter((j) => ratios[j] > 0);
  const wantedRows = Float64Array.from(ratios, (r) => r * labels.length);
  const wantedLabel = new Float64Array(subsets * numLabels);
  for (let j = 0; j < subsets; j++) for (let l = 0; l < numLabels; l++) wantedLabel[j * numLabels + l] = ratios[j] * remaining[l];

  /** The active subset that wants label l most (l < 0: rows in all), ties by total wanted, then random. */
  const pick = (l: number): number => {
    let best = -1;
    let bestLabel = -Infinity;
    let bestRows = -Infinity;
    let ties = 0;
    for (const j of active) {
      const wl = l < 0 ? 0 : wantedLabel[j * numLabels + l];
      const wr = wantedRows[j];
      if (wl > bestLabel || (wl === bestLabel && wr > bestRows)) {
        best = j;
        bestLabel = wl;
        bestRows = wr;
        ties = 1;
      } else if (wl === bestLabel && wr === bestRows && rng() * ++ties < 1) {
        best = j; // reservoir sampling: each tied subset ends up chosen with probability 1/ties
      }
    }
    return best;
  };

  const subsetOf = new Int32Array(units.count).fill(-1);
  const assign = (u: number, j: number): void => {
    subsetOf[u] = j;
    wantedRows[j] -= units.size[u];
    for (let e = start[u]; e < start[u + 1]; e++) {
      wantedLabel[j * numLabels + ids[e]] -= counts[e];
      remaining[ids[e]] -= counts[e];
    }
  };

  for (let l = rarestRemaining(remaining); l >= 0; l = rarestRemaining(remaining)) {
    for (let p = unitsWithLabel[l]; p < unitsWithLabel[l + 1]; p++) {
      const u = labelUnits[p];
      if (subsetOf[u] < 0) assign(u, pick(l));
    }
  }
  for (const u of order) if (subsetOf[u] < 0) assign(u, pick(-1));
  return subsetOf;
}

/** The label with the fewest (but some) remaining rows, lowest id on ties; -1 when none remain. */
function rarestRemaining(remaining: Float64Array): number {
  let best = -1;
  for (let l = 0; l < remaining.length; l++) if (remaining[l] > 0 && (best < 0 || remaining[l] < remaining[best])) best = l;
  return best;
}
