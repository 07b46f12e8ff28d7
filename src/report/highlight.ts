/**
 * A text as HTML with its tokens highlighted by contribution: green-ish (Okabe–Ito bluish
 * green) for tokens that pushed towards the explained label, vermillion for those that pushed
 * away, in five intensity steps relative to the text's strongest token. Each mark carries the
 * exact contribution on hover. All text is escaped.
 */
import { escapeMarkup } from './escape.js';
import { formatCount } from './format.js';
import type { TokenContribution } from './report-data.js';

/** Intensity steps; the CSS defines classes tp1…tp5 and tn1…tn5. */
export const HIGHLIGHT_LEVELS = 5;
/** Contributions below this share of the strongest one are left unmarked (noise). */
const MIN_RELATIVE = 0.06;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** `text` cut to at most `maxChars` UTF-16 units without splitting a surrogate pair. */
export function cutText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = Math.max(0, maxChars);
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

/** Moves a span boundary off the middle of a surrogate pair (towards the outside of the span). */
function snap(text: string, index: number, direction: -1 | 1): number {
  if (index > 0 && index < text.length && isLowSurrogate(text.charCodeAt(index)) && isHighSurrogate(text.charCodeAt(index - 1))) {
    return index + (direction < 0 ? -1 : 1);
  }
  return index;
}

interface Span {
  start: number;
  end: number;
  contribution: number;
}

/**
 * The spans to draw: valid, inside the text, not overlapping (where tokens overlap, e.g. a word
 * and a bigram containing it, the stronger one wins), in text order.
 */
export function usableSpans(text: string, tokens: readonly TokenContribution[]): Span[] {
  const candidates: Span[] = [];
  for (const t of tokens) {
    if (!Number.isFinite(t.start) || !Number.isFinite(t.end) || !Number.isFinite(t.contribution) || t.contribution === 0) continue;
    const start = snap(text, Math.max(0, Math.floor(t.start)), -1);
    const end = snap(text, Math.min(text.length, Math.floor(t.end)), 1);
    if (end > start) candidates.push({ start, end, contribution: t.contribution });
  }
  candidates.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.start - b.start);
  const taken = new Uint8Array(text.length);
  const kept: Span[] = [];
  for (const span of candidates) {
    let free = true;
    for (let i = span.start; i < span.end && free; i++) free = taken[i] === 0;
    if (!free) continue;
    taken.fill(1, span.start, span.end);
    kept.push(span);
  }
  return kept.sort((a, b) => a.start - b.start);
}

function signed(x: number): string {
  const s = x.toFixed(4);
  return x > 0 ? `+${s}` : s;
}

/**
 * HTML of `text` (cut to `maxChars`) with its token contributions as <mark> elements; a note
 * says how much was cut.
 */
export function highlightTokens(text: string, tokens: readonly TokenContribution[] | undefined, maxChars: number): string {
  const shown = cutText(text, maxChars);
  const spans = usableSpans(shown, tokens ?? []);
  const strongest = spans.reduce((m, s) => Math.max(m, Math.abs(s.contribution)), 0);
  let html = '';
  let at = 0;
  for (const span of spans) {
    const relative = strongest > 0 ? Math.abs(span.contribution) / strongest : 0;
    if (relative < MIN_RELATIVE) continue;
    const level = Math.max(1, Math.min(HIGHLIGHT_LEVELS, Math.ceil(relative * HIGHLIGHT_LEVELS)));
    html += escapeMarkup(shown.slice(at, span.start));
    html += `<mark class="t${span.contribution > 0 ? 'p' : 'n'}${level}" title="${signed(span.contribution)}">${escapeMarkup(shown.slice(span.start, span.end))}</mark>`;
    at = span.end;
  }
  html += escapeMarkup(shown.slice(at));
  if (shown.length < text.length) html += `<span class="cut"> … (${formatCount(text.length - shown.length)} more characters)</span>`;
  return html;
}
