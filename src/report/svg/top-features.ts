/**
 * Top features per label as small multiples: for each label the features with the largest
 * weights, as bars diverging from zero (blue pushes towards the label, vermillion away), each
 * panel on its own scale since weights of different labels are not comparable.
 */
import { escapeMarkup } from '../escape.js';
import { formatMetric, formatTick } from '../format.js';
import { REPORT_LIMITS, type TopFeatures } from '../report-data.js';
import type { ChartOptions } from './bar-charts.js';
import { FONT_SIZE, SMALL_FONT_SIZE, TITLE_HEIGHT, SUBTITLE_HEIGHT, attrs, chartSvg, emptyPlot, fittedText, legendRow, text } from './elements.js';
import { AXIS, GRID, MUTED_INK, NEGATIVE, POSITIVE } from './palette.js';
import { linearScale, niceDomain, niceTicks } from './scale.js';

const ROW_HEIGHT = 17;
const PANEL_GAP = 26;
const NAME_WIDTH = 112;

function columnsFor(labels: number): number {
  if (labels <= 2) return Math.max(1, labels);
  return labels <= 9 ? 3 : 4;
}

export function renderTopFeaturesChart(section: TopFeatures, options: ChartOptions = {}): string {
  const id = options.id ?? 'top-features';
  const perLabel = section.perLabel.slice(0, REPORT_LIMITS.featureLabels).map((entry) => ({
    label: entry.label,
    // Largest magnitude first, then shown in weight order (most positive on top).
    features: [...entry.features]
      .filter((f) => Number.isFinite(f.weight))
      .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.name < b.name ? -1 : 1))
      .slice(0, REPORT_LIMITS.featuresPerLabel)
      .sort((a, b) => b.weight - a.weight || (a.name < b.name ? -1 : 1)),
  }));
  const columns = columnsFor(perLabel.length);
  const width = columns <= 2 ? 760 : 1000;
  const panelWidth = (width - 32 - (columns - 1) * PANEL_GAP) / columns;
  const rowsPerPanel = Math.max(1, ...perLabel.map((p) => p.features.length));
  const panelHeight = 22 + rowsPerPanel * ROW_HEIGHT + 30;
  const top = TITLE_HEIGHT + SUBTITLE_HEIGHT + 34;
  const panelRows = Math.max(1, Math.ceil(perLabel.length / columns));
  const height = top + panelRows * panelHeight + 8;
  const hidden = section.perLabel.length - perLabel.length;
  const subtitle = section.note ?? `Largest model weights per label${hidden > 0 ? ` (first ${perLabel.length} of ${section.perLabel.length} labels)` : ''}`;

  let body = legendRow(
    [
      { label: 'towards the label', color: POSITIVE, shape: 'rect' },
      { label: 'away from the label', color: NEGATIVE, shape: 'rect' },
    ],
    16,
    TITLE_HEIGHT + SUBTITLE_HEIGHT + 14,
  ).svg;
  if (perLabel.length === 0) body += emptyPlot(16, top, width - 32, 80, 'no features');

  perLabel.forEach((entry, p) => {
    const px = 16 + (p % columns) * (panelWidth + PANEL_GAP);
    const py = top + Math.floor(p / columns) * panelHeight;
    const nameWidth = Math.min(NAME_WIDTH, panelWidth * 0.45);
    const x0 = px + nameWidth + 6;
    const x1 = px + panelWidth - 4;
    const [lo, hi] = niceDomain(entry.features.map((f) => f.weight), { includeZero: true, count: 3 });
    const x = linearScale([lo, hi], [x0, x1]);
    body += fittedText(px, py + 13, entry.label, panelWidth, { 'font-size': FONT_SIZE, 'font-weight': 600 });
    const plotTop = py + 22;
    const plotBottom = plotTop + rowsPerPanel * ROW_HEIGHT;
    const ticks = niceTicks(lo, hi, 3);
    for (const v of ticks.values) {
      body += `<line${attrs({ x1: x(v), x2: x(v), y1: plotTop, y2: plotBottom, stroke: v === 0 ? AXIS : GRID })}/>`;
      body += text(x(v), plotBottom + 13, formatTick(v, ticks.step), { 'text-anchor': 'middle', 'font-size': 10, fill: MUTED_INK });
    }
    if (entry.features.length === 0) body += text(x0, plotTop + 12, 'no features', { fill: MUTED_INK, 'font-size': SMALL_FONT_SIZE });
    entry.features.forEach((f, r) => {
      const y = plotTop + r * ROW_HEIGHT;
      const start = x(0);
      const end = x(f.weight);
      body += fittedText(px + nameWidth, y + ROW_HEIGHT / 2 + 4, f.name, nameWidth, { 'text-anchor': 'end', 'font-size': SMALL_FONT_SIZE });
      body += `<rect${attrs({ x: Math.min(start, end), y: y + 2, width: Math.max(1, Math.abs(end - start)), height: ROW_HEIGHT - 4, rx: 1.5, fill: f.weight >= 0 ? POSITIVE : NEGATIVE })}><title>${escapeMarkup(`${entry.label}: "${f.name}" weight ${formatMetric(f.weight, 4)}`)}</title></rect>`;
    });
    body += text((x0 + x1) / 2, plotBottom + 26, 'weight', { 'text-anchor': 'middle', 'font-size': 10, fill: MUTED_INK });
  });
  const desc = `Top ${REPORT_LIMITS.featuresPerLabel} features by weight for ${perLabel.length} labels${perLabel[0]?.features[0] ? `; e.g. "${perLabel[0].features[0].name}" for "${perLabel[0].label}"` : ''}.`;
  return chartSvg({ kind: 'top-features', id, width, height, title: 'Top features per label', subtitle, desc, body });
}
