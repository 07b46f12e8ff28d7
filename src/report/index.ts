/**
 * The HTML evaluation report: `renderHtmlReport(data)` turns plain ReportData into one
 * self-contained HTML page. The Chromium checker (check-in-chromium.ts) is test tooling and is
 * deliberately not re-exported: it needs the playwright-core devDependency.
 */
export { renderHtmlReport, expectedChartKinds } from './html.js';
export { expectedCalibrationError } from './svg/reliability.js';
export { CHART_KINDS, REPORT_LIMITS, ReportDataError } from './report-data.js';
export type {
  ChartKind,
  ComparisonTable,
  ConfusionMatrixData,
  CurveKind,
  CurveSection,
  FeatureWeight,
  LabelDistribution,
  LabelIssue,
  LabelsPerText,
  MetricsSummary,
  Mistake,
  PrSeries,
  ReliabilityBin,
  ReliabilitySection,
  ReportData,
  ReportHeader,
  RocSeries,
  TokenContribution,
  TopFeatures,
  TrainingCurvePanel,
  TrainingCurves,
} from './report-data.js';
