/**
 * textclass public API. Everything not exported here is internal and may change.
 */
export { TextclassError, UsageError, RecipeError, DataError, ModelFormatError, type DataLocation } from './errors.js';
export { loadRecipe, parseRecipe } from './recipe/load.js';
export type { Recipe } from './recipe/schema.js';
export { trainFromRecipe, type TrainOptions, type TrainResult } from './train/train.js';
export { loadModel, saveModel, type Manifest, type LoadedModel, type Decision } from './persist/model-dir.js';
export type { Classifier, ModelState, ModelFactory, FitInput, ProgressFn } from './models/classifier.js';
export { tfidfLogreg, TfidfLogregClassifier, type TfidfLogregOptions } from './models/tfidf-logreg.js';
export { readExamples, collectExamples } from './data/read.js';
export type { Example, ReaderConfig, SkippedRow } from './data/types.js';
export { loadExamples, applyLabelMap, type DataSpec, type LoadedExamples } from './data/dataset.js';
export { resolveLabelMap, labelMapper, type LabelMap, type LabelRules } from './data/label-map.js';
export { dialogExamples, type DialogTargets } from './data/dialog-targets.js';
export { splitRows, kFold, textGroups, type RowSplit } from './data/split.js';
export { keepRatio, undersample, oversample } from './data/sampling.js';
export { findLeaks, type LeakReport } from './data/leaks.js';
export { profileSplit, type SplitProfile } from './data/profile.js';
export { prepareData, type PreparedData } from './train/prepare-data.js';
export type { Task, Targets } from './data/targets.js';
export { evaluateSingleLabel, evaluateMultiLabel, rocAuc, averagePrecision, type EvalReport, type ClassMetrics } from './eval/metrics.js';
export { formatClassificationReport } from './eval/classification-report.js';
export { tuneThresholds } from './eval/thresholds.js';
export { decide, scoreReport, predictInBatches } from './eval/evaluate.js';
export { TfidfVectorizer, type TfidfConfig } from './features/tfidf.js';
export { TEXTCLASS_VERSION } from './version.js';
