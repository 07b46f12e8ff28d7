import { EMAIL, foldLetters, FOLDED_LETTERS, HTML_ENTITIES, HTML_ENTITY, HTML_TAG, MENTION, normalizeText, NUMBER, PLACEHOLDERS, URL, type NormalizeConfig } from '../text/normalize.js';

/**
 * normalizeText with a map from every UTF-16 unit of the normalized text back to the span of the
 * original text it came from, so that an explanation computed on normalized tokens can highlight
 * the characters the user actually wrote.
 *
 * Each step of normalizeText is replayed with its own offset map, in the same order: HTML tags and
 * entities, Unicode normalization, letter folding, placeholders (URL, e-mail, mention, number),
 * lowercasing. A replaced piece (a tag, `&amp;`, a URL) maps every unit of its replacement to the
 * whole piece, so the token `xxurl` highlights the URL it stands for. Unicode normalization is replayed one
 * grapheme cluster at a time (NFKC never merges characters across clusters in practice: `ﬁ` → `fi`
 * and `①` → `1` both stay inside theirs); letter folding and lowercasing map code point to code
 * point, and a deleted tatweel or vowel mark widens the span of the unit before it.
 *
 * Limits: the steps are replayed here with normalize.ts's own patterns, but the order and details
 * of its steps are re-implemented. The result is therefore checked against normalizeText itself;
 * when a step cannot be replayed exactly (a future change to normalize.ts, an exotic Unicode sequence), that
 * step (or, failing the final check, the whole text) falls back to a coarse map: the common prefix
 * and suffix map one to one and the changed middle maps to the changed middle of the source.
 * `exact` says which happened. The normalized text returned is always exactly normalizeText's, so
 * the model's features (and contributions) never depend on this map, only the highlighted spans do.
 */
export interface NormalizedWithOffsets {
  /** Exactly normalizeText(original, config). */
  text: string;
  /** For each UTF-16 unit i of `text`: the original span [from[i], to[i]) it came from. */
  from: Int32Array;
  to: Int32Array;
  /** False when some step fell back to the coarse prefix/suffix map (spans may be too wide). */
  exact: boolean;
}

/** A string with, per UTF-16 unit, the original span it stands for. */
interface Mapped {
  text: string;
  from: Int32Array;
  to: Int32Array;
}

let graphemes: Intl.Segmenter | null = null;

export function normalizeWithOffsets(original: string, config: NormalizeConfig): NormalizedWithOffsets {
  const expected = normalizeText(original, config);
  let m: Mapped = identity(original);
  let exact = true;
  const step = (next: { mapped: Mapped; exact: boolean }): void => {
    m = next.mapped;
    exact &&= next.exact;
  };
  if (config.stripHtml && m.text.indexOf('<') !== -1) step(replaceAll(m, HTML_TAG, () => ({ keep: 0, text: ' ' })));
  if (config.stripHtml && m.text.indexOf('&') !== -1) step(replaceAll(m, HTML_ENTITY, (match) => ({ keep: 0, text: HTML_ENTITIES[match[0]] ?? match[0] })));
  if (config.unicode !== 'none') step(unicodeNormalize(m, config.unicode));
  if (config.foldLetters) step(foldLettersMapped(m));
  const s = m.text;
  if (config.urls && (s.indexOf('http') !== -1 || s.indexOf('www.') !== -1 || s.indexOf('WWW.') !== -1)) step(replaceAll(m, URL, () => ({ keep: 0, text: ` ${PLACEHOLDERS.url} ` })));
  if (m.text.indexOf('@') !== -1) {
    if (config.emails) step(replaceAll(m, EMAIL, () => ({ keep: 0, text: ` ${PLACEHOLDERS.email} ` })));
    // The pattern consumes the character before the `@` (group 1), which the replacement keeps.
    if (config.mentions) step(replaceAll(m, MENTION, (match) => ({ keep: match[1].length, text: ` ${PLACEHOLDERS.mention} ` })));
  }
  if (config.numbers) step(replaceAll(m, NUMBER, () => ({ keep: 0, text: ` ${PLACEHOLDERS.number} ` })));
  if (config.lowercase) step(lowercase(m));
  if (m.text !== expected) {
    // normalize.ts does something this replay does not know about: map the whole text coarsely.
    return { ...coarse(identity(original), expected), exact: false };
  }
  return { ...m, exact };
}

/** The original span of the normalized units [start, end) (end > start). */
export function originalSpan(n: NormalizedWithOffsets, start: number, end: number): [number, number] {
  let from = n.from[start];
  let to = n.to[end - 1];
  // Coarse maps may give overlapping spans; a span never runs backwards.
  if (to < from) [from, to] = [to, from];
  return [from, to];
}

function identity(text: string): Mapped {
  const from = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    from[i] = i;
    to[i] = i + 1;
  }
  return { text, from, to };
}

/** Accumulates a new mapped string piece by piece. */
class MappedBuilder {
  private readonly parts: string[] = [];
  private from: Int32Array;
  private to: Int32Array;
  private length = 0;
  constructor(capacity: number) {
    this.from = new Int32Array(Math.max(16, capacity));
    this.to = new Int32Array(Math.max(16, capacity));
  }
  private reserve(extra: number): void {
    if (this.length + extra <= this.from.length) return;
    const size = Math.max(this.length + extra, this.from.length * 2);
    const f = new Int32Array(size);
    const t = new Int32Array(size);
    f.set(this.from.subarray(0, this.length));
    t.set(this.to.subarray(0, this.length));
    this.from = f;
    this.to = t;
  }
  /** Units [a, b) of `src`, each keeping its own span. */
  copy(src: Mapped, a: number, b: number): void {
    if (b <= a) return;
    this.reserve(b - a);
    this.parts.push(src.text.slice(a, b));
    this.from.set(src.from.subarray(a, b), this.length);
    this.to.set(src.to.subarray(a, b), this.length);
    this.length += b - a;
  }
  /** `text` standing for the original span [from, to). */
  add(text: string, from: number, to: number): void {
    this.reserve(text.length);
    this.parts.push(text);
    this.from.fill(from, this.length, this.length + text.length);
    this.to.fill(to, this.length, this.length + text.length);
    this.length += text.length;
  }
  /** Widens the span of the last unit to end at `to` at least (nothing when there is none yet). */
  extendLast(to: number): void {
    if (this.length > 0 && this.to[this.length - 1] < to) this.to[this.length - 1] = to;
  }
  finish(): Mapped {
    return { text: this.parts.join(''), from: this.from.slice(0, this.length), to: this.to.slice(0, this.length) };
  }
}

/** Span of the source units [a, b) in the original (a < b). */
function spanOf(m: Mapped, a: number, b: number): [number, number] {
  return [m.from[a], m.to[b - 1]];
}

/**
 * Every match of `re` replaced: the first `keep` units of the match stay as they are, the rest
 * becomes `text`, mapped to the span of the replaced units. Same matches as String.replace.
 */
function replaceAll(m: Mapped, re: RegExp, replacement: (match: RegExpExecArray) => { keep: number; text: string }): { mapped: Mapped; exact: boolean } {
  const pattern = new RegExp(re.source, re.flags);
  const out = new MappedBuilder(m.text.length + 16);
  let last = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(m.text)) !== null) {
    if (match[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const { keep, text } = replacement(match);
    const start = match.index + keep;
    const end = match.index + match[0].length;
    out.copy(m, last, start);
    if (end > start) {
      const [from, to] = spanOf(m, start, end);
      out.add(text, from, to);
    } else if (text.length > 0) {
      // Nothing replaced (cannot happen with these patterns): anchor the insertion where it stands.
      const at = start < m.text.length ? m.from[start] : m.text.length > 0 ? m.to[m.text.length - 1] : 0;
      out.add(text, at, at);
    }
    last = end;
  }
  out.copy(m, last, m.text.length);
  return { mapped: out.finish(), exact: true };
}

function unicodeNormalize(m: Mapped, form: 'NFKC' | 'NFC'): { mapped: Mapped; exact: boolean } {
  const whole = m.text.normalize(form);
  if (whole === m.text) return { mapped: m, exact: true };
  graphemes ??= new Intl.Segmenter('und', { granularity: 'grapheme' });
  const out = new MappedBuilder(whole.length);
  for (const g of graphemes.segment(m.text)) {
    const end = g.index + g.segment.length;
    const n = g.segment.normalize(form);
    if (n === g.segment) out.copy(m, g.index, end);
    else {
      const [from, to] = spanOf(m, g.index, end);
      out.add(n, from, to);
    }
  }
  const mapped = out.finish();
  if (mapped.text === whole) return { mapped, exact: true };
  return { mapped: coarse(m, whole), exact: false };
}

/**
 * FOLDED_LETTERS unit by unit: a substitute keeps its unit's span; a deleted tatweel or vowel mark
 * widens the span of the unit before it (the letter it stretches or sits on), so a highlighted
 * word covers its marks.
 */
function foldLettersMapped(m: Mapped): { mapped: Mapped; exact: boolean } {
  const whole = foldLetters(m.text);
  if (whole === m.text) return { mapped: m, exact: true };
  const out = new MappedBuilder(whole.length);
  let last = 0;
  for (let i = 0; i < m.text.length; i++) {
    const replacement = FOLDED_LETTERS[m.text[i]];
    if (replacement === undefined) continue;
    out.copy(m, last, i);
    if (replacement !== '') out.add(replacement, m.from[i], m.to[i]);
    else out.extendLast(m.to[i]);
    last = i + 1;
  }
  out.copy(m, last, m.text.length);
  const mapped = out.finish();
  if (mapped.text === whole) return { mapped, exact: true };
  return { mapped: coarse(m, whole), exact: false };
}

function lowercase(m: Mapped): { mapped: Mapped; exact: boolean } {
  const whole = m.text.toLowerCase();
  // Almost always: every unit lowercases to one unit in place.
  if (whole.length === m.text.length) return { mapped: { text: whole, from: m.from, to: m.to }, exact: true };
  // A few code points grow (`İ` → `i̇`): lay out each code point's lowercase length, but keep the
  // text of the whole-string lowercasing (final sigma depends on context, not on length).
  const from = new Int32Array(whole.length);
  const to = new Int32Array(whole.length);
  let o = 0;
  for (let i = 0; i < m.text.length; ) {
    const cp = m.text.codePointAt(i) as number;
    const units = cp > 0xffff ? 2 : 1;
    const len = String.fromCodePoint(cp).toLowerCase().length;
    const [f, t] = spanOf(m, i, i + units);
    if (o + len > whole.length) return { mapped: coarse(m, whole), exact: false };
    from.fill(f, o, o + len);
    to.fill(t, o, o + len);
    o += len;
    i += units;
  }
  if (o !== whole.length) return { mapped: coarse(m, whole), exact: false };
  return { mapped: { text: whole, from, to }, exact: true };
}

/**
 * The fallback map from `m` to `next`: the common prefix and suffix map unit to unit, every unit of
 * the changed middle maps to the whole changed middle of `m` (or, when `m`'s middle is empty, to the
 * unit beside it).
 */
function coarse(m: Mapped, next: string): Mapped {
  const a = m.text;
  let p = 0;
  while (p < a.length && p < next.length && a.charCodeAt(p) === next.charCodeAt(p)) p++;
  let s = 0;
  while (s < a.length - p && s < next.length - p && a.charCodeAt(a.length - 1 - s) === next.charCodeAt(next.length - 1 - s)) s++;
  const out = new MappedBuilder(next.length);
  out.copy(m, 0, p);
  const midEnd = a.length - s;
  if (next.length - s > p) {
    let from: number;
    let to: number;
    if (midEnd > p) [from, to] = spanOf(m, p, midEnd);
    else if (p < a.length) [from, to] = spanOf(m, p, p + 1);
    else if (a.length > 0) [from, to] = spanOf(m, a.length - 1, a.length);
    else [from, to] = [0, 0];
    out.add(next.slice(p, next.length - s), from, to);
  }
  out.copy(m, midEnd, a.length);
  return out.finish();
}
