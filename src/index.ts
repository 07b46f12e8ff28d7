/**
 * textclass public API. Everything not exported here is internal and may change.
 */
export { TextclassError, UsageError, RecipeError, DataError, ModelFormatError, OutOfMemoryError, type DataLocation } from './errors.js';
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
export { tuneThresholds, tuneGlobalThreshold, tuneAbstainThreshold, shrinkThresholds, type GlobalThresholdMetric } from './eval/thresholds.js';
export { decide, scoreReport, predictInBatches, type ScoredReport, type AbstentionReport } from './eval/evaluate.js';
// Scores with any model, ONNX ones (which score asynchronously) included.
export { scoreInBatches } from './models/score-texts.js';
export { rocCurve, precisionRecallCurve, curvesFor, thinRocCurve, thinPrCurve, type RocCurve, type PrCurve, type CurveSet } from './eval/curves.js';
export { reliabilityDiagram, type ReliabilityDiagram, type ReliabilityBin } from './eval/calibration-metrics.js';
export { pairedBootstrap, type MetricComparison, type BootstrapOptions } from './eval/bootstrap.js';
export { findLabelIssues, groupCellIssuesByRow, type LabelIssueReport, type LabelIssue, type CellIssue } from './eval/label-issues.js';
export { explainText, explainTextAsync, rankTokens, highlightSegments, topFeatures, type Explanation, type ExactExplanation, type OcclusionExplanation, type TopFeatures } from './explain/index.js';
export { fitCalibration, applyCalibration, type CalibrationState, type CalibrationMethod } from './calibration/calibrator.js';
export { fitTemperature } from './calibration/temperature.js';
export { fitIsotonic, predictIsotonic, type IsotonicCurve } from './calibration/isotonic.js';
export { CalibratedClassifier } from './calibration/calibrated-classifier.js';
export { renderHtmlReport, expectedChartKinds, type ReportData } from './report/index.js';
export { collectReportData } from './report/collect.js';
export { crossValidate, summarizeFolds, type CrossValidationResult } from './train/cross-validate.js';
export { TfidfVectorizer, type TfidfConfig } from './features/tfidf.js';
export { TEXTCLASS_VERSION } from './version.js';
