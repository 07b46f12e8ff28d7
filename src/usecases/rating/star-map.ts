import { MAX_STARS, MIN_STARS } from './stars.js';

/**
 * A monotone step function from a score (the model's positive probability) to a star rating:
 * `stars[j]` where j is how many `cuts` are ≤ the score. `cuts` ascend and `stars` has one entry
 * more than `cuts`, non-decreasing. Plain data, stored as is in the manifest.
 */
export interface StarMap {
  cuts: number[];
  stars: number[];
}

/** The baseline: the positive probability rounded to a tenth, as stars 1–10. */
export function naiveStars(p: number): number {
  return clampStars(Math.round(10 * p));
}

export function clampStars(s: number): number {
  return Math.min(MAX_STARS, Math.max(MIN_STARS, s));
}

export function applyStarMap(map: StarMap, score: number): number {
  // Binary search for the number of cuts ≤ score.
  let lo = 0;
  let hi = map.cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (map.cuts[mid] <= score) lo = mid + 1;
    else hi = mid;
  }
  return map.stars[lo];
}

/**
 * Checks a map read from a manifest: lengths, ascending cuts, non-decreasing whole stars in 1–10.
 * Returns a sentence saying what is wrong, or null when it is usable.
 */
export function starMapProblem(map: unknown): string | null {
  if (map === null || typeof map !== 'object') return 'rating.map is missing';
  const { cuts, stars } = map as Partial<StarMap>;
  if (!Array.isArray(cuts) || !Array.isArray(stars)) return 'rating.map needs arrays cuts and stars';
  if (stars.length !== cuts.length + 1) return `rating.map has ${cuts.length} cuts and ${stars.length} star values (needs one more star value than cuts)`;
  for (let j = 0; j < cuts.length; j++) {
    if (typeof cuts[j] !== 'number' || !Number.isFinite(cuts[j])) return `rating.map.cuts[${j}] is not a number`;
    if (j > 0 && cuts[j] < cuts[j - 1]) return `rating.map.cuts must ascend (cuts[${j}] < cuts[${j - 1}])`;
  }
  for (let j = 0; j < stars.length; j++) {
    const s = stars[j];
    if (!Number.isInteger(s) || s < MIN_STARS || s > MAX_STARS) return `rating.map.stars[${j}] must be a whole number from ${MIN_STARS} to ${MAX_STARS}`;
    if (j > 0 && s < stars[j - 1]) return `rating.map.stars must not decrease (stars[${j}] < stars[${j - 1}])`;
  }
  return null;
}

/**
 * A map from per-group values over ascending distinct group scores: a cut halfway between two
 * neighbouring groups wherever the value changes.
 */
export function stepsFromGroups(scores: ArrayLike<number>, values: ArrayLike<number>): StarMap {
  const cuts: number[] = [];
  const stars: number[] = [values.length > 0 ? values[0] : MIN_STARS];
  for (let g = 1; g < values.length; g++) {
    if (values[g] === values[g - 1]) continue;
    cuts.push((scores[g - 1] + scores[g]) / 2);
    stars.push(values[g]);
  }
  return { cuts, stars };
}
