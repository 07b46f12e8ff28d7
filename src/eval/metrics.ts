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
 */
import type { Task } from '../data/targets.js';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Number of rows whose true label set contains this label. */
  support: number;
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
  /** Multilabel only: mean per-label ROC AUC over labels with positives and negatives. */
  macro_roc_auc?: number;
  /** Multilabel only: mean per-label average precision over the same labels as macro_roc_auc. */
  macro_average_precision?: number;
  /** Single-label only, needs scores: mean cross-entropy, probabilities clipped at LOG_LOSS_EPS. */
  log_loss?: number;
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

/**
 * Scores of the positive and of the negative rows, each sorted ascending. Sorting the two
 * groups separately with the native numeric typed-array sort (no comparator, no index objects)
 * and merging them is all the curve computations need.
 */
interface SplitScores {
  pos: Float64Array;
  neg: Float64Array;
}

/** A column of a row-major matrix (or a plain vector: stride 1, offset 0). */
interface Column {
  data: ArrayLike<number>;
  stride: number;
  offset: number;
}

function vector(data: ArrayLike<number>): Column {
  return { data, stride: 1, offset: 0 };
}

/** Splits `n` rows of `scores` by `truth` (non-zero = positive). */
function splitScores(truth: Column, scores: Column, n: number): SplitScores {
  let numPos = 0;
  for (let i = 0; i < n; i++) if (truth.data[i * truth.stride + truth.offset] !== 0) numPos++;
  const pos = new Float64Array(numPos);
  const neg = new Float64Array(n - numPos);
  let p = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    const idx = i * scores.stride + scores.offset;
    const s = scores.data[idx];
    if (Number.isNaN(s)) throw new RangeError(`score at index ${idx} is NaN`);
    if (truth.data[i * truth.stride + truth.offset] !== 0) pos[p++] = s;
    else neg[q++] = s;
  }
  pos.sort();
  neg.sort();
  return { pos, neg };
}

/**
 * Walks the distinct thresholds from the highest score down, with all rows sharing a score
 * entering together (sklearn's `_binary_clf_curve`). Along the way it integrates
 *  - the ROC curve with the trapezoid rule, which gives tied positive/negative pairs half
 *    credit, exactly like sklearn's `auc(roc_curve(...))`;
 *  - sklearn's step-wise average precision Σ (R_t − R_{t−1}) · P_t, with P_t measured after the
 *    whole tie group at threshold t is included.
 * Either result is NaN when undefined (AUC: a class missing; AP: no positives).
 */
function rankingMetrics({ pos, neg }: SplitScores): { auc: number; ap: number } {
  const P = pos.length;
  const N = neg.length;
  let i = P - 1;
  let j = N - 1;
  let tp = 0;
  let fp = 0;
  // Twice the ROC area in count units (tp × fp grid), kept integral until the final division.
  let doubleArea = 0;
  let apSum = 0;
  while (i >= 0 || j >= 0) {
    const threshold = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    const tpBefore = tp;
    const fpBefore = fp;
    while (i >= 0 && pos[i] === threshold) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === threshold) {
      fp++;
      j--;
    }
    doubleArea += (fp - fpBefore) * (tp + tpBefore);
    apSum += (tp - tpBefore) * (tp / (tp + fp));
  }
  return {
    auc: P === 0 || N === 0 ? NaN : doubleArea / (2 * P * N),
    ap: P === 0 ? NaN : apSum / P,
  };
}

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

function checkClassIndices(y: Int32Array, K: number, what: string): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0 || y[i] >= K) throw new RangeError(`${what}[${i}] = ${y[i]} is not a class index in [0, ${K})`);
  }
}

/**
 * Metrics for a single-label task (one class index per row).
 *
 * @param proba optional row-major n × K class probabilities. When given, the report gains
 *   `log_loss`, and for binary tasks `roc_auc` / `average_precision` of column 1 (labels[1]
 *   is the positive class).
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
    }
    report.log_loss = logLoss(yTrue, proba, n, K);
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
 * - `macro_roc_auc` / `macro_average_precision` average the per-label values over the same kind
 *   of labels (at least one positive and one negative); left out when none qualifies.
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
    let aucSum = 0;
    let apSum = 0;
    let rankedLabels = 0;
    for (let k = 0; k < K; k++) {
      if (counts.actual[k] === 0 || counts.actual[k] === n) continue;
      const { auc, ap } = rankingMetrics(
        splitScores({ data: yTrue, stride: K, offset: k }, { data: proba, stride: K, offset: k }, n),
      );
      aucSum += auc;
      apSum += ap;
      rankedLabels++;
    }
    if (rankedLabels > 0) {
      report.macro_roc_auc = aucSum / rankedLabels;
      report.macro_average_precision = apSum / rankedLabels;
    }
  }
  return report;
}
