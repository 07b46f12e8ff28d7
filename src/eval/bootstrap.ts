/**
 * Paired bootstrap comparison of classifiers scored on the same rows (Efron & Tibshirani; the
 * "paired" form of Koehn 2004 for MT): every resample draws n rows with replacement, both models
 * are measured on that same resample, and the distribution of the difference gives a confidence
 * interval that accounts for the rows both models find easy or hard.
 *
 * Metrics are computed from per-resample counts weighted by how often each row was drawn, so a
 * resample costs O(n·K) with no allocation.
 */
import { createRng } from '../util/random.js';

export type Predictions =
  /** Single-label: class index per row. */
  | { kind: 'single'; predicted: Int32Array }
  /** Multilabel: n × K 0/1 decisions. */
  | { kind: 'multi'; predicted: Uint8Array };

export type Truth = { kind: 'single'; y: Int32Array } | { kind: 'multi'; y: Uint8Array };

export const SINGLE_LABEL_METRICS = ['accuracy', 'balanced_accuracy', 'macro_f1', 'weighted_f1'] as const;
export const MULTILABEL_METRICS = ['exact_match', 'micro_f1', 'macro_f1', 'samples_f1'] as const;

/** Reusable count buffers for one model. */
class Counts {
  readonly tp: Float64Array;
  readonly fp: Float64Array;
  readonly fn: Float64Array;
  support: Float64Array;
  correct = 0;
  samplesF1 = 0;
  total = 0;
  constructor(K: number) {
    this.tp = new Float64Array(K);
    this.fp = new Float64Array(K);
    this.fn = new Float64Array(K);
    this.support = new Float64Array(K);
  }
  reset(): void {
    this.tp.fill(0);
    this.fp.fill(0);
    this.fn.fill(0);
    this.support.fill(0);
    this.correct = 0;
    this.samplesF1 = 0;
    this.total = 0;
  }
}

function count(c: Counts, truth: Truth, pred: Predictions, K: number, weights: Int32Array | null): void {
  c.reset();
  const n = weights ? weights.length : truth.y.length / (truth.kind === 'single' ? 1 : K);
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    c.total += w;
    if (truth.kind === 'single' && pred.kind === 'single') {
      const y = truth.y[i];
      const p = pred.predicted[i];
      c.support[y] += w;
      if (y === p) {
        c.tp[y] += w;
        c.correct += w;
      } else {
        c.fn[y] += w;
        c.fp[p] += w;
      }
      continue;
    }
    const yt = truth.y as Uint8Array;
    const yp = pred.predicted as Uint8Array;
    let rowTp = 0;
    let rowT = 0;
    let rowP = 0;
    let same = true;
    for (let k = 0, cell = i * K; k < K; k++, cell++) {
      const t = yt[cell] !== 0;
      const p = yp[cell] !== 0;
      if (t) c.support[k] += w;
      if (t && p) c.tp[k] += w;
      else if (p) c.fp[k] += w;
      else if (t) c.fn[k] += w;
      if (t !== p) same = false;
      rowTp += t && p ? 1 : 0;
      rowT += t ? 1 : 0;
      rowP += p ? 1 : 0;
    }
    if (same) c.correct += w;
    c.samplesF1 += w * (rowT + rowP > 0 ? (2 * rowTp) / (rowT + rowP) : 0);
  }
}

function f1(tp: number, fp: number, fn: number): number {
  const d = 2 * tp + fp + fn;
  return d > 0 ? (2 * tp) / d : 0;
}

function metric(c: Counts, name: string, K: number): number {
  switch (name) {
    case 'accuracy':
    case 'exact_match':
      return c.total > 0 ? c.correct / c.total : 0;
    case 'samples_f1':
      return c.total > 0 ? c.samplesF1 / c.total : 0;
    case 'macro_f1': {
      let s = 0;
      for (let k = 0; k < K; k++) s += f1(c.tp[k], c.fp[k], c.fn[k]);
      return K > 0 ? s / K : 0;
    }
    case 'weighted_f1': {
      let s = 0;
      let w = 0;
      for (let k = 0; k < K; k++) {
        s += c.support[k] * f1(c.tp[k], c.fp[k], c.fn[k]);
        w += c.support[k];
      }
      return w > 0 ? s / w : 0;
    }
    case 'micro_f1': {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (let k = 0; k < K; k++) {
        tp += c.tp[k];
        fp += c.fp[k];
        fn += c.fn[k];
      }
      return f1(tp, fp, fn);
    }
    case 'balanced_accuracy': {
      // sklearn: mean recall over the classes present in y_true.
      let s = 0;
      let present = 0;
      for (let k = 0; k < K; k++) {
        if (c.support[k] > 0) {
          s += c.tp[k] / c.support[k];
          present++;
        }
      }
      return present > 0 ? s / present : 0;
    }
    default:
      throw new RangeError(`unknown bootstrap metric "${name}"`);
  }
}

export interface MetricComparison {
  metric: string;
  /** Each model's value on the full data. */
  values: number[];
  /** For models 1…m−1: the difference to model 0 with its bootstrap interval. */
  differences: { model: number; diff: number; low: number; high: number; /** Share of resamples where the model is not better than model 0. */ pNotBetter: number }[];
}

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** Two-sided confidence level of the intervals, e.g. 0.95. */
  confidence: number;
}

/**
 * Compares `models` (predictions on the same n rows) against the first one with a paired
 * bootstrap. Intervals are percentile intervals of the resampled differences.
 */
export function pairedBootstrap(truth: Truth, models: readonly Predictions[], K: number, metrics: readonly string[], options: BootstrapOptions): MetricComparison[] {
  const n = truth.kind === 'single' ? truth.y.length : truth.y.length / K;
  const m = models.length;
  const counts = models.map(() => new Counts(K));
  const full = metrics.map((name) => models.map((pred, j) => (count(counts[j], truth, pred, K, null), metric(counts[j], name, K))));
  const B = options.resamples;
  const diffs = metrics.map(() => Array.from({ length: m }, () => new Float64Array(B)));
  const weights = new Int32Array(n);
  const rng = createRng(options.seed);
  for (let b = 0; b < B; b++) {
    weights.fill(0);
    for (let d = 0; d < n; d++) weights[Math.floor(rng() * n)]++;
    for (let j = 0; j < m; j++) count(counts[j], truth, models[j], K, weights);
    metrics.forEach((name, q) => {
      const base = metric(counts[0], name, K);
      for (let j = 1; j < m; j++) diffs[q][j][b] = metric(counts[j], name, K) - base;
    });
  }
  const alpha = (1 - options.confidence) / 2;
  return metrics.map((name, q) => ({
    metric: name,
    values: full[q],
    differences: Array.from({ length: m - 1 }, (_, t) => {
      const j = t + 1;
      const sorted = diffs[q][j].slice().sort();
      let notBetter = 0;
      for (const d of sorted) notBetter += d <= 0 ? 1 : 0;
      return { model: j, diff: full[q][j] - full[q][0], low: quantile(sorted, alpha), high: quantile(sorted, 1 - alpha), pNotBetter: B > 0 ? notBetter / B : NaN };
    }),
  }));
}

/** Linear-interpolated quantile of sorted values (numpy's default method). */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}
