import { encodeTargets } from '../data/labels.js';
import type { Example } from '../data/types.js';
import { DataError, RecipeError } from '../errors.js';
import { scoreReport } from '../eval/evaluate.js';
import { scoreInBatches } from '../models/score-texts.js';
import type { Decision } from '../persist/model-dir.js';
import type { Recipe } from '../recipe/schema.js';
import { fitRecipeModel } from '../train/fit-recipe.js';
import { prepareData, type PreparedData } from '../train/prepare-data.js';
import { resolveFeatures } from '../train/text-defaults.js';
import { createRng, shuffleInPlace } from '../util/random.js';

/**
 * The recipe fields that decide what `prepareData` returns. Trials that differ only elsewhere
 * (model, features) share one read of the data; a trial that changes dialog context or sampling
 * gets its own.
 */
export function preparationKey(recipe: Recipe, onBadRow: string | undefined): string {
  return JSON.stringify({ data: recipe.data, labels: recipe.labels ?? null, dialog: recipe.dialog ?? null, sampling: recipe.sampling, seed: recipe.training.seed, onBadRow: onBadRow ?? null });
}

/** Prepared data by preparation key; the oldest entry goes first, so a sweep over dialog context keeps memory bounded. */
export class PreparedDataCache {
  private readonly entries = new Map<string, Promise<PreparedData>>();
  constructor(private readonly capacity = 3) {}

  get(recipe: Recipe, dataDir: string, onBadRow?: 'error' | 'skip'): Promise<PreparedData> {
    const key = preparationKey(recipe, onBadRow) + '\0' + dataDir;
    let entry = this.entries.get(key);
    if (entry) {
      // Most recently used goes last.
      this.entries.delete(key);
    } else {
      entry = prepareData(recipe, dataDir, { onBadRow });
      entry.catch(() => this.entries.delete(key));
    }
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}

export interface TrialScore {
  value: number;
  /** The headline metrics of the dev report, for the journal and `textclass runs`. */
  metrics: Record<string, number>;
  trainRows: number;
}

const HEADLINE = ['accuracy', 'balanced_accuracy', 'macro_f1', 'micro_f1', 'weighted_f1', 'log_loss'];

/**
 * Fits the recipe's model on the training rows (or a seeded, per-label `fraction` of them) and
 * scores the dev rows with the fixed decision rule (argmax; multilabel: evaluation.threshold).
 * Calibration and threshold tuning are left out: they are fitted after the model, on the same dev
 * rows, and would make every trial look better by the same optimism.
 */
export async function scoreTrial(recipe: Recipe, data: PreparedData, metric: string, fraction = 1): Promise<TrialScore> {
  if (data.dev.length === 0) throw new RecipeError('tune: no dev rows to score trials on; set data.dev or data.dev_split');
  if (data.labels.length < 2) throw new DataError({ file: data.origin.train, field: 'labels' }, `training needs at least 2 labels, found ${data.labels.length}`);
  const train = fraction < 1 ? stratifiedFraction(data.train, fraction, recipe.training.seed) : data.train;
  const resolved = resolveFeatures(recipe.features, train.map((e) => e.text));
  const model = await fitRecipeModel(recipe, data.labels, train, resolved);
  const devTargets = encodeTargets(data.dev, data.labels, recipe.task);
  const decision: Decision = recipe.task === 'multilabel' ? { kind: 'thresholds', thresholds: data.labels.map(() => recipe.evaluation.threshold), tunedOn: 'none' } : { kind: 'argmax' };
  const report = scoreReport(recipe.task, data.labels, devTargets, await scoreInBatches(model, data.dev.map((e) => e.text)), decision) as unknown as Record<string, unknown>;
  const value = report[metric];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const names = Object.keys(report).filter((k) => typeof report[k] === 'number');
    throw new RecipeError(`tune.metric: "${metric}" is not a number in the dev report of this task (metrics: ${names.join(', ')})`);
  }
  const metrics: Record<string, number> = {};
  for (const k of HEADLINE) if (typeof report[k] === 'number') metrics[k] = report[k] as number;
  metrics[metric] = value;
  return { value, metrics, trainRows: train.length };
}

/** A seeded sample of `fraction` of each label's rows (by first label), at least one per label. */
export function stratifiedFraction(rows: readonly Example[], fraction: number, seed: number): Example[] {
  const byLabel = new Map<string, number[]>();
  rows.forEach((e, i) => {
    const key = e.labels[0] ?? '';
    let list = byLabel.get(key);
    if (!list) byLabel.set(key, (list = []));
    list.push(i);
  });
  const rng = createRng(seed ^ 0x5eed);
  const picked: number[] = [];
  for (const list of byLabel.values()) {
    shuffleInPlace(list, rng);
    picked.push(...list.slice(0, Math.max(1, Math.round(list.length * fraction))));
  }
  picked.sort((a, b) => a - b);
  return picked.map((i) => rows[i]);
}
