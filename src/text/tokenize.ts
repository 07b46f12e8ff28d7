/**
 * Word tokenizers. Presets are named so a manifest records intent, not a regex that may change.
 *
 * - `word`: runs of letters/digits (any script) with inner apostrophes kept (`don't`), each emoji
 *   and each `!` / `?` as its own token — punctuation and emoji carry sentiment and emotion.
 * - `segmented`: `word`, with runs of Chinese, Japanese, Thai, Lao, Khmer and Myanmar (scripts
 *   written without spaces) split into words by ICU's dictionary segmentation (`Intl.Segmenter`);
 *   text in other scripts costs one character check per token more than `word`.
 * - `sklearn`: scikit-learn's default `(?u)\b\w\w+\b` (tokens of two or more word characters);
 *   on ASCII text it reproduces scikit-learn's vocabulary exactly, which the golden tests rely on.
 */
import { createStemmer, type StemLanguage } from './stemming.js';
import { stopWordSet, type StopWordLanguage } from './stopwords.js';

export type TokenPattern = 'word' | 'sklearn' | 'segmented';

const WORD = /[\p{L}\p{M}\p{N}_]+(?:['’][\p{L}\p{M}\p{N}_]+)*|\p{Extended_Pictographic}|[!?]/gu;

const PATTERNS: Record<TokenPattern, RegExp> = {
  word: WORD,
  segmented: WORD,
  sklearn: /\b\w\w+\b/g,
};

export function tokenPatternRegex(pattern: TokenPattern): RegExp {
  const re = PATTERNS[pattern];
  if (!re) throw new Error(`unknown token pattern ${String(pattern)}`);
  // A fresh RegExp per caller: global regexes carry lastIndex state.
  return new RegExp(re.source, re.flags);
}

/**
 * Calls `emit` for each token of `text`. A callback (rather than returning an array) lets the
 * vectorizer intern tokens without allocating a token list per document.
 */
export function forEachToken(text: string, re: RegExp, emit: (token: string) => void): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) emit(m[0]);
}

/**
 * What the features are made of: `word` n-grams of tokens, or character n-grams — `char` over the
 * whole text (whitespace runs collapsed to one space), `char_wb` inside word boundaries, each word
 * padded with a space on both sides (scikit-learn's analyzers of the same names). Character n-grams
 * need no word segmentation, which is what Chinese and Korean text needs.
 */
export type Analyzer = 'word' | 'char' | 'char_wb';

/** Calls `emit` for each unit the vectorizer counts: a word token or a character n-gram. */
export type Tokenizer = (text: string, emit: (token: string) => void) => void;

/**
 * What happens to each word token (word analyzer only): stop words of a language dropped, then the
 * rest stemmed (Snowball). Absent or null: off.
 */
export interface WordFilters {
  stopWords?: StopWordLanguage | null;
  stem?: StemLanguage | null;
}

export function createTokenizer(analyzer: Analyzer, tokenPattern: TokenPattern, charRange: readonly [number, number], filters: WordFilters = {}): Tokenizer {
  if (analyzer === 'word') {
    const re = tokenPatternRegex(tokenPattern);
    const base: Tokenizer = tokenPattern === 'segmented' ? segmentedTokenizer(re) : (text, emit) => forEachToken(text, re, emit);
    return withWordFilters(base, filters);
  }
  if (filters.stopWords || filters.stem) {
    throw new Error(`stop words and stemming apply to word tokens; analyzer ${analyzer} makes character n-grams`);
  }
  const [lo, hi] = charRange;
  const starts = { buf: new Int32Array(1024) };
  if (analyzer === 'char') {
    return (text, emit) => {
      const s = text.replace(WHITESPACE_RUN, ' ');
      charNgrams(s, lo, hi, codePointStarts(s, starts), emit, false);
    };
  }
  return (text, emit) => {
    for (const word of text.split(WHITESPACE_RUN)) {
      if (word.length === 0) continue;
      const w = ` ${word} `;
      charNgrams(w, lo, hi, codePointStarts(w, starts), emit, true);
    }
  };
}

const WHITESPACE_RUN = /\s+/gu;

/** Start offsets (UTF-16) of each code point of `s`, plus s.length at the end; count = return value. */
function codePointStarts(s: string, holder: { buf: Int32Array }): { offsets: Int32Array; count: number } {
  if (holder.buf.length < s.length + 1) holder.buf = new Int32Array(Math.max(s.length + 1, holder.buf.length * 2));
  const offsets = holder.buf;
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A low surrogate continues the code point its high surrogate started.
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const prev = s.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) continue;
    }
    offsets[count++] = i;
  }
  offsets[count] = s.length;
  return { offsets, count };
}

/**
 * Character n-grams of lengths lo..hi, in code points (an emoji is one character). With
 * `wordBounded`, a word shorter than n is emitted once, whole, and longer n are skipped, as in
 * scikit-learn's char_wb.
 */
function charNgrams(s: string, lo: number, hi: number, cps: { offsets: Int32Array; count: number }, emit: (t: string) => void, wordBounded: boolean): void {
  const { offsets, count } = cps;
  for (let n = lo; n <= hi; n++) {
    if (wordBounded && count <= n) {
      emit(s);
      return;
    }
    if (count < n) return;
    for (let i = 0; i + n <= count; i++) emit(s.slice(offsets[i], offsets[i + n]));
  }
}

const NO_SPACE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
/** Below this code point no script is written without spaces, so most tokens skip the regex test. */
const FIRST_NO_SPACE_CODE = 0x0e00;

function segmentedTokenizer(re: RegExp): Tokenizer {
  const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
  return (text, emit) =>
    forEachToken(text, re, (token) => {
      if (!needsSegmentation(token)) {
        emit(token);
        return;
      }
      for (const seg of segmenter.segment(token)) if (seg.isWordLike) emit(seg.segment);
    });
}

function needsSegmentation(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    if (token.charCodeAt(i) >= FIRST_NO_SPACE_CODE) return NO_SPACE_SCRIPT.test(token);
  }
  return false;
}

/** `base` with stop words dropped and tokens stemmed; `base` itself when neither is on. */
function withWordFilters(base: Tokenizer, filters: WordFilters): Tokenizer {
  const stop = filters.stopWords ? stopWordSet(filters.stopWords) : null;
  const stem = filters.stem ? createStemmer(filters.stem) : null;
  if (!stop && !stem) return base;
  // One sink per tokenizer, not a closure per document: tokenizers run synchronously.
  let sink: (token: string) => void = () => {};
  const filtered = (token: string): void => {
    if (stop !== null && stop.has(token)) return;
    sink(stem !== null ? stem(token) : token);
  };
  return (text, emit) => {
    sink = emit;
    base(text, filtered);
  };
}
