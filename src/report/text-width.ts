/**
 * Text width estimates. Charts are built as strings with no DOM, so label space is reserved
 * from an estimate of the rendered width in the system sans-serif font. The per-character
 * widths are those of DejaVu Sans (Linux's default and one of the widest), so on macOS and
 * Windows estimates err on the wide side: a label with a little spare room looks fine, one
 * overlapping the plot does not.
 */

/** Wide characters: CJK, Hangul, kana, full-width forms and most emoji take about 1 em. */
const WIDE = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F000}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u;
const NARROW = /[ .,:;'|!il1ftjrI()[\]\u200B-\u200F]/;
const MATH_SYMBOLS = /[<>=+~^#%&@]/;
const COMBINING = /[\u0300-\u036F\u064B-\u065F\u0670\uFE00-\uFE0F\u200D]/;

function charWidthEm(ch: string): number {
  if (COMBINING.test(ch)) return 0;
  if (WIDE.test(ch)) return 1.0;
  if (NARROW.test(ch)) return 0.32;
  if (ch === 'm' || ch === 'w' || ch === 'M' || ch === 'W') return 0.85;
  if (ch >= 'A' && ch <= 'Z') return 0.68;
  if (ch >= '0' && ch <= '9') return 0.66;
  if (MATH_SYMBOLS.test(ch)) return 0.84;
  return 0.62;
}

/** Estimated width in px of `text` at `fontSize` px. */
export function estimateTextWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += charWidthEm(ch);
  return em * fontSize;
}

/**
 * `text` cut (at a code point boundary, with "…") so that its estimated width is at most
 * `maxWidth`; returned unchanged when it already fits.
 */
export function truncateToWidth(text: string, maxWidth: number, fontSize: number): string {
  if (estimateTextWidth(text, fontSize) <= maxWidth) return text;
  const ellipsis = '…';
  const budget = maxWidth - estimateTextWidth(ellipsis, fontSize);
  let kept = '';
  let width = 0;
  for (const ch of text) {
    width += charWidthEm(ch) * fontSize;
    if (width > budget) break;
    kept += ch;
  }
  return kept.trimEnd() + ellipsis;
}
