import type { Task, Targets } from '../../data/targets.js';
import { scoreReport } from '../../eval/evaluate.js';
import type { Decision } from '../../persist/model-dir.js';
import type { EarlyStopping, EarlyStoppingMetric } from '../classifier.js';
import type { Weights } from './train-core.js';

/** Probabilities are clipped here before logs, as the eval module's log loss does. */
const EPS = 1e-15;

/**
 * The early-stopping metric of `proba` (row-major n × K) against the validation targets.
 * Multilabel metrics use the fixed 0.5 threshold: tuned thresholds come after training.
 */
export function validationMetric(metric: EarlyStoppingMetric, task: Task, labels: readonly string[], targets: Targets, proba: Float32Array): number {
  if (metric === 'loss') return meanLoss(targets, proba, labels.length);
  const decision: Decision = task === 'multilabel' ? { kind: 'thresholds', thresholds: labels.map(() => 0.5), tunedOn: 'none' } : { kind: 'argmax' };
  return scoreReport(task, labels, targets, proba, decision)[metric];
}

/** Single-label: log loss of the true class. Multilabel: binary cross entropy averaged over rows and labels. */
function meanLoss(t: Targets, proba: Float32Array, K: number): number {
  const n = proba.length / K;
  if (n === 0) return 0;
  let sum = 0;
  if (t.kind === 'single') {
    for (let i = 0; i < n; i++) sum -= Math.log(Math.min(1 - EPS, Math.max(EPS, proba[i * K + t.y[i]])));
    return sum / n;
  }
  for (let c = 0; c < n * K; c++) {
    const p = Math.min(1 - EPS, Math.max(EPS, proba[c]));
    sum -= t.y[c] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / (n * K);
}

/**
 * Keeps a copy of the best weights seen and says when to stop: after `patience` epochs in a row
 * without an improvement of more than `minDelta` (lower is better for `loss`, higher otherwise).
 */
export class EarlyStopper {
  private best: { epoch: number; value: number; input: Float32Array; output: Float32Array } | null = null;
  private sinceBest = 0;

  constructor(private readonly rule: EarlyStopping) {}

  /** Records epoch `epoch` (1-based) with its dev value; true when training should stop. */
  update(epoch: number, value: number, w: Weights): boolean {
    if (this.best === null || this.improves(value, this.best.value)) {
      // Copies into buffers kept from the last best: the input matrix can be hundreds of MB.
      const input = this.best?.input ?? new Float32Array(w.input.length);
      const output = this.best?.output ?? new Float32Array(w.output.length);
      input.set(w.input);
      output.set(w.output);
      this.best = { epoch, value, input, output };
      this.sinceBest = 0;
      return false;
    }
    this.sinceBest++;
    return this.sinceBest >= this.rule.patience;
  }

  private improves(value: number, best: number): boolean {
    if (Number.isNaN(value)) return false;
    return this.rule.metric === 'loss' ? value < best - this.rule.minDelta : value > best + this.rule.minDelta;
  }

  get bestEpoch(): number | null {
    return this.best?.epoch ?? null;
  }

  /** Puts the best weights back into `w` (in place: workers and the classifier share them). */
  restore(w: Weights): void {
    if (!this.best) return;
    w.input.set(this.best.input);
    w.output.set(this.best.output);
  }
}
