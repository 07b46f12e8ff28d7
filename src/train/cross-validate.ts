import { encodeTargets } from '../data/labels.js';
import { kFold, splitGroupsOf } from '../data/split.js';
import type { Targets } from '../data/targets.js';
import type { Example } from '../data/types.js';
import { scoreReport, type ScoredReport } from '../eval/evaluate.js';
import type { Decision } from '../persist/model-dir.js';
import type { Recipe } from '../recipe/schema.js';
import { fitAndScoreFold } from './fold-fit.js';
import { foldWorkerAvailable, scoreFoldsInWorkers } from './fold-pool.js';
import { foldThreads } from './fold-threads.js';
import type { ResolvedFeatures } from './text-defaults.js';

export interface CrossValidationResult {
  k: number;
  /** Row indices of each held-out fold, ascending. */
  folds: number[][];
  /** Out-of-fold scores, n × K: row i scored by the model that did not see it. */
  outOfFold: Float32Array;
  targets: Targets;
  /** Metrics of each fold's held-out rows. */
  reports: ScoredReport[];
}

export interface CrossValidateOptions {
  k: number;
  resolved: ResolvedFeatures;
  /** How each fold's scores become labels (multilabel: the recipe's fixed threshold). */
  decision: Decision;
  /** Called when a fold starts (0-based) so the CLI can show where it is. */
  onFold?: (fold: number, k: number) => void;
  progress?: (phase: string, done: number, total: number) => void;
  /**
   * Threads that fit folds side by side (worker threads; capped at k). Default: 2 when the model
   * fits on one thread (linear models, naive Bayes), there are two cores and enough work
   * (MIN_PARALLEL_WORK in fold-threads.ts); 1 for fastText-style and ONNX models and large
   * multilabel logistic fits, which use threads of their own. The results are the same bytes either way.
   */
  threads?: number;
}

/**
 * k-fold cross-validation of a recipe on `examples`: folds are stratified (iteratively for
 * multilabel), never split a dialog, and, with the recipe's `split_groups: text`, never split equal
 * texts (`splitGroupsOf`). Each fold's
 * training part goes through the recipe's sampling; the held-out fold is scored as it is, so the
 * metrics describe the natural label distribution. Folds may be fitted side by side on worker
 * threads (`options.threads`); the result is the same either way, byte for byte.
 */
export async function crossValidate(recipe: Recipe, labels: readonly string[], examples: readonly Example[], options: CrossValidateOptions): Promise<CrossValidationResult> {
  const { k } = options;
  const K = labels.length;
  const folds = kFold(
    examples.map((e) => e.labels),
    {
      k,
      seed: recipe.training.seed,
      multilabel: recipe.task === 'multilabel',
      groups: splitGroupsOf(examples, recipe.data.split_groups === 'text'),
    },
  );
  const targets = encodeTargets(examples, labels, recipe.task);
  const foldScores = await scoreFolds(recipe, labels, examples, folds, options);
  // Assembled here, in fold order, whichever thread fitted a fold: the results do not depend on threads.
  const outOfFold = new Float32Array(examples.length * K);
  const reports: ScoredReport[] = [];
  for (let f = 0; f < k; f++) {
    const proba = foldScores[f];
    const heldOut = folds[f].map((i) => examples[i]);
    folds[f].forEach((row, j) => outOfFold.set(proba.subarray(j * K, (j + 1) * K), row * K));
    reports.push(scoreReport(recipe.task, labels, encodeTargets(heldOut, labels, recipe.task), proba, options.decision));
  }
  return { k, folds, outOfFold, targets, reports };
}

/** Each fold's held-out scores, in fold order: on worker threads when that pays (see foldThreads), else one after the other here. */
async function scoreFolds(recipe: Recipe, labels: readonly string[], examples: readonly Example[], folds: number[][], options: CrossValidateOptions): Promise<Float32Array[]> {
  const k = folds.length;
  const threads = foldThreads(recipe, examples, labels, k, options.resolved, options.threads);
  if (threads > 1 && foldWorkerAvailable()) {
    const data = { recipe, labels, examples, folds, resolved: options.resolved, reportProgress: options.progress !== undefined };
    return scoreFoldsInWorkers(data, threads, { onFold: options.onFold, progress: options.progress });
  }
  const scores: Float32Array[] = [];
  for (let f = 0; f < k; f++) {
    options.onFold?.(f, k);
    scores.push(await fitAndScoreFold(recipe, labels, examples, folds[f], options.resolved, options.progress));
  }
  return scores;
}

/** Mean and sample standard deviation of every numeric headline metric across folds. */
export function summarizeFolds(reports: readonly ScoredReport[]): Record<string, { mean: number; std: number; folds: number[] }> {
  const out: Record<string, { mean: number; std: number; folds: number[] }> = {};
  if (reports.length === 0) return out;
  const keys = Object.keys(reports[0]).filter((key) => reports.every((r) => typeof (r as unknown as Record<string, unknown>)[key] === 'number') && key !== 'n');
  for (const key of keys) {
    const values = reports.map((r) => (r as unknown as Record<string, number>)[key]);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0;
    out[key] = { mean, std: Math.sqrt(variance), folds: values };
  }
  return out;
}
