import { discoverLabels, encodeTargets, orderBinaryLabels } from '../data/labels.js';
import { collectExamples } from '../data/read.js';
import { stratifiedSplit } from '../data/split.js';
import type { Task } from '../data/targets.js';
import type { Example, ReaderConfig, SkippedRow } from '../data/types.js';
import { DataError } from '../errors.js';
import { scoreReport, predictInBatches } from '../eval/evaluate.js';
import type { EvalReport } from '../eval/metrics.js';
import { shrinkThresholds, tuneThresholds } from '../eval/thresholds.js';
import type { Classifier, ProgressFn } from '../models/classifier.js';
import { tfidfLogreg, TfidfLogregClassifier } from '../models/tfidf-logreg.js';
import { saveModel, type Decision, type Manifest } from '../persist/model-dir.js';
import { resolveDataPath } from '../recipe/load.js';
import type { Recipe } from '../recipe/schema.js';
import { TEXTCLASS_VERSION } from '../version.js';
import { readerConfigFromRecipe } from './reader-config.js';

export interface TrainOptions {
  recipe: Recipe;
  dataDir: string;
  outDir: string;
  progress?: ProgressFn;
  /** One line of human-readable status at a time (file read, rows skipped). */
  log?: (line: string) => void;
}

export interface TrainResult {
  manifest: Manifest;
  classifier: Classifier;
  /** Metrics on the dev data with the stored decision rule; null when there is no dev data. */
  dev: EvalReport | null;
  /** Multilabel with tuned thresholds: dev metrics at the fixed 0.5 threshold, for comparison. */
  devAtFixedThreshold: EvalReport | null;
  trainRows: number;
  devRows: number;
  skipped: SkippedRow[];
  seconds: number;
}

export async function trainFromRecipe(opts: TrainOptions): Promise<TrainResult> {
  const started = performance.now();
  const { recipe, dataDir } = opts;
  const log = opts.log ?? (() => {});
  const reader = readerConfigFromRecipe(recipe.data, dataDir);
  const onBadRow = recipe.data.on_bad_row;
  const skipped: SkippedRow[] = [];

  const trainPath = resolveDataPath(dataDir, recipe.data.train);
  log(`reading train data ${trainPath}`);
  let { examples: trainExamples } = await collectExamples(trainPath, reader, { onBadRow, skipped });
  let devExamples: Example[] = [];
  if (recipe.data.dev) {
    const devPath = resolveDataPath(dataDir, recipe.data.dev);
    log(`reading dev data ${devPath}`);
    devExamples = (await collectExamples(devPath, reader, { onBadRow, skipped })).examples;
  } else if (recipe.data.dev_split) {
    const { train, held } = stratifiedSplit(trainExamples, recipe.data.dev_split, recipe.training.seed);
    devExamples = held.map((i) => trainExamples[i]);
    trainExamples = train.map((i) => trainExamples[i]);
  }
  if (skipped.length > 0) log(`skipped ${skipped.length} bad rows (on_bad_row: skip)`);

  const labels = labelSetFor(recipe, reader, trainExamples);
  const task: Task = recipe.task;
  if (task === 'binary' && labels.length !== 2) {
    throw new DataError({ file: trainPath, field: 'labels' }, `task binary needs exactly 2 labels, found ${labels.length} (${labels.join(', ')}); use task multiclass`);
  }
  const targets = encodeTargets(trainExamples, labels, task);
  const classifier = await tfidfLogreg.fit(
    { task, labels, texts: trainExamples.map((e) => e.text), targets, seed: recipe.training.seed, progress: opts.progress },
    {
      normalize: { unicode: recipe.preprocessing.unicode, lowercase: recipe.preprocessing.lowercase, stripHtml: recipe.preprocessing.strip_html },
      tfidf: {
        tokenPattern: recipe.features.token_pattern,
        ngramRange: recipe.features.ngram_range,
        minDf: recipe.features.min_df,
        maxDf: recipe.features.max_df,
        maxFeatures: recipe.features.max_features,
        sublinearTf: recipe.features.sublinear_tf,
        useIdf: recipe.features.use_idf,
        smoothIdf: recipe.features.smooth_idf,
        norm: recipe.features.norm,
      },
      logistic: { C: recipe.model.C, maxIter: recipe.model.max_iter, tol: recipe.model.tol },
      classWeight: recipe.model.class_weight,
    },
  );

  let decision: Decision = task === 'multilabel' ? { kind: 'thresholds', thresholds: labels.map(() => recipe.evaluation.threshold), tunedOn: 'none' } : { kind: 'argmax' };
  let dev: EvalReport | null = null;
  let devAtFixedThreshold: EvalReport | null = null;
  if (devExamples.length > 0) {
    const devTargets = encodeTargets(devExamples, labels, task);
    const proba = predictInBatches(classifier, devExamples.map((e) => e.text));
    if (task === 'multilabel' && recipe.evaluation.thresholds === 'tune' && devTargets.kind === 'multi') {
      devAtFixedThreshold = scoreReport(task, labels, devTargets, proba, decision);
      const n = devExamples.length;
      const tuned = tuneThresholds(devTargets.y, proba, n, labels.length);
      const { threshold, threshold_prior_strength } = recipe.evaluation;
      decision = { kind: 'thresholds', thresholds: Array.from(shrinkThresholds(tuned, devTargets.y, n, labels.length, threshold, threshold_prior_strength)), tunedOn: 'dev' };
    }
    dev = scoreReport(task, labels, devTargets, proba, decision);
  }

  const trace = classifier instanceof TfidfLogregClassifier ? classifier.trace : null;
  const seconds = (performance.now() - started) / 1000;
  const manifest = saveModel(
    opts.outDir,
    classifier,
    {
      name: recipe.name,
      task,
      labels,
      reader: reader as unknown as Record<string, unknown>,
      decision,
      recipe: recipe as unknown as Record<string, unknown>,
      metrics: { dev: dev ?? null, dev_at_fixed_threshold: devAtFixedThreshold ?? null },
      training: {
        train_rows: trainExamples.length,
        dev_rows: devExamples.length,
        skipped_rows: skipped.length,
        seconds,
        seed: recipe.training.seed,
        ...(trace ? { iterations: trace.iterations, converged: trace.converged, final_loss: trace.finalLoss, num_features: trace.numFeatures, loss_curve: trace.lossCurve } : {}),
      },
    },
    TEXTCLASS_VERSION,
  );
  return { manifest, classifier, dev, devAtFixedThreshold, trainRows: trainExamples.length, devRows: devExamples.length, skipped, seconds };
}

/**
 * The model's label order: fixed by the data when it names its labels (label-names file, folder
 * list), otherwise the sorted labels seen in training; binary tasks put the positive label second.
 */
function labelSetFor(recipe: Recipe, reader: ReaderConfig, train: readonly Example[]): string[] {
  let labels: string[];
  if (reader.format === 'goemotions-tsv') labels = [...reader.labelNames];
  else if (reader.format === 'folder' && reader.labels) labels = [...reader.labels];
  else if (reader.format !== 'folder' && reader.labelNames) labels = [...reader.labelNames];
  else labels = discoverLabels(train);
  return recipe.task === 'binary' ? orderBinaryLabels(labels, recipe.data.positive_label) : labels;
}
