import { ModelFormatError } from '../../errors.js';
import type { Manifest } from '../../persist/model-dir.js';
import type { CandidateScore, StarMapMethod } from './fit-star-map.js';
import type { RatingScore } from './rating-metrics.js';
import { applyStarMap, naiveStars, starMapProblem, type StarMap } from './star-map.js';

/** The naive rule as the manifest and the API name it. */
export const NAIVE_RULE = 'clamp(round(10 * p), 1, 10)';

/** Rating quality on one held-out set: the naive rule and the learnt map side by side. */
export interface RatingEvaluation {
  /** Rated texts. */
  n: number;
  naive: RatingScore;
  learnt: RatingScore;
  /** Spearman's ρ of the positive probability itself with the true stars: the ranking ceiling. */
  score_spearman: number | null;
  /** Every candidate method, fitted on the same rows as the learnt map, scored here (train only). */
  by_method?: Record<string, RatingScore>;
}

/** The manifest's `rating` section: how stars are read and the learnt map. Plain JSON. */
export interface RatingSection {
  stars_from: 'file_name';
  /** Regular expression over the file name; its first group is the star count. */
  stars_pattern: string;
  /** The map's input: the model's (calibrated) probability of this label. */
  positive_label: string;
  method: StarMapMethod;
  map: StarMap;
  naive_rule: typeof NAIVE_RULE;
  /** `cv`: out-of-fold scores of the training rows (the dev and test rows are never seen). */
  fitted_on: 'cv';
  fitted_rows: number;
  /** How the method was chosen: k-fold cross-validation on the fitting rows, candidates best first. */
  selection: { folds: number; candidates: CandidateScore[] };
  metrics: { dev?: RatingEvaluation; test?: RatingEvaluation };
}

/** One text's rating as predict and the API give it. */
export interface TextRating {
  /** Stars 1–10 from the learnt map. */
  stars: number;
  /** Stars 1–10 from the naive rule, for comparison. */
  naive_stars: number;
  /** The probability both were computed from. */
  positive_probability: number;
}

const checked = new WeakMap<object, RatingSection>();

/**
 * The manifest's rating section, checked once per loaded manifest; undefined when the model has
 * none. A malformed section is refused with the reason instead of producing wrong stars.
 */
export function ratingSectionOf(manifest: Manifest, dir = manifest.name): RatingSection | undefined {
  const raw = (manifest as { rating?: unknown }).rating;
  if (raw === undefined || raw === null) return undefined;
  const hit = checked.get(raw as object);
  if (hit) return hit;
  const section = raw as Partial<RatingSection>;
  const problem = starMapProblem(section.map);
  if (problem) throw new ModelFormatError(dir, `${problem}; retrain the model with its rating recipe`);
  if (typeof section.positive_label !== 'string' || !manifest.labels.includes(section.positive_label)) {
    throw new ModelFormatError(dir, `rating.positive_label must be one of the model's labels (${manifest.labels.join(', ')})`);
  }
  checked.set(raw as object, section as RatingSection);
  return section as RatingSection;
}

/** The positive label's column in the model's score rows. */
export function positiveColumn(section: RatingSection, labels: readonly string[]): number {
  return labels.indexOf(section.positive_label);
}

export function rateProbability(section: RatingSection, p: number): TextRating {
  return { stars: applyStarMap(section.map, p), naive_stars: naiveStars(p), positive_probability: Math.round(p * 1e6) / 1e6 };
}

/** Ratings of n texts from their n × K score rows. */
export function rateRows(section: RatingSection, labels: readonly string[], proba: Float32Array, n: number): TextRating[] {
  const K = labels.length;
  const col = positiveColumn(section, labels);
  return Array.from({ length: n }, (_, i) => rateProbability(section, proba[i * K + col]));
}

/** The rating of one score row (K probabilities in the model's label order). */
export function rateRow(section: RatingSection, labels: readonly string[], row: ArrayLike<number>): TextRating {
  return rateProbability(section, row[positiveColumn(section, labels)]);
}

/** `predict`'s plain output: a column `stars=<learnt> naive=<naive rule>`. */
export function starsColumn(rating: TextRating): string {
  return `\tstars=${rating.stars} naive=${rating.naive_stars}`;
}
