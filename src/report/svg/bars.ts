/**
 * Grouped bar charts: horizontal (one row per label, for long label lists) and vertical (a few
 * numeric categories). The chart-specific renderers in bar-charts.ts decide order, domain and
 * wording; this module only lays bars out.
 */
import { escapeMarkup } from '../escape.js';
import { formatTick } from '../format.js';
import type { ChartKind } from '../report-data.js';
import { estimateTextWidth } from '../text-width.js';
import {
  FONT_SIZE,
  SMALL_FONT_SIZE,
  SUBTITLE_HEIGHT,
  TITLE_HEIGHT,
  attrs,
  bottomAxis,
  chartSvg,
  emptyPlot,
  fittedText,
  leftAxis,
  legendRow,
  text,
  type LegendItem,
} from './elements.js';
import { AXIS, MUTED_INK, seriesColor } from './palette.js';
import { linearScale, niceTicks } from './scale.js';

export interface BarSeries {
  name: string;
  values: number[];
  /** Hover text per category. */
  tooltips?: string[];
  color?: string;
}

export interface BarChartInput {
  kind: ChartKind;
  id: string;
  title: string;
  subtitle?: string;
  desc: string;
  categories: string[];
  series: BarSeries[];
  domain: [number, number];
  valueLabel: string;
  /** Tick labels of the value axis. */
  tickFormat?: (value: number, step: number) => string;
  /** Written at the end of each bar when there is one series; omitted otherwise. */
  valueFormat?: (value: number) => string;
  /** Shown inside the plot when there are no categories. */
  emptyMessage: string;
  width?: number;
}

const MAX_CATEGORY_LABEL_WIDTH = 220;

function seriesLegend(series: BarSeries[]): LegendItem[] {
  return series.map((s, i) => ({ label: s.name, color: s.color ?? seriesColor(i), shape: 'rect' }));
}

function clampValue(v: number, domain: [number, number]): number {
  return Number.isFinite(v) ? Math.min(domain[1], Math.max(domain[0], v)) : domain[0];
}

/** One row per category, bars growing rightwards from the domain's start. */
export function horizontalBarChart(input: BarChartInput): string {
  const width = input.width ?? 760;
  const nSeries = Math.max(1, input.series.length);
  const barHeight = nSeries === 1 ? 16 : Math.max(6, Math.round(22 / nSeries));
  const gap = nSeries === 1 ? 7 : 9;
  const band = nSeries * barHeight + gap;
  const showValues = input.series.length === 1 && input.valueFormat !== undefined;

  let top = TITLE_HEIGHT + (input.subtitle ? SUBTITLE_HEIGHT : 0) + 10;
  let body = '';
  if (input.series.length > 1) {
    body += legendRow(seriesLegend(input.series), 16, top + 4).svg;
    top += 24;
  }
  const widestLabel = Math.max(0, ...input.categories.map((c) => estimateTextWidth(c, FONT_SIZE)));
  const labelWidth = Math.min(MAX_CATEGORY_LABEL_WIDTH, Math.max(48, widestLabel + 4));
  const x0 = 16 + labelWidth + 10;
  const x1 = width - 24 - (showValues ? 48 : 0);
  const plotHeight = Math.max(band, input.categories.length * band);
  const height = top + plotHeight + 52;
  const x = linearScale(input.domain, [x0, x1]);
  const ticks = niceTicks(input.domain[0], input.domain[1], Math.max(3, Math.floor((x1 - x0) / 90)));

  if (input.categories.length === 0) {
    body += emptyPlot(x0, top, x1 - x0, plotHeight + 20, input.emptyMessage);
    return chartSvg({ kind: input.kind, id: input.id, width, height: height + 20, title: input.title, subtitle: input.subtitle, desc: input.desc, body });
  }

  body += bottomAxis(top + plotHeight, { scale: x, ticks, label: input.valueLabel, format: input.tickFormat, gridTo: top });
  body += `<g class="bars">`;
  input.categories.forEach((category, c) => {
    const bandTop = top + c * band + gap / 2;
    body += fittedText(x0 - 8, bandTop + (nSeries * barHeight) / 2 + 4, category, labelWidth, { 'text-anchor': 'end' });
    input.series.forEach((s, k) => {
      const v = clampValue(s.values[c], input.domain);
      const start = x(input.domain[0]);
      const end = x(v);
      const y = bandTop + k * barHeight;
      const tooltip = s.tooltips?.[c];
      const title = tooltip === undefined ? '' : `<title>${escapeMarkup(tooltip)}</title>`;
      body += `<rect${attrs({ x: Math.min(start, end), y, width: Math.max(Math.abs(end - start), Number.isFinite(s.values[c]) && s.values[c] !== 0 ? 1 : 0), height: barHeight - (nSeries > 1 ? 1 : 0), fill: s.color ?? seriesColor(k), rx: 1.5 })}>${title}</rect>`;
      if (showValues && Number.isFinite(s.values[c])) {
        body += text(end + 5, y + barHeight / 2 + 4, input.valueFormat!(s.values[c]), { 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK });
      }
    });
  });
  body += `</g>`;
  return chartSvg({ kind: input.kind, id: input.id, width, height, title: input.title, subtitle: input.subtitle, desc: input.desc, body });
}

/** One column group per category along x, bars growing upwards. */
export function verticalBarChart(input: BarChartInput & { categoryLabel: string; plotHeight?: number }): string {
  const width = input.width ?? 560;
  const plotHeight = input.plotHeight ?? 220;
  let top = TITLE_HEIGHT + (input.subtitle ? SUBTITLE_HEIGHT : 0) + 10;
  let body = '';
  if (input.series.length > 1) {
    body += legendRow(seriesLegend(input.series), 16, top + 4).svg;
    top += 24;
  }
  top += 8;
  const x0 = 72;
  const x1 = width - 20;
  const y = linearScale(input.domain, [top + plotHeight, top]);
  const ticks = niceTicks(input.domain[0], input.domain[1], 5);
  const height = top + plotHeight + 52;
  if (input.categories.length === 0) {
    body += emptyPlot(x0, top, x1 - x0, plotHeight, input.emptyMessage);
    return chartSvg({ kind: input.kind, id: input.id, width, height, title: input.title, subtitle: input.subtitle, desc: input.desc, body });
  }
  body += leftAxis(x0, { scale: y, ticks, label: input.valueLabel, format: input.tickFormat ?? formatTick, gridTo: x1 });
  const band = (x1 - x0) / input.categories.length;
  const nSeries = Math.max(1, input.series.length);
  const groupWidth = Math.min(band * 0.7, 36 * nSeries);
  const barWidth = groupWidth / nSeries;
  body += `<g class="bars">`;
  input.categories.forEach((category, c) => {
    const center = x0 + band * (c + 0.5);
    input.series.forEach((s, k) => {
      const v = clampValue(s.values[c], input.domain);
      const bx = center - groupWidth / 2 + k * barWidth;
      const tooltip = s.tooltips?.[c];
      const title = tooltip === undefined ? '' : `<title>${escapeMarkup(tooltip)}</title>`;
      body += `<rect${attrs({ x: bx + 0.5, y: y(v), width: Math.max(1, barWidth - 1), height: Math.max(0, y(input.domain[0]) - y(v)), fill: s.color ?? seriesColor(k), rx: 1.5 })}>${title}</rect>`;
      if (nSeries === 1 && input.valueFormat && Number.isFinite(s.values[c])) {
        body += text(center, y(v) - 5, input.valueFormat(s.values[c]), { 'text-anchor': 'middle', 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK });
      }
    });
    body += text(center, top + plotHeight + 17, category, { 'text-anchor': 'middle', 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK });
  });
  body += `</g>`;
  body += text((x0 + x1) / 2, top + plotHeight + 40, input.categoryLabel, { 'text-anchor': 'middle' });
  body += `<line${attrs({ x1: x0, x2: x1, y1: top + plotHeight, y2: top + plotHeight, stroke: AXIS })}/>`;
  return chartSvg({ kind: input.kind, id: input.id, width, height, title: input.title, subtitle: input.subtitle, desc: input.desc, body });
}
