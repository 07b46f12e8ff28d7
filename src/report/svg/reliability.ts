/**
 * Reliability diagram: per confidence bin, how often the model was right against how sure it
 * was. A calibrated model sits on the diagonal. Several series (e.g. before and after
 * temperature scaling) share the axes, each with its expected calibration error (ECE) in the
 * legend; a strip below shows how many rows fell in each bin, since a bin of 3 rows far from
 * the diagonal matters little.
 */
import { escapeMarkup } from '../escape.js';
import { coord, formatCount, formatMetric, formatPercent } from '../format.js';
import { ReportDataError, type ReliabilityBin, type ReliabilitySection } from '../report-data.js';
import { percentTick, type ChartOptions } from './bar-charts.js';
import { SMALL_FONT_SIZE, SUBTITLE_HEIGHT, TITLE_HEIGHT, attrs, bottomAxis, chartSvg, emptyPlot, fittedText, leftAxis, linePath, text } from './elements.js';
import { AXIS, MUTED_INK, seriesColor } from './palette.js';
import { linearScale, niceDomain, niceTicks } from './scale.js';

const WIDTH = 640;
const PLOT_SIZE = 300;
const STRIP_HEIGHT = 64;

/** Expected calibration error: mean |accuracy − confidence| over bins, weighted by their rows. */
export function expectedCalibrationError(bins: readonly ReliabilityBin[]): number {
  let total = 0;
  let sum = 0;
  for (const b of bins) {
    if (!(b.count > 0) || !Number.isFinite(b.accuracy) || !Number.isFinite(b.meanConfidence)) continue;
    total += b.count;
    sum += b.count * Math.abs(b.accuracy - b.meanConfidence);
  }
  return total > 0 ? sum / total : NaN;
}

/** Marker shapes differ per series, so the series stay apart without relying on colour. */
function marker(index: number, cx: number, cy: number, color: string, tooltip: string): string {
  const title = `<title>${escapeMarkup(tooltip)}</title>`;
  const shape = index % 3;
  if (shape === 0) return `<circle${attrs({ cx, cy, r: 4, fill: color, stroke: '#ffffff', 'stroke-width': 1 })}>${title}</circle>`;
  if (shape === 1) return `<rect${attrs({ x: cx - 3.8, y: cy - 3.8, width: 7.6, height: 7.6, fill: color, stroke: '#ffffff', 'stroke-width': 1 })}>${title}</rect>`;
  return `<path${attrs({ d: `M${coord(cx)} ${coord(cy - 5)}L${coord(cx + 5)} ${coord(cy)}L${coord(cx)} ${coord(cy + 5)}L${coord(cx - 5)} ${coord(cy)}Z`, fill: color, stroke: '#ffffff', 'stroke-width': 1 })}>${title}</path>`;
}

export function renderReliabilityChart(section: ReliabilitySection, options: ChartOptions = {}): string {
  const id = options.id ?? 'reliability';
  section.series.forEach((s, i) => {
    if (!Array.isArray(s.bins)) throw new ReportDataError(`reliability.series[${i}].bins`, 'must be an array of bins');
  });
  const x0 = 66;
  const y0 = TITLE_HEIGHT + SUBTITLE_HEIGHT + 16;
  const lo = lowerBound(section);
  const x = linearScale([lo, 1], [x0, x0 + PLOT_SIZE]);
  const y = linearScale([lo, 1], [y0 + PLOT_SIZE, y0]);
  const ticks = niceTicks(lo, 1, 5);
  const clamp01 = (v: number) => Math.min(1, Math.max(lo, v));
  const stripTop = y0 + PLOT_SIZE + 18;
  const legendX = x0 + PLOT_SIZE + 26;
  const legendWidth = WIDTH - legendX - 12;
  const height = stripTop + STRIP_HEIGHT + 52;
  const series = section.series.map((s) => ({ ...s, ece: s.ece ?? expectedCalibrationError(s.bins), total: s.bins.reduce((a, b) => a + (b.count > 0 ? b.count : 0), 0) }));
  const desc = `Reliability diagram: ${series.map((s) => `${s.name} ECE ${formatMetric(s.ece)}`).join(', ') || 'no data'}.`;
  const subtitle = section.note ?? 'Accuracy against mean confidence per bin; the diagonal is perfect calibration';

  let body = leftAxis(x0, { scale: y, ticks, label: 'accuracy', gridTo: x0 + PLOT_SIZE });
  // The x ticks sit under the strip, which shares the confidence axis.
  body += `<g${attrs({ stroke: '#e6e8eb' })}>${ticks.values.map((v) => `<line${attrs({ x1: x(v), x2: x(v), y1: y0, y2: y0 + PLOT_SIZE })}/>`).join('')}</g>`;
  body += `<line${attrs({ x1: x0, x2: x0 + PLOT_SIZE, y1: y0 + PLOT_SIZE, y2: y0 + PLOT_SIZE, stroke: AXIS })}/>`;
  if (series.every((s) => s.total === 0)) {
    body += emptyPlot(x0, y0, PLOT_SIZE, PLOT_SIZE, 'no rows in any bin');
  }
  body += `<line${attrs({ x1: x(lo), y1: y(lo), x2: x(1), y2: y(1), stroke: AXIS, 'stroke-dasharray': '4 4' })}/>`;
  const mid = lo + 0.3 * (1 - lo);
  body += text(x(mid) + 6, y(mid) + 6, 'perfect calibration', { 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK, 'text-anchor': 'start', transform: `rotate(-45 ${coord(x(mid) + 6)} ${coord(y(mid) + 6)})`, 'dominant-baseline': 'hanging' });

  series.forEach((s, k) => {
    const color = seriesColor(k);
    const bins = s.bins.filter((b) => b.count > 0 && Number.isFinite(b.meanConfidence) && Number.isFinite(b.accuracy));
    body += `<path${attrs({ d: linePath(bins.map((b) => x(clamp01(b.meanConfidence))), bins.map((b) => y(clamp01(b.accuracy)))), fill: 'none', stroke: color, 'stroke-width': 2, 'stroke-linejoin': 'round', 'stroke-dasharray': k === 0 ? undefined : k === 1 ? '6 3' : '2 3' })}/>`;
    for (const b of bins) {
      const tooltip = `${s.name}, confidence ${formatMetric(b.lower, 2)}–${formatMetric(b.upper, 2)}: ${formatCount(b.count)} rows, mean confidence ${formatMetric(b.meanConfidence)}, accuracy ${formatMetric(b.accuracy)}`;
      body += marker(k, x(clamp01(b.meanConfidence)), y(clamp01(b.accuracy)), color, tooltip);
    }
  });

  // Rows per bin, as a share of each series' rows, bars split side by side within the bin.
  const shares = series.flatMap((s) => s.bins.map((b) => (s.total > 0 && b.count > 0 ? b.count / s.total : 0)));
  const [, maxShare] = niceDomain(shares, { includeZero: true, count: 2 });
  const stripY = linearScale([0, Math.max(maxShare, 1e-9)], [stripTop + STRIP_HEIGHT, stripTop]);
  body += leftAxis(x0, { scale: stripY, ticks: niceTicks(0, maxShare, 2), label: 'rows', format: percentTick, titleX: x0 - 48 });
  series.forEach((s, k) => {
    for (const b of s.bins) {
      if (!(b.count > 0) || !Number.isFinite(b.lower) || !Number.isFinite(b.upper)) continue;
      const left = x(clamp01(b.lower));
      const w = (x(clamp01(b.upper)) - left) / series.length;
      const share = b.count / s.total;
      const tooltip = `${s.name}, confidence ${formatMetric(b.lower, 2)}–${formatMetric(b.upper, 2)}: ${formatCount(b.count)} rows (${formatPercent(share)})`;
      body += `<rect${attrs({ x: left + k * w + 0.5, y: stripY(share), width: Math.max(0.5, w - 1), height: stripTop + STRIP_HEIGHT - stripY(share), fill: seriesColor(k), 'fill-opacity': '0.75' })}><title>${escapeMarkup(tooltip)}</title></rect>`;
    }
  });
  body += bottomAxis(stripTop + STRIP_HEIGHT, { scale: x, ticks, label: 'mean confidence in bin' });

  // Legend with the ECE column.
  let ly = y0 + 6;
  body += `<g class="legend">`;
  body += text(legendX + legendWidth, ly, 'ECE', { 'text-anchor': 'end', 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK, 'font-weight': 600 });
  ly += 18;
  series.forEach((s, k) => {
    const color = seriesColor(k);
    body += `<line${attrs({ x1: legendX, x2: legendX + 20, y1: ly - 4, y2: ly - 4, stroke: color, 'stroke-width': 2, 'stroke-dasharray': k === 0 ? undefined : k === 1 ? '6 3' : '2 3' })}/>`;
    body += marker(k, legendX + 10, ly - 4, color, s.name);
    body += fittedText(legendX + 26, ly, s.name, legendWidth - 26 - 44);
    body += text(legendX + legendWidth, ly, formatMetric(s.ece), { 'text-anchor': 'end' });
    ly += 18;
  });
  body += `</g>`;
  return chartSvg({ kind: 'reliability', id, width: WIDTH, height, title: 'Reliability diagram', subtitle, desc, body });
}

/**
 * Where both axes start: 0, or higher when every bin lies above it (binary confidence of the
 * predicted class never goes below 0.5, and half an empty plot would hide the detail).
 */
function lowerBound(section: ReliabilitySection): number {
  let lowest = 1;
  for (const s of section.series) {
    for (const b of s.bins) {
      if (!(b.count > 0)) continue;
      for (const v of [b.lower, b.meanConfidence, b.accuracy]) if (Number.isFinite(v)) lowest = Math.min(lowest, v);
    }
  }
  const lo = Math.floor(Math.max(0, lowest) * 10 + 1e-9) / 10;
  return lo >= 0.9 ? 0.9 : lo;
}
