/**
 * ROC and precision-recall curves with scikit-learn 1.2.1 semantics, and the one threshold walk
 * that every ranking number in src/eval/ (ROC AUC, average precision, the curves) is built on.
 *
 * How the walk works: the scores of the positive and of the negative rows are copied into two
 * typed arrays and each is sorted once (a radix sort for float32 scores, the native numeric
 * sort otherwise; no comparator, no index objects). Merging the two from the top visits every
 * distinct score once, highest first, with all rows sharing that score entering together —
 * exactly sklearn's `_binary_clf_curve`, whose `fps[i]` / `tps[i]` count the negatives /
 * positives scored ≥ `thresholds[i]`. Every ranking function here and in metrics.ts goes
 * through `splitScores` + `walkThresholds`, so ties are handled in one place.
 *
 * Conventions: non-zero truth = positive; NaN scores are a `RangeError` (sklearn raises on them
 * too); shape mismatches are a `RangeError`.
 */
import type { Targets, Task } from '../data/targets.js';

// ---------------------------------------------------------------------------------------------
// The threshold walk (shared with metrics.ts)

/**
 * Scores of the positive and of the negative rows, each sorted ascending. Float32 scores (what
 * models emit) stay float32: half the memory, and a radix sort instead of a comparison sort.
 */
export interface SplitScores {
  pos: Float64Array | Float32Array;
  neg: Float64Array | Float32Array;
}

/** A column of a row-major matrix (or a plain vector: stride 1, offset 0). */
export interface Column {
  data: ArrayLike<number>;
  stride: number;
  offset: number;
}

export function vector(data: ArrayLike<number>): Column {
  return { data, stride: 1, offset: 0 };
}

/** Splits `n` rows of `scores` by `truth` (non-zero = positive) and sorts both groups. */
export function splitScores(truth: Column, scores: Column, n: number): SplitScores {
  let numPos = 0;
  for (let i = 0; i < n; i++) if (truth.data[i * truth.stride + truth.offset] !== 0) numPos++;
  const float32 = scores.data instanceof Float32Array;
  const pos = float32 ? new Float32Array(numPos) : new Float64Array(numPos);
  const neg = float32 ? new Float32Array(n - numPos) : new Float64Array(n - numPos);
  let p = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    const idx = i * scores.stride + scores.offset;
    const s = scores.data[idx];
    if (Number.isNaN(s)) throw new RangeError(`score at index ${idx} is NaN`);
    if (truth.data[i * truth.stride + truth.offset] !== 0) pos[p++] = s;
    else neg[q++] = s;
  }
  if (pos instanceof Float32Array) {
    sortFloat32(pos);
    sortFloat32(neg as Float32Array);
  } else {
    pos.sort();
    neg.sort();
  }
  return { pos, neg };
}

/** Below this length the native sort is as fast as the radix sort's fixed costs. */
const RADIX_SORT_MIN_LENGTH = 512;
const RADIX_BITS = 11;
const RADIX_BUCKETS = 1 << RADIX_BITS;
const RADIX_MASK = RADIX_BUCKETS - 1;

/**
 * Sorts NaN-free float32 values ascending in place. V8's native typed-array sort costs ~100 ns
 * per element at millions of elements (the pooled micro-average column of 100k rows × 28
 * labels); an LSD radix sort on the IEEE bits does three linear passes instead. The bits are
 * first mapped to unsigned integers that order like the floats (positives: set the sign bit;
 * negatives: flip all bits), sorted 11 bits at a time, and mapped back. −0 lands right before
 * +0, which the walk treats as one threshold because −0 === 0.
 */
function sortFloat32(values: Float32Array): void {
  const n = values.length;
  if (n < RADIX_SORT_MIN_LENGTH) {
    values.sort();
    return;
  }
  const keys = new Uint32Array(values.buffer, values.byteOffset, n);
  const counts = new Uint32Array(3 * RADIX_BUCKETS);
  for (let i = 0; i < n; i++) {
    const bits = keys[i];
    const key = (bits & 0x80000000 ? ~bits : bits | 0x80000000) >>> 0;
    keys[i] = key;
    counts[key & RADIX_MASK]++;
    counts[RADIX_BUCKETS + ((key >>> RADIX_BITS) & RADIX_MASK)]++;
    counts[2 * RADIX_BUCKETS + (key >>> (2 * RADIX_BITS))]++;
  }
  let src: Uint32Array = keys;
  let dst: Uint32Array = new Uint32Array(n);
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * RADIX_BUCKETS;
    const shift = pass * RADIX_BITS;
    // A digit every key shares (e.g. the low mantissa bits of rounded scores) needs no pass.
    if (counts[base + ((src[0] >>> shift) & RADIX_MASK)] === n) continue;
    let offset = 0;
    for (let b = 0; b < RADIX_BUCKETS; b++) {
      const c = counts[base + b];
      counts[base + b] = offset;
      offset += c;
    }
    for (let i = 0; i < n; i++) {
      const key = src[i];
      dst[counts[base + ((key >>> shift) & RADIX_MASK)]++] = key;
    }
    const swap = src;
    src = dst;
    dst = swap;
  }
  for (let i = 0; i < n; i++) {
    const key = src[i];
    keys[i] = key & 0x80000000 ? key & 0x7fffffff : ~key >>> 0;
  }
}

/**
 * Visits the distinct thresholds from the highest score down. `tp` / `fp` are the numbers of
 * positive / negative rows scored ≥ `threshold` (all rows of a tie enter at once).
 * Returns the number of distinct thresholds.
 */
export function walkThresholds(
  { pos, neg }: SplitScores,
  visit: (threshold: number, tp: number, fp: number) => void,
): number {
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let distinct = 0;
  while (i >= 0 || j >= 0) {
    const threshold = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    while (i >= 0 && pos[i] === threshold) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === threshold) {
      fp++;
      j--;
    }
    visit(threshold, tp, fp);
    distinct++;
  }
  return distinct;
}

/**
 * ROC AUC and average precision from one walk:
 *  - the ROC curve integrated with the trapezoid rule, which gives tied positive/negative pairs
 *    half credit, exactly like sklearn's `auc(roc_curve(...))`;
 *  - sklearn's step-wise average precision Σ (R_t − R_{t−1}) · P_t, with P_t measured after the
 *    whole tie group at threshold t is included.
 * Either result is NaN when undefined (AUC: a class missing; AP: no positives).
 */
export function rankingMetrics(split: SplitScores): { auc: number; ap: number } {
  const P = split.pos.length;
  const N = split.neg.length;
  // Twice the ROC area in count units (tp × fp grid), kept integral until the final division.
  let doubleArea = 0;
  let apSum = 0;
  let tpBefore = 0;
  let fpBefore = 0;
  walkThresholds(split, (_threshold, tp, fp) => {
    doubleArea += (fp - fpBefore) * (tp + tpBefore);
    apSum += (tp - tpBefore) * (tp / (tp + fp));
    tpBefore = tp;
    fpBefore = fp;
  });
  return {
    auc: P === 0 || N === 0 ? NaN : doubleArea / (2 * P * N),
    ap: P === 0 ? NaN : apSum / P,
  };
}

/** sklearn's `_binary_clf_curve`: per distinct threshold (descending), the cumulative counts. */
interface ThresholdCounts {
  fps: Float64Array;
  tps: Float64Array;
  thresholds: Float64Array;
}

function thresholdCounts(split: SplitScores): ThresholdCounts {
  const capacity = split.pos.length + split.neg.length;
  const fps = new Float64Array(capacity);
  const tps = new Float64Array(capacity);
  const thresholds = new Float64Array(capacity);
  let m = 0;
  walkThresholds(split, (threshold, tp, fp) => {
    fps[m] = fp;
    tps[m] = tp;
    thresholds[m] = threshold;
    m++;
  });
  if (m === capacity) return { fps, tps, thresholds };
  // Ties made fewer thresholds than rows: copy, so the curve does not pin the larger buffers.
  return { fps: fps.slice(0, m), tps: tps.slice(0, m), thresholds: thresholds.slice(0, m) };
}

// ---------------------------------------------------------------------------------------------
// ROC and precision-recall curves

/** sklearn's `roc_curve` output: rates at decreasing thresholds, starting at (0, 0). */
export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** Decreasing; `thresholds[0]` is the highest score + 1 (sklearn 1.2.1), where nothing is predicted positive. */
  thresholds: Float64Array;
}

/** sklearn 1.2.1's `precision_recall_curve` output: `thresholds` ascending, one fewer than the points. */
export interface PrCurve {
  precision: Float64Array;
  recall: Float64Array;
  thresholds: Float64Array;
}

function checkCurveInput(yTrue: ArrayLike<number>, scores: ArrayLike<number>): void {
  if (yTrue.length !== scores.length) {
    throw new RangeError(`${yTrue.length} labels but ${scores.length} scores`);
  }
}

/** ROC curve of one split; see `rocCurve`. */
export function rocCurveOf(split: SplitScores): RocCurve {
  const { fps, tps, thresholds } = thresholdCounts(split);
  const m = thresholds.length;
  if (m === 0) return { fpr: new Float64Array(0), tpr: new Float64Array(0), thresholds: new Float64Array(0) };

  // drop_intermediate: keep the ends and every point where either count's second difference is
  // non-zero (a corner); points in the middle of a straight segment change neither the plot
  // nor the area. Counts are small integers, so the differences are exact.
  const keep = new Int32Array(m);
  let kept = 0;
  for (let i = 0; i < m; i++) {
    const corner =
      m <= 2 ||
      i === 0 ||
      i === m - 1 ||
      fps[i + 1] - 2 * fps[i] + fps[i - 1] !== 0 ||
      tps[i + 1] - 2 * tps[i] + tps[i - 1] !== 0;
    if (corner) keep[kept++] = i;
  }

  const P = split.pos.length;
  const N = split.neg.length;
  const fpr = new Float64Array(kept + 1);
  const tpr = new Float64Array(kept + 1);
  const outThresholds = new Float64Array(kept + 1);
  // The extra leading point (0, 0), at a threshold no score reaches.
  outThresholds[0] = thresholds[0] + 1;
  for (let k = 0; k < kept; k++) {
    const i = keep[k];
    fpr[k + 1] = fps[i] / N;
    tpr[k + 1] = tps[i] / P;
    outThresholds[k + 1] = thresholds[i];
  }
  // Like sklearn: a rate whose class is absent is NaN all along (including the leading 0).
  if (N === 0) fpr.fill(NaN);
  if (P === 0) tpr.fill(NaN);
  return { fpr, tpr, thresholds: outThresholds };
}

/**
 * sklearn 1.2.1's `roc_curve(y_true, scores)` with its defaults (drop_intermediate=True): one
 * point per kept distinct threshold plus a leading (0, 0) at threshold max + 1. Without
 * negatives `fpr` is all NaN, without positives `tpr` is (sklearn warns). No rows: empty arrays
 * (sklearn raises).
 */
export function rocCurve(yTrue: Uint8Array, scores: ArrayLike<number>): RocCurve {
  checkCurveInput(yTrue, scores);
  return rocCurveOf(splitScores(vector(yTrue), vector(scores), yTrue.length));
}

/** Precision-recall curve of one split; see `precisionRecallCurve`. */
export function precisionRecallCurveOf(split: SplitScores): PrCurve {
  const { fps, tps, thresholds } = thresholdCounts(split);
  const m = thresholds.length;
  if (m === 0) return { precision: new Float64Array(0), recall: new Float64Array(0), thresholds: new Float64Array(0) };
  const P = split.pos.length;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const ascending = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const i = m - 1 - j; // sklearn reverses the walk so that recall decreases
    precision[j] = tps[i] / (tps[i] + fps[i]); // every threshold holds ≥ 1 row: never 0 / 0
    recall[j] = P === 0 ? 1 : tps[i] / P; // sklearn 1.2.1: no positives → recall 1 everywhere
    ascending[j] = thresholds[i];
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: ascending };
}

/**
 * sklearn 1.2.1's `precision_recall_curve(y_true, scores)`: one point per distinct threshold,
 * ascending thresholds (so recall decreases), then a final point (recall 0, precision 1) with
 * no threshold. Nothing is truncated at full recall (older sklearn did). No positives: recall
 * is 1 everywhere (sklearn warns). No rows: empty arrays (sklearn raises).
 */
export function precisionRecallCurve(yTrue: Uint8Array, scores: ArrayLike<number>): PrCurve {
  checkCurveInput(yTrue, scores);
  return precisionRecallCurveOf(splitScores(vector(yTrue), vector(scores), yTrue.length));
}

// ---------------------------------------------------------------------------------------------
// Thinning for plots

/**
 * Indices of at most `maxPoints` points of the polyline (x[i], y[i]) that keep its look, for
 * drawing only: the first and last points always, and in between one point per equal-sized
 * run of indices, the one spanning the largest triangle with the point kept before it and the
 * mean of the next run (Steinarsson's Largest-Triangle-Three-Buckets). Corners survive, long
 * straight stretches collapse. Never compute a metric from a thinned curve: areas and average
 * precision change.
 */
export function thinCurveIndices(x: ArrayLike<number>, y: ArrayLike<number>, maxPoints: number): Int32Array {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`curve has ${n} x values but ${y.length} y values`);
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new RangeError(`maxPoints must be an integer ≥ 2 (the two endpoints), got ${maxPoints}`);
  }
  if (n <= maxPoints) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  const out = new Int32Array(maxPoints);
  out[maxPoints - 1] = n - 1;
  if (maxPoints === 2) return out;

  // The n − 2 inner points are cut into maxPoints − 2 runs of > 1 index each.
  const runLength = (n - 2) / (maxPoints - 2);
  let previous = 0;
  for (let run = 0; run < maxPoints - 2; run++) {
    const start = Math.floor(run * runLength) + 1;
    const end = Math.floor((run + 1) * runLength) + 1;
    // Mean of the next run; for the last run that is the final point.
    const nextStart = end;
    const nextEnd = Math.max(Math.min(Math.floor((run + 2) * runLength) + 1, n), nextStart + 1);
    let meanX = 0;
    let meanY = 0;
    for (let i = nextStart; i < nextEnd; i++) {
      meanX += x[i];
      meanY += y[i];
    }
    meanX /= nextEnd - nextStart;
    meanY /= nextEnd - nextStart;

    const px = x[previous];
    const py = y[previous];
    let best = start;
    let bestArea = -1;
    for (let i = start; i < end; i++) {
      // Twice the triangle's area; the factor does not change which point wins.
      const area = Math.abs((px - meanX) * (y[i] - py) - (px - x[i]) * (meanY - py));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    out[run + 1] = best;
    previous = best;
  }
  return out;
}

function pick(values: Float64Array, indices: Int32Array, count = indices.length): Float64Array {
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) out[k] = values[indices[k]];
  return out;
}

/** A ROC curve reduced to at most `maxPoints` points for plotting (see `thinCurveIndices`). */
export function thinRocCurve(curve: RocCurve, maxPoints: number): RocCurve {
  const keep = thinCurveIndices(curve.fpr, curve.tpr, maxPoints);
  return { fpr: pick(curve.fpr, keep), tpr: pick(curve.tpr, keep), thresholds: pick(curve.thresholds, keep) };
}

/**
 * A precision-recall curve reduced to at most `maxPoints` points for plotting. The final
 * (recall 0, precision 1) point is always kept, so `thresholds` stays one shorter than the points.
 */
export function thinPrCurve(curve: PrCurve, maxPoints: number): PrCurve {
  const keep = thinCurveIndices(curve.recall, curve.precision, maxPoints);
  const points = keep.length;
  return {
    precision: pick(curve.precision, keep),
    recall: pick(curve.recall, keep),
    thresholds: pick(curve.thresholds, keep, Math.max(points - 1, 0)),
  };
}

// ---------------------------------------------------------------------------------------------
// Curves of a whole evaluation, as plain data for the HTML report

/** A thinned ROC curve with the AUC of the full curve, as JSON-ready arrays. */
export interface RocPlot {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
  auc: number;
}

/** A thinned precision-recall curve with the average precision of the full curve. */
export interface PrPlot {
  precision: number[];
  recall: number[];
  /** One fewer than the points: the last point (recall 0, precision 1) has none. */
  thresholds: number[];
  averagePrecision: number;
  /** Fraction of positive rows: the precision of a random ranking (the chance line). */
  prevalence: number;
}

export interface LabelCurves {
  label: string;
  /** Rows (binary/multiclass) or rows carrying the label (multilabel) that are positive. */
  support: number;
  /** null when the label has no positives or no negatives (the rates are undefined). */
  roc: RocPlot | null;
  /** null when the label has no positives. */
  pr: PrPlot | null;
}

export interface CurveSet {
  task: Task;
  n: number;
  /** The cap each curve was thinned to. */
  maxPoints: number;
  /**
   * One-vs-rest, one entry per label in label order. Binary tasks have a single entry, for the
   * positive class labels[1] (the class `roc_auc` / `average_precision` in the report refer to).
   */
  perClass: LabelCurves[];
  /**
   * Micro average: the curve of all n × K (row, label) cells of the indicator matrix pooled
   * into one ranking (what sklearn's average='micro' scores; for multiclass, the indicator is
   * label_binarize(y_true)). null for binary tasks, where it would repeat the positive class.
   */
  micro: { roc: RocPlot | null; pr: PrPlot | null } | null;
}

export const DEFAULT_PLOT_POINTS = 200;

function plotsOf(split: SplitScores, n: number, maxPoints: number): { roc: RocPlot | null; pr: PrPlot | null } {
  const { auc, ap } = rankingMetrics(split);
  let roc: RocPlot | null = null;
  let pr: PrPlot | null = null;
  if (!Number.isNaN(auc)) {
    const c = thinRocCurve(rocCurveOf(split), maxPoints);
    roc = { fpr: Array.from(c.fpr), tpr: Array.from(c.tpr), thresholds: Array.from(c.thresholds), auc };
  }
  if (!Number.isNaN(ap)) {
    const c = thinPrCurve(precisionRecallCurveOf(split), maxPoints);
    pr = {
      precision: Array.from(c.precision),
      recall: Array.from(c.recall),
      thresholds: Array.from(c.thresholds),
      averagePrecision: ap,
      prevalence: split.pos.length / n,
    };
  }
  return { roc, pr };
}

/** Row-major n × K 0/1 indicator of single-label targets (sklearn's label_binarize for K > 2). */
export function oneHot(y: Int32Array, K: number): Uint8Array {
  const out = new Uint8Array(y.length * K);
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0 || y[i] >= K) throw new RangeError(`y[${i}] = ${y[i]} is not a class index in [0, ${K})`);
    out[i * K + y[i]] = 1;
  }
  return out;
}

/**
 * Per-class (and micro-averaged) ROC and precision-recall curves of an evaluation, thinned to
 * `maxPoints` points each for drawing, with the AUC / average precision of the full curves
 * (equal to the report's numbers). Curves are not part of `EvalReport`: they are large.
 *
 * @param proba row-major n × K scores: softmax rows (binary, multiclass) or sigmoids (multilabel).
 */
export function curvesFor(
  task: Task,
  targets: Targets,
  proba: Float32Array,
  labels: readonly string[],
  maxPoints: number = DEFAULT_PLOT_POINTS,
): CurveSet {
  const K = labels.length;
  const n = targets.kind === 'single' ? targets.y.length : K === 0 ? 0 : targets.y.length / K;
  if (targets.kind === 'multi' && targets.numLabels !== K) {
    throw new RangeError(`targets have ${targets.numLabels} labels but ${K} label names were given`);
  }
  if ((task === 'multilabel') !== (targets.kind === 'multi')) {
    throw new RangeError(`${targets.kind}-label targets do not fit a ${task} task`);
  }
  if (proba.length !== n * K) throw new RangeError(`score matrix has ${proba.length} values, expected ${n}×${K}`);
  if (task === 'binary' && K !== 2) throw new RangeError(`binary task needs 2 labels, got ${K}`);
  thinCurveIndices([], [], maxPoints); // validates maxPoints up front

  if (task === 'binary') {
    const y = (targets as { y: Int32Array }).y;
    const split = splitScores(vector(y), { data: proba, stride: 2, offset: 1 }, n);
    return { task, n, maxPoints, perClass: [{ label: labels[1], support: split.pos.length, ...plotsOf(split, n, maxPoints) }], micro: null };
  }

  const truth = targets.kind === 'single' ? oneHot(targets.y, K) : targets.y;
  const perClass: LabelCurves[] = [];
  for (let k = 0; k < K; k++) {
    const split = splitScores({ data: truth, stride: K, offset: k }, { data: proba, stride: K, offset: k }, n);
    perClass.push({ label: labels[k], support: split.pos.length, ...plotsOf(split, n, maxPoints) });
  }
  const micro = n * K === 0 ? { roc: null, pr: null } : plotsOf(splitScores(vector(truth), vector(proba), n * K), n * K, maxPoints);
  return { task, n, maxPoints, perClass, micro };
}
