import { encodeTargets } from '../data/labels.js';
import { kFold, splitGroupsOf } from '../data/split.js';
import type { Targets } from '../data/targets.js';
import type { Example } from '../data/types.js';
import { scoreReport, type ScoredReport } from '../eval/evaluate.js';
import { scoreInBatches } from '../models/score-texts.js';
import type { Decision } from '../persist/model-dir.js';
import type { Recipe } from '../recipe/schema.js';
import { fitRecipeModel } from './fit-recipe.js';
import { resample } from './prepare-data.js';
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
}

/**
 * k-fold cross-validation of a recipe on `examples`: folds are stratified (iteratively for
 * multilabel), never split a dialog, and, with the recipe's `split_groups: text`, never split equal
 * texts (`splitGroupsOf`). Each fold's
 * training part goes through the recipe's sampling; the held-out fold is scored as it is, so the
 * metrics describe the natural label distribution.
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
  const outOfFold = new Float32Array(examples.length * K);
  const reports: ScoredReport[] = [];
  const inFold = new Int32Array(examples.length);
  for (let f = 0; f < k; f++) {
    options.onFold?.(f, k);
    inFold.fill(0);
    for (const i of folds[f]) inFold[i] = 1;
    const trainRows = examples.filter((_, i) => inFold[i] === 0);
    const heldOut = folds[f].map((i) => examples[i]);
    const sampled = resample(recipe, trainRows).rows;
    const classifier = await fitRecipeModel(recipe, labels, sampled, options.resolved, { progress: options.progress });
    const proba = await scoreInBatches(classifier, heldOut.map((e) => e.text));
    folds[f].forEach((row, j) => outOfFold.set(proba.subarray(j * K, (j + 1) * K), row * K));
    reports.push(scoreReport(recipe.task, labels, encodeTargets(heldOut, labels, recipe.task), proba, options.decision));
  }
  return { k, folds, outOfFold, targets, reports };
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
