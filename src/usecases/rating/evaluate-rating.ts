import type { Example } from '../../data/types.js';
import { DataError } from '../../errors.js';
import { scoreRating, spearman } from './rating-metrics.js';
import { positiveColumn, type RatingEvaluation, type RatingSection } from './rating-section.js';
import { applyStarMap, naiveStars } from './star-map.js';
import { starsFromFileName, starsPattern } from './stars.js';

/**
 * The true stars of examples from their file names. Every example must carry one: a review
 * without a rating cannot be scored, and leaving it out silently would change what is measured.
 */
export function trueStars(examples: readonly Example[], patternSource: string | undefined, role: string): Int32Array {
  const pattern = starsPattern(patternSource);
  const stars = new Int32Array(examples.length);
  for (let i = 0; i < examples.length; i++) {
    const s = starsFromFileName(examples[i].source.file, pattern);
    if (s === null) {
      throw new DataError(
        { file: examples[i].source.file },
        `${role}: no star rating 1-10 in the file name (pattern ${pattern.source}; aclImdb names reviews <id>_<stars>.txt). Rename the file, or set rating.stars_pattern in the recipe`,
      );
    }
    stars[i] = s;
  }
  return stars;
}

/** The positive-probability column of n × K scores. */
export function positiveScores(section: Pick<RatingSection, 'positive_label'>, labels: readonly string[], proba: Float32Array): Float64Array {
  const K = labels.length;
  const col = positiveColumn(section as RatingSection, labels);
  return Float64Array.from({ length: proba.length / K }, (_, i) => proba[i * K + col]);
}

/** Naive rule and learnt map against the true stars. */
export function evaluateRating(section: Pick<RatingSection, 'map'>, scores: Float64Array, stars: Int32Array): RatingEvaluation {
  const learnt = Float64Array.from(scores, (p) => applyStarMap(section.map, p));
  const naive = Float64Array.from(scores, naiveStars);
  return { n: scores.length, naive: scoreRating(naive, stars), learnt: scoreRating(learnt, stars), score_spearman: spearman(scores, stars) };
}

/**
 * `eval` on labelled files: rating metrics when every file name carries stars; otherwise null and
 * the first file without, so the command can say why there are none.
 */
export function evaluateRatingOfFiles(section: RatingSection, labels: readonly string[], examples: readonly Example[], proba: Float32Array): { evaluation: RatingEvaluation } | { missing: string; count: number } {
  const pattern = starsPattern(section.stars_pattern);
  let missing: string | null = null;
  let count = 0;
  const stars = new Int32Array(examples.length);
  examples.forEach((e, i) => {
    const s = starsFromFileName(e.source.file, pattern);
    if (s === null) {
      missing ??= e.source.file;
      count++;
    } else stars[i] = s;
  });
  if (missing !== null || examples.length === 0) return { missing: missing ?? '(no files)', count };
  return { evaluation: evaluateRating(section, positiveScores(section, labels, proba), stars) };
}
