import { fitIsotonic, predictIsotonic } from '../../calibration/isotonic.js';
import { kFold } from '../../data/split.js';
import { scoreRating, type RatingScore } from './rating-metrics.js';
import { applyStarMap, clampStars, naiveStars, stepsFromGroups, type StarMap } from './star-map.js';
import { MAX_STARS, MIN_STARS } from './stars.js';

/**
 * Ways to learn stars from scores. Mean absolute error is minimised by the conditional median, so
 * the main candidates fit medians under a monotone constraint:
 *  - median_isotonic: L1 isotonic regression onto whole stars, solved exactly by dynamic
 *    programming over the distinct scores (the monotone step function with the least total
 *    absolute error on the fitting rows);
 *  - binned_median: the same over 20 equal-count score bins (coarser, steadier);
 *  - mean_isotonic: least-squares isotonic regression (the conditional mean), rounded;
 *  - quantile_match: cuts at the score quantiles that reproduce the fitting rows' star
 *    distribution (keeps the spread, ignores the loss).
 */
export const STAR_MAP_METHODS = ['median_isotonic', 'binned_median', 'mean_isotonic', 'quantile_match'] as const;
export type StarMapMethod = (typeof STAR_MAP_METHODS)[number];

const BINS = 20;
const LEVELS = MAX_STARS - MIN_STARS + 1;

/** Scores grouped by distinct value, ascending, with a histogram of true stars per group. */
interface Groups {
  scores: Float64Array;
  /** groups × LEVELS counts. */
  counts: Float64Array;
  size: number;
}

function groupByScore(scores: ArrayLike<number>, stars: ArrayLike<number>): Groups {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const gs = new Float64Array(n);
  const counts = new Float64Array(n * LEVELS);
  let size = 0;
  for (const i of order) {
    if (size === 0 || gs[size - 1] !== scores[i]) gs[size++] = scores[i];
    counts[(size - 1) * LEVELS + (stars[i] - MIN_STARS)]++;
  }
  return { scores: gs.subarray(0, size), counts: counts.subarray(0, size * LEVELS), size };
}

/** Equal-count bins of the sorted scores (a bin never splits equal scores); score = the bin's last score. */
function binGroups(g: Groups, bins: number): Groups {
  let total = 0;
  for (let j = 0; j < g.counts.length; j++) total += g.counts[j];
  const scores: number[] = [];
  const counts: number[] = [];
  let acc = new Float64Array(LEVELS);
  let inBin = 0;
  let done = 0;
  for (let k = 0; k < g.size; k++) {
    for (let v = 0; v < LEVELS; v++) {
      acc[v] += g.counts[k * LEVELS + v];
      inBin += g.counts[k * LEVELS + v];
    }
    const target = (total * (scores.length + 1)) / bins;
    if (done + inBin >= target || k === g.size - 1) {
      scores.push(g.scores[k]);
      counts.push(...acc);
      done += inBin;
      acc = new Float64Array(LEVELS);
      inBin = 0;
    }
  }
  return { scores: Float64Array.from(scores), counts: Float64Array.from(counts), size: scores.length };
}

/**
 * The non-decreasing assignment of whole stars to groups with the least Σ |star − true star|:
 * dynamic programming over groups × star levels, O(groups × levels). Ties go to the lower star.
 */
function l1Isotonic(g: Groups): Int32Array {
  const { size, counts } = g;
  const choice = new Int8Array(size * LEVELS); // best previous level (≤ this level) per group and level
  let prev = new Float64Array(LEVELS);
  let cur = new Float64Array(LEVELS);
  for (let k = 0; k < size; k++) {
    let bestPrev = Infinity;
    let bestPrevLevel = 0;
    for (let v = 0; v < LEVELS; v++) {
      if (k > 0 && prev[v] < bestPrev) {
        bestPrev = prev[v];
        bestPrevLevel = v;
      }
      let cost = 0;
      for (let s = 0; s < LEVELS; s++) cost += counts[k * LEVELS + s] * Math.abs(s - v);
      cur[v] = cost + (k > 0 ? bestPrev : 0);
      choice[k * LEVELS + v] = bestPrevLevel;
    }
    [prev, cur] = [cur, prev];
  }
  let level = 0;
  for (let v = 1; v < LEVELS; v++) if (prev[v] < prev[level]) level = v;
  const values = new Int32Array(size);
  for (let k = size - 1; k >= 0; k--) {
    values[k] = level + MIN_STARS;
    level = choice[k * LEVELS + level];
  }
  return values;
}

function meanIsotonic(g: Groups): Int32Array {
  const x: number[] = [];
  const y: number[] = [];
  const w: number[] = [];
  for (let k = 0; k < g.size; k++) {
    for (let s = 0; s < LEVELS; s++) {
      const c = g.counts[k * LEVELS + s];
      if (c === 0) continue;
      x.push(g.scores[k]);
      y.push(s + MIN_STARS);
      w.push(c);
    }
  }
  const curve = fitIsotonic(x, y, w);
  return Int32Array.from(g.scores, (score) => clampStars(Math.round(predictIsotonic(curve, score))));
}

function quantileMatch(g: Groups): StarMap {
  let total = 0;
  const perLevel = new Float64Array(LEVELS);
  for (let k = 0; k < g.size; k++) {
    for (let s = 0; s < LEVELS; s++) {
      perLevel[s] += g.counts[k * LEVELS + s];
      total += g.counts[k * LEVELS + s];
    }
  }
  // Group k gets the star at which its cumulative share (mid-group) falls in the star distribution.
  const values = new Int32Array(g.size);
  let before = 0;
  for (let k = 0; k < g.size; k++) {
    let inGroup = 0;
    for (let s = 0; s < LEVELS; s++) inGroup += g.counts[k * LEVELS + s];
    const share = (before + inGroup / 2) / total;
    let cumulative = 0;
    let level = LEVELS - 1;
    for (let s = 0; s < LEVELS; s++) {
      cumulative += perLevel[s] / total;
      if (share < cumulative) {
        level = s;
        break;
      }
    }
    values[k] = level + MIN_STARS;
    before += inGroup;
  }
  return stepsFromGroups(g.scores, values);
}

/** Fits one method's map on scores (positive probabilities) and their true stars. */
export function fitStarMap(method: StarMapMethod, scores: ArrayLike<number>, stars: ArrayLike<number>): StarMap {
  if (scores.length !== stars.length) throw new RangeError(`fitStarMap: ${scores.length} scores for ${stars.length} ratings`);
  if (scores.length === 0) throw new RangeError('fitStarMap needs at least one rated row');
  const g = groupByScore(scores, stars);
  switch (method) {
    case 'median_isotonic':
      return stepsFromGroups(g.scores, l1Isotonic(g));
    case 'binned_median': {
      const b = binGroups(g, BINS);
      return stepsFromGroups(b.scores, l1Isotonic(b));
    }
    case 'mean_isotonic':
      return stepsFromGroups(g.scores, meanIsotonic(g));
    case 'quantile_match':
      return quantileMatch(g);
  }
}

export interface CandidateScore extends RatingScore {
  method: StarMapMethod | 'naive';
}

export interface FittedRating {
  method: StarMapMethod;
  map: StarMap;
  /** Every method's (and the naive rule's) cross-validated score on the fitting rows, best first. */
  candidates: CandidateScore[];
  folds: number;
}

/**
 * Picks the method by k-fold cross-validation on the fitting rows themselves (fit on k−1 folds,
 * score the held-out one), so the choice never looks at the data the result is reported on; then
 * refits the winner on all fitting rows. `method` other than auto skips the choice but still
 * reports every candidate.
 */
export function chooseStarMap(scores: ArrayLike<number>, stars: ArrayLike<number>, options: { method: StarMapMethod | 'auto'; folds: number; seed: number }): FittedRating {
  const n = scores.length;
  const folds = kFold(Array.from(stars, (s) => [String(s)]), { k: options.folds, seed: options.seed });
  const candidates: CandidateScore[] = [];
  const naive = Float64Array.from(scores, naiveStars);
  candidates.push({ method: 'naive', ...scoreRating(naive, stars) });
  for (const method of STAR_MAP_METHODS) {
    const predicted = new Float64Array(n);
    const held = new Uint8Array(n);
    for (const fold of folds) {
      held.fill(0);
      for (const i of fold) held[i] = 1;
      const fitScores: number[] = [];
      const fitStars: number[] = [];
      for (let i = 0; i < n; i++) {
        if (held[i]) continue;
        fitScores.push(scores[i]);
        fitStars.push(stars[i]);
      }
      const map = fitStarMap(method, fitScores, fitStars);
      for (const i of fold) predicted[i] = applyStarMap(map, scores[i]);
    }
    candidates.push({ method, ...scoreRating(predicted, stars) });
  }
  candidates.sort((a, b) => a.mae - b.mae || (b.spearman ?? -1) - (a.spearman ?? -1));
  const method = options.method !== 'auto' ? options.method : (candidates.find((c) => c.method !== 'naive')!.method as StarMapMethod);
  return { method, map: fitStarMap(method, scores, stars), candidates, folds: options.folds };
}
