import { common, err, json, schema } from '../../serve/openapi.js';
import { rateBody, rateResponse, ratingModelsResponse } from './http-schemas.js';

/** The rating routes of the OpenAPI document (spread into its `paths`; called, never at import, as the two modules import each other). */
export function ratingPaths(): Record<string, unknown> {
  const read = [{ bearer: [] }, { apiKey: [] }];
  return {
    '/v1/rating/models': {
      get: {
        summary: 'Models with a learnt review → 1-10 stars map, with its measured MAE and Spearman, and the text limits',
        security: read,
        responses: { '200': json(ratingModelsResponse, 'the rating models and the limits of this server'), ...common },
      },
    },
    '/v1/rating/rate': {
      post: {
        summary: 'Rate reviews 1-10 stars',
        description:
          'Each review gets the stars of the model\'s learnt map and of the naive rule clamp(round(10p), 1, 10), both from the calibrated positive probability p. A review longer than max_text_chars is refused with 413, or, on a server started with --long-texts window, scored as overlapping windows (reported in "windows"). Models without a rating map are refused with 422.',
        security: read,
        requestBody: { required: true, content: { 'application/json': { schema: schema(rateBody) } } },
        responses: {
          '200': json(rateResponse, 'one rating per review, in input order'),
          '404': err('no such model'),
          '413': err('body too large, too many reviews, or a review too long'),
          '415': err('not application/json'),
          '422': err('a field is wrong (the message names it), or the model has no rating map'),
          ...common,
        },
      },
    },
  };
}
