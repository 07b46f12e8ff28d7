import { DataError } from '../errors.js';
import type { Task, Targets } from './targets.js';
import type { Example } from './types.js';

/**
 * Distinct labels of the examples in natural order (the label order when the recipe does not fix
 * one): integer codes sort as numbers, so tickets' categories come out 1, 4, 5, 11 and not 1, 11, 4.
 */
export function discoverLabels(examples: readonly Example[]): string[] {
  const set = new Set<string>();
  for (const e of examples) for (const l of e.labels) set.add(l);
  return [...set].sort(naturalCompare);
}

/** Compares digit runs by numeric value and everything else by code point; locale-independent. */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const dx = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57;
    const dy = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57;
    if (dx && dy) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Puts the positive label of a binary task second, so column 1 of the scores is P(positive)
 * everywhere (metrics, ROC curves, thresholds).
 */
export function orderBinaryLabels(labels: string[], positive: string | undefined): string[] {
  if (!positive) return labels;
  if (!labels.includes(positive)) throw new DataError({ file: 'recipe', field: 'data.positive_label' }, `"${positive}" is not one of the labels ${labels.join(', ')}`);
  return [labels.find((l) => l !== positive)!, positive];
}

/** Encodes example labels as class indices (single-label) or a 0/1 matrix (multilabel). */
export function encodeTargets(examples: readonly Example[], labels: readonly string[], task: Task): Targets {
  const index = new Map(labels.map((l, i) => [l, i]));
  const lookup = (e: Example, label: string): number => {
    const i = index.get(label);
    if (i === undefined) {
      throw new DataError(e.source, `label "${label}" is not one the model knows (${preview(labels)})`);
    }
    return i;
  };
  if (task === 'multilabel') {
    const K = labels.length;
    const y = new Uint8Array(examples.length * K);
    examples.forEach((e, r) => {
      if (e.labels.length === 0) throw new DataError(e.source, 'no label');
      for (const l of e.labels) y[r * K + lookup(e, l)] = 1;
    });
    return { kind: 'multi', y, numLabels: K };
  }
  const y = new Int32Array(examples.length);
  examples.forEach((e, r) => {
    if (e.labels.length !== 1) {
      throw new DataError(e.source, e.labels.length === 0 ? 'no label' : `${e.labels.length} labels (${e.labels.join(', ')}) but task ${task} takes one per text; use task multilabel`);
    }
    y[r] = lookup(e, e.labels[0]);
  });
  return { kind: 'single', y };
}

function preview(labels: readonly string[]): string {
  return labels.length <= 8 ? labels.join(', ') : `${labels.slice(0, 8).join(', ')}, … ${labels.length} in all`;
}
