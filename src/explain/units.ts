import type { TfidfConfig } from '../features/tfidf.js';
import { createStemmer } from '../text/stemming.js';
import { stopWordSet } from '../text/stopwords.js';
import { tokenPatternRegex } from '../text/tokenize.js';

/**
 * The units a TF-IDF vectorizer counts in one (normalized) text, with where each one sits, and the
 * "display tokens" an explanation reports: word tokens for the word analyzer, visible characters
 * (code points other than whitespace) for the character analyzers.
 *
 * This replays src/text/tokenize.ts with positions (its tokenizers only emit strings). The unit
 * strings must equal what the vectorizer's tokenizer emits, in the same order; explain checks the
 * result against the model's own feature row, so a drift shows up as `unplaced` contribution rather
 * than as a wrong total (see contributions.ts).
 */
export interface TextUnits {
  /** Display tokens: [start, end) in the normalized text. */
  displayStart: Int32Array;
  displayEnd: Int32Array;
  /** Units in tokenizer order. */
  strings: string[];
  /** The display tokens a unit covers: [coverStart, coverEnd) into the display token list. */
  coverStart: Int32Array;
  coverEnd: Int32Array;
  /**
   * Word analyzer with a character block (TfidfConfig.charNgrams): its character n-grams in
   * tokenizer order, each covering the word tokens its characters fall in (none when they all lie
   * outside word tokens: spaces, punctuation the token pattern skips, dropped stop words).
   */
  charBlock?: { strings: string[]; coverStart: Int32Array; coverEnd: Int32Array };
}

/** A positioned tokenizer for one vectorizer configuration (build once per model, reuse per text). */
export type UnitTokenizer = (normalized: string) => TextUnits;

export function createUnitTokenizer(config: TfidfConfig): UnitTokenizer {
  const analyzer = config.analyzer ?? 'word';
  if (analyzer === 'word' && config.charNgrams) return withCharBlock(wordUnits(config), config.charNgrams);
  if (analyzer === 'word') return wordUnits(config);
  const [lo, hi] = config.ngramRange;
  return analyzer === 'char' ? (text) => charUnits(text, lo, hi) : (text) => charWbUnits(text, lo, hi);
}

/** Growable parallel arrays for units and display tokens. */
class UnitsBuilder {
  displayStart: number[] = [];
  displayEnd: number[] = [];
  strings: string[] = [];
  coverStart: number[] = [];
  coverEnd: number[] = [];
  display(start: number, end: number): number {
    this.displayStart.push(start);
    this.displayEnd.push(end);
    return this.displayStart.length - 1;
  }
  unit(s: string, cover0: number, cover1: number): void {
    this.strings.push(s);
    this.coverStart.push(cover0);
    this.coverEnd.push(cover1);
  }
  finish(): TextUnits {
    return {
      displayStart: Int32Array.from(this.displayStart),
      displayEnd: Int32Array.from(this.displayEnd),
      strings: this.strings,
      coverStart: Int32Array.from(this.coverStart),
      coverEnd: Int32Array.from(this.coverEnd),
    };
  }
}

// As in src/text/tokenize.ts: scripts written without spaces, segmented by ICU in `segmented` mode.
const NO_SPACE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const FIRST_NO_SPACE_CODE = 0x0e00;

function needsSegmentation(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    if (token.charCodeAt(i) >= FIRST_NO_SPACE_CODE) return NO_SPACE_SCRIPT.test(token);
  }
  return false;
}

/** Word tokens with their offsets, stop words dropped and stems applied as the vectorizer does. */
function wordUnits(config: TfidfConfig): UnitTokenizer {
  const re = tokenPatternRegex(config.tokenPattern);
  const segmenter = config.tokenPattern === 'segmented' ? new Intl.Segmenter('und', { granularity: 'word' }) : null;
  const stop = config.stopWords ? stopWordSet(config.stopWords) : null;
  const stem = config.stem ? createStemmer(config.stem) : null;
  return (text) => {
    const b = new UnitsBuilder();
    const emit = (token: string, start: number): void => {
      if (stop !== null && stop.has(token)) return;
      const d = b.display(start, start + token.length);
      b.unit(stem !== null ? stem(token) : token, d, d + 1);
    };
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const token = m[0];
      if (segmenter === null || !needsSegmentation(token)) {
        emit(token, m.index);
        continue;
      }
      for (const seg of segmenter.segment(token)) if (seg.isWordLike) emit(seg.segment, m.index + seg.index);
    }
    return b.finish();
  };
}

const WHITESPACE = /\s/u;

function isSpace(cp: number): boolean {
  return WHITESPACE.test(String.fromCodePoint(cp));
}

/**
 * `char` analyzer: n-grams of the text with whitespace runs collapsed to one space. A unit covers
 * the visible characters inside it; one made only of the collapsed space covers none.
 */
function charUnits(text: string, lo: number, hi: number): TextUnits {
  const b = new UnitsBuilder();
  // Code points of the collapsed text: their string, and the display token (−1 for the space).
  const cps: string[] = [];
  const disp: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) as number;
    const len = cp > 0xffff ? 2 : 1;
    if (isSpace(cp)) {
      let j = i + len;
      while (j < text.length) {
        const c = text.codePointAt(j) as number;
        if (!isSpace(c)) break;
        j += c > 0xffff ? 2 : 1;
      }
      cps.push(' ');
      disp.push(-1);
      i = j;
      continue;
    }
    cps.push(text.slice(i, i + len));
    disp.push(b.display(i, i + len));
    i += len;
  }
  for (let n = lo; n <= hi; n++) {
    if (cps.length < n) break;
    for (let i = 0; i + n <= cps.length; i++) {
      let first = -1;
      let last = -1;
      for (let j = i; j < i + n; j++) {
        if (disp[j] === -1) continue;
        if (first === -1) first = disp[j];
        last = disp[j];
      }
      b.unit(cps.slice(i, i + n).join(''), first === -1 ? 0 : first, first === -1 ? 0 : last + 1);
    }
  }
  return b.finish();
}

/**
 * `char_wb` analyzer: n-grams of each whitespace-separated word padded with a space on both sides;
 * a word of at most n code points is emitted once, whole, and longer n are skipped. The padding
 * belongs to the word, so an n-gram made only of padding (the unigram ` `) covers the word's first
 * or last character, the word boundary it stands for.
 */
function charWbUnits(text: string, lo: number, hi: number): TextUnits {
  const b = new UnitsBuilder();
  const words = /[^\s]+/gu;
  let m: RegExpExecArray | null;
  while ((m = words.exec(text)) !== null) {
    // Padded code points: pad, the word's characters (display tokens d0 …), pad.
    const chars: string[] = [' '];
    const d0 = b.displayStart.length;
    for (let i = 0; i < m[0].length; ) {
      const cp = m[0].codePointAt(i) as number;
      const len = cp > 0xffff ? 2 : 1;
      chars.push(m[0].slice(i, i + len));
      b.display(m.index + i, m.index + i + len);
      i += len;
    }
    chars.push(' ');
    const count = chars.length;
    const numChars = count - 2;
    // Padded index p ≥ 1 is the word's character p − 1; clamp pads onto the nearest character.
    const cover = (p0: number, p1: number): [number, number] => {
      const a = Math.min(Math.max(p0, 1), count - 2) - 1;
      const z = Math.min(Math.max(p1 - 1, 1), count - 2) - 1;
      return [d0 + Math.min(a, z), d0 + Math.max(a, z) + 1];
    };
    for (let n = lo; n <= hi; n++) {
      if (count <= n) {
        b.unit(chars.join(''), d0, d0 + numChars);
        break;
      }
      for (let i = 0; i + n <= count; i++) {
        const [c0, c1] = cover(i, i + n);
        b.unit(chars.slice(i, i + n).join(''), c0, c1);
      }
    }
  }
  return b.finish();
}

/**
 * Word units plus the character block's n-grams, re-pointed from the characters they cover to the
 * word tokens those characters belong to, so an explanation still reports word tokens.
 */
function withCharBlock(words: UnitTokenizer, char: NonNullable<TfidfConfig['charNgrams']>): UnitTokenizer {
  const [lo, hi] = char.ngramRange;
  return (text) => {
    const w = words(text);
    const c = char.analyzer === 'char' ? charUnits(text, lo, hi) : charWbUnits(text, lo, hi);
    // Word token of each character display token, or -1; both lists ascend through the text.
    const C = c.displayStart.length;
    const wordOf = new Int32Array(C).fill(-1);
    let t = 0;
    for (let k = 0; k < C; k++) {
      while (t < w.displayStart.length && w.displayEnd[t] <= c.displayStart[k]) t++;
      if (t < w.displayStart.length && w.displayStart[t] < c.displayEnd[k]) wordOf[k] = t;
    }
    const U = c.strings.length;
    const coverStart = new Int32Array(U);
    const coverEnd = new Int32Array(U);
    for (let u = 0; u < U; u++) {
      let first = -1;
      let last = -1;
      for (let k = c.coverStart[u]; k < c.coverEnd[u]; k++) {
        if (wordOf[k] === -1) continue;
        if (first === -1) first = wordOf[k];
        last = wordOf[k];
      }
      coverStart[u] = first === -1 ? 0 : first;
      coverEnd[u] = first === -1 ? 0 : last + 1;
    }
    return { ...w, charBlock: { strings: c.strings, coverStart, coverEnd } };
  };
}
