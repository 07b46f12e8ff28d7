import type { Example } from '../../data/types.js';
import type { Manifest } from '../../persist/model-dir.js';
import { evaluateRatingOfFiles } from './evaluate-rating.js';
import { ratingLines } from './format-rating.js';
import { ratingSectionOf, type RatingEvaluation } from './rating-section.js';

/** What `eval` adds to its report for a model with a rating map: the stars' metrics, or why there are none. */
export interface EvalRatingFields {
  rating?: RatingEvaluation;
  rating_note?: string;
}

export function ratingForEval(manifest: Manifest, modelDir: string, examples: readonly Example[], proba: Float32Array): EvalRatingFields {
  const section = ratingSectionOf(manifest, modelDir);
  if (!section) return {};
  const result = evaluateRatingOfFiles(section, manifest.labels, examples, proba);
  if ('evaluation' in result) return { rating: result.evaluation };
  return { rating_note: `no star metrics: ${result.count} of ${examples.length} files have no star rating in their name (first: ${result.missing}; pattern ${section.stars_pattern})` };
}

/** The lines `eval` prints after its classification report. */
export function evalRatingText(manifest: Manifest, fields: EvalRatingFields): string {
  const section = manifest.rating;
  if (!section) return '';
  if (fields.rating) return ratingLines(section, fields.rating, 'eval');
  return fields.rating_note ? `${fields.rating_note}\n` : '';
}
