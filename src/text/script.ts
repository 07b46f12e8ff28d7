/**
 * Which writing system a corpus is in, from a sample of its letters. Defaults that depend on the
 * language (word vs character n-grams) are picked from this, so a recipe that names only its files
 * does well on Korean or Chinese too.
 */
export type Script = 'latin' | 'cyrillic' | 'greek' | 'arabic' | 'hebrew' | 'devanagari' | 'hangul' | 'han' | 'japanese' | 'thai' | 'other';

const RANGES: [Script, RegExp][] = [
  ['latin', /\p{Script=Latin}/u],
  ['cyrillic', /\p{Script=Cyrillic}/u],
  ['greek', /\p{Script=Greek}/u],
  ['arabic', /\p{Script=Arabic}/u],
  ['hebrew', /\p{Script=Hebrew}/u],
  ['devanagari', /\p{Script=Devanagari}/u],
  ['hangul', /\p{Script=Hangul}/u],
  ['han', /\p{Script=Han}/u],
  ['japanese', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['thai', /\p{Script=Thai}/u],
];

/**
 * The script of most letters in (up to `maxTexts` evenly spaced) texts. Japanese mixes kana with
 * Han characters, so any real share of kana (≥ 10% of letters) makes a Han-heavy corpus Japanese.
 */
export function dominantScript(texts: readonly string[], maxTexts = 2000, maxCharsPerText = 500): Script {
  const counts = new Map<Script, number>();
  const step = Math.max(1, Math.floor(texts.length / maxTexts));
  let letters = 0;
  for (let i = 0; i < texts.length; i += step) {
    const text = texts[i];
    let seen = 0;
    for (const ch of text) {
      if (seen++ >= maxCharsPerText) break;
      const script = scriptOf(ch);
      if (script === undefined) continue;
      letters++;
      counts.set(script, (counts.get(script) ?? 0) + 1);
    }
  }
  if (letters === 0) return 'other';
  const kana = counts.get('japanese') ?? 0;
  if (kana >= 0.1 * letters) return 'japanese';
  let best: Script = 'other';
  let bestCount = 0;
  for (const [script, n] of counts) {
    if (n > bestCount) {
      best = script;
      bestCount = n;
    }
  }
  return best;
}

/** The script of one character, or undefined for digits, punctuation, spaces and symbols. */
function scriptOf(ch: string): Script | undefined {
  const c = ch.codePointAt(0)!;
  if (c < 0x80) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 'latin' : undefined;
  if (!/\p{L}/u.test(ch)) return undefined;
  for (const [script, re] of RANGES) if (re.test(ch)) return script;
  return 'other';
}
