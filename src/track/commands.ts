import path from 'node:path';
import type { EvalReport } from '../eval/metrics.js';
import { resolveDataPath } from '../recipe/load.js';
import type { Recipe } from '../recipe/schema.js';
import type { TrainResult } from '../train/train.js';
import { numericMetrics, type RunEnd, type RunStart } from './record.js';
import type { RunStep } from './runs-db.js';

/** What a command gives `tracked()`: how the run starts, what its result records, what a failure records. */
export interface RunRecord<T> {
  start: RunStart;
  end: (result: T) => RunEnd;
  onFailure: RunEnd;
}

/** The data files a recipe reads: train, dev and test files and the label files beside them. */
export function recipeDataPaths(recipe: Recipe, dataDir: string): Record<string, string | undefined> {
  const d = recipe.data;
  const at = (p: string | undefined) => (p ? resolveDataPath(dataDir, p) : undefined);
  return {
    train: at(d.train),
    dev: at(d.dev),
    test: at(d.test),
    label_names: typeof d.label_names === 'string' ? at(d.label_names) : undefined,
    label_map: at(recipe.labels?.map_file),
  };
}

export function trainRunRecord(recipe: Recipe, dataDir: string, outDir: string, argv: readonly string[]): RunRecord<TrainResult> {
  const data = recipeDataPaths(recipe, dataDir);
  return {
    start: { command: 'train', recipeName: recipe.name, recipe, seed: recipe.training.seed, argv },
    end: (r) => ({
      metrics: { ...numericMetrics(r.dev, 'dev_'), ...numericMetrics(r.test, 'test_'), train_rows: r.trainRows, dev_rows: r.devRows, seconds: r.seconds },
      steps: trainingSteps(r.manifest.training as Record<string, unknown>),
      artifacts: { model_dir: path.resolve(outDir) },
      data,
    }),
    onFailure: { data },
  };
}

/**
 * Per-epoch values from the manifest's training section: fastText-style epochs (train loss,
 * learning rate, the early-stopping dev metric) or the linear models' loss per iteration.
 */
export function trainingSteps(training: Record<string, unknown>): RunStep[] {
  const steps: RunStep[] = [];
  const epochs = training.epochs;
  if (Array.isArray(epochs)) {
    for (const e of epochs as Record<string, unknown>[]) {
      const step = Number(e.epoch);
      for (const [name, value] of Object.entries(e)) if (name !== 'epoch' && typeof value === 'number') steps.push({ step, name, value });
    }
  }
  const curve = training.loss_curve;
  if (Array.isArray(curve)) curve.forEach((value, i) => typeof value === 'number' && steps.push({ step: i + 1, name: 'loss', value }));
  return steps;
}

export function evalRunRecord(modelDir: string, dataPath: string, manifest: { name: string; recipe?: unknown }, argv: readonly string[]): RunRecord<EvalReport> {
  const recipe = (manifest.recipe ?? null) as { training?: { seed?: number } } | null;
  return {
    start: { command: 'eval', recipeName: manifest.name, recipe, seed: recipe?.training?.seed ?? null, argv },
    end: (report) => ({ metrics: numericMetrics(report, 'eval_'), artifacts: { model_dir: path.resolve(modelDir) }, data: { eval: dataPath } }),
    onFailure: { data: { eval: dataPath } },
  };
}

export interface CvSummaryLike {
  [metric: string]: { mean: number; std: number; folds: number[] };
}

export function cvRunRecord(recipe: Recipe, dataDir: string, k: number, argv: readonly string[]): RunRecord<CvSummaryLike> {
  const data = recipeDataPaths(recipe, dataDir);
  return {
    start: { command: 'cv', recipeName: recipe.name, recipe, seed: recipe.training.seed, argv },
    end: (summary) => {
      const metrics: Record<string, number> = { folds: k };
      const steps: RunStep[] = [];
      for (const [name, s] of Object.entries(summary)) {
        metrics[`cv_mean_${name}`] = s.mean;
        metrics[`cv_std_${name}`] = s.std;
        s.folds.forEach((value, i) => steps.push({ step: i + 1, name, value }));
      }
      return { metrics, steps, data };
    },
    onFailure: { data },
  };
}
