/**
 * Classification metrics with scikit-learn semantics (checked against sklearn 1.2.1 by the golden
 * test, see scripts/golden/eval_metrics.py).
 *
 * Everything works on typed arrays and per-label count vectors: evaluation runs over whole test
 * sets and must not allocate per row. Conventions shared by all functions here:
 *
 *  - zero_division follows sklearn's default: a ratio whose denominator is 0 counts as 0
 *    (e.g. precision of a label that is never predicted), and an F1 with P + R = 0 is 0.
 *  - Empty input (n = 0) does not throw: every required number in the report is 0 and the
 *    optional ranking metrics / log loss are left out, so the report never contains NaN
 *    (it is printed as JSON, where NaN would silently become null).
 *  - Optional report fields are present only when they are defined for the data at hand, e.g.
 *    `roc_auc` needs both classes in y_true and `average_precision` at least one positive.
 *  - Shape mismatches and out-of-range class indices are programming errors: `RangeError`.
 *
 * Ranking metrics beyond binary are one-vs-rest on the n × K indicator matrix (multilabel:
 * y_true itself; multiclass: sklearn's label_binarize(y_true), one column per class scored by
 * its probability column). Curves live in curves.ts, calibration bins in calibration-metrics.ts.
 */
import type { Task } from '../data/targets.js';
import { DEFAULT_CALIBRATION_BINS, scoreReliability, topLabelReliability } from './calibration-metrics.js';
import { oneHot, rankingMetrics, splitScores, vector } from './curves.js';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Number of rows whose true label set contains this label. */
  support: number;
  /**
   * Multiclass and multilabel, when scores are given: one-vs-rest ROC AUC of this label's score
   * column (sklearn roc_auc_score on the indicator column); needs positives and negatives.
   */
  roc_auc?: number;
  /** Like `roc_auc`, sklearn's average_precision_score of the column; needs a positive. */
  average_precision?: number;
}

/**
 * The result of `textclass eval`, printed verbatim by `--json`: the snake_case key names are a
 * public interface.
 */
export interface EvalReport {
  task: Task;
  n: number;
  labels: string[];
  /** Single-label: fraction of rows predicted right. Multilabel: subset accuracy (= exact_match). */
  accuracy: number;
  /** Single-label: sklearn's balanced_accuracy_score. Multilabel: see `evaluateMultiLabel`. */
  balanced_accuracy: number;
  macro_f1: number;
  micro_f1: number;
  weighted_f1: number;
  macro_precision: number;
  macro_recall: number;
  weighted_precision: number;
  weighted_recall: number;
  micro_precision: number;
  micro_recall: number;
  per_class: Record<string, ClassMetrics>;
  /** Multilabel only: sklearn f1_score(average='samples'). */
  samples_f1?: number;
  /**
   * Multilabel only: sklearn precision_score / recall_score(average='samples'). Not in the
   * original key list, but classification_report's "samples avg" row needs them.
   */
  samples_precision?: number;
  samples_recall?: number;
  /** Multilabel only: fraction of rows whose predicted label set equals the true one. */
  exact_match?: number;
  /** Multilabel only: fraction of wrong cells in the n × K decision matrix. */
  hamming_loss?: number;
  /** Binary only, needs scores and both classes in y_true. Positive class = labels[1]. */
  roc_auc?: number;
  /** Binary only, needs scores and at least one positive. Positive class = labels[1]. */
  average_precision?: number;
  /**
   * Multiclass and multilabel, needs scores: mean per-label ROC AUC over the labels with
   * positives and negatives in y_true (sklearn roc_auc_score(average='macro') on those columns;
   * sklearn itself raises when a column has one class). For multiclass this equals sklearn's
   * roc_auc_score(multi_class='ovr', average='macro') whenever every class occurs.
   */
  macro_roc_auc?: number;
  /** Like macro_roc_auc, weighted by each label's support (sklearn average='weighted'). */
  weighted_roc_auc?: number;
  /**
   * Multiclass and multilabel, needs scores: ROC AUC of all n × K indicator cells pooled into one
   * ranking (sklearn roc_auc_score(average='micro')). sklearn's multiclass mode offers no micro
   * average; for multiclass this is computed on label_binarize(y_true), as sklearn does for
   * multilabel input.
   */
  micro_roc_auc?: number;
  /** Mean per-label average precision over the same labels as macro_roc_auc. */
  macro_average_precision?: number;
  /** Like macro_average_precision, weighted by support (sklearn average='weighted'). */
  weighted_average_precision?: number;
  /** Average precision of the pooled n × K cells (sklearn average='micro'); needs a positive cell. */
  micro_average_precision?: number;
  /**
   * Needs scores; probabilities clipped at LOG_LOSS_EPS. Single-label: mean cross-entropy
   * (sklearn log_loss). Multilabel: the mean over labels of each label's binary log loss
   * (sklearn log_loss(y[:, k], p[:, k], labels=[0, 1]) averaged over k, every label included),
   * which is the mean binary cross-entropy over all n × K cells.
   */
  log_loss?: number;
  /**
   * Needs scores. Binary: sklearn's brier_score_loss of P(labels[1]), mean (p − y)², in [0, 1].
   * Multiclass: Brier's original (1950) score, mean over rows of Σ_k (p_k − y_k)² with y
   * one-hot, in [0, 2] (numpy reference in the golden script; sklearn 1.2.1 has no multiclass
   * Brier). With K = 2 that sum counts each row's error twice, (p₁ − y₁)² = (p₀ − y₀)² when
   * p₀ + p₁ = 1, so it is 2 × the binary number; binary tasks report sklearn's value.
   * Multilabel: mean over all n × K cells of (p − y)², i.e. the mean over labels of each
   * label's brier_score_loss.
   */
  brier_score?: number;
  /**
   * Needs scores: expected calibration error over DEFAULT_CALIBRATION_BINS (15) equal-width
   * bins (see calibration-metrics.ts). Single-label, binary included: top-label confidence
   * (the largest probability) against whether that class is right. Multilabel: every cell's
   * sigmoid against whether the row carries the label.
   */
  ece?: number;
  /** Single-label only: K × K counts, rows = true label, columns = predicted label. */
  confusion_matrix?: number[][];
}

/**
 * Probabilities are clipped to [eps, 1 - eps] before taking logs, so a confidently wrong
 * prediction costs a finite ~34.5 nats instead of Infinity. 1e-15 is sklearn's long-standing
 * default (newer versions use the dtype's machine epsilon, which for float32 scores would
 * clip much harder, at ~1.2e-7).
 */
export const LOG_LOSS_EPS = 1e-15;

// ---------------------------------------------------------------------------------------------
// Small numeric helpers

/** Division with sklearn's default zero_division: an undefined ratio is 0. */
function ratio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

/** F1 from precision and recall, written exactly like sklearn (2·P·R / (P + R)) for bit parity. */
function f1Score(precision: number, recall: number): number {
  const denom = precision + recall;
  return denom === 0 ? 0 : (2 * precision * recall) / denom;
}

function mean(values: Float64Array): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

// ---------------------------------------------------------------------------------------------
// Precision / recall / F1 from per-label counts (shared by single-label and multilabel)

/** Per-label counts: true positives, predicted positives, actual positives (support). */
interface LabelCounts {
  tp: Float64Array;
  predicted: Float64Array;
  actual: Float64Array;
}

interface PrfAverages {
  per_class: Record<string, ClassMetrics>;
  macro_precision: number;
  macro_recall: number;
  macro_f1: number;
  micro_precision: number;
  micro_recall: number;
  micro_f1: number;
  weighted_precision: number;
  weighted_recall: number;
  weighted_f1: number;
}

/** sklearn's precision_recall_fscore_support for average=None / 'macro' / 'micro' / 'weighted'. */
function prfFromCounts(counts: LabelCounts, labels: readonly string[]): PrfAverages {
  const K = labels.length;
  const precision = new Float64Array(K);
  const recall = new Float64Array(K);
  const f1 = new Float64Array(K);
  const per_class: Record<string, ClassMetrics> = {};
  let tpTotal = 0;
  let predictedTotal = 0;
  let actualTotal = 0;
  let wP = 0;
  let wR = 0;
  let wF = 0;
  for (let k = 0; k < K; k++) {
    precision[k] = ratio(counts.tp[k], counts.predicted[k]);
    recall[k] = ratio(counts.tp[k], counts.actual[k]);
    f1[k] = f1Score(precision[k], recall[k]);
    // defineProperty rather than assignment: a label literally named "__proto__" must become a
    // key, not replace the object's prototype.
    Object.defineProperty(per_class, labels[k], {
      value: { precision: precision[k], recall: recall[k], f1: f1[k], support: counts.actual[k] },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    tpTotal += counts.tp[k];
    predictedTotal += counts.predicted[k];
    actualTotal += counts.actual[k];
    wP += precision[k] * counts.actual[k];
    wR += recall[k] * counts.actual[k];
    wF += f1[k] * counts.actual[k];
  }
  const microP = ratio(tpTotal, predictedTotal);
  const microR = ratio(tpTotal, actualTotal);
  return {
    per_class,
    macro_precision: mean(precision),
    macro_recall: mean(recall),
    macro_f1: mean(f1),
    micro_precision: microP,
    micro_recall: microR,
    micro_f1: f1Score(microP, microR),
    // Support-weighted means; with no support at all sklearn returns 0 (zero_division).
    weighted_precision: ratio(wP, actualTotal),
    weighted_recall: ratio(wR, actualTotal),
    weighted_f1: ratio(wF, actualTotal),
  };
}

// ---------------------------------------------------------------------------------------------
// Ranking metrics (ROC AUC, average precision)

function checkRankingInput(yTrue: ArrayLike<number>, scores: ArrayLike<number>): void {
  if (yTrue.length !== scores.length) {
    throw new RangeError(`${yTrue.length} labels but ${scores.length} scores`);
  }
}

/**
 * Area under the ROC curve of `scores` for the binary truth `yTrue` (non-zero = positive).
 * Tied scores form one threshold, as in sklearn's `roc_auc_score`. Returns NaN when y_true
 * holds only one class (sklearn raises there).
 */
export function rocAuc(yTrue: Uint8Array, scores: ArrayLike<number>): number {
  checkRankingInput(yTrue, scores);
  return rankingMetrics(splitScores(vector(yTrue), vector(scores), yTrue.length)).auc;
}

/**
 * sklearn's `average_precision_score`: Σ_t (R_t − R_{t−1}) · P_t over distinct score thresholds,
 * no interpolation. Returns NaN when there are no positives (sklearn warns and returns 0, but
 * a ranking of nothing is better reported as undefined).
 */
export function averagePrecision(yTrue: Uint8Array, scores: ArrayLike<number>): number {
  checkRankingInput(yTrue, scores);
  return rankingMetrics(splitScores(vector(yTrue), vector(scores), yTrue.length)).ap;
}

/**
 * One-vs-rest ranking metrics of a row-major n × K 0/1 indicator matrix against the matching
 * scores, written into `report` (per_class and the averaged keys), each only where defined.
 */
function addOneVsRestRanking(
  report: EvalReport,
  truth: Uint8Array,
  proba: Float32Array,
  n: number,
  labels: readonly string[],
): void {
  const K = labels.length;
  let aucSum = 0;
  let apSum = 0;
  let weightedAucSum = 0;
  let weightedApSum = 0;
  let supportSum = 0;
  let rankedLabels = 0;
  for (let k = 0; k < K; k++) {
    const split = splitScores({ data: truth, stride: K, offset: k }, { data: proba, stride: K, offset: k }, n);
    const { auc, ap } = rankingMetrics(split);
    const perClass = report.per_class[labels[k]];
    if (!Number.isNaN(auc)) perClass.roc_auc = auc;
    if (!Number.isNaN(ap)) perClass.average_precision = ap;
    // The averages take the labels where both numbers are defined (AUC defined ⇒ AP defined).
    if (Number.isNaN(auc)) continue;
    const support = split.pos.length;
    aucSum += auc;
    apSum += ap;
    weightedAucSum += support * auc;
    weightedApSum += support * ap;
    supportSum += support;
    rankedLabels++;
  }
  const micro = rankingMetrics(splitScores(vector(truth), vector(proba), n * K));
  if (rankedLabels > 0) {
    report.macro_roc_auc = aucSum / rankedLabels;
    report.weighted_roc_auc = weightedAucSum / supportSum;
  }
  if (!Number.isNaN(micro.auc)) report.micro_roc_auc = micro.auc;
  if (rankedLabels > 0) {
    report.macro_average_precision = apSum / rankedLabels;
    report.weighted_average_precision = weightedApSum / supportSum;
  }
  if (!Number.isNaN(micro.ap)) report.micro_average_precision = micro.ap;
}

/** Mean over all cells of (p − y)² for a row-major 0/1 truth matrix (or vector) and scores. */
function meanSquaredError(truth: ArrayLike<number>, proba: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < truth.length; i++) {
    const d = proba[i] - (truth[i] !== 0 ? 1 : 0);
    total += d * d;
  }
  return total / truth.length;
}

// ---------------------------------------------------------------------------------------------
// Single-label evaluation

/**
 * Mean cross-entropy like sklearn's `log_loss(eps=1e-15)`: clip each probability to
 * [eps, 1 − eps], renormalise the row (models' float32 softmax rows do not sum to exactly 1),
 * and average −log p(true class).
 */
function logLoss(yTrue: Int32Array, proba: Float32Array, n: number, K: number): number {
  const lo = LOG_LOSS_EPS;
  const hi = 1 - LOG_LOSS_EPS;
  let total = 0;
  for (let i = 0, row = 0; i < n; i++, row += K) {
    let rowSum = 0;
    for (let k = 0; k < K; k++) rowSum += Math.min(Math.max(proba[row + k], lo), hi);
    const pTrue = Math.min(Math.max(proba[row + yTrue[i]], lo), hi);
    total -= Math.log(pTrue / rowSum);
  }
  return total / n;
}

/**
 * Brier score of single-label probabilities: sklearn's brier_score_loss of P(labels[1]) for
 * binary tasks, Brier's original multi-class score (sum over classes, mean over rows) otherwise.
 */
function singleLabelBrier(yTrue: Int32Array, proba: Float32Array, n: number, K: number, task: 'binary' | 'multiclass'): number {
  let total = 0;
  if (task === 'binary') {
    for (let i = 0; i < n; i++) {
      const d = proba[2 * i + 1] - yTrue[i];
      total += d * d;
    }
    return total / n;
  }
  for (let i = 0, row = 0; i < n; i++, row += K) {
    for (let k = 0; k < K; k++) {
      const d = proba[row + k] - (k === yTrue[i] ? 1 : 0);
      total += d * d;
    }
  }
  return total / n;
}

function checkClassIndices(y: Int32Array, K: number, what: string): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0 || y[i] >= K) throw new RangeError(`${what}[${i}] = ${y[i]} is not a class index in [0, ${K})`);
  }
}

/**
 * Metrics for a single-label task (one class index per row).
 *
 * @param proba optional row-major n × K class probabilities. When given (and n > 0), the
 *   report gains `log_loss`, `brier_score` and `ece`; for binary tasks `roc_auc` /
 *   `average_precision` of column 1 (labels[1] is the positive class); for multiclass tasks the
 *   one-vs-rest ranking metrics (per class, macro, weighted, micro).
 */
export function evaluateSingleLabel(
  yTrue: Int32Array,
  yPred: Int32Array,
  proba: Float32Array | null,
  labels: readonly string[],
  task: 'binary' | 'multiclass',
): EvalReport {
  const n = yTrue.length;
  const K = labels.length;
  if (yPred.length !== n) throw new RangeError(`${n} true labels but ${yPred.length} predictions`);
  if (proba && proba.length !== n * K) {
    throw new RangeError(`probability matrix has ${proba.length} values, expected ${n}×${K}`);
  }
  if (task === 'binary' && K !== 2) throw new RangeError(`binary task needs 2 labels, got ${K}`);
  checkClassIndices(yTrue, K, 'yTrue');
  checkClassIndices(yPred, K, 'yPred');

  const confusion = new Int32Array(K * K);
  for (let i = 0; i < n; i++) confusion[yTrue[i] * K + yPred[i]]++;

  const counts: LabelCounts = {
    tp: new Float64Array(K),
    predicted: new Float64Array(K),
    actual: new Float64Array(K),
  };
  let correct = 0;
  for (let t = 0; t < K; t++) {
    for (let p = 0; p < K; p++) {
      const c = confusion[t * K + p];
      counts.actual[t] += c;
      counts.predicted[p] += c;
    }
    counts.tp[t] = confusion[t * K + t];
    correct += counts.tp[t];
  }

  // sklearn's balanced_accuracy_score: mean recall over the classes present in y_true; classes
  // that were only predicted are ignored rather than counted as recall 0.
  let recallSum = 0;
  let presentClasses = 0;
  for (let k = 0; k < K; k++) {
    if (counts.actual[k] > 0) {
      recallSum += counts.tp[k] / counts.actual[k];
      presentClasses++;
    }
  }

  const confusion_matrix: number[][] = [];
  for (let t = 0; t < K; t++) confusion_matrix.push(Array.from(confusion.subarray(t * K, (t + 1) * K)));

  const report: EvalReport = {
    task,
    n,
    labels: [...labels],
    accuracy: ratio(correct, n),
    balanced_accuracy: ratio(recallSum, presentClasses),
    ...prfOrdered(prfFromCounts(counts, labels)),
  };
  if (proba && n > 0) {
    if (task === 'binary') {
      // Class indices are 0/1 here, so y_true itself marks the positives (labels[1]).
      const { auc, ap } = rankingMetrics(splitScores(vector(yTrue), { data: proba, stride: 2, offset: 1 }, n));
      if (!Number.isNaN(auc)) report.roc_auc = auc;
      if (!Number.isNaN(ap)) report.average_precision = ap;
    } else {
      addOneVsRestRanking(report, oneHot(yTrue, K), proba, n, labels);
    }
    report.log_loss = logLoss(yTrue, proba, n, K);
    report.brier_score = singleLabelBrier(yTrue, proba, n, K, task);
    report.ece = topLabelReliability(yTrue, proba, K, DEFAULT_CALIBRATION_BINS).ece;
  }
  report.confusion_matrix = confusion_matrix;
  return report;
}

/** Re-keys the averages in the documented EvalReport order, so `--json` output reads naturally. */
function prfOrdered(a: PrfAverages): Omit<EvalReport, 'task' | 'n' | 'labels' | 'accuracy' | 'balanced_accuracy'> {
  return {
    macro_f1: a.macro_f1,
    micro_f1: a.micro_f1,
    weighted_f1: a.weighted_f1,
    macro_precision: a.macro_precision,
    macro_recall: a.macro_recall,
    weighted_precision: a.weighted_precision,
    weighted_recall: a.weighted_recall,
    micro_precision: a.micro_precision,
    micro_recall: a.micro_recall,
    per_class: a.per_class,
  };
}

// ---------------------------------------------------------------------------------------------
// Multilabel evaluation

/**
 * Metrics for a multilabel task. `yTrue` / `yPred` are row-major n × K 0/1 matrices (any
 * non-zero byte counts as 1); `proba` the matching sigmoid scores.
 *
 * - `accuracy` and `exact_match` are both subset accuracy (sklearn's accuracy_score).
 * - `samples_f1` is sklearn's f1_score(average='samples'): per-row F1, averaged over rows; a row
 *   with no true and no predicted labels scores 0 (sklearn's zero_division default).
 * - `balanced_accuracy` has no sklearn multilabel counterpart. We define it as the mean over
 *   labels of (TPR + TNR) / 2 — each label's binary balanced accuracy — taken only over labels
 *   with both positives and negatives in y_true (elsewhere one of the rates is undefined).
 *   0 when no label qualifies.
 * - `macro_roc_auc` / `macro_average_precision` (and the weighted ones) average the per-label
 *   values over the same kind of labels (at least one positive and one negative); left out when
 *   none qualifies. Micro averages pool every cell, all labels included.
 * - With scores, `log_loss`, `brier_score` and `ece` treat every cell as a binary prediction.
 */
export function evaluateMultiLabel(
  yTrue: Uint8Array,
  yPred: Uint8Array,
  proba: Float32Array | null,
  labels: readonly string[],
): EvalReport {
  const K = labels.length;
  if (yPred.length !== yTrue.length) {
    throw new RangeError(`truth matrix has ${yTrue.length} cells but predictions ${yPred.length}`);
  }
  if (K === 0 ? yTrue.length !== 0 : yTrue.length % K !== 0) {
    throw new RangeError(`truth matrix of ${yTrue.length} cells is not n × ${K}`);
  }
  const n = K === 0 ? 0 : yTrue.length / K;
  if (proba && proba.length !== n * K) {
    throw new RangeError(`score matrix has ${proba.length} values, expected ${n}×${K}`);
  }

  const counts: LabelCounts = {
    tp: new Float64Array(K),
    predicted: new Float64Array(K),
    actual: new Float64Array(K),
  };
  let exact = 0;
  let wrongCells = 0;
  let sampleP = 0;
  let sampleR = 0;
  let sampleF = 0;
  for (let i = 0, row = 0; i < n; i++, row += K) {
    let rowTp = 0;
    let rowPred = 0;
    let rowTrue = 0;
    let rowWrong = 0;
    for (let k = 0; k < K; k++) {
      const t = yTrue[row + k] !== 0 ? 1 : 0;
      const p = yPred[row + k] !== 0 ? 1 : 0;
      rowTp += t & p;
      rowPred += p;
      rowTrue += t;
      rowWrong += t ^ p;
      counts.tp[k] += t & p;
      counts.predicted[k] += p;
      counts.actual[k] += t;
    }
    if (rowWrong === 0) exact++;
    wrongCells += rowWrong;
    const p = ratio(rowTp, rowPred);
    const r = ratio(rowTp, rowTrue);
    sampleP += p;
    sampleR += r;
    sampleF += f1Score(p, r);
  }

  let balancedSum = 0;
  let balancedLabels = 0;
  for (let k = 0; k < K; k++) {
    const positives = counts.actual[k];
    const negatives = n - positives;
    if (positives === 0 || negatives === 0) continue;
    const trueNegatives = negatives - (counts.predicted[k] - counts.tp[k]);
    balancedSum += (counts.tp[k] / positives + trueNegatives / negatives) / 2;
    balancedLabels++;
  }

  const subsetAccuracy = ratio(exact, n);
  const report: EvalReport = {
    task: 'multilabel',
    n,
    labels: [...labels],
    accuracy: subsetAccuracy,
    balanced_accuracy: ratio(balancedSum, balancedLabels),
    ...prfOrdered(prfFromCounts(counts, labels)),
    samples_f1: ratio(sampleF, n),
    samples_precision: ratio(sampleP, n),
    samples_recall: ratio(sampleR, n),
    exact_match: subsetAccuracy,
    hamming_loss: ratio(wrongCells, n * K),
  };

  if (proba && n > 0) {
    addOneVsRestRanking(report, yTrue, proba, n, labels);
    report.log_loss = multilabelLogLoss(yTrue, proba);
    report.brier_score = meanSquaredError(yTrue, proba);
    report.ece = scoreReliability(proba, yTrue, DEFAULT_CALIBRATION_BINS).ece;
  }
  return report;
}

/**
 * Mean binary cross-entropy over all cells, computed the way sklearn's
 * `log_loss(y[:, k], p[:, k], eps=1e-15, labels=[0, 1])` treats each cell (clip p, take
 * [1 − p, p], renormalise the pair) — so it equals the mean of sklearn's per-label log losses.
 */
function multilabelLogLoss(yTrue: Uint8Array, proba: Float32Array): number {
  const lo = LOG_LOSS_EPS;
  const hi = 1 - LOG_LOSS_EPS;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const p = Math.min(Math.max(proba[i], lo), hi);
    const q = 1 - p;
    total -= Math.log((yTrue[i] !== 0 ? p : q) / (q + p));
  }
  return total / yTrue.length;
}
