import type { Task, Targets } from '../data/targets.js';
import type { Classifier } from '../models/classifier.js';
import type { Decision } from '../persist/model-dir.js';
import { applyThresholds, argmaxOrAbstain, argmaxRows } from './decide.js';
import { evaluateMultiLabel, evaluateSingleLabel, type EvalReport } from './metrics.js';

/**
 * Scores → chosen labels under a model's decision rule. Single-label: class index per row, -1 for
 * a row the model is not sure about (only with `abstainBelow`); multilabel: n × K 0/1 matrix.
 */
export function decide(proba: Float32Array, n: number, K: number, decision: Decision): Int32Array | Uint8Array {
  if (decision.kind === 'argmax') return decision.abstainBelow !== undefined ? argmaxOrAbstain(proba, n, K, decision.abstainBelow) : argmaxRows(proba, n, K);
  return applyThresholds(proba, n, K, Float32Array.from(decision.thresholds), decision.topK);
}

/** How a single-label model with a "not sure" threshold fares on the rows it answers. */
export interface AbstentionReport {
  threshold: number;
  /** Fraction of rows answered (top probability ≥ threshold). */
  coverage: number;
  answered: number;
  /** Accuracy on the answered rows (0 when none is answered). */
  accuracy_answered: number;
}

export type ScoredReport = EvalReport & { abstention?: AbstentionReport };

/**
 * Metrics of already-computed scores against the true targets. With an abstain threshold the
 * headline metrics still cover every row (the top class is what the model would say if forced);
 * `abstention` tells how coverage and accuracy trade off at the stored threshold.
 */
export function scoreReport(task: Task, labels: readonly string[], targets: Targets, proba: Float32Array, decision: Decision): ScoredReport {
  const K = labels.length;
  const n = proba.length / K;
  if (targets.kind === 'single') {
    if (task === 'multilabel') throw new Error('single-label targets for a multilabel task');
    const predicted = argmaxRows(proba, n, K);
    const report: ScoredReport = evaluateSingleLabel(targets.y, predicted, proba, labels, task);
    if (decision.kind === 'argmax' && decision.abstainBelow !== undefined) report.abstention = abstention(targets.y, predicted, proba, n, K, decision.abstainBelow);
    return report;
  }
  const predicted = decide(proba, n, K, decision) as Uint8Array;
  return evaluateMultiLabel(targets.y, predicted, proba, labels);
}

function abstention(yTrue: Int32Array, predicted: Int32Array, proba: Float32Array, n: number, K: number, threshold: number): AbstentionReport {
  let answered = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    if (proba[i * K + predicted[i]] < threshold) continue;
    answered++;
    correct += predicted[i] === yTrue[i] ? 1 : 0;
  }
  return { threshold, coverage: n > 0 ? answered / n : 0, answered, accuracy_answered: answered > 0 ? correct / answered : 0 };
}

/** Predicts `texts` in batches (bounded memory for the intermediate matrices) and returns all scores. */
export function predictInBatches(classifier: Classifier, texts: readonly string[], batchSize = 4096, onBatch?: (done: number) => void): Float32Array {
  const K = classifier.labels.length;
  const out = new Float32Array(texts.length * K);
  for (let start = 0; start < texts.length; start += batchSize) {
    const batch = texts.slice(start, start + batchSize);
    out.set(classifier.predictProba(batch), start * K);
    onBatch?.(Math.min(texts.length, start + batchSize));
  }
  return out;
}
