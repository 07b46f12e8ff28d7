import { applyCalibration, fitCalibration } from '../calibration/calibrator.js';
import { CalibratedClassifier } from '../calibration/calibrated-classifier.js';
import { encodeTargets } from '../data/labels.js';
import { targetCount, type Targets, type Task } from '../data/targets.js';
import type { Example, SkippedRow } from '../data/types.js';
import { DataError, RecipeError } from '../errors.js';
import { scoreReport, type ScoredReport } from '../eval/evaluate.js';
import { scoreInBatches } from '../models/score-texts.js';
import type { EvalReport } from '../eval/metrics.js';
import { shrinkThresholds, tuneAbstainThreshold, tuneGlobalThreshold, tuneThresholds, type GlobalThresholdMetric } from '../eval/thresholds.js';
import type { Classifier, ProgressFn } from '../models/classifier.js';
import { FasttextClassifier } from '../models/fasttext/index.js';
import { NbsvmClassifier } from '../models/nbsvm.js';
import { TfidfLogregClassifier } from '../models/tfidf-logreg.js';
import { saveModel, type Decision, type Manifest, type ManifestBody } from '../persist/model-dir.js';
import type { Recipe } from '../recipe/schema.js';
import { TEXTCLASS_VERSION } from '../version.js';
import { crossValidate } from './cross-validate.js';
import { fitRecipeModel } from './fit-recipe.js';
import { countLabels, prepareData } from './prepare-data.js';
import { resolveFeatures, resolveFoldLetters, type ResolvedFeatures } from './text-defaults.js';
import { epochLine, manifestTrace, trainingControlsOf } from './training-controls.js';
import { groupingMetrics, groupingsFromRecipe } from '../usecases/emotions/recipe-groupings.js';
import { nextTurnBaselines } from '../usecases/dialog/next-turn-baselines.js';
import { checkRatedRows, fitRatingForTraining } from '../usecases/rating/train-rating.js';
import { routingForTraining } from '../usecases/routing/routing-section.js';

export interface TrainOptions {
  recipe: Recipe;
  dataDir: string;
  outDir: string;
  progress?: ProgressFn;
  /** One line of human-readable status at a time (file read, rows skipped). */
  log?: (line: string) => void;
  /** Overrides the recipe's data.on_bad_row. */
  onBadRow?: 'error' | 'skip';
  /** Threads for the cross-validation inside training (tune_on: cv, the rating map); default: foldThreads' choice. */
  foldThreads?: number;
}

export interface TrainResult {
  manifest: Manifest;
  classifier: Classifier;
  /** Metrics on the dev data with the stored decision rule; null when there is no dev data. */
  dev: ScoredReport | null;
  /** Multilabel with tuned thresholds: dev metrics at the fixed 0.5 threshold, for comparison. */
  devAtFixedThreshold: EvalReport | null;
  /** With calibration: dev metrics of the uncalibrated scores, for comparison. */
  devUncalibrated: EvalReport | null;
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
  // Checked before the long fit: a grouping naming a label the data lacks fails now, not after.
  const groupings = groupingsFromRecipe(recipe, labels, dataDir);
  checkRatedRows(recipe, data);
  const resolved = resolveFeatures(recipe.features, trainExamples.map((e) => e.text));
  if (recipe.features.analyzer === 'auto') opts.log?.(`text looks ${resolved.script}: analyzer ${resolved.analyzer}, ngram_range [${resolved.ngramRange.join(', ')}]`);
  const foldLetters = resolveFoldLetters(recipe.preprocessing.fold_letters, resolved.script);
  if (recipe.preprocessing.fold_letters === 'auto' && foldLetters) opts.log?.(`text looks ${resolved.script}: fold_letters on (letter variants, tatweel, harakat, digits, ё folded)`);
  const controls = trainingControlsOf(recipe.training, labels);
  const devTargets = devExamples.length > 0 ? encodeTargets(devExamples, labels, task) : null;
  if (controls.earlyStopping && !devTargets) {
    throw new RecipeError('training.early_stopping: no dev rows to score (the dev data is empty after reading and label rules)', recipe.name);
  }
  const epochs = recipe.model.type === 'fasttext' ? recipe.model.epoch : 0;
  const rawClassifier = await fitRecipeModel(recipe, labels, trainExamples, resolved, {
    progress: opts.progress,
    // Gradient-trained models score these after each epoch when early stopping is on; others ignore them.
    ...(devTargets ? { validation: { texts: devExamples.map((e) => e.text), targets: devTargets } } : {}),
    ...(opts.log ? { onEpoch: (r) => opts.log?.(epochLine(r, epochs, controls.earlyStopping?.metric ?? null)) } : {}),
  });

  const ev = recipe.evaluation;
  const fixedDecision: Decision = task === 'multilabel' ? { kind: 'thresholds', thresholds: labels.map(() => ev.threshold), tunedOn: 'none' } : { kind: 'argmax' };
  const devRawProba = devTargets ? await scoreInBatches(rawClassifier, devExamples.map((e) => e.text)) : null;
  const tuning = await tuningScores(recipe, data.unsampledTrain, labels, resolved, fixedDecision, devTargets && devRawProba ? { proba: devRawProba, targets: devTargets } : null, opts);

  let classifier: Classifier = rawClassifier;
  let calibration: ManifestBody['calibration'];
  if (ev.calibration !== 'none') {
    if (!tuning) throw new RecipeError('evaluation.calibration: no held-out rows to fit it on; add dev data (data.dev or data.dev_split) or set evaluation.tune_on: cv', recipe.name);
    const state = fitCalibration(ev.calibration, task, tuning.proba, tuning.targets, targetCount(tuning.targets), labels.length);
    calibration = { ...state, fittedOn: ev.tune_on };
    classifier = new CalibratedClassifier(rawClassifier, state);
    tuning.proba = applyCalibration(state, task, tuning.proba, targetCount(tuning.targets), labels.length);
    opts.log?.(state.method === 'temperature' ? `calibration: temperature ${state.temperature.toPrecision(4)} fitted on ${ev.tune_on}` : `calibration: isotonic, fitted on ${ev.tune_on}`);
  }
  // top_k applies to fixed thresholds too; tunedDecision adds it to the rules it builds.
  const untuned: Decision = fixedDecision.kind === 'thresholds' && ev.top_k !== undefined ? { ...fixedDecision, topK: ev.top_k } : fixedDecision;
  const decision = tuning ? tunedDecision(recipe, labels, tuning, fixedDecision) : untuned;

  let dev: ScoredReport | null = null;
  let devAtFixedThreshold: EvalReport | null = null;
  let devUncalibrated: EvalReport | null = null;
  let devGrouped: Record<string, EvalReport> | null = null;
  let routingDev: { proba: Float32Array; targets: Targets } | null = null;
  if (devTargets && devRawProba) {
    const devProba = calibration ? applyCalibration(calibration, task, devRawProba, devExamples.length, labels.length) : devRawProba;
    if (decision.kind === 'thresholds' && decision.tunedOn !== 'none') devAtFixedThreshold = scoreReport(task, labels, devTargets, devProba, fixedDecision);
    if (calibration) devUncalibrated = scoreReport(task, labels, devTargets, devRawProba, decision);
    dev = scoreReport(task, labels, devTargets, devProba, decision);
    routingDev = { proba: devProba, targets: devTargets };
    if (groupings.length > 0) devGrouped = groupingMetrics(groupings, task, labels, devTargets, devProba, decision);
  }
  let test: EvalReport | null = null;
  if (data.test.length > 0) {
    const testTargets = encodeTargets(data.test, labels, task);
    test = scoreReport(task, labels, testTargets, await scoreInBatches(classifier, data.test.map((e) => e.text)), decision);
  }

  // Next-turn dialog models: what always answering the majority label, or guessing by frequency, scores on dev.
  const devBaselines = nextTurnBaselines(data.spec.dialog, labels, countLabels(data.unsampledTrain), devTargets, recipe.training.seed);
  // Review → stars (src/usecases/rating): positive probability → 1–10 stars, fitted on out-of-fold training scores.
  const rating = recipe.rating ? await fitRatingForTraining({ recipe, labels, resolved, data, classifier, calibration, outOfFold: ev.tune_on === 'cv' ? (tuning?.proba ?? null) : null, devRawProba, log: opts.log, ...(opts.foldThreads !== undefined ? { foldThreads: opts.foldThreads } : {}) }) : undefined;
  // Ticket routing (src/usecases/routing): per-tier metrics, abstention curve and threshold on dev.
  const routing = routingForTraining({ recipe, labels, dev: routingDev, labelMap: data.spec.labelMap, trainLabelCounts: countLabels(trainExamples) });
  const trace = rawClassifier instanceof TfidfLogregClassifier || rawClassifier instanceof NbsvmClassifier ? rawClassifier.trace : null;
  const epochTrace = rawClassifier instanceof FasttextClassifier ? rawClassifier.trace : null;
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
      ...(calibration ? { calibration } : {}),
      ...(groupings.length > 0 ? { groupings } : {}),
      ...(rating ? { rating } : {}),
      ...(routing ? { routing } : {}),
      recipe: recipe as unknown as Record<string, unknown>,
      metrics: { dev: dev ?? null, dev_at_fixed_threshold: devAtFixedThreshold ?? null, ...(devUncalibrated ? { dev_uncalibrated: devUncalibrated } : {}), ...(devGrouped ? { dev_grouped: devGrouped } : {}), test, ...(devBaselines ? { dev_baselines: devBaselines } : {}), ...(rating ? { rating: rating.metrics } : {}) },
      training: {
        train_rows: trainExamples.length,
        dev_rows: devExamples.length,
        test_rows: data.test.length,
        label_counts: { train: countLabels(trainExamples), ...(devExamples.length > 0 ? { dev: countLabels(devExamples) } : {}) },
        skipped_rows: skipped.length,
        dropped_rows: Object.fromEntries(dropped),
        data_origin: data.origin,
        ...(data.sampling ? { sampling: data.sampling } : {}),
        seconds,
        seed: recipe.training.seed,
        features: { script: resolved.script, analyzer: resolved.analyzer, ngram_range: resolved.ngramRange, fold_letters: foldLetters, ...(recipe.features.char_ngrams ? { char_ngrams: recipe.features.char_ngrams } : {}) },
        ...(trace ? { iterations: trace.iterations, converged: trace.converged, final_loss: trace.finalLoss, num_features: trace.numFeatures, loss_curve: trace.lossCurve } : {}),
        ...(epochTrace ? manifestTrace(epochTrace) : {}),
      },
    },
    TEXTCLASS_VERSION,
  );
  return { manifest, classifier, dev, devAtFixedThreshold, devUncalibrated, test, trainRows: trainExamples.length, devRows: devExamples.length, testRows: data.test.length, skipped, dropped, seconds };
}

interface TuningScores {
  proba: Float32Array;
  targets: Targets;
}

/**
 * The held-out scores that calibration, thresholds and the abstain cut-off are fitted on: the dev
 * predictions, or with `tune_on: cv` the out-of-fold scores of k models fitted on the training
 * rows (k extra fits; the final model is still the one fitted on all training rows, as in
 * scikit-learn's CalibratedClassifierCV(ensemble=False)). Null when there is nothing to tune or
 * no held-out data.
 */
async function tuningScores(
  recipe: Recipe,
  unsampledTrain: readonly Example[],
  labels: readonly string[],
  resolved: ResolvedFeatures,
  fixedDecision: Decision,
  dev: TuningScores | null,
  opts: TrainOptions,
): Promise<TuningScores | null> {
  const ev = recipe.evaluation;
  const needed = ev.calibration !== 'none' || (recipe.task === 'multilabel' && ev.thresholds !== 'fixed') || ev.abstain_min_accuracy !== undefined;
  if (!needed) return null;
  if (ev.tune_on === 'dev') return dev ? { proba: dev.proba, targets: dev.targets } : null;
  const cv = await crossValidate(recipe, labels, unsampledTrain, {
    k: ev.cv_folds,
    resolved,
    decision: fixedDecision,
    ...(opts.foldThreads !== undefined ? { threads: opts.foldThreads } : {}),
    onFold: (f, k) => opts.log?.(`tune_on cv: fitting fold ${f + 1} of ${k}`),
  });
  return { proba: cv.outOfFold, targets: cv.targets };
}

/** The decision rule fitted on held-out scores, per the recipe's `evaluation` section. */
function tunedDecision(recipe: Recipe, labels: readonly string[], tuning: TuningScores, fixed: Decision): Decision {
  const ev = recipe.evaluation;
  const K = labels.length;
  const n = targetCount(tuning.targets);
  if (tuning.targets.kind === 'single') {
    if (ev.abstain_below !== undefined) return { kind: 'argmax', abstainBelow: ev.abstain_below };
    if (ev.abstain_min_accuracy !== undefined) {
      return { kind: 'argmax', abstainBelow: tuneAbstainThreshold(tuning.targets.y, tuning.proba, n, K, ev.abstain_min_accuracy), abstainTarget: ev.abstain_min_accuracy };
    }
    return fixed;
  }
  const topK = ev.top_k !== undefined ? { topK: ev.top_k } : {};
  if (ev.thresholds === 'fixed') return { ...(fixed as Extract<Decision, { kind: 'thresholds' }>), ...topK };
  if (ev.thresholds === 'tune_global') {
    const metric = (ev.threshold_metric ?? 'micro_f1') as GlobalThresholdMetric;
    const t = tuneGlobalThreshold(tuning.targets.y, tuning.proba, n, K, metric, ev.top_k);
    return { kind: 'thresholds', thresholds: labels.map(() => t), tunedOn: ev.tune_on, metric, scope: 'global', ...topK };
  }
  const metric = ev.threshold_metric ?? 'f1';
  const beta = metric === 'f1' ? 1 : Number(metric.slice(1));
  const tuned = tuneThresholds(tuning.targets.y, tuning.proba, n, K, beta);
  const thresholds = Array.from(shrinkThresholds(tuned, tuning.targets.y, n, K, ev.threshold, ev.threshold_prior_strength));
  return { kind: 'thresholds', thresholds, tunedOn: ev.tune_on, metric, scope: 'per_label', ...topK };
}
