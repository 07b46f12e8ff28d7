import type { Example } from './types.js';

/** Descriptive statistics of one part of a dataset (train, dev, test), for `textclass inspect`. */
export interface SplitProfile {
  name: string;
  rows: number;
  /** Rows per label, most frequent first (a multilabel row counts once for each of its labels). */
  labelCounts: Record<string, number>;
  /** How many rows have 0, 1, 2, … labels. */
  labelsPerText: Record<string, number>;
  /** Length percentiles in characters (code points) and in whitespace-separated words. */
  chars: Percentiles;
  words: Percentiles;
}

export interface Percentiles {
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function profileSplit(name: string, examples: readonly Example[]): SplitProfile {
  const counts = new Map<string, number>();
  const perText = new Map<number, number>();
  const chars = new Float64Array(examples.length);
  const words = new Float64Array(examples.length);
  examples.forEach((e, i) => {
    for (const l of e.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    perText.set(e.labels.length, (perText.get(e.labels.length) ?? 0) + 1);
    chars[i] = codePoints(e.text);
    words[i] = wordCount(e.text);
  });
  return {
    name,
    rows: examples.length,
    labelCounts: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))),
    labelsPerText: Object.fromEntries([...perText].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
    chars: percentiles(chars),
    words: percentiles(words),
  };
}

/** Nearest-rank percentiles; all zeros for an empty sample. */
export function percentiles(values: Float64Array): Percentiles {
  const n = values.length;
  if (n === 0) return { min: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return { min: sorted[0], p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1], mean: sum / n };
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate and its low partner are one character.
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

function wordCount(s: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const space = c === 32 || c === 9 || c === 10 || c === 13 || c === 0x3000 || c === 0xa0;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}
