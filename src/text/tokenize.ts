/**
 * Word tokenizers. Presets are named so a manifest records intent, not a regex that may change.
 *
 * - `word`: runs of letters/digits (any script) with inner apostrophes kept (`don't`), each emoji
 *   and each `!` / `?` as its own token — punctuation and emoji carry sentiment and emotion.
 * - `sklearn`: scikit-learn's default `(?u)\b\w\w+\b` (tokens of two or more word characters);
 *   on ASCII text it reproduces scikit-learn's vocabulary exactly, which the golden tests rely on.
 */
export type TokenPattern = 'word' | 'sklearn';

const PATTERNS: Record<TokenPattern, RegExp> = {
  word: /[\p{L}\p{M}\p{N}_]+(?:['’][\p{L}\p{M}\p{N}_]+)*|\p{Extended_Pictographic}|[!?]/gu,
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
