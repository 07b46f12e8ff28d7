import { createRng, shuffleInPlace } from '../util/random.js';
import type { RowLabels } from './split.js';

/**
 * Seeded resampling of training rows against class imbalance. Every function returns row indices
 * in ascending order of the original index (oversampling repeats an index), so the caller can
 * `rows.map((i) => examples[i])` and keep the file order that the rest of the pipeline expects.
 */

/** Per-label keep ratios: `{ 'no emotion': 0.5 }` or `[{ label: 'no emotion', ratio: 0.5 }]`. */
export type KeepRatios = Readonly<Record<string, number>> | readonly { label: string; ratio: number }[];

export interface SampleTarget {
  /** Rows per class to cut down to (undersample) or fill up to (oversample). */
  target?: number;
}

/** Label counts before and after resampling, for the CLI to print. */
export interface SamplingSummary {
  rowsBefore: number;
  rowsAfter: number;
  /** Rows carrying each label (a multilabel row counts for each of its labels), in sorted label order. */
  perLabel: Record<string, { before: number; after: number }>;
  /** Rows without any label. */
  unlabelled: { before: number; after: number };
}

/**
 * Keeps only a share of the rows of some labels (e.g. `{ 'no emotion': 0.5 }` to halve a dominant
 * class) and every other row. Exactly `round(ratio × count)` rows of each listed label stay, chosen
 * by a seeded shuffle (labels handled in sorted order with one RNG, so the order of `ratios` does
 * not matter). A multilabel row counts as a label's row only if that is its only label: thinning a
 * class should not drop rows that also teach other labels.
 *
 * @throws RangeError when a ratio is not in [0, 1], a label is listed twice, or a label occurs in no
 *   row (the message names it and lists the known labels, to catch typos).
 */
export function keepRatio(labels: RowLabels, ratios: KeepRatios, seed: number): number[] {
  const entries = ratioEntries(ratios);
  const known = knownLabels(labels);
  for (const [label, ratio] of entries) {
    if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`keepRatio: ratio for "${label}" must be in [0, 1], got ${ratio}`);
    if (!known.has(label)) throw new RangeError(`keepRatio: unknown label "${label}"; known labels: ${listLabels(known)}`);
  }
  const ratioOf = new Map(entries);
  const buckets = new Map<string, number[]>();
  labels.forEach((row, i) => {
    const label = soleLabel(row);
    if (label === undefined || !ratioOf.has(label)) return;
    let bucket = buckets.get(label);
    if (!bucket) buckets.set(label, (bucket = []));
    bucket.push(i);
  });
  const keep = new Uint8Array(labels.length).fill(1);
  const rng = createRng(seed);
  for (const label of [...buckets.keys()].sort()) {
    const bucket = buckets.get(label)!;
    shuffleInPlace(bucket, rng);
    const kept = Math.round(ratioOf.get(label)! * bucket.length);
    for (let j = kept; j < bucket.length; j++) keep[bucket[j]] = 0;
  }
  return expand(keep);
}

/**
 * Random undersampling: every class keeps at most `target` rows (default: the size of the smallest
 * class), chosen by a seeded shuffle; smaller classes are kept whole.
 *
 * A row's class is its rarest label (fewest rows in `labels`, ties by name), so for multilabel data
 * the rows that carry a rare label are protected from being cut for a frequent one; for
 * single-label data it is simply the label. Rows without a label form the class `''`. In multilabel
 * data the other labels of a row move along with it, so their counts change too (see
 * `describeSampling`).
 *
 * @throws RangeError unless `target` is a positive integer.
 */
export function undersample(labels: RowLabels, seed: number, options: SampleTarget = {}): number[] {
  if (options.target !== undefined && !(Number.isInteger(options.target) && options.target >= 1)) {
    throw new RangeError(`undersample: target must be a positive integer, got ${options.target}`);
  }
  if (labels.length === 0) return [];
  const classes = classBuckets(labels);
  const target = options.target ?? [...classes.values()].reduce((min, b) => Math.min(min, b.length), Infinity);
  const keep = new Uint8Array(labels.length).fill(1);
  const rng = createRng(seed);
  for (const name of [...classes.keys()].sort()) {
    const bucket = classes.get(name)!;
    if (bucket.length <= target) continue;
    shuffleInPlace(bucket, rng);
    for (let j = target; j < bucket.length; j++) keep[bucket[j]] = 0;
  }
  return expand(keep);
}

/**
 * Random oversampling with replacement: every row is kept once, and each class smaller than
 * `target` (default: the size of the largest class) gets `target − size` extra copies of its rows,
 * drawn uniformly at random (seeded). Classes are the rows' rarest labels, as in `undersample`.
 *
 * @throws RangeError unless `target` is a non-negative integer.
 */
export function oversample(labels: RowLabels, seed: number, options: SampleTarget = {}): number[] {
  if (options.target !== undefined && !(Number.isInteger(options.target) && options.target >= 0)) {
    throw new RangeError(`oversample: target must be a non-negative integer, got ${options.target}`);
  }
  const classes = classBuckets(labels);
  const target = options.target ?? [...classes.values()].reduce((max, b) => Math.max(max, b.length), 0);
  const copies = new Int32Array(labels.length).fill(1);
  const rng = createRng(seed);
  for (const name of [...classes.keys()].sort()) {
    const bucket = classes.get(name)!;
    for (let extra = target - bucket.length; extra > 0; extra--) copies[bucket[Math.floor(rng() * bucket.length)]]++;
  }
  return expand(copies);
}

/** Label counts over all rows (before) and over the resampled `rows`, repeats included (after). */
export function describeSampling(labels: RowLabels, rows: readonly number[]): SamplingSummary {
  const before = countLabels(labels, labels.map((_, i) => i));
  const after = countLabels(labels, rows);
  const names = [...before.perLabel.keys()].sort();
  return {
    rowsBefore: labels.length,
    rowsAfter: rows.length,
    perLabel: Object.fromEntries(names.map((name) => [name, { before: before.perLabel.get(name)!, after: after.perLabel.get(name) ?? 0 }])),
    unlabelled: { before: before.unlabelled, after: after.unlabelled },
  };
}

/** Ratio entries from either accepted shape; a label listed twice is an error rather than last-wins. */
function ratioEntries(ratios: KeepRatios): [string, number][] {
  const entries: [string, number][] = Array.isArray(ratios)
    ? (ratios as readonly { label: string; ratio: number }[]).map(({ label, ratio }) => [label, ratio])
    : Object.entries(ratios as Readonly<Record<string, number>>);
  const seen = new Set<string>();
  for (const [label] of entries) {
    if (seen.has(label)) throw new RangeError(`keepRatio: label "${label}" is listed twice`);
    seen.add(label);
  }
  return entries;
}

function knownLabels(labels: RowLabels): Set<string> {
  const known = new Set<string>();
  for (const row of labels) for (const label of row) known.add(label);
  return known;
}

/** Sorted, quoted, and cut after 30 so that a typo in a 1,000-label set still gives a readable message. */
function listLabels(known: ReadonlySet<string>): string {
  const names = [...known].sort();
  const shown = names.slice(0, 30).map((n) => JSON.stringify(n));
  if (names.length === 0) return '(none)';
  return names.length > 30 ? `${shown.join(', ')} … and ${names.length - 30} more` : shown.join(', ');
}

/** The row's label if it has exactly one distinct label, else undefined. */
function soleLabel(row: readonly string[]): string | undefined {
  if (row.length === 0) return undefined;
  for (let j = 1; j < row.length; j++) if (row[j] !== row[0]) return undefined;
  return row[0];
}

/** Rows by class (the row's rarest label, ties by name; `''` without labels), each in ascending order. */
function classBuckets(labels: RowLabels): Map<string, number[]> {
  const rowsWith = new Map<string, number>();
  for (const row of labels) for (const label of distinct(row)) rowsWith.set(label, (rowsWith.get(label) ?? 0) + 1);
  const classes = new Map<string, number[]>();
  labels.forEach((row, i) => {
    let rarest = '';
    let rarestCount = Infinity;
    for (const label of row) {
      const count = rowsWith.get(label)!;
      if (count < rarestCount || (count === rarestCount && label < rarest)) {
        rarest = label;
        rarestCount = count;
      }
    }
    let bucket = classes.get(rarest);
    if (!bucket) classes.set(rarest, (bucket = []));
    bucket.push(i);
  });
  return classes;
}

function countLabels(labels: RowLabels, rows: readonly number[]): { perLabel: Map<string, number>; unlabelled: number } {
  const perLabel = new Map<string, number>();
  let unlabelled = 0;
  for (const i of rows) {
    const row = labels[i];
    if (row.length === 0) unlabelled++;
    for (const label of distinct(row)) perLabel.set(label, (perLabel.get(label) ?? 0) + 1);
  }
  return { perLabel, unlabelled };
}

/** The row's labels without repeats; most rows have one label, so skip the Set for them. */
function distinct(row: readonly string[]): Iterable<string> {
  return row.length <= 1 ? row : new Set(row);
}

/** Row i repeated times[i] times, ascending. */
function expand(times: Uint8Array | Int32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < times.length; i++) for (let c = times[i]; c > 0; c--) out.push(i);
  return out;
}
