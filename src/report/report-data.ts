/**
 * The input of the HTML evaluation report: plain, JSON-serializable data (numbers, strings,
 * arrays, records — no typed arrays, no class instances), so it can be written to disk, diffed
 * and rendered later. Whoever collects it from a model and a data file fills in what it has;
 * every section except `header` and `metrics` is optional and simply left out of the page when
 * absent.
 *
 * Conventions:
 *  - Labels are the model's label strings. Any user text (labels, texts, feature names, file
 *    names) may contain markup characters, RTL scripts or emoji; the renderer escapes it all.
 *  - Probabilities, rates and scores are in [0, 1]; they are never percentages.
 *  - Non-finite numbers (NaN, ±Infinity) inside curves and bins are skipped when drawing, never
 *    printed; structural mistakes (arrays of different lengths, a non-square matrix) throw
 *    `ReportDataError` naming the field.
 *  - Big inputs are fine: curves are thinned to `REPORT_LIMITS.pointsPerCurve` points and long
 *    tables are cut to the limits below, with a note saying how many rows were left out.
 */
import { TextclassError } from '../errors.js';
import type { Task } from '../data/targets.js';
import type { ClassMetrics } from '../eval/metrics.js';

/** Report data that cannot be drawn (a programming error in whoever built it). */
export class ReportDataError extends TextclassError {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`report data: ${field}: ${problem}`);
  }
}

/** Caps that keep a 28-label report at a few MB and a page a browser renders quickly. */
export const REPORT_LIMITS = {
  /** Points kept per ROC / PR / training curve (shape-preserving thinning, see downsample.ts). */
  pointsPerCurve: 240,
  /** Mistakes shown. */
  mistakes: 50,
  /** Suspected label errors shown. */
  labelIssues: 100,
  /** Features shown per label in the top-features chart. */
  featuresPerLabel: 10,
  /** Labels drawn in the top-features chart. */
  featureLabels: 40,
  /** Characters of one text shown (long reviews are cut, with a note). */
  textChars: 2000,
  /** Labels drawn in the confusion matrix. */
  confusionLabels: 60,
} as const;

/** Who made the report and of what. */
export interface ReportHeader {
  /** Directory or recipe name of the model, e.g. "goemotions". */
  modelName: string;
  /** `model.type` of the recipe, e.g. "logistic_regression". */
  modelType: string;
  task: Task;
  labels: string[];
  /** The evaluated data file or folder, as the user named it. */
  dataFile: string;
  /** Rows evaluated. */
  n: number;
  /** ISO 8601 timestamp of when the report was made (passed in, so rendering is deterministic). */
  createdAt: string;
  textclassVersion: string;
  /** Optional free text shown under the header, e.g. how the model was trained. */
  note?: string;
}

export interface MetricsSummary {
  /** Headline metrics by name (e.g. `accuracy`, `macro_f1`, `roc_auc`), shown in this order. */
  headline: Record<string, number>;
  /** Per-label precision / recall / F1 / support, e.g. `EvalReport.per_class`. */
  perClass: Record<string, ClassMetrics>;
}

/** How often each label occurs, e.g. in the training data and in the evaluated data. */
export interface LabelDistribution {
  series: Array<{
    /** e.g. "train", "dev", "eval". */
    name: string;
    /** Rows carrying each label. */
    counts: Record<string, number>;
    /** Rows in this data; shares are counts / total. Defaults to the sum of the counts (single-label). */
    total?: number;
  }>;
}

/** Multilabel only: how many labels the texts carry. */
export interface LabelsPerText {
  series: Array<{
    name: string;
    /** `counts[k]` = rows with exactly k labels. */
    counts: number[];
  }>;
}

export interface ConfusionMatrixData {
  labels: string[];
  /** K × K counts; rows are true labels, columns predicted labels. */
  counts: number[][];
  /** Shown under the chart, e.g. how a multilabel matrix was built. */
  note?: string;
}

/** `kind` picks the style: averages are drawn bold in black, labels in palette colours or grey. */
export type CurveKind = 'label' | 'micro' | 'macro';

export interface RocSeries {
  name: string;
  kind?: CurveKind;
  fpr: number[];
  tpr: number[];
  /** Ignored by the chart; accepted so a curve object can be passed through as is. */
  thresholds?: number[];
  auc?: number;
}

export interface PrSeries {
  name: string;
  kind?: CurveKind;
  precision: number[];
  recall: number[];
  thresholds?: number[];
  averagePrecision?: number;
  /** Share of positives; drawn as the no-skill line when only one curve is highlighted. */
  prevalence?: number;
}

export interface CurveSection<S> {
  curves: S[];
  /**
   * Curves drawn in colour and named in the legend; the others are drawn faint grey (their name
   * and score show on hover). Default: every average, and — with more than 6 label curves — the
   * 2 best and 2 worst labels by AUC / AP; otherwise all of them.
   */
  highlight?: string[];
}

export interface TrainingCurvePanel {
  /** e.g. "train loss", "dev macro_f1", "learning rate". */
  title: string;
  series: Array<{
    name: string;
    y: number[];
    /** Defaults to 1, 2, 3, … */
    x?: number[];
  }>;
  /** A vertical marker, e.g. the epoch whose weights were kept. */
  marker?: { x: number; label: string };
}

/**
 * Training progress as small multiples, one panel per quantity: e.g. per-epoch train loss, dev
 * metric and learning rate for fastText, or the loss per L-BFGS iteration for logistic
 * regression (one series per one-vs-rest model).
 */
export interface TrainingCurves {
  /** What x counts, e.g. "epoch" or "iteration". */
  xLabel: string;
  panels: TrainingCurvePanel[];
}

/** One bin of a reliability diagram (the shape src/eval/curves.ts produces). */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  meanConfidence: number;
  accuracy: number;
}

export interface ReliabilitySection {
  series: Array<{
    /** e.g. "uncalibrated", "temperature-scaled". */
    name: string;
    bins: ReliabilityBin[];
    /** Expected calibration error; computed from the bins when left out. */
    ece?: number;
  }>;
  /** What "confidence" means here, e.g. "probability of the predicted class". */
  note?: string;
}

/**
 * Metrics of the same model under different decision rules or calibrations, e.g. thresholds
 * 0.5 vs tuned thresholds, or uncalibrated vs temperature-scaled. Deltas are shown against the
 * first row.
 */
export interface ComparisonTable {
  title: string;
  rows: Array<{ name: string; metrics: Record<string, number> }>;
  /**
   * Metrics where lower is better. Default: names containing "ece", "loss", "brier" or
   * "error".
   */
  lowerIsBetter?: string[];
  note?: string;
}

export interface FeatureWeight {
  name: string;
  weight: number;
}

export interface TopFeatures {
  perLabel: Array<{ label: string; features: FeatureWeight[] }>;
  note?: string;
}

/** A character range of a text and how much it pushed the score of `explainedLabel`. */
export interface TokenContribution {
  /** UTF-16 offsets into the text (JavaScript string indices), end exclusive. */
  start: number;
  end: number;
  /** Positive: towards the explained label; negative: away from it. */
  contribution: number;
}

export interface Mistake {
  text: string;
  trueLabels: string[];
  predictedLabels: string[];
  /** The model's confidence in its (wrong) prediction. */
  confidence: number;
  /** Which label the token contributions refer to; default the first predicted label. */
  explainedLabel?: string;
  tokens?: TokenContribution[];
  /** Row of the data file, when known. */
  row?: number;
}

export interface LabelIssue {
  row: number;
  text: string;
  given: string | string[];
  suggested: string | string[];
  /** How strongly the given label is suspected to be wrong, higher = more suspicious. */
  score: number;
}

export interface ReportData {
  header: ReportHeader;
  metrics: MetricsSummary;
  labelDistribution?: LabelDistribution;
  labelsPerText?: LabelsPerText;
  confusionMatrix?: ConfusionMatrixData;
  rocCurves?: CurveSection<RocSeries>;
  prCurves?: CurveSection<PrSeries>;
  /**
   * Per-label F1 of one or more decision rules (e.g. "threshold 0.5" and "tuned"). Default: one
   * series from `metrics.perClass`.
   */
  perClassF1?: { series: Array<{ name: string; f1: Record<string, number> }> };
  trainingCurves?: TrainingCurves;
  reliability?: ReliabilitySection;
  decisionComparison?: ComparisonTable[];
  topFeatures?: TopFeatures;
  /** Most confident mistakes first. */
  mistakes?: Mistake[];
  /** Most suspicious first. */
  labelIssues?: LabelIssue[];
}

/** The `data-chart` attribute values of the charts the report can draw. */
export const CHART_KINDS = [
  'label-distribution',
  'labels-per-text',
  'confusion-matrix',
  'roc',
  'pr',
  'per-class-f1',
  'training-curves',
  'reliability',
  'top-features',
] as const;
export type ChartKind = (typeof CHART_KINDS)[number];
