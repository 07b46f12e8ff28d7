import path from 'node:path';

/**
 * Where the true star rating of a review is written. aclImdb names every review file
 * `<id>_<stars>.txt` (stars 1–4 in neg/, 7–10 in pos/), so the default reads the digits between
 * the last underscore and the extension.
 */
export const DEFAULT_STARS_PATTERN = '_(\\d+)\\.[^./\\\\]+$';

/** The lowest and highest star a rating can take. */
export const MIN_STARS = 1;
export const MAX_STARS = 10;

/**
 * The star rating in a file's name, or null when the name does not match `pattern` (its first
 * capture group must be the number) or the number is outside 1–10.
 */
export function starsFromFileName(file: string, pattern: RegExp): number | null {
  const m = pattern.exec(path.basename(file));
  if (!m || m[1] === undefined) return null;
  const stars = Number(m[1]);
  return Number.isInteger(stars) && stars >= MIN_STARS && stars <= MAX_STARS ? stars : null;
}

/** Compiles a recipe's pattern; the recipe schema has already checked that it compiles and captures. */
export function starsPattern(source: string | undefined): RegExp {
  return new RegExp(source ?? DEFAULT_STARS_PATTERN);
}
