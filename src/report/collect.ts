/**
 * Collects everything the HTML report shows from a trained model and labelled data: one pass of
 * predictions (two with a calibrated model: the raw scores too), then metrics, curves, reliability,
 * explanations and label issues computed from them. The result is plain `ReportData`.
 */
import { applyCalibration, fitCalibration, type CalibrationMethod } from '../calibration/calibrator.js';
import { encodeTargets } from '../data/labels.js';
import type { Task, Targets } from '../data/targets.js';
import type { Example } from '../data/types.js';
import { reliabilityDiagram } from '../eval/calibration-metrics.js';
import { curvesFor } from '../eval/curves.js';
import { decide, scoreReport, type ScoredReport } from '../eval/evaluate.js';
import { findLabelIssues, groupCellIssuesByRow } from '../eval/label-issues.js';
import { explainTextAsync, topFeatures } from '../explain/index.js';
import { scoreInBatches } from '../models/score-texts.js';
import type { Decision, LoadedModel } from '../persist/model-dir.js';
import { createRng } from '../util/random.js';
import { TEXTCLASS_VERSION } from '../version.js';
import {
  REPORT_LIMITS,
  type ComparisonTable,
  type LabelIssue,
  type Mistake,
  type PrSeries,
  type ReportData,
  type RocSeries,
  type TrainingCurves,
} from './report-data.js';

export interface CollectOptions {
  /** The data file or folder as the user named it. */
  dataLabel: string;
  /** ISO timestamp for the header (passed in so tests are deterministic). */
  createdAt: string;
  /** Most confident mistakes explained and shown (default REPORT_LIMITS.mistakes). */
  mistakes?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/** Headline metrics in the order the report shows them (those the report has). */
const HEADLINE = [
  'accuracy',
  'balanced_accuracy',
  'macro_f1',
  'micro_f1',
  'weighted_f1',
  'samples_f1',
  'exact_match',
  'hamming_loss',
  'roc_auc',
  'average_precision',
  'macro_roc_auc',
  'micro_roc_auc',
  'macro_average_precision',
  'micro_average_precision',
  'log_loss',
  'brier_score',
  'ece',
] as const;

/** Async because models that score asynchronously (ONNX) are scored and explained through their async path. */
export async function collectReportData(model: LoadedModel, examples: readonly Example[], options: CollectOptions): Promise<ReportData> {
  const { manifest } = model;
  const task = manifest.task as Task;
  const labels = manifest.labels;
  const K = labels.length;
  const n = examples.length;
  const texts = examples.map((e) => e.text);
  const targets = encodeTargets(examples, labels, task);
  const progress = options.onProgress;
  const rawProba = await scoreInBatches(model.rawClassifier, texts, 4096, (d) => progress?.('predict', d, n));
  const proba = manifest.calibration ? applyCalibration(manifest.calibration, task, rawProba, n, K) : rawProba;
  const decision = manifest.decision;
  const report = scoreReport(task, labels, targets, proba, decision);
  const fields = report as unknown as Record<string, unknown>;
  const headline: Record<string, number> = {};
  for (const key of HEADLINE) if (typeof fields[key] === 'number') headline[key] = fields[key] as number;
  if (report.abstention) {
    headline.coverage = report.abstention.coverage;
    headline.accuracy_answered = report.abstention.accuracy_answered;
  }

  const data: ReportData = {
    header: {
      modelName: manifest.name,
      modelType: String((manifest.recipe as { model?: { type?: string } }).model?.type ?? manifest.model.type),
      task,
      labels: [...labels],
      dataFile: options.dataLabel,
      n,
      createdAt: options.createdAt,
      textclassVersion: TEXTCLASS_VERSION,
      note: describeModel(model),
    },
    metrics: { headline, perClass: report.per_class },
  };

  data.labelDistribution = labelDistribution(model, examples, labels);
  if (task === 'multilabel') data.labelsPerText = labelsPerText(targets, proba, decision, n, K);
  data.confusionMatrix = confusionMatrix(report, targets, proba, decision, labels, n);

  const curves = curvesFor(task, targets, proba, labels, REPORT_LIMITS.pointsPerCurve);
  const roc: RocSeries[] = [];
  const pr: PrSeries[] = [];
  for (const c of curves.perClass) {
    if (c.roc) roc.push({ name: c.label, kind: 'label', fpr: c.roc.fpr, tpr: c.roc.tpr, auc: c.roc.auc });
    if (c.pr) pr.push({ name: c.label, kind: 'label', precision: c.pr.precision, recall: c.pr.recall, averagePrecision: c.pr.averagePrecision, prevalence: c.pr.prevalence });
  }
  if (curves.micro?.roc) roc.push({ name: 'micro average', kind: 'micro', fpr: curves.micro.roc.fpr, tpr: curves.micro.roc.tpr, auc: curves.micro.roc.auc });
  if (curves.micro?.pr) pr.push({ name: 'micro average', kind: 'micro', precision: curves.micro.pr.precision, recall: curves.micro.pr.recall, averagePrecision: curves.micro.pr.averagePrecision, prevalence: curves.micro.pr.prevalence });
  if (roc.length > 0) data.rocCurves = { curves: roc };
  if (pr.length > 0) data.prCurves = { curves: pr };

  const comparisons: ComparisonTable[] = [];
  const f1Series: { name: string; f1: Record<string, number> }[] = [];
  if (decision.kind === 'thresholds') {
    const fixedThreshold = (manifest.recipe as { evaluation?: { threshold?: number } }).evaluation?.threshold ?? 0.5;
    const fixed: Decision = { kind: 'thresholds', thresholds: labels.map(() => fixedThreshold), tunedOn: 'none' };
    const atFixed = scoreReport(task, labels, targets, proba, fixed);
    const rule = decision.tunedOn === 'none' ? `thresholds ${describeThresholds(decision.thresholds)}` : `thresholds tuned on ${decision.tunedOn} (${decision.scope === 'global' ? 'one for all labels' : 'per label'}, ${decision.metric ?? 'f1'})`;
    if (decision.tunedOn !== 'none') {
      f1Series.push({ name: `threshold ${fixedThreshold}`, f1: perClassF1(atFixed) });
      comparisons.push({
        title: 'Decision rule: fixed vs tuned thresholds',
        rows: [
          { name: `threshold ${fixedThreshold} for every label`, metrics: pick(atFixed, ['macro_f1', 'micro_f1', 'samples_f1', 'exact_match']) },
          { name: rule + (decision.topK ? `, top ${decision.topK}` : ''), metrics: pick(report, ['macro_f1', 'micro_f1', 'samples_f1', 'exact_match']) },
        ],
        note: decision.tunedOn === 'dev' && /dev/.test(options.dataLabel) ? 'The thresholds were tuned on this dev data, so the tuned row is optimistic here.' : `Thresholds were tuned on ${decision.tunedOn === 'cv' ? 'cross-validated training scores' : 'the dev data'}; this data was not used to tune them.`,
      });
    }
    f1Series.push({ name: decision.tunedOn === 'none' ? 'the model' : 'tuned thresholds', f1: perClassF1(report) });
  } else {
    f1Series.push({ name: 'top label', f1: perClassF1(report) });
    if (report.abstention) {
      comparisons.push({
        title: `"Not sure" below ${report.abstention.threshold.toFixed(3)}`,
        rows: [
          { name: 'answer every text', metrics: { coverage: 1, accuracy: report.accuracy } },
          { name: 'answer only when sure', metrics: { coverage: report.abstention.coverage, accuracy: report.abstention.accuracy_answered } },
        ],
      });
    }
  }
  data.perClassF1 = { series: f1Series };

  const training = trainingCurves(manifest.training);
  if (training) data.trainingCurves = training;

  const reliability = reliabilitySection(task, targets, rawProba, proba, model);
  data.reliability = reliability.section;
  comparisons.push(reliability.table);
  data.decisionComparison = comparisons;

  const features = topFeatures(model.rawClassifier, REPORT_LIMITS.featuresPerLabel);
  data.topFeatures = features.available
    ? { perLabel: features.labels.map((l) => ({ label: l.label, features: l.toward.map((f) => ({ name: f.name ?? `${f.block === 'char' ? 'character bucket' : 'bucket'} #${f.bucket}`, weight: f.weight })) })), note: `Weights: ${features.weight}.` }
    : { perLabel: [], note: features.reason };

  data.mistakes = await mistakes(model, examples, targets, proba, decision, options.mistakes ?? REPORT_LIMITS.mistakes, progress);
  data.labelIssues = labelIssues(proba, targets, labels, examples);
  return data;
}

function describeModel(model: LoadedModel): string {
  const m = model.manifest;
  const t = m.training as { train_rows?: number; dev_rows?: number; seconds?: number };
  const d = m.decision;
  const rule =
    d.kind === 'argmax'
      ? d.abstainBelow !== undefined
        ? `top label, "not sure" below ${d.abstainBelow.toFixed(3)}`
        : 'top label'
      : d.tunedOn === 'none'
        ? `thresholds ${describeThresholds(d.thresholds)}`
        : `thresholds tuned on ${d.tunedOn}${d.topK ? `, at most ${d.topK} labels` : ''}`;
  const cal = m.calibration ? `; ${m.calibration.method} calibration fitted on ${m.calibration.fittedOn}` : '';
  return `Trained on ${t.train_rows ?? '?'} texts${t.dev_rows ? ` (dev ${t.dev_rows})` : ''} in ${t.seconds?.toFixed(1) ?? '?'} s; decision: ${rule}${cal}.`;
}

function describeThresholds(t: number[]): string {
  return new Set(t).size === 1 ? `${t[0]}` : `${Math.min(...t).toFixed(2)}–${Math.max(...t).toFixed(2)}`;
}

function pick(report: ScoredReport, keys: string[]): Record<string, number> {
  const fields = report as unknown as Record<string, unknown>;
  const out: Record<string, number> = {};
  for (const k of keys) if (typeof fields[k] === 'number') out[k] = fields[k] as number;
  return out;
}

function perClassF1(report: ScoredReport): Record<string, number> {
  return Object.fromEntries(Object.entries(report.per_class).map(([l, m]) => [l, m.f1]));
}

function labelDistribution(model: LoadedModel, examples: readonly Example[], labels: readonly string[]): ReportData['labelDistribution'] {
  const counts: Record<string, number> = Object.fromEntries(labels.map((l) => [l, 0]));
  for (const e of examples) for (const l of e.labels) if (l in counts) counts[l]++;
  const series: NonNullable<ReportData['labelDistribution']>['series'] = [];
  const stored = (model.manifest.training as { label_counts?: { train?: Record<string, number> }; train_rows?: number }).label_counts?.train;
  if (stored) series.push({ name: 'train', counts: stored, total: (model.manifest.training as { train_rows?: number }).train_rows });
  series.push({ name: 'this data', counts, total: examples.length });
  return { series };
}

function labelsPerText(targets: Targets, proba: Float32Array, decision: Decision, n: number, K: number): ReportData['labelsPerText'] {
  if (targets.kind !== 'multi') return undefined;
  const histogram = (cells: Uint8Array): number[] => {
    const counts: number[] = [];
    for (let i = 0; i < n; i++) {
      let c = 0;
      for (let k = 0; k < K; k++) c += cells[i * K + k] !== 0 ? 1 : 0;
      while (counts.length <= c) counts.push(0);
      counts[c]++;
    }
    return counts;
  };
  const predicted = decide(proba, n, K, decision) as Uint8Array;
  return { series: [{ name: 'true', counts: histogram(targets.y) }, { name: 'predicted', counts: histogram(predicted) }] };
}

function confusionMatrix(report: ScoredReport, targets: Targets, proba: Float32Array, decision: Decision, labels: readonly string[], n: number): ReportData['confusionMatrix'] {
  if (report.confusion_matrix) return { labels: [...labels], counts: report.confusion_matrix };
  if (targets.kind !== 'multi') return undefined;
  // Multilabel: each (true label, predicted label) pair of a text counts once.
  const K = labels.length;
  const predicted = decide(proba, n, K, decision) as Uint8Array;
  const counts = labels.map(() => new Array<number>(K).fill(0));
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < K; t++) {
      if (targets.y[i * K + t] === 0) continue;
      for (let p = 0; p < K; p++) if (predicted[i * K + p] !== 0) counts[t][p]++;
    }
  }
  return { labels: [...labels], counts, note: 'Multilabel: a text adds 1 to (t, p) for every true label t and predicted label p it has; the diagonal counts labels found, off-diagonal cells show which labels get confused with which.' };
}

function trainingCurves(training: Record<string, unknown>): TrainingCurves | undefined {
  const epochs = training.epochs as { epoch: number; train_loss: number; lr: number; [k: string]: number }[] | undefined;
  if (epochs && epochs.length > 0) {
    const x = epochs.map((e) => e.epoch);
    const devKey = Object.keys(epochs[0]).find((k) => k.startsWith('dev_'));
    const best = training.best_epoch as number | undefined;
    const marker = best !== undefined && training.stopped_early ? { x: best, label: `kept epoch ${best}` } : undefined;
    const panels: TrainingCurves['panels'] = [{ title: 'train loss', series: [{ name: 'train loss', x, y: epochs.map((e) => e.train_loss) }], ...(marker ? { marker } : {}) }];
    if (devKey) panels.push({ title: devKey.replace('_', ' '), series: [{ name: devKey, x, y: epochs.map((e) => e[devKey]) }], ...(marker ? { marker } : {}) });
    panels.push({ title: 'learning rate', series: [{ name: 'lr', x, y: epochs.map((e) => e.lr) }] });
    return { xLabel: 'epoch', panels };
  }
  const curve = training.loss_curve as number[] | undefined;
  if (curve && curve.length > 1) {
    return { xLabel: 'L-BFGS iteration', panels: [{ title: 'training objective (regularized log loss)', series: [{ name: 'objective', y: curve }] }] };
  }
  return undefined;
}

/**
 * Reliability of the scores as the model gives them (and before calibration, when it has one),
 * plus a cross-fitted check of what calibration would do on this data: the rows are split in two
 * halves, a map fitted on one half is scored on the other and vice versa, so the ECE it shows is
 * out of sample.
 */
function reliabilitySection(task: Task, targets: Targets, rawProba: Float32Array, proba: Float32Array, model: LoadedModel): { section: NonNullable<ReportData['reliability']>; table: ComparisonTable } {
  const series: NonNullable<ReportData['reliability']>['series'] = [];
  const cal = model.manifest.calibration;
  const raw = reliabilityDiagram(task, targets, rawProba);
  series.push({ name: cal ? 'uncalibrated' : 'model', bins: raw.bins, ece: raw.ece });
  if (cal) {
    const after = reliabilityDiagram(task, targets, proba);
    series.push({ name: `${cal.method} (fitted on ${cal.fittedOn})`, bins: after.bins, ece: after.ece });
  }
  const K = model.manifest.labels.length;
  const n = rawProba.length / K;
  const rows: ComparisonTable['rows'] = [{ name: 'uncalibrated scores', metrics: calibrationMetrics(task, targets, rawProba) }];
  if (cal) rows.push({ name: `the model's ${cal.method} calibration (fitted on ${cal.fittedOn})`, metrics: calibrationMetrics(task, targets, proba) });
  if (n >= 40) {
    for (const method of ['temperature', 'isotonic'] as CalibrationMethod[]) {
      const crossFitted = crossFitCalibration(method, task, targets, rawProba, n, K);
      rows.push({ name: `${method}, cross-fitted on this data (2 halves)`, metrics: calibrationMetrics(task, targets, crossFitted) });
      if (!cal && method === 'temperature') {
        const d = reliabilityDiagram(task, targets, crossFitted);
        series.push({ name: 'temperature (cross-fitted)', bins: d.bins, ece: d.ece });
      }
    }
  }
  const kind = task === 'multilabel' ? 'every (text, label) score' : 'the probability of the predicted label';
  return {
    section: { series, note: `Confidence = ${kind}; 15 equal-width bins.` },
    table: {
      title: 'Calibration',
      rows,
      note: 'Cross-fitted rows: a map fitted on one half of this data is applied to the other half and vice versa, so their ECE is measured on rows the map did not see. Lower is better for every column.',
    },
  };
}

function calibrationMetrics(task: Task, targets: Targets, proba: Float32Array): Record<string, number> {
  const labels = Array.from({ length: targets.kind === 'multi' ? targets.numLabels : proba.length / targets.y.length }, (_, k) => String(k));
  const decision: Decision = task === 'multilabel' ? { kind: 'thresholds', thresholds: labels.map(() => 0.5), tunedOn: 'none' } : { kind: 'argmax' };
  const r = scoreReport(task, labels, targets, proba, decision) as unknown as Record<string, number>;
  const out: Record<string, number> = {};
  for (const k of ['ece', 'log_loss', 'brier_score']) if (typeof r[k] === 'number') out[k] = r[k];
  return out;
}

function crossFitCalibration(method: CalibrationMethod, task: Task, targets: Targets, rawProba: Float32Array, n: number, K: number): Float32Array {
  const half = new Uint8Array(n);
  const rng = createRng(17);
  for (let i = 0; i < n; i++) half[i] = rng() < 0.5 ? 0 : 1;
  const out = new Float32Array(n * K);
  for (const side of [0, 1]) {
    const fitRows: number[] = [];
    const applyRows: number[] = [];
    for (let i = 0; i < n; i++) (half[i] === side ? fitRows : applyRows).push(i);
    if (fitRows.length === 0 || applyRows.length === 0) continue;
    const state = fitCalibration(method, task, gatherRows(rawProba, fitRows, K), subsetTargets(targets, fitRows, K), fitRows.length, K);
    const applied = applyCalibration(state, task, gatherRows(rawProba, applyRows, K), applyRows.length, K);
    applyRows.forEach((row, j) => out.set(applied.subarray(j * K, (j + 1) * K), row * K));
  }
  return out;
}

function gatherRows(proba: Float32Array, rows: readonly number[], K: number): Float32Array {
  const out = new Float32Array(rows.length * K);
  rows.forEach((row, j) => out.set(proba.subarray(row * K, (row + 1) * K), j * K));
  return out;
}

function subsetTargets(targets: Targets, rows: readonly number[], K: number): Targets {
  if (targets.kind === 'single') return { kind: 'single', y: Int32Array.from(rows, (r) => targets.y[r]) };
  const y = new Uint8Array(rows.length * K);
  rows.forEach((row, j) => y.set(targets.y.subarray(row * K, (row + 1) * K), j * K));
  return { kind: 'multi', y, numLabels: K };
}

/**
 * The most confident wrong predictions, each explained for the label it wrongly chose (or, for a
 * multilabel text that only missed labels, the missed label it scored highest).
 */
async function mistakes(model: LoadedModel, examples: readonly Example[], targets: Targets, proba: Float32Array, decision: Decision, limit: number, progress?: CollectOptions['onProgress']): Promise<Mistake[]> {
  const labels = model.manifest.labels;
  const K = labels.length;
  const n = examples.length;
  const chosen = decide(proba, n, K, decision);
  const wrong: { row: number; confidence: number; explained: number; predicted: string[]; truth: string[] }[] = [];
  for (let i = 0; i < n; i++) {
    if (targets.kind === 'single') {
      const top = decision.kind === 'argmax' ? (chosen as Int32Array)[i] : -1;
      if (top < 0 || top === targets.y[i]) continue;
      wrong.push({ row: i, confidence: proba[i * K + top], explained: top, predicted: [labels[top]], truth: [labels[targets.y[i]]] });
      continue;
    }
    let confidence = -1;
    let explained = -1;
    let falsePositive = false;
    for (let k = 0; k < K; k++) {
      const t = targets.y[i * K + k] !== 0;
      const p = (chosen as Uint8Array)[i * K + k] !== 0;
      if (t === p) continue;
      // A wrong label fired: confidence p; a true label missed: confidence 1 − p. The most
      // confident wrong firing is explained; a missed label only when nothing fired wrongly.
      const c = p ? proba[i * K + k] : 1 - proba[i * K + k];
      const better = p !== falsePositive ? p : c > confidence;
      if (better) {
        confidence = c;
        explained = k;
        falsePositive ||= p;
      }
    }
    if (explained < 0) continue;
    wrong.push({
      row: i,
      confidence,
      explained,
      predicted: labels.filter((_, k) => (chosen as Uint8Array)[i * K + k] !== 0),
      truth: labels.filter((_, k) => targets.y[i * K + k] !== 0),
    });
  }
  wrong.sort((a, b) => b.confidence - a.confidence || a.row - b.row);
  const top = wrong.slice(0, limit);
  const explainedMistakes: Mistake[] = [];
  for (const [j, w] of top.entries()) {
    progress?.('explain', j + 1, top.length);
    const text = examples[w.row].text;
    const explanation = await explainTextAsync(model.rawClassifier, text, { maxVariants: 64 });
    explainedMistakes.push({
      text,
      trueLabels: w.truth,
      predictedLabels: w.predicted,
      confidence: w.confidence,
      explainedLabel: labels[w.explained],
      tokens: explanation.tokens.map((t) => ({ start: t.start, end: t.end, contribution: t.contributions[w.explained] })),
      row: w.row + 1,
    });
  }
  return explainedMistakes;
}

function labelIssues(proba: Float32Array, targets: Targets, labels: readonly string[], examples: readonly Example[]): LabelIssue[] {
  const report = findLabelIssues(proba, targets, labels);
  if (report.kind === 'single') {
    return report.issues.slice(0, REPORT_LIMITS.labelIssues).map((i) => ({ row: i.row + 1, text: examples[i.row].text, given: i.givenLabel, suggested: i.suggestedLabel, score: i.score }));
  }
  if (targets.kind !== 'multi') return [];
  return groupCellIssuesByRow(report.issues, targets, labels)
    .slice(0, REPORT_LIMITS.labelIssues)
    .map((r) => ({ row: r.row + 1, text: examples[r.row].text, given: r.given, suggested: r.suggested, score: r.score }));
}
