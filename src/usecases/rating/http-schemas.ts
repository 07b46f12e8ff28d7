import { z } from 'zod';

export const rateBody = z
  .object({
    model: z.string().min(1).max(100).describe('id of a model trained with a rating map (recipe rating:; GET /v1/rating/models lists them)'),
    texts: z.array(z.string()).min(1).describe('reviews to rate (1 … max_texts, each at most max_text_chars characters unless the server runs with --long-texts window)'),
  })
  .strict();
export type RateBody = z.infer<typeof rateBody>;

const ratingScore = z.object({ mae: z.number(), spearman: z.number().nullable() });
const ratingEvaluation = z.object({
  n: z.number().int(),
  naive: ratingScore,
  learnt: ratingScore,
  score_spearman: z.number().nullable(),
  by_method: z.record(z.string(), ratingScore).optional(),
});

/** Response shapes, for the OpenAPI document only. */
export const ratingModelsResponse = z.object({
  models: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      positive_label: z.string(),
      method: z.string().describe('the learnt map: median_isotonic, binned_median, mean_isotonic or quantile_match'),
      naive_rule: z.string(),
      fitted_on: z.literal('cv').describe('out-of-fold scores of the training rows'),
      fitted_rows: z.number().int(),
      map: z.object({ cuts: z.array(z.number()), stars: z.array(z.number().int()) }).describe('stars[j] where j = how many cuts are ≤ the positive probability'),
      metrics: z.object({ dev: ratingEvaluation.optional(), test: ratingEvaluation.optional() }).describe('MAE and Spearman of the learnt map and the naive rule on held-out reviews the map never saw'),
    }),
  ),
  limits: z.object({
    max_texts: z.number().int(),
    max_text_chars: z.number().int(),
    long_texts: z.enum(['refuse', 'window']).describe('refuse: a longer review is answered 413; window: it is scored as overlapping windows of max_text_chars whose probabilities are averaged'),
  }),
});

export const rateResponse = z.object({
  model: z.string(),
  method: z.string(),
  results: z.array(
    z.object({
      stars: z.number().int().min(1).max(10).describe('from the learnt map'),
      naive_stars: z.number().int().min(1).max(10).describe('from the naive rule clamp(round(10p), 1, 10)'),
      positive_probability: z.number(),
      chars: z.number().int().describe('length of the review in UTF-16 code units, as max_text_chars counts'),
      windows: z.number().int().describe('1, or how many overlapping windows a review longer than max_text_chars was scored as (--long-texts window)'),
    }),
  ),
});
