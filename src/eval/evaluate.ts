import type { Task, Targets } from '../data/targets.js';
import type { Classifier } from '../models/classifier.js';
import type { Decision } from '../persist/model-dir.js';
import { applyThresholds, argmaxRows } from './decide.js';
import { evaluateMultiLabel, evaluateSingleLabel, type EvalReport } from './metrics.js';

/** Scores → chosen labels under a model's decision rule. Single-label: class index per row. */
export function decide(proba: Float32Array, n: number, K: number, decision: Decision): Int32Array | Uint8Array {
  if (decision.kind === 'argmax') return argmaxRows(proba, n, K);
  return applyThresholds(proba, n, K, Float32Array.from(decision.thresholds));
}

/** Metrics of already-computed scores against the true targets. */
export function scoreReport(task: Task, labels: readonly string[], targets: Targets, proba: Float32Array, decision: Decision): EvalReport {
  const K = labels.length;
  const n = proba.length / K;
  const predicted = decide(proba, n, K, decision);
  if (targets.kind === 'single') {
    if (task === 'multilabel') throw new Error('single-label targets for a multilabel task');
    return evaluateSingleLabel(targets.y, predicted as Int32Array, proba, labels, task);
  }
  return evaluateMultiLabel(targets.y, predicted as Uint8Array, proba, labels);
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
