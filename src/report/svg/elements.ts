/**
 * SVG building blocks shared by the charts: the chart frame, text, paths, axes and legends.
 * Everything returns markup strings; all user text goes through `escapeMarkup`. Styling is in
 * presentation attributes rather than page CSS, because the PNG export renders each <svg> on
 * its own as an image, where the page's stylesheet does not apply.
 */
import { escapeMarkup } from '../escape.js';
import { coord, formatTick } from '../format.js';
import type { ChartKind } from '../report-data.js';
import { estimateTextWidth, truncateToWidth } from '../text-width.js';
import { AXIS, GRID, INK, MUTED_INK } from './palette.js';
import type { LinearScale, Ticks } from './scale.js';

/** System fonts only: the report must look right offline, without web fonts. */
export const FONT_STACK = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, sans-serif";

export const FONT_SIZE = 12;
export const SMALL_FONT_SIZE = 11;
const TITLE_FONT_SIZE = 15;
/** Room kept free at the top right of every chart for the page's PNG button. */
export const BUTTON_ROOM = 64;
/** Vertical space the title (and subtitle) take at the top of every chart. */
export const TITLE_HEIGHT = 34;
export const SUBTITLE_HEIGHT = 18;

type AttrValue = string | number | undefined | null | false;

/** ` name="value"` pairs; numbers are written as coordinates, undefined/null/false are left out. */
export function attrs(values: Record<string, AttrValue>): string {
  let s = '';
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === false) continue;
    s += ` ${name}="${typeof value === 'number' ? coord(value) : escapeMarkup(value)}"`;
  }
  return s;
}

/** A <text> element with escaped content; `tooltip` adds a <title> child (shown on hover). */
export function text(x: number, y: number, content: string, extra: Record<string, AttrValue> = {}, tooltip?: string): string {
  const hover = tooltip !== undefined && tooltip !== content ? `<title>${escapeMarkup(tooltip)}</title>` : '';
  return `<text${attrs({ x, y, ...extra })}>${hover}${escapeMarkup(content)}</text>`;
}

/** A label that must fit `maxWidth`: truncated with "…", the full text on hover. */
export function fittedText(x: number, y: number, content: string, maxWidth: number, extra: Record<string, AttrValue> = {}): string {
  const fontSize = typeof extra['font-size'] === 'number' ? extra['font-size'] : FONT_SIZE;
  const shown = truncateToWidth(content, maxWidth, fontSize);
  return text(x, y, shown, extra, shown === content ? undefined : content);
}

/**
 * Path data through the points; non-finite points break the line (the next finite point starts
 * a new sub-path), so NaN never reaches the markup.
 */
export function linePath(xs: ArrayLike<number>, ys: ArrayLike<number>): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const y = ys[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${coord(x)} ${coord(y)}`;
    pen = true;
  }
  return d;
}

export interface ChartFrame {
  kind: ChartKind;
  /** Unique within the page; also the PNG file name. */
  id: string;
  width: number;
  height: number;
  title: string;
  subtitle?: string;
  /** Screen-reader description: what the chart shows and its key numbers. */
  desc: string;
  body: string;
}

/**
 * The outer <svg>: white background, visible title, accessible <title>/<desc>, and
 * `data-chart` for tests and scripts. width/height are the natural size (used by the PNG
 * export); the page's CSS scales the chart to the column width.
 */
export function chartSvg(frame: ChartFrame): string {
  const { kind, id, width, height } = frame;
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const subtitle =
    frame.subtitle === undefined
      ? ''
      : fittedText(16, TITLE_HEIGHT + 6, frame.subtitle, width - 16 - BUTTON_ROOM, { 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg"${attrs({ id, 'data-chart': kind, viewBox: `0 0 ${coord(width)} ${coord(height)}`, width, height, role: 'img', 'aria-labelledby': `${titleId} ${descId}`, 'font-family': FONT_STACK, 'font-size': FONT_SIZE, fill: INK })}>` +
    `<title id="${escapeMarkup(titleId)}">${escapeMarkup(frame.title)}</title>` +
    `<desc id="${escapeMarkup(descId)}">${escapeMarkup(frame.desc)}</desc>` +
    `<rect${attrs({ width, height, fill: '#ffffff' })}/>` +
    fittedText(16, 24, frame.title, width - 16 - BUTTON_ROOM, { 'font-size': TITLE_FONT_SIZE, 'font-weight': 600 }) +
    subtitle +
    frame.body +
    `</svg>`
  );
}

export interface AxisOptions {
  scale: LinearScale;
  ticks: Ticks;
  /** Axis title, e.g. "false positive rate". */
  label: string;
  format?: (value: number, step: number) => string;
  /** Draw grid lines across the plot (to this other coordinate). */
  gridTo?: number;
}

/** A horizontal axis whose baseline is at `y`; ticks below, axis title under them. */
export function bottomAxis(y: number, options: AxisOptions): string {
  const { scale, ticks } = options;
  const format = options.format ?? formatTick;
  const [r0, r1] = scale.range;
  let s = `<g class="axis x-axis"${attrs({ 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK })}>`;
  for (const v of ticks.values) {
    const x = scale(v);
    if (options.gridTo !== undefined) s += `<line${attrs({ x1: x, x2: x, y1: options.gridTo, y2: y, stroke: GRID })}/>`;
    s += `<line${attrs({ x1: x, x2: x, y1: y, y2: y + 5, stroke: AXIS })}/>`;
    s += text(x, y + 17, format(v, ticks.step), { 'text-anchor': 'middle' });
  }
  s += `<line${attrs({ x1: Math.min(r0, r1), x2: Math.max(r0, r1), y1: y, y2: y, stroke: AXIS })}/>`;
  if (options.label !== '') s += text((r0 + r1) / 2, y + 36, options.label, { 'text-anchor': 'middle', 'font-size': FONT_SIZE, fill: INK });
  return s + '</g>';
}

/** A vertical axis whose line is at `x`; tick labels left of it, the axis title rotated. */
export function leftAxis(x: number, options: AxisOptions & { titleX?: number }): string {
  const { scale, ticks } = options;
  const format = options.format ?? formatTick;
  const [r0, r1] = scale.range;
  let s = `<g class="axis y-axis"${attrs({ 'font-size': SMALL_FONT_SIZE, fill: MUTED_INK })}>`;
  let widest = 0;
  for (const v of ticks.values) {
    const y = scale(v);
    const label = format(v, ticks.step);
    widest = Math.max(widest, estimateTextWidth(label, SMALL_FONT_SIZE));
    if (options.gridTo !== undefined) s += `<line${attrs({ x1: x, x2: options.gridTo, y1: y, y2: y, stroke: GRID })}/>`;
    s += `<line${attrs({ x1: x - 5, x2: x, y1: y, y2: y, stroke: AXIS })}/>`;
    s += text(x - 8, y + 4, label, { 'text-anchor': 'end' });
  }
  s += `<line${attrs({ x1: x, x2: x, y1: Math.min(r0, r1), y2: Math.max(r0, r1), stroke: AXIS })}/>`;
  const titleX = options.titleX ?? x - widest - 20;
  const midY = (r0 + r1) / 2;
  if (options.label !== '') {
    s += text(titleX, midY, options.label, { 'text-anchor': 'middle', transform: `rotate(-90 ${coord(titleX)} ${coord(midY)})`, 'font-size': FONT_SIZE, fill: INK });
  }
  return s + '</g>';
}

export interface LegendItem {
  label: string;
  color: string;
  /** How the swatch is drawn: a line (curves), a square (bars) or a dot (points). */
  shape: 'line' | 'rect' | 'dot';
  dashed?: boolean;
  width?: number;
}

/** A one-line legend starting at (x, y), items side by side. */
export function legendRow(items: LegendItem[], x: number, y: number): { svg: string; width: number } {
  let s = `<g class="legend">`;
  let cx = x;
  for (const item of items) {
    s += swatch(item, cx, y);
    s += text(cx + 26, y + 4, item.label);
    cx += 26 + estimateTextWidth(item.label, FONT_SIZE) + 18;
  }
  return { svg: s + '</g>', width: cx - x };
}

function swatch(item: LegendItem, x: number, cy: number): string {
  if (item.shape === 'rect') return `<rect${attrs({ x: x + 4, y: cy - 6, width: 12, height: 12, rx: 2, fill: item.color })}/>`;
  if (item.shape === 'dot') {
    return `<line${attrs({ x1: x, x2: x + 20, y1: cy, y2: cy, stroke: item.color, 'stroke-width': 2 })}/><circle${attrs({ cx: x + 10, cy, r: 3.5, fill: item.color })}/>`;
  }
  return `<line${attrs({ x1: x, x2: x + 20, y1: cy, y2: cy, stroke: item.color, 'stroke-width': item.width ?? 2, 'stroke-dasharray': item.dashed ? '5 3' : undefined })}/>`;
}

/** The chart shown when a section has nothing to draw: a frame with a one-line explanation. */
export function emptyPlot(x: number, y: number, width: number, height: number, message: string): string {
  return (
    `<rect${attrs({ x, y, width, height, fill: '#f6f8fa', stroke: GRID })}/>` +
    text(x + width / 2, y + height / 2 + 4, message, { 'text-anchor': 'middle', fill: MUTED_INK })
  );
}
