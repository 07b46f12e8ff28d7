import { encodeTargets } from '../data/labels.js';
import type { Task } from '../data/targets.js';
import type { SkippedRow } from '../data/types.js';
import { DataError, RecipeError } from '../errors.js';
import { scoreReport, predictInBatches } from '../eval/evaluate.js';
import type { EvalReport } from '../eval/metrics.js';
import { shrinkThresholds, tuneThresholds } from '../eval/thresholds.js';
import type { Classifier, FitInput, ProgressFn } from '../models/classifier.js';
import { FasttextClassifier } from '../models/fasttext/index.js';
import { TfidfLogregClassifier } from '../models/tfidf-logreg.js';
import { saveModel, type Decision, type Manifest } from '../persist/model-dir.js';
import type { Recipe } from '../recipe/schema.js';
import type { NormalizeConfig } from '../text/normalize.js';
import { TEXTCLASS_VERSION } from '../version.js';
import { fitModel } from './model-choice.js';
import { resolveFeatures } from './text-defaults.js';
import { prepareData } from './prepare-data.js';
import { epochLine, manifestTrace, trainingControlsOf } from './training-controls.js';

export interface TrainOptions {
  recipe: Recipe;
  dataDir: string;
  outDir: string;
  progress?: ProgressFn;
  /** One line of human-readable status at a time (file read, rows skipped). */
  log?: (line: string) => void;
  /** Overrides the recipe's data.on_bad_row. */
  onBadRow?: 'error' | 'skip';
}

export interface TrainResult {
  manifest: Manifest;
  classifier: Classifier;
  /** Metrics on the dev data with the stored decision rule; null when there is no dev data. */
  dev: EvalReport | null;
  /** Multilabel with tuned thresholds: dev metrics at the fixed 0.5 threshold, for comparison. */
  devAtFixedThreshold: EvalReport | null;
  /** Metrics on the test data (a test file or test_split), with the same decision rule; null when none. */
  test: EvalReport | null;
  trainRows: number;
  devRows: number;
  testRows: number;
  skipped: SkippedRow[];
  /** Rows left out on purpose (label rules, last dialog turns), by reason. */
  dropped: Map<string, number>;
  seconds: number;
}

export async function trainFromRecipe(opts: TrainOptions): Promise<TrainResult> {
  const started = performance.now();
  const { recipe, dataDir } = opts;
  const data = await prepareData(recipe, dataDir, { log: opts.log, onBadRow: opts.onBadRow, onProgress: opts.progress });
  const { labels, skipped, dropped } = data;
  const trainExamples = data.train;
  const devExamples = data.dev;
  const trainPath = data.origin.train;
  if (skipped.length > 0) opts.log?.(`skipped ${skipped.length} bad rows (on_bad_row: skip)`);
  const task: Task = recipe.task;
  if (labels.length < 2) {
    throw new DataError({ file: trainPath, field: 'labels' }, `training needs at least 2 labels, found ${labels.length} (${labels.join(', ')}); check the label column and the recipe's label rules`);
  }
  if (task === 'binary' && labels.length !== 2) {
    throw new DataError({ file: trainPath, field: 'labels' }, `task binary needs exactly 2 labels, found ${labels.length} (${labels.join(', ')}); use task multiclass`);
  }
  const targets = encodeTargets(trainExamples, labels, task);
  const resolved = resolveFeatures(recipe.features, trainExamples.map((e) => e.text));
  if (recipe.features.analyzer === 'auto') opts.log?.(`text looks ${resolved.script}: analyzer ${resolved.analyzer}, ngram_range [${resolved.ngramRange.join(', ')}]`);
  const controls = trainingControlsOf(recipe.training, labels);
  const devTargets = devExamples.length > 0 ? encodeTargets(devExamples, labels, task) : null;
  if (controls.earlyStopping && !devTargets) {
    throw new RecipeError('training.early_stopping: no dev rows to score (the dev data is empty after reading and label rules)', recipe.name);
  }
  const epochs = recipe.model.type === 'fasttext' ? recipe.model.epoch : 0;
  const fitInput: FitInput = {
    task,
    labels,
    texts: trainExamples.map((e) => e.text),
    targets,
    seed: recipe.training.seed,
    progress: opts.progress,
    // Gradient-trained models score these after each epoch when early stopping is on; others ignore them.
    ...(devTargets ? { validation: { texts: devExamples.map((e) => e.text), targets: devTargets } } : {}),
    training: controls,
    ...(opts.log ? { onEpoch: (r) => opts.log?.(epochLine(r, epochs, controls.earlyStopping?.metric ?? null)) } : {}),
  };
  const classifier = await fitModel(
    recipe.model,
    fitInput,
    {
      normalize: normalizeConfigOf(recipe),
      tfidf: {
        analyzer: resolved.analyzer,
        tokenPattern: recipe.features.token_pattern,
        ngramRange: resolved.ngramRange,
        minDf: recipe.features.min_df,
        maxDf: recipe.features.max_df,
        maxFeatures: recipe.features.max_features,
        hashBuckets: recipe.features.hash_buckets,
        sublinearTf: recipe.features.sublinear_tf,
        useIdf: recipe.features.use_idf,
        smoothIdf: recipe.features.smooth_idf,
        norm: recipe.features.norm,
        stopWords: recipe.features.stop_words,
        stem: recipe.features.stemming,
      },
    },
  );

  let decision: Decision = task === 'multilabel' ? { kind: 'thresholds', thresholds: labels.map(() => recipe.evaluation.threshold), tunedOn: 'none' } : { kind: 'argmax' };
  let dev: EvalReport | null = null;
  let devAtFixedThreshold: EvalReport | null = null;
  if (devTargets) {
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
  let test: EvalReport | null = null;
  if (data.test.length > 0) {
    const testTargets = encodeTargets(data.test, labels, task);
    test = scoreReport(task, labels, testTargets, predictInBatches(classifier, data.test.map((e) => e.text)), decision);
  }

  const trace = classifier instanceof TfidfLogregClassifier ? classifier.trace : null;
  const epochTrace = classifier instanceof FasttextClassifier ? classifier.trace : null;
  if (epochTrace?.stoppedEarly) opts.log?.(`early stopping: kept epoch ${epochTrace.bestEpoch}, the best on dev ${epochTrace.metric}, of ${epochTrace.epochs.length} run`);
  const seconds = (performance.now() - started) / 1000;
  const manifest = saveModel(
    opts.outDir,
    classifier,
    {
      name: recipe.name,
      task,
      labels,
      reader: data.spec.reader as unknown as Record<string, unknown>,
      ...(data.spec.dialog ? { dialog: data.spec.dialog as unknown as Record<string, unknown> } : {}),
      ...(data.spec.labelMap ? { labelMap: data.spec.labelMap as unknown as Record<string, unknown> } : {}),
      decision,
      recipe: recipe as unknown as Record<string, unknown>,
      metrics: { dev: dev ?? null, dev_at_fixed_threshold: devAtFixedThreshold ?? null, test },
      training: {
        train_rows: trainExamples.length,
        dev_rows: devExamples.length,
        test_rows: data.test.length,
        skipped_rows: skipped.length,
        dropped_rows: Object.fromEntries(dropped),
        data_origin: data.origin,
        ...(data.sampling ? { sampling: data.sampling } : {}),
        seconds,
        seed: recipe.training.seed,
        features: { script: resolved.script, analyzer: resolved.analyzer, ngram_range: resolved.ngramRange },
        ...(trace ? { iterations: trace.iterations, converged: trace.converged, final_loss: trace.finalLoss, num_features: trace.numFeatures, loss_curve: trace.lossCurve } : {}),
        ...(epochTrace ? manifestTrace(epochTrace) : {}),
      },
    },
    TEXTCLASS_VERSION,
  );
  return { manifest, classifier, dev, devAtFixedThreshold, test, trainRows: trainExamples.length, devRows: devExamples.length, testRows: data.test.length, skipped, dropped, seconds };
}

function normalizeConfigOf(recipe: Recipe): NormalizeConfig {
  const p = recipe.preprocessing;
  return {
    unicode: p.unicode,
    lowercase: p.lowercase,
    stripHtml: p.strip_html,
    urls: p.replace_urls,
    emails: p.replace_emails,
    mentions: p.replace_mentions,
    numbers: p.replace_numbers,
  };
}
