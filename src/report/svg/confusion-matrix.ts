/**
 * Confusion-matrix heatmap. Colours are row-normalised (share of each true label's rows that
 * went to each prediction), so rare labels are as readable as frequent ones; the raw counts are
 * printed in cells large enough for them and are always in the hover text.
 */
import { escapeMarkup } from '../escape.js';
import { coord, formatCount, formatPercent } from '../format.js';
import { REPORT_LIMITS, ReportDataError, type ConfusionMatrixData } from '../report-data.js';
import { estimateTextWidth } from '../text-width.js';
import type { ChartOptions } from './bar-charts.js';
import { FONT_SIZE, SMALL_FONT_SIZE, SUBTITLE_HEIGHT, TITLE_HEIGHT, attrs, chartSvg, emptyPlot, fittedText, text } from './elements.js';
import { AXIS, INK, MUTED_INK, heatColor, heatTextIsLight } from './palette.js';

const ROW_LABEL_MAX = 170;
const COLUMN_LABEL_MAX = 130;
const LEGEND_WIDTH = 86;

function validate(m: ConfusionMatrixData): void {
  const K = m.labels.length;
  if (m.counts.length !== K) throw new ReportDataError('confusionMatrix.counts', `has ${m.counts.length} rows for ${K} labels`);
  m.counts.forEach((row, i) => {
    if (row.length !== K) throw new ReportDataError(`confusionMatrix.counts[${i}]`, `has ${row.length} columns for ${K} labels`);
  });
}

export function renderConfusionMatrixChart(matrix: ConfusionMatrixData, options: ChartOptions = {}): string {
  validate(matrix);
  const shown = Math.min(matrix.labels.length, REPORT_LIMITS.confusionLabels);
  const labels = matrix.labels.slice(0, shown);
  const counts = matrix.counts.slice(0, shown).map((row) => row.slice(0, shown).map((c) => (Number.isFinite(c) && c > 0 ? c : 0)));
  const K = labels.length;
  const cell = Math.max(14, Math.min(56, Math.floor(560 / Math.max(1, K))));
  const grid = K * cell;
  const rotate = K > 6 || labels.some((l) => estimateTextWidth(l, SMALL_FONT_SIZE) > cell - 4);
  const rowLabelWidth = Math.min(ROW_LABEL_MAX, Math.max(40, ...labels.map((l) => estimateTextWidth(l, SMALL_FONT_SIZE) + 4)));
  const columnLabelWidth = Math.min(COLUMN_LABEL_MAX, Math.max(20, ...labels.map((l) => estimateTextWidth(l, SMALL_FONT_SIZE) + 4)));
  const columnLabelDrop = rotate ? columnLabelWidth * Math.SQRT1_2 + 12 : 20;

  const subtitle = K < matrix.labels.length ? `Rows: true label · columns: predicted label · first ${K} of ${matrix.labels.length} labels` : 'Rows: true label · columns: predicted label · colour: share of the row';
  const x0 = Math.max(16 + 22 + rowLabelWidth + 8, 16 + (rotate ? columnLabelWidth * Math.SQRT1_2 : 0));
  const y0 = TITLE_HEIGHT + SUBTITLE_HEIGHT + 14;
  const width = Math.max(420, x0 + grid + 24 + LEGEND_WIDTH);
  const height = y0 + Math.max(grid, 120) + columnLabelDrop + 40;

  let total = 0;
  let diagonal = 0;
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) total += counts[i][j];
    diagonal += counts[i][i];
  }
  const desc = `Confusion matrix of ${K} labels over ${formatCount(total)} rows; ${formatPercent(total > 0 ? diagonal / total : 0)} on the diagonal (predicted = true).`;

  let body = '';
  if (K === 0) {
    body += emptyPlot(x0, y0, 300, 120, 'no labels');
    return chartSvg({ kind: 'confusion-matrix', id: options.id ?? 'confusion-matrix', width, height, title: 'Confusion matrix', subtitle, desc, body });
  }

  const showCounts = cell >= 30;
  body += `<g class="cells">`;
  for (let i = 0; i < K; i++) {
    const rowTotal = counts[i].reduce((a, b) => a + b, 0);
    for (let j = 0; j < K; j++) {
      const c = counts[i][j];
      const share = rowTotal > 0 ? c / rowTotal : 0;
      const x = x0 + j * cell;
      const y = y0 + i * cell;
      const tooltip = `true "${labels[i]}" → predicted "${labels[j]}": ${formatCount(c)} rows (${formatPercent(share)} of "${labels[i]}")`;
      body += `<rect${attrs({ x, y, width: cell, height: cell, fill: heatColor(share), stroke: '#ffffff', 'stroke-width': cell >= 20 ? 1 : 0.5 })}><title>${escapeMarkup(tooltip)}</title></rect>`;
      if (showCounts && c > 0) {
        const label = formatCount(c);
        const fontSize = estimateTextWidth(label, SMALL_FONT_SIZE) <= cell - 4 ? SMALL_FONT_SIZE : 9;
        body += text(x + cell / 2, y + cell / 2 + fontSize / 3, label, { 'text-anchor': 'middle', 'font-size': fontSize, fill: heatTextIsLight(share) ? '#ffffff' : INK, 'pointer-events': 'none' });
      }
    }
  }
  // The diagonal is what a good model fills; outline it so it reads even where counts are small.
  for (let i = 0; i < K; i++) {
    body += `<rect${attrs({ x: x0 + i * cell + 0.5, y: y0 + i * cell + 0.5, width: cell - 1, height: cell - 1, fill: 'none', stroke: INK, 'stroke-opacity': '0.35', 'pointer-events': 'none' })}/>`;
  }
  body += `</g>`;

  // Row (true) labels, column (predicted) labels and the two axis titles.
  body += `<g class="axis"${attrs({ 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK })}>`;
  labels.forEach((label, i) => {
    body += fittedText(x0 - 6, y0 + i * cell + cell / 2 + 4, label, rowLabelWidth, { 'text-anchor': 'end', 'font-size': SMALL_FONT_SIZE });
    const cx = x0 + i * cell + cell / 2;
    const cy = y0 + grid + 8;
    body += rotate
      ? fittedText(cx + 3, cy, label, columnLabelWidth, { 'text-anchor': 'end', transform: `rotate(-45 ${coord(cx + 3)} ${coord(cy)})`, 'font-size': SMALL_FONT_SIZE, 'dominant-baseline': 'hanging' })
      : fittedText(cx, cy + 8, label, cell, { 'text-anchor': 'middle', 'font-size': SMALL_FONT_SIZE });
  });
  body += `</g>`;
  body += text(x0 + grid / 2, y0 + grid + columnLabelDrop + 18, 'predicted label', { 'text-anchor': 'middle', 'font-size': FONT_SIZE });
  const titleX = x0 - rowLabelWidth - 22;
  body += text(titleX, y0 + grid / 2, 'true label', { 'text-anchor': 'middle', transform: `rotate(-90 ${coord(titleX)} ${coord(y0 + grid / 2)})`, 'font-size': FONT_SIZE });

  body += colourLegend(x0 + grid + 28, y0, Math.min(Math.max(grid, 100), 220), options.id ?? 'confusion-matrix');
  return chartSvg({ kind: 'confusion-matrix', id: options.id ?? 'confusion-matrix', width, height, title: 'Confusion matrix', subtitle, desc, body });
}

/** A vertical colour bar from 0 % (bottom) to 100 % (top) of the row. */
function colourLegend(x: number, y: number, height: number, id: string): string {
  const gradientId = `${id}-scale`;
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => `<stop${attrs({ offset: `${t * 100}%`, 'stop-color': heatColor(1 - t) })}/>`).join('');
  let s = `<defs><linearGradient${attrs({ id: gradientId, x1: 0, x2: 0, y1: 0, y2: 1 })}>${stops}</linearGradient></defs>`;
  s += `<rect${attrs({ x, y, width: 14, height, fill: `url(#${gradientId})`, stroke: AXIS, 'stroke-width': 0.5 })}/>`;
  for (const t of [0, 0.5, 1]) {
    const ty = y + height * (1 - t);
    s += `<line${attrs({ x1: x + 14, x2: x + 18, y1: ty, y2: ty, stroke: AXIS })}/>`;
    s += text(x + 21, ty + 4, formatPercent(t, 0), { 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK });
  }
  s += text(x, y + height + 18, 'of true label', { 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK });
  return s;
}
