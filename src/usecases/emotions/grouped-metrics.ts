import type { Targets, Task } from '../../data/targets.js';
import { decide } from '../../eval/evaluate.js';
import { evaluateMultiLabel, evaluateSingleLabel, type EvalReport } from '../../eval/metrics.js';
import type { Decision } from '../../persist/model-dir.js';
import { groupScores, type ResolvedGrouping } from './grouping.js';

/**
 * The model's decisions and the true labels both seen through a grouping, measured like any
 * model: what a user asking for Ekman emotions from a 28-emotion model actually gets. Multilabel:
 * a text has a group when it has (or the model chose) one of its members; single-label: the
 * group of the one label.
 */
export function groupedReport(task: Task, labels: readonly string[], targets: Targets, proba: Float32Array, decision: Decision, resolved: ResolvedGrouping): EvalReport {
  const K = labels.length;
  const G = resolved.groupNames.length;
  const n = proba.length / K;
  const { groupOf } = resolved;
  const groupProba = new Float32Array(n * G);
  for (let i = 0; i < n; i++) groupProba.set(groupScores(resolved, proba, i * K, task === 'multilabel'), i * G);

  if (targets.kind === 'multi') {
    const predicted = decide(proba, n, K, decision) as Uint8Array;
    const yTrue = new Uint8Array(n * G);
    const yPred = new Uint8Array(n * G);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) {
        const g = groupOf[k];
        if (g < 0) continue;
        if (targets.y[i * K + k] === 1) yTrue[i * G + g] = 1;
        if (predicted[i * K + k] === 1) yPred[i * G + g] = 1;
      }
    }
    return evaluateMultiLabel(yTrue, yPred, groupProba, resolved.groupNames);
  }
  // Single-label groupings keep every label (resolveGrouping refuses `drop`), so groupOf ≥ 0.
  const predicted = decide(proba, n, K, { kind: 'argmax' }) as Int32Array;
  const yTrue = new Int32Array(n);
  const yPred = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    yTrue[i] = groupOf[targets.y[i]];
    yPred[i] = groupOf[predicted[i]];
  }
  return evaluateSingleLabel(yTrue, yPred, groupProba, resolved.groupNames, G === 2 ? 'binary' : 'multiclass');
}
