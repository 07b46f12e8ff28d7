/**
 * The self-contained HTML evaluation report: one file with inline CSS, inline SVG charts and
 * one small inline script (PNG export). It loads nothing — a Content-Security-Policy forbids
 * every fetch — so it works offline, from an e-mail attachment or a file share.
 *
 * Rendering is a pure function of the data: the same ReportData gives byte-identical HTML.
 */
import { escapeMarkup } from './escape.js';
import { formatCount } from './format.js';
import { PNG_EXPORT_SCRIPT } from './png.js';
import type { ChartKind, ReportData } from './report-data.js';
import { REPORT_CSS } from './styles.js';
import { renderLabelDistributionChart, renderLabelsPerTextChart, renderPerClassF1Chart } from './svg/bar-charts.js';
import { renderConfusionMatrixChart } from './svg/confusion-matrix.js';
import { renderPrChart, renderRocChart } from './svg/curves.js';
import { renderReliabilityChart } from './svg/reliability.js';
import { renderTopFeaturesChart } from './svg/top-features.js';
import { renderTrainingCurvesChart } from './svg/training-curves.js';
import { comparisonTable, headlineCards, labelIssuesTable, mistakesList, perClassTable } from './tables.js';

/**
 * Blocks every network fetch (scripts, styles, images, fonts, connections) except the inline
 * code and the data:/blob: URLs the PNG export uses.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'";

interface Section {
  id: string;
  title: string;
  html: string;
}

/** The natural width of a rendered chart, read back from its width attribute. */
function naturalWidth(svg: string): number {
  const match = /^<svg[^>]*? width="([\d.]+)"/.exec(svg);
  return match ? Number(match[1]) : 760;
}

/** A chart with its PNG button and a caption saying how to read it. */
function figure(svg: string, chartId: string, caption: string): string {
  // Charts are drawn at most 1.3× their natural size, so their text never gets oversized on wide screens.
  const maxWidth = Math.round(naturalWidth(svg) * 1.3);
  return (
    `<figure class="chart" style="--natural-width:${maxWidth}px">` +
    `<div class="chart-tools"><button type="button" class="png" data-png-for="${escapeMarkup(chartId)}" title="Download this chart as a PNG image">PNG</button></div>` +
    svg +
    `<figcaption>${escapeMarkup(caption)}</figcaption></figure>`
  );
}

/** The `data-chart` kinds `renderHtmlReport(data)` draws, in page order. */
export function expectedChartKinds(data: ReportData): ChartKind[] {
  const kinds: ChartKind[] = [];
  if (data.reliability && data.reliability.series.length > 0) kinds.push('reliability');
  if (data.labelDistribution && data.labelDistribution.series.length > 0) kinds.push('label-distribution');
  if (data.labelsPerText && data.labelsPerText.series.length > 0) kinds.push('labels-per-text');
  if (data.confusionMatrix) kinds.push('confusion-matrix');
  if (perClassF1Series(data).length > 0) kinds.push('per-class-f1');
  if (data.rocCurves && data.rocCurves.curves.length > 0) kinds.push('roc');
  if (data.prCurves && data.prCurves.curves.length > 0) kinds.push('pr');
  if (data.trainingCurves && data.trainingCurves.panels.length > 0) kinds.push('training-curves');
  if (data.topFeatures && data.topFeatures.perLabel.length > 0) kinds.push('top-features');
  return kinds;
}

function perClassF1Series(data: ReportData): Array<{ name: string; f1: Record<string, number> }> {
  if (data.perClassF1 && data.perClassF1.series.length > 0) return data.perClassF1.series;
  const entries = Object.entries(data.metrics.perClass);
  return entries.length > 0 ? [{ name: 'F1', f1: Object.fromEntries(entries.map(([label, m]) => [label, m.f1])) }] : [];
}

function headerHtml(data: ReportData): string {
  const h = data.header;
  const labels = h.labels.map((l) => `<span class="chip" dir="auto">${escapeMarkup(l)}</span>`).join(' ');
  const item = (term: string, value: string) => `<div><dt>${escapeMarkup(term)}</dt><dd>${value}</dd></div>`;
  return (
    `<header class="report-header"><p class="kicker">textclass evaluation report</p><h1 dir="auto">${escapeMarkup(h.modelName)}</h1>` +
    `<dl class="meta">` +
    item('model type', escapeMarkup(h.modelType)) +
    item('task', escapeMarkup(h.task)) +
    item('evaluated on', `<span dir="auto">${escapeMarkup(h.dataFile)}</span>`) +
    item('rows', formatCount(h.n)) +
    item('labels', String(h.labels.length)) +
    item('created', escapeMarkup(h.createdAt)) +
    item('textclass', escapeMarkup(h.textclassVersion)) +
    `</dl>` +
    (h.labels.length > 0 ? `<details class="note"><summary>${formatCount(h.labels.length)} labels</summary><p>${labels}</p></details>` : '') +
    (h.note ? `<p class="note" dir="auto">${escapeMarkup(h.note)}</p>` : '') +
    `</header>`
  );
}

function sections(data: ReportData): Section[] {
  const out: Section[] = [];
  const lead = (text: string) => `<p class="lead">${escapeMarkup(text)}</p>`;

  out.push({
    id: 'summary',
    title: 'Summary',
    html: lead(`Headline metrics on ${formatCount(data.header.n)} rows of ${data.header.dataFile}, then precision, recall and F1 of every label.`) + headlineCards(data.metrics.headline) + perClassTable(data.metrics.perClass, data.header.labels),
  });

  const comparisons = data.decisionComparison ?? [];
  const hasReliability = data.reliability !== undefined && data.reliability.series.length > 0;
  if (comparisons.length > 0 || hasReliability) {
    let html = lead('The same model under different decision rules and calibrations. Deltas are against the first row; arrows say which direction is better.');
    html += comparisons.map(comparisonTable).join('');
    if (hasReliability) {
      html += figure(renderReliabilityChart(data.reliability!), 'reliability', 'Each marker is a confidence bin: how often the model was right against how confident it was. Points below the diagonal are over-confident. ECE is the row-weighted mean distance to the diagonal; the bars show how many rows each bin holds.');
    }
    out.push({ id: 'decisions', title: 'Thresholds and calibration', html });
  }

  const dataCharts: string[] = [];
  if (data.labelDistribution && data.labelDistribution.series.length > 0) {
    dataCharts.push(figure(renderLabelDistributionChart(data.labelDistribution), 'label-distribution', 'Share of rows carrying each label. Hover a bar for its row count.'));
  }
  if (data.labelsPerText && data.labelsPerText.series.length > 0) {
    dataCharts.push(figure(renderLabelsPerTextChart(data.labelsPerText), 'labels-per-text', 'How many labels a text carries. Rows with none are texts that no label applies to.'));
  }
  if (dataCharts.length > 0) out.push({ id: 'data', title: 'Data', html: lead('What the model was trained and evaluated on.') + dataCharts.join('') });

  const errorCharts: string[] = [];
  if (data.confusionMatrix) {
    errorCharts.push(
      figure(renderConfusionMatrixChart(data.confusionMatrix), 'confusion-matrix', `Row i, column j: rows of true label i predicted as j, coloured by their share of row i. Hover a cell for the count.${data.confusionMatrix.note ? ' ' + data.confusionMatrix.note : ''}`),
    );
  }
  const f1Series = perClassF1Series(data);
  if (f1Series.length > 0) errorCharts.push(figure(renderPerClassF1Chart(f1Series, data.metrics.perClass), 'per-class-f1', 'F1 is the harmonic mean of precision and recall. Hover a bar for precision, recall and support.'));
  if (errorCharts.length > 0) out.push({ id: 'errors', title: 'Errors by label', html: lead('Where the model goes wrong, label by label.') + errorCharts.join('') });

  const curveCharts: string[] = [];
  if (data.rocCurves && data.rocCurves.curves.length > 0) curveCharts.push(figure(renderRocChart(data.rocCurves), 'roc', 'Grey curves are the labels not named in the legend; hover one for its name.'));
  if (data.prCurves && data.prCurves.curves.length > 0) curveCharts.push(figure(renderPrChart(data.prCurves), 'pr', 'Precision–recall is the better view for rare labels, where ROC looks good even when most alarms are false.'));
  if (curveCharts.length > 0) out.push({ id: 'curves', title: 'ROC and precision–recall', html: lead('How well the scores rank positives above negatives, independent of the decision threshold.') + curveCharts.join('') });

  if (data.trainingCurves && data.trainingCurves.panels.length > 0) {
    out.push({ id: 'training', title: 'Training', html: lead('How training progressed, as recorded in the model directory.') + figure(renderTrainingCurvesChart(data.trainingCurves), 'training-curves', 'One panel per recorded quantity, each on its own scale.') });
  }
  if (data.topFeatures && data.topFeatures.perLabel.length > 0) {
    out.push({ id: 'features', title: 'Top features', html: lead('The features the model leans on most for each label.') + figure(renderTopFeaturesChart(data.topFeatures), 'top-features', 'Feature weights are on different scales for different labels; compare within a panel.') });
  }
  if (data.mistakes && data.mistakes.length > 0) {
    const key = `<div class="key"><span><mark class="tp4">word</mark> pushed towards the highlighted label</span><span><mark class="tn4">word</mark> pushed away from it</span><span>darker = stronger; hover a word for its contribution</span></div>`;
    out.push({ id: 'mistakes', title: 'Most confident mistakes', html: lead('Rows the model got wrong while being most sure of itself — often label noise or a pattern the model over-trusts.') + key + mistakesList(data.mistakes) });
  }
  if (data.labelIssues && data.labelIssues.length > 0) {
    out.push({ id: 'label-issues', title: 'Suspected label errors', html: lead('Rows whose given label disagrees most with what the model expects; worth a second look before the next training run.') + labelIssuesTable(data.labelIssues) });
  }
  return out;
}

/** The whole report as one HTML document. */
export function renderHtmlReport(data: ReportData): string {
  const parts = sections(data);
  const toc = `<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>${parts.map((s) => `<li><a href="#${s.id}">${escapeMarkup(s.title)}</a></li>`).join('')}</ol></nav>`;
  const body = parts.map((s) => `<section class="report-section" id="${s.id}" aria-labelledby="${s.id}-h"><h2 id="${s.id}-h">${escapeMarkup(s.title)}</h2>${s.html}</section>`).join('\n');
  const title = `${data.header.modelName} — textclass report`;
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">` +
    `<meta name="generator" content="textclass ${escapeMarkup(data.header.textclassVersion)}">` +
    `<link rel="icon" href="data:,">` +
    `<title>${escapeMarkup(title)}</title><style>${REPORT_CSS}</style></head>\n` +
    `<body><div class="layout">${toc}<main>${headerHtml(data)}\n${body}</main></div>` +
    `<footer>Made by textclass ${escapeMarkup(data.header.textclassVersion)} on ${escapeMarkup(data.header.createdAt)}. This file is self-contained and works offline; the PNG buttons export single charts.</footer>` +
    `<script>${PNG_EXPORT_SCRIPT}</script></body></html>\n`
  );
}
