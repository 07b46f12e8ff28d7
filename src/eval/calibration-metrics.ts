/**
 * How well scores match observed frequencies: reliability-diagram bins and the expected
 * calibration error (ECE) derived from them.
 *
 * Binning is scikit-learn's `calibration_curve(strategy='uniform')`: `binCount` equal-width bins
 * with edges `np.linspace(0, 1, binCount + 1)`, and a value is put in bin
 * `np.searchsorted(inner_edges, value)` — so a value lying exactly on an edge belongs to the
 * bin below it, 0 to the first bin and 1 to the last. For positive-class probabilities the bin
 * means equal calibration_curve's `prob_pred` / `prob_true` (golden test).
 *
 * Three ways to read a score matrix (`ReliabilityKind`):
 *  - 'top-label' (single-label default; Guo et al. 2017): per row, confidence = the largest
 *    probability and the outcome is whether that class (argmax, first on ties) is the true one.
 *  - 'positive-class' (binary only): confidence = P(labels[1]), outcome = the row is labels[1];
 *    the classic binary reliability diagram, as sklearn's CalibrationDisplay draws it.
 *  - 'all-cells' (multilabel): every (row, label) sigmoid is a confidence, the outcome whether
 *    the row carries the label.
 *
 * ECE = Σ_bins (count / total) · |outcome rate − mean confidence|. It depends on the bin count
 * (15 by default, as in Guo et al.) and, for binary tasks, on the kind: top-label and
 * positive-class ECE are different numbers.
 */
import type { Targets, Task } from '../data/targets.js';

export const DEFAULT_CALIBRATION_BINS = 15;

export type ReliabilityKind = 'top-label' | 'positive-class' | 'all-cells';

export interface ReliabilityBin {
  /** Bin edges; values v with lower < v ≤ upper fall in the bin (the first bin also takes 0). */
  lower: number;
  upper: number;
  count: number;
  meanConfidence: number;
  /**
   * Fraction of the bin's values whose outcome is positive: the accuracy of the top label
   * ('top-label'), or the fraction of positives ('positive-class', 'all-cells').
   */
  accuracy: number;
}

export interface ReliabilityDiagram {
  kind: ReliabilityKind;
  binCount: number;
  /** Number of scores binned (rows, or rows × labels for 'all-cells'). */
  n: number;
  /** Expected calibration error of exactly these bins. 0 when n = 0. */
  ece: number;
  /** Non-empty bins only, in increasing order (an empty bin has no mean to plot). */
  bins: ReliabilityBin[];
}

/** `np.linspace(0, 1, binCount + 1)`, bit for bit: i · (1 / binCount), and exactly 1 at the end. */
export function calibrationBinEdges(binCount: number): Float64Array {
  if (!Number.isInteger(binCount) || binCount < 1) {
    throw new RangeError(`the number of calibration bins must be a positive integer, got ${binCount}`);
  }
  const edges = new Float64Array(binCount + 1);
  const step = 1 / binCount;
  for (let i = 0; i < binCount; i++) edges[i] = i * step;
  edges[binCount] = 1;
  return edges;
}

/** Per-bin sums; one `add` per score, no allocation. */
class BinAccumulator {
  readonly edges: Float64Array;
  readonly counts: Float64Array;
  readonly confidenceSums: Float64Array;
  readonly outcomeSums: Float64Array;
  total = 0;

  constructor(readonly binCount: number) {
    this.edges = calibrationBinEdges(binCount);
    this.counts = new Float64Array(binCount);
    this.confidenceSums = new Float64Array(binCount);
    this.outcomeSums = new Float64Array(binCount);
  }

  /** The bin of `value`: the number of inner edges strictly below it (np.searchsorted, side='left'). */
  binOf(value: number): number {
    const B = this.binCount;
    const edges = this.edges;
    // value · B is at most one bin off the answer because of rounding; settle it on the edges.
    let b = Math.min(Math.max(Math.floor(value * B), 0), B - 1);
    while (b > 0 && edges[b] >= value) b--;
    while (b < B - 1 && edges[b + 1] < value) b++;
    return b;
  }

  add(confidence: number, positive: boolean): void {
    if (Number.isNaN(confidence)) throw new RangeError(`score ${this.total} is NaN`);
    const b = this.binOf(confidence);
    this.counts[b]++;
    this.confidenceSums[b] += confidence;
    if (positive) this.outcomeSums[b]++;
    this.total++;
  }

  diagram(kind: ReliabilityKind): ReliabilityDiagram {
    const bins: ReliabilityBin[] = [];
    let ece = 0;
    for (let b = 0; b < this.binCount; b++) {
      const count = this.counts[b];
      if (count === 0) continue;
      const meanConfidence = this.confidenceSums[b] / count;
      const accuracy = this.outcomeSums[b] / count;
      ece += (count / this.total) * Math.abs(accuracy - meanConfidence);
      bins.push({ lower: this.edges[b], upper: this.edges[b + 1], count, meanConfidence, accuracy });
    }
    return { kind, binCount: this.binCount, n: this.total, ece, bins };
  }
}

/**
 * Reliability bins of scores against binary outcomes (non-zero = positive): kind
 * 'positive-class'. Equal to sklearn's `calibration_curve(outcomes, scores, n_bins=binCount)`
 * on the non-empty bins.
 */
export function scoreReliability(
  scores: ArrayLike<number>,
  outcomes: ArrayLike<number>,
  binCount: number = DEFAULT_CALIBRATION_BINS,
): ReliabilityDiagram {
  if (scores.length !== outcomes.length) {
    throw new RangeError(`${scores.length} scores but ${outcomes.length} outcomes`);
  }
  const acc = new BinAccumulator(binCount);
  for (let i = 0; i < scores.length; i++) acc.add(scores[i], outcomes[i] !== 0);
  return acc.diagram('positive-class');
}

/** Top-label reliability of single-label scores (row-major n × K) against class indices. */
export function topLabelReliability(
  yTrue: Int32Array,
  proba: ArrayLike<number>,
  K: number,
  binCount: number = DEFAULT_CALIBRATION_BINS,
): ReliabilityDiagram {
  const n = yTrue.length;
  if (proba.length !== n * K) throw new RangeError(`score matrix has ${proba.length} values, expected ${n}×${K}`);
  const acc = new BinAccumulator(binCount);
  if (K === 0) return acc.diagram('top-label');
  for (let i = 0, row = 0; i < n; i++, row += K) {
    // argmax with ties to the lowest index, like argmaxRows / numpy.
    let best = 0;
    let bestScore = -Infinity;
    for (let k = 0; k < K; k++) {
      const s = proba[row + k];
      if (Number.isNaN(s)) throw new RangeError(`score at index ${row + k} is NaN`);
      if (s > bestScore) {
        bestScore = s;
        best = k;
      }
    }
    acc.add(bestScore, best === yTrue[i]);
  }
  return acc.diagram('top-label');
}

export interface ReliabilityOptions {
  /** Default DEFAULT_CALIBRATION_BINS (15). */
  binCount?: number;
  /** Default 'top-label' for binary and multiclass tasks, 'all-cells' for multilabel. */
  kind?: ReliabilityKind;
}

/**
 * Reliability-diagram data of an evaluation, for plotting (and its ECE). With the default kind
 * the ECE equals the report's `ece`.
 *
 * @param proba row-major n × K scores: softmax rows (binary, multiclass) or sigmoids (multilabel).
 */
export function reliabilityDiagram(
  task: Task,
  targets: Targets,
  proba: ArrayLike<number>,
  options: ReliabilityOptions = {},
): ReliabilityDiagram {
  const binCount = options.binCount ?? DEFAULT_CALIBRATION_BINS;
  const kind = options.kind ?? (task === 'multilabel' ? 'all-cells' : 'top-label');
  if ((task === 'multilabel') !== (targets.kind === 'multi')) {
    throw new RangeError(`${targets.kind}-label targets do not fit a ${task} task`);
  }
  if (targets.kind === 'multi') {
    if (kind !== 'all-cells') throw new RangeError(`a multilabel reliability diagram is 'all-cells', not '${kind}'`);
    if (proba.length !== targets.y.length) {
      throw new RangeError(`score matrix has ${proba.length} values but the targets ${targets.y.length}`);
    }
    return { ...scoreReliability(proba, targets.y, binCount), kind };
  }
  const n = targets.y.length;
  if (kind === 'top-label') {
    const K = n === 0 ? (task === 'binary' ? 2 : 0) : proba.length / n;
    if (!Number.isInteger(K)) throw new RangeError(`score matrix of ${proba.length} values is not ${n} × K`);
    return topLabelReliability(targets.y, proba, K, binCount);
  }
  if (kind !== 'positive-class' || task !== 'binary') {
    throw new RangeError(`a ${task} reliability diagram is 'top-label'${task === 'binary' ? " or 'positive-class'" : ''}, not '${kind}'`);
  }
  if (proba.length !== 2 * n) throw new RangeError(`score matrix has ${proba.length} values, expected ${n}×2`);
  const acc = new BinAccumulator(binCount);
  for (let i = 0; i < n; i++) acc.add(proba[2 * i + 1], targets.y[i] === 1);
  return acc.diagram('positive-class');
}
