/** The report's bar charts: label distribution, labels per text, per-class F1. */
import type { ClassMetrics } from '../../eval/metrics.js';
import { formatCount, formatMetric, formatPercent, formatTick } from '../format.js';
import { ReportDataError, type LabelDistribution, type LabelsPerText } from '../report-data.js';
import { horizontalBarChart, verticalBarChart } from './bars.js';
import { niceDomain } from './scale.js';

export interface ChartOptions {
  /** Unique element id within the page; defaults to the chart kind. */
  id?: string;
}

/** Tick labels for shares drawn as percentages (0.05 → "5%"). */
export function percentTick(value: number, step: number): string {
  return `${formatTick(value * 100, step * 100)}%`;
}

function finiteNonNegative(x: number): number {
  return Number.isFinite(x) && x > 0 ? x : 0;
}

/**
 * Share of rows carrying each label, one bar per data split. Shares (not counts) make a small
 * eval set comparable with a large training set; counts are in the hover text. Labels are
 * sorted by their share in the first series.
 */
export function renderLabelDistributionChart(section: LabelDistribution, options: ChartOptions = {}): string {
  const series = section.series.map((s) => {
    const total = s.total ?? Object.values(s.counts).reduce((a, b) => a + finiteNonNegative(b), 0);
    return { name: s.name, counts: s.counts, total };
  });
  const labels = [...new Set(series.flatMap((s) => Object.keys(s.counts)))];
  const share = (s: (typeof series)[number], label: string) => (s.total > 0 ? finiteNonNegative(s.counts[label] ?? 0) / s.total : 0);
  if (series.length > 0) {
    const first = series[0];
    labels.sort((a, b) => share(first, b) - share(first, a) || (a < b ? -1 : a > b ? 1 : 0));
  }
  const multi = series.some((s) => Object.values(s.counts).reduce((a, b) => a + finiteNonNegative(b), 0) > s.total * 1.0000001);
  const barSeries = series.map((s) => ({
    name: `${s.name} (${formatCount(s.total)} rows)`,
    values: labels.map((l) => share(s, l)),
    tooltips: labels.map((l) => `${l} — ${s.name}: ${formatCount(s.counts[l] ?? 0)} of ${formatCount(s.total)} rows (${formatPercent(share(s, l))})`),
  }));
  const [, max] = niceDomain(barSeries.flatMap((s) => s.values), { includeZero: true, count: 5 });
  const top = labels[0];
  return horizontalBarChart({
    kind: 'label-distribution',
    id: options.id ?? 'label-distribution',
    title: 'Label distribution',
    subtitle: multi ? 'Share of rows carrying each label (a row can carry several)' : 'Share of rows per label',
    desc: `Share of rows per label for ${series.map((s) => s.name).join(', ') || 'no data'}; ${labels.length} labels${top !== undefined && series.length > 0 ? `, most frequent "${top}" at ${formatPercent(share(series[0], top))}` : ''}.`,
    categories: labels,
    series: barSeries,
    domain: [0, Math.max(max, 1e-9)],
    valueLabel: 'share of rows',
    tickFormat: percentTick,
    valueFormat: (v) => formatPercent(v),
    emptyMessage: 'no labels to show',
  });
}

/** How many labels a text carries (multilabel), as shares of rows; the tail beyond 6 is pooled. */
export function renderLabelsPerTextChart(section: LabelsPerText, options: ChartOptions = {}): string {
  const POOLED_FROM = 6;
  let longest = 0;
  for (const s of section.series) {
    for (let k = 0; k < s.counts.length; k++) if (finiteNonNegative(s.counts[k]) > 0) longest = Math.max(longest, k + 1);
  }
  const categoryCount = Math.min(longest, POOLED_FROM + 1);
  const categories = Array.from({ length: categoryCount }, (_, k) => (k === POOLED_FROM && longest > POOLED_FROM + 1 ? `${k}+` : String(k)));
  const barSeries = section.series.map((s) => {
    const pooled = new Array<number>(categoryCount).fill(0);
    let total = 0;
    s.counts.forEach((c, k) => {
      const v = finiteNonNegative(c);
      total += v;
      if (categoryCount > 0) pooled[Math.min(k, categoryCount - 1)] += v;
    });
    return {
      name: `${s.name} (${formatCount(total)} rows)`,
      values: pooled.map((c) => (total > 0 ? c / total : 0)),
      tooltips: pooled.map((c, k) => `${categories[k]} label${categories[k] === '1' ? '' : 's'} — ${s.name}: ${formatCount(c)} rows (${formatPercent(total > 0 ? c / total : 0)})`),
    };
  });
  const [, max] = niceDomain(barSeries.flatMap((s) => s.values), { includeZero: true });
  return verticalBarChart({
    kind: 'labels-per-text',
    id: options.id ?? 'labels-per-text',
    title: 'Labels per text',
    subtitle: 'Share of rows by number of labels',
    desc: `Distribution of the number of labels per text for ${section.series.map((s) => s.name).join(', ') || 'no data'}.`,
    categories,
    series: barSeries,
    domain: [0, Math.max(max, 1e-9)],
    valueLabel: 'share of rows',
    categoryLabel: 'labels per text',
    tickFormat: percentTick,
    valueFormat: (v) => formatPercent(v),
    emptyMessage: 'no rows',
  });
}

/**
 * F1 per label, best first, one bar per decision rule; the hover text adds precision, recall
 * and support when `perClass` has them.
 */
export function renderPerClassF1Chart(
  series: Array<{ name: string; f1: Record<string, number> }>,
  perClass: Record<string, ClassMetrics> = {},
  options: ChartOptions = {},
): string {
  if (series.length === 0) throw new ReportDataError('perClassF1.series', 'is empty; leave perClassF1 out to draw metrics.perClass');
  const labels = [...new Set(series.flatMap((s) => Object.keys(s.f1)))];
  const sortBy = series[series.length - 1].f1;
  const f1Of = (l: string) => (Number.isFinite(sortBy[l]) ? sortBy[l] : -1);
  labels.sort((a, b) => f1Of(b) - f1Of(a) || (a < b ? -1 : a > b ? 1 : 0));
  const barSeries = series.map((s) => ({
    name: s.name,
    values: labels.map((l) => s.f1[l] ?? NaN),
    tooltips: labels.map((l) => {
      const m = perClass[l];
      const extra = m && series.length === 1 ? ` · precision ${formatMetric(m.precision)} · recall ${formatMetric(m.recall)} · support ${formatCount(m.support)}` : '';
      return `${l} — ${s.name}: F1 ${formatMetric(s.f1[l] ?? NaN)}${extra}`;
    }),
  }));
  const values = barSeries[barSeries.length - 1].values.filter(Number.isFinite);
  const macro = values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
  return horizontalBarChart({
    kind: 'per-class-f1',
    id: options.id ?? 'per-class-f1',
    title: 'F1 per label',
    subtitle: series.length > 1 ? `Sorted by "${series[series.length - 1].name}"` : 'Sorted from best to worst',
    desc: `F1 score of each of ${labels.length} labels${series.length > 1 ? ` under ${series.map((s) => s.name).join(' and ')}` : ''}; mean ${formatMetric(macro)}.`,
    categories: labels,
    series: barSeries,
    domain: [0, 1],
    valueLabel: 'F1',
    valueFormat: (v) => formatMetric(v, 2),
    emptyMessage: 'no labels to show',
  });
}
