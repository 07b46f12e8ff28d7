/**
 * ROC and precision–recall curves. With many labels (GoEmotions has 28) a chart of 30 coloured
 * lines is unreadable, so only a few curves are highlighted — the averages plus the best and
 * worst labels, or the ones the caller names — and the rest are drawn faint grey for context,
 * each still naming itself on hover.
 */
import { escapeMarkup } from '../escape.js';
import { coord, formatMetric } from '../format.js';
import { REPORT_LIMITS, ReportDataError, type CurveKind, type CurveSection, type PrSeries, type RocSeries } from '../report-data.js';
import type { ChartOptions } from './bar-charts.js';
import { thinCurve } from './downsample.js';
import { SMALL_FONT_SIZE, SUBTITLE_HEIGHT, TITLE_HEIGHT, attrs, bottomAxis, chartSvg, emptyPlot, fittedText, leftAxis, linePath, text } from './elements.js';
import { AXIS, FAINT, INK, MUTED_INK, seriesColor } from './palette.js';
import { linearScale, niceTicks, type LinearScale } from './scale.js';

/** Label curves beyond this count trigger the best/worst highlighting. */
const HIGHLIGHT_ALL_UP_TO = 6;
const HIGHLIGHT_BEST_WORST = 2;
const PLOT_SIZE = 300;
const WIDTH = 640;

interface CurveLine {
  name: string;
  kind: CurveKind;
  xs: number[];
  ys: number[];
  score?: number;
}

interface CurveChartInput {
  kind: 'roc' | 'pr';
  id: string;
  title: string;
  subtitle: string;
  desc: string;
  xLabel: string;
  yLabel: string;
  scoreName: string;
  lines: CurveLine[];
  highlight?: string[];
  /** Reference marks drawn under the curves (chance line, iso-F1 curves). */
  reference: (x: LinearScale, y: LinearScale) => string;
}

function checkLengths(field: string, a: ArrayLike<number>, b: ArrayLike<number>, aName: string, bName: string): void {
  if (a.length !== b.length) throw new ReportDataError(field, `${aName} has ${a.length} values but ${bName} has ${b.length}`);
}

/** Which curves get colour: see `CurveSection.highlight`. */
export function pickHighlighted(lines: ReadonlyArray<{ name: string; kind: CurveKind; score?: number }>, requested?: string[]): Set<string> {
  if (requested !== undefined) return new Set(requested);
  const picked = new Set(lines.filter((l) => l.kind !== 'label').map((l) => l.name));
  const labelLines = lines.filter((l) => l.kind === 'label');
  if (labelLines.length <= HIGHLIGHT_ALL_UP_TO) {
    for (const l of labelLines) picked.add(l.name);
    return picked;
  }
  const scored = labelLines.filter((l) => Number.isFinite(l.score)).sort((a, b) => b.score! - a.score! || (a.name < b.name ? -1 : 1));
  for (const l of scored.slice(0, HIGHLIGHT_BEST_WORST)) picked.add(l.name);
  for (const l of scored.slice(-HIGHLIGHT_BEST_WORST)) picked.add(l.name);
  return picked;
}

function curveChart(input: CurveChartInput): string {
  const x0 = 66;
  const y0 = TITLE_HEIGHT + SUBTITLE_HEIGHT + 16;
  const x = linearScale([0, 1], [x0, x0 + PLOT_SIZE]);
  const y = linearScale([0, 1], [y0 + PLOT_SIZE, y0]);
  const ticks = niceTicks(0, 1, 5);
  const legendX = x0 + PLOT_SIZE + 26;
  const legendWidth = WIDTH - legendX - 12;

  let body = '';
  body += bottomAxis(y0 + PLOT_SIZE, { scale: x, ticks, label: input.xLabel, gridTo: y0 });
  body += leftAxis(x0, { scale: y, ticks, label: input.yLabel, gridTo: x0 + PLOT_SIZE });
  if (input.lines.length === 0) {
    body += emptyPlot(x0, y0, PLOT_SIZE, PLOT_SIZE, 'no curves');
    return chartSvg({ kind: input.kind, id: input.id, width: WIDTH, height: y0 + PLOT_SIZE + 52, title: input.title, subtitle: input.subtitle, desc: input.desc, body });
  }
  body += input.reference(x, y);

  const highlighted = pickHighlighted(input.lines, input.highlight);
  const faint = input.lines.filter((l) => !highlighted.has(l.name));
  const bold = input.lines.filter((l) => highlighted.has(l.name));
  // Averages last, so they sit on top of the label curves they summarise.
  bold.sort((a, b) => Number(a.kind !== 'label') - Number(b.kind !== 'label'));
  const clipId = `${input.id}-plot`;
  body += `<defs><clipPath${attrs({ id: clipId })}><rect${attrs({ x: x0 - 2, y: y0 - 2, width: PLOT_SIZE + 4, height: PLOT_SIZE + 4 })}/></clipPath></defs>`;
  body += `<g${attrs({ 'clip-path': `url(#${clipId})`, fill: 'none', 'stroke-linejoin': 'round', 'stroke-linecap': 'round' })}>`;
  const score = (l: CurveLine) => (Number.isFinite(l.score) ? ` — ${input.scoreName} ${formatMetric(l.score!)}` : '');
  for (const l of faint) {
    body += `<path${attrs({ d: linePath(l.xs.map(x), l.ys.map(y)), stroke: FAINT, 'stroke-width': 1.2 })}><title>${escapeMarkup(l.name + score(l))}</title></path>`;
  }
  const styles = new Map<string, { color: string; dashed: boolean; width: number }>();
  let colorIndex = 0;
  for (const l of bold) {
    const style =
      l.kind === 'micro'
        ? { color: INK, dashed: false, width: 2.4 }
        : l.kind === 'macro'
          ? { color: INK, dashed: true, width: 2.4 }
          : { color: seriesColor(colorIndex++), dashed: false, width: 2 };
    styles.set(l.name, style);
    body += `<path${attrs({ d: linePath(l.xs.map(x), l.ys.map(y)), stroke: style.color, 'stroke-width': style.width, 'stroke-dasharray': style.dashed ? '6 4' : undefined })}><title>${escapeMarkup(l.name + score(l))}</title></path>`;
  }
  body += `</g>`;

  // Legend: averages first, then highlighted labels by score; the score column right-aligned.
  const ordered = [...bold].sort((a, b) => Number(b.kind !== 'label') - Number(a.kind !== 'label') || (b.score ?? -1) - (a.score ?? -1));
  let ly = y0 + 6;
  body += `<g class="legend">`;
  body += text(legendX + legendWidth, ly, input.scoreName, { 'text-anchor': 'end', 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK, 'font-weight': 600 });
  ly += 18;
  for (const l of ordered) {
    const style = styles.get(l.name)!;
    body += `<line${attrs({ x1: legendX, x2: legendX + 20, y1: ly - 4, y2: ly - 4, stroke: style.color, 'stroke-width': style.width, 'stroke-dasharray': style.dashed ? '6 4' : undefined })}/>`;
    body += fittedText(legendX + 26, ly, l.name, legendWidth - 26 - 40);
    body += text(legendX + legendWidth, ly, Number.isFinite(l.score) ? formatMetric(l.score!) : '–', { 'text-anchor': 'end', 'font-variant-numeric': 'tabular-nums' });
    ly += 18;
  }
  if (faint.length > 0) {
    body += `<line${attrs({ x1: legendX, x2: legendX + 20, y1: ly - 4, y2: ly - 4, stroke: FAINT, 'stroke-width': 1.5 })}/>`;
    body += text(legendX + 26, ly, `${faint.length} other label${faint.length === 1 ? '' : 's'}`, { fill: MUTED_INK });
    ly += 18;
  }
  body += `</g>`;
  const height = Math.max(y0 + PLOT_SIZE + 52, ly + 12);
  return chartSvg({ kind: input.kind, id: input.id, width: WIDTH, height, title: input.title, subtitle: input.subtitle, desc: input.desc, body });
}

/** Trapezoidal area under a curve given in x order (either direction). */
function trapezoidArea(xs: number[], ys: number[]): number {
  let area = 0;
  for (let i = 1; i < xs.length; i++) {
    if ([xs[i], xs[i - 1], ys[i], ys[i - 1]].every(Number.isFinite)) area += ((xs[i] - xs[i - 1]) * (ys[i] + ys[i - 1])) / 2;
  }
  return Math.abs(area);
}

function clamp01(values: number[]): number[] {
  return values.map((v) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : NaN));
}

function describe(lines: CurveLine[], scoreName: string): string {
  const parts = lines
    .filter((l) => l.kind !== 'label' || lines.length <= HIGHLIGHT_ALL_UP_TO)
    .map((l) => `${l.name} ${Number.isFinite(l.score) ? `${scoreName} ${formatMetric(l.score!)}` : ''}`.trim());
  const labels = lines.filter((l) => l.kind === 'label').length;
  return `${labels} label curve${labels === 1 ? '' : 's'}${parts.length > 0 ? `; ${parts.join(', ')}` : ''}.`;
}

export function renderRocChart(section: CurveSection<RocSeries>, options: ChartOptions = {}): string {
  const lines = section.curves.map((c, i): CurveLine => {
    checkLengths(`rocCurves.curves[${i}] (${c.name})`, c.fpr, c.tpr, 'fpr', 'tpr');
    const thinned = thinCurve(clamp01(c.fpr), clamp01(c.tpr), REPORT_LIMITS.pointsPerCurve);
    return { name: c.name, kind: c.kind ?? 'label', xs: thinned.xs, ys: thinned.ys, score: c.auc ?? (c.fpr.length >= 2 ? trapezoidArea(c.fpr, c.tpr) : undefined) };
  });
  return curveChart({
    kind: 'roc',
    id: options.id ?? 'roc',
    title: 'ROC curves',
    subtitle: 'Legend: area under the curve (AUC)',
    desc: `ROC curves: ${describe(lines, 'AUC')}`,
    xLabel: 'false positive rate',
    yLabel: 'true positive rate',
    scoreName: 'AUC',
    lines,
    highlight: section.highlight,
    reference: (x, y) =>
      `<line${attrs({ x1: x(0), y1: y(0), x2: x(1), y2: y(1), stroke: AXIS, 'stroke-dasharray': '4 4' })}/>` +
      text(x(0.62), y(0.56), 'chance', { 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK, transform: `rotate(-45 ${coord(x(0.62))} ${coord(y(0.56))})`, 'text-anchor': 'middle' }),
  });
}

/** Iso-F1 contours: the (recall, precision) pairs with F1 = f, for recall from f/2 to 1. */
function isoF1Path(f: number, x: LinearScale, y: LinearScale): string {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i <= 40; i++) {
    const r = f / 2 + 0.0001 + ((1 - f / 2) * i) / 40;
    const p = (f * r) / (2 * r - f);
    if (p <= 1) {
      xs.push(x(r));
      ys.push(y(p));
    }
  }
  return linePath(xs, ys);
}

export function renderPrChart(section: CurveSection<PrSeries>, options: ChartOptions = {}): string {
  const lines = section.curves.map((c, i): CurveLine => {
    checkLengths(`prCurves.curves[${i}] (${c.name})`, c.recall, c.precision, 'recall', 'precision');
    const thinned = thinCurve(clamp01(c.recall), clamp01(c.precision), REPORT_LIMITS.pointsPerCurve);
    return { name: c.name, kind: c.kind ?? 'label', xs: thinned.xs, ys: thinned.ys, score: c.averagePrecision };
  });
  const highlighted = pickHighlighted(lines, section.highlight);
  const single = section.curves.filter((c) => highlighted.has(c.name));
  const prevalence = single.length === 1 ? single[0].prevalence : undefined;
  return curveChart({
    kind: 'pr',
    id: options.id ?? 'pr',
    title: 'Precision–recall curves',
    subtitle: 'Dotted: points of equal F1 · legend: average precision (AP)',
    desc: `Precision–recall curves: ${describe(lines, 'AP')}`,
    xLabel: 'recall',
    yLabel: 'precision',
    scoreName: 'AP',
    lines,
    highlight: section.highlight,
    reference: (x, y) => {
      let s = `<g${attrs({ fill: 'none', stroke: AXIS, 'stroke-width': 0.8, 'stroke-dasharray': '1 3' })}>`;
      for (const f of [0.2, 0.4, 0.6, 0.8]) s += `<path${attrs({ d: isoF1Path(f, x, y) })}/>`;
      s += `</g>`;
      for (const f of [0.2, 0.4, 0.6, 0.8]) {
        s += text(x(1) - 3, y(f / (2 - f)) - 4, `F1 ${f}`, { 'text-anchor': 'end', 'font-size': 10, fill: MUTED_INK });
      }
      if (prevalence !== undefined && Number.isFinite(prevalence) && prevalence > 0 && prevalence < 1) {
        s += `<line${attrs({ x1: x(0), x2: x(1), y1: y(prevalence), y2: y(prevalence), stroke: AXIS, 'stroke-dasharray': '4 4' })}/>`;
        s += text(x(0) + 4, y(prevalence) - 4, `no skill (${formatMetric(prevalence, 2)})`, { 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK });
      }
      return s;
    },
  });
}
