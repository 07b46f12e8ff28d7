/**
 * Training curves as small multiples: one panel per quantity (train loss, dev metric, learning
 * rate, …), because they live on unrelated scales. Panels with many series — one loss curve
 * per one-vs-rest model — draw them translucent in one colour, which shows the spread without
 * a legend of 28 entries.
 */
import { escapeMarkup } from '../escape.js';
import { formatMetric } from '../format.js';
import { REPORT_LIMITS, ReportDataError, type TrainingCurves } from '../report-data.js';
import type { ChartOptions } from './bar-charts.js';
import { thinCurve } from './downsample.js';
import { FONT_SIZE, SMALL_FONT_SIZE, TITLE_HEIGHT, attrs, bottomAxis, chartSvg, emptyPlot, fittedText, leftAxis, legendRow, linePath, text } from './elements.js';
import { AXIS, MUTED_INK, seriesColor } from './palette.js';
import { linearScale, niceDomain, niceTicks } from './scale.js';

const MAX_COLUMNS = 3;
const PANEL_PLOT_HEIGHT = 170;
const PANEL_GAP = 28;
/** More series than this are drawn translucent in one colour, without a legend. */
const LEGEND_UP_TO = 6;

export function renderTrainingCurvesChart(curves: TrainingCurves, options: ChartOptions = {}): string {
  const id = options.id ?? 'training-curves';
  const panels = curves.panels.map((panel, p) => ({
    ...panel,
    series: panel.series.map((s, i) => {
      const xs = s.x ?? s.y.map((_, k) => k + 1);
      if (xs.length !== s.y.length) throw new ReportDataError(`trainingCurves.panels[${p}].series[${i}] (${s.name})`, `x has ${xs.length} values but y has ${s.y.length}`);
      return { name: s.name, ...thinCurve(xs, s.y, REPORT_LIMITS.pointsPerCurve) };
    }),
  }));
  const columns = Math.max(1, Math.min(MAX_COLUMNS, panels.length));
  const width = columns === 1 ? 580 : 920;
  const panelWidth = (width - 32 - (columns - 1) * PANEL_GAP) / columns;
  const hasLegend = panels.some((p) => p.series.length > 1 && p.series.length <= LEGEND_UP_TO);
  const panelHeight = 24 + (hasLegend ? 20 : 0) + PANEL_PLOT_HEIGHT + 52;
  const rows = Math.max(1, Math.ceil(panels.length / columns));
  const top = TITLE_HEIGHT + 8;
  const height = top + rows * panelHeight + 8;

  let body = '';
  if (panels.length === 0) body += emptyPlot(16, top, width - 32, PANEL_PLOT_HEIGHT, 'no training trace recorded');
  panels.forEach((panel, p) => {
    const px = 16 + (p % columns) * (panelWidth + PANEL_GAP);
    const py = top + Math.floor(p / columns) * panelHeight;
    const x0 = px + 58;
    const x1 = px + panelWidth - 8;
    const many = panel.series.length > LEGEND_UP_TO;
    const heading = many ? `${panel.title} (${panel.series.length} curves)` : panel.title;
    body += fittedText(px, py + 14, heading, panelWidth, { 'font-size': FONT_SIZE, 'font-weight': 600 });
    let plotTop = py + 26;
    if (hasLegend) {
      if (panel.series.length > 1 && !many) body += legendRow(panel.series.map((s, i) => ({ label: s.name, color: seriesColor(i), shape: 'line' as const })), px, plotTop + 6).svg;
      plotTop += 20;
    }
    const plotBottom = plotTop + PANEL_PLOT_HEIGHT;
    const allX = panel.series.flatMap((s) => s.xs).concat(panel.marker && Number.isFinite(panel.marker.x) ? [panel.marker.x] : []);
    const allY = panel.series.flatMap((s) => s.ys);
    const finiteX = allX.filter(Number.isFinite);
    const xDomain: [number, number] = finiteX.length === 0 ? [0, 1] : [Math.min(...finiteX), Math.max(...finiteX)];
    if (xDomain[0] === xDomain[1]) xDomain[1] = xDomain[0] + 1;
    const yDomain = niceDomain(allY, { count: 4 });
    const x = linearScale(xDomain, [x0, x1]);
    const y = linearScale(yDomain, [plotBottom, plotTop]);
    body += leftAxis(x0, { scale: y, ticks: niceTicks(yDomain[0], yDomain[1], 4), label: '', gridTo: x1 });
    body += bottomAxis(plotBottom, { scale: x, ticks: niceTicks(xDomain[0], xDomain[1], Math.max(2, Math.floor((x1 - x0) / 60))), label: curves.xLabel });
    if (allY.filter(Number.isFinite).length === 0) {
      body += emptyPlot(x0, plotTop, x1 - x0, PANEL_PLOT_HEIGHT, 'no values');
      return;
    }
    if (panel.marker && Number.isFinite(panel.marker.x)) {
      const mx = x(panel.marker.x);
      body += `<line${attrs({ x1: mx, x2: mx, y1: plotTop, y2: plotBottom, stroke: AXIS, 'stroke-dasharray': '4 3' })}/>`;
      body += text(mx + 4, plotTop + 12, panel.marker.label, { 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK });
    }
    body += `<g${attrs({ fill: 'none', 'stroke-linejoin': 'round', 'stroke-linecap': 'round' })}>`;
    panel.series.forEach((s, i) => {
      const color = many ? seriesColor(0) : seriesColor(i);
      const last = s.ys.length > 0 ? s.ys[s.ys.length - 1] : NaN;
      const title = `<title>${escapeMarkup(`${s.name}: last value ${formatMetric(last, 4)}`)}</title>`;
      if (s.xs.length === 1) {
        body += `<circle${attrs({ cx: x(s.xs[0]), cy: y(s.ys[0]), r: 3.5, fill: color })}>${title}</circle>`;
      } else {
        body += `<path${attrs({ d: linePath(s.xs.map(x), s.ys.map(y)), stroke: color, 'stroke-width': many ? 1.2 : 2, 'stroke-opacity': many ? '0.45' : undefined })}>${title}</path>`;
      }
    });
    body += `</g>`;
  });
  const desc = `Training curves by ${curves.xLabel}: ${panels.map((p) => p.title).join(', ') || 'none'}.`;
  return chartSvg({ kind: 'training-curves', id, width, height, title: 'Training curves', desc, body });
}
