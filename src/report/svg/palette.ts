/**
 * Colours. Series use the Okabe–Ito palette, designed to stay distinguishable with the common
 * colour-vision deficiencies; the heatmap uses one hue from white to dark blue, which orders
 * correctly in greyscale too. Where two colours carry meaning (for/against, better/worse) the
 * pair is blue/vermillion or bluish green/vermillion, never pure red/green, and a sign or
 * legend repeats the meaning.
 */

/** Okabe–Ito without yellow (too light on white) and black (reserved for averages). */
export const SERIES_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#7F6A00'] as const;

export const INK = '#1f2328';
export const MUTED_INK = '#59636e';
export const GRID = '#e6e8eb';
export const AXIS = '#8c959f';
/** Curves that are drawn for context but not named in the legend. */
export const FAINT = '#b8bec5';

export const POSITIVE = '#0072B2';
export const NEGATIVE = '#D55E00';
/** Token highlights: towards / against the explained label. */
export const SUPPORT = '#009E73';
export const OPPOSE = '#D55E00';

export function seriesColor(index: number): string {
  return SERIES_COLORS[((index % SERIES_COLORS.length) + SERIES_COLORS.length) % SERIES_COLORS.length];
}

/** Sequential blues (ColorBrewer "Blues" end points and midpoints), light → dark. */
const BLUES: Array<[number, number, number]> = [
  [247, 251, 255],
  [198, 219, 239],
  [107, 174, 214],
  [33, 113, 181],
  [8, 48, 107],
];

/** The heatmap colour of a share t in [0, 1] (clamped; non-finite → the lightest). */
export function heatColor(t: number): string {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const pos = x * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(pos));
  const f = pos - i;
  const [a, b] = [BLUES[i], BLUES[i + 1]];
  const hex = (k: number) => Math.round(a[k] + (b[k] - a[k]) * f).toString(16).padStart(2, '0');
  return `#${hex(0)}${hex(1)}${hex(2)}`;
}

/** Whether text on the heatmap colour of share t should be white for contrast. */
export function heatTextIsLight(t: number): boolean {
  return Number.isFinite(t) && t > 0.55;
}
