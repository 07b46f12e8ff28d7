import { normalizeTextKey } from './normalize-key.js';

/** One split's texts, e.g. `{ name: 'test', texts }`. */
export interface SplitTexts {
  name: string;
  texts: readonly string[];
}

/** Rows of split `to` whose text already occurs in the earlier split `from`. */
export interface LeakCount {
  from: string;
  to: string;
  /** Rows of `to` whose text occurs in `from` (repeats counted). */
  rows: number;
  /** Distinct texts (or normalized texts) of `to` that occur in `from`. */
  distinctTexts: number;
}

/** A text of split `to` that also occurs in `from`, for the report. */
export interface LeakExample {
  from: string;
  to: string;
  /** The text as in `to` (its first such row), whitespace collapsed, cut to 80 characters. */
  text: string;
  /** Whether `from` holds this very text, not only one equal after normalization. */
  exact: boolean;
}

/** Repeated texts inside one split (exact, and after `normalizeTextKey`). */
export interface DuplicatesWithin {
  split: string;
  rows: number;
  distinctTexts: number;
  /** rows − distinctTexts: rows that repeat an earlier row's text. */
  duplicateRows: number;
  distinctNormalized: number;
  duplicateRowsNormalized: number;
}

export interface LeakReport {
  /** One entry per pair of splits (earlier, later), in input order, zero counts included. */
  exact: LeakCount[];
  /** The same pairs, matching texts after `normalizeTextKey` (NFKC, lower case, whitespace collapsed). */
  normalized: LeakCount[];
  duplicatesWithin: DuplicatesWithin[];
  /** Up to 5 normalized leaks per pair, pair by pair, each pair's in the row order of `to`. */
  examples: LeakExample[];
}

const MAX_EXAMPLES = 5;
const EXAMPLE_CHARS = 80;

/**
 * Texts shared between splits, which make held-out scores too good: for each pair of splits
 * (i < j, so with `[train, dev, test]`: dev in train, test in train, test in dev) the rows of the later
 * split whose text also occurs in the earlier one, on exact text and on normalized text (the same
 * key as `textGroups`, so a split made with `groups: textGroups(texts)` reports no normalized
 * leaks). Hash-based: O(total rows × number of splits).
 *
 * @throws RangeError when two splits have the same name.
 */
export function findLeaks(splits: readonly SplitTexts[]): LeakReport {
  const seen = new Set<string>();
  for (const { name } of splits) {
    if (seen.has(name)) throw new RangeError(`findLeaks: split name "${name}" is used twice`);
    seen.add(name);
  }
  const exact = splits.map((s) => textCounts(s.texts, (t) => t));
  const normalized = splits.map((s) => textCounts(s.texts, normalizeTextKey));
  const report: LeakReport = { exact: [], normalized: [], duplicatesWithin: [], examples: [] };
  for (let j = 0; j < splits.length; j++) {
    for (let i = 0; i < j; i++) {
      const from = splits[i].name;
      const to = splits[j].name;
      report.exact.push(countLeaks(from, exact[i], to, exact[j]));
      report.normalized.push(countLeaks(from, normalized[i], to, normalized[j], (first) => {
        report.examples.push({ from, to, text: shorten(first), exact: exact[i].has(first) });
      }));
    }
  }
  splits.forEach((s, i) => {
    const rows = s.texts.length;
    report.duplicatesWithin.push({
      split: s.name,
      rows,
      distinctTexts: exact[i].size,
      duplicateRows: rows - exact[i].size,
      distinctNormalized: normalized[i].size,
      duplicateRowsNormalized: rows - normalized[i].size,
    });
  });
  return report;
}

/** Distinct keys of one split, in first-row order, with their row count and first original text. */
type TextCounts = Map<string, { rows: number; first: string }>;

function textCounts(texts: readonly string[], key: (text: string) => string): TextCounts {
  const counts: TextCounts = new Map();
  for (const text of texts) {
    const k = key(text);
    const entry = counts.get(k);
    if (entry) entry.rows++;
    else counts.set(k, { rows: 1, first: text });
  }
  return counts;
}

/** Counts the keys of `later` found in `earlier`; `example` gets the first text of the first 5. */
function countLeaks(from: string, earlier: TextCounts, to: string, later: TextCounts, example?: (first: string) => void): LeakCount {
  const leak: LeakCount = { from, to, rows: 0, distinctTexts: 0 };
  for (const [key, { rows, first }] of later) {
    if (!earlier.has(key)) continue;
    leak.rows += rows;
    if (leak.distinctTexts++ < MAX_EXAMPLES) example?.(first);
  }
  return leak;
}

/** One line of at most 80 characters (code points), ending in `…` when cut. */
function shorten(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length <= EXAMPLE_CHARS ? chars.join('') : chars.slice(0, EXAMPLE_CHARS - 1).join('') + '…';
}
