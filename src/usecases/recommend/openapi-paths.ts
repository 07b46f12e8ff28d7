import { common, err, json, schema } from '../../serve/openapi.js';
import { catalogsResponse, recommendBody, recommendResponse } from './http-schemas.js';

/** The recommendation routes of the OpenAPI document (spread into its `paths`; called, never at import, as the two modules import each other). */
export function recommendPaths(): Record<string, unknown> {
  const read = [{ bearer: [] }, { apiKey: [] }];
  return {
    '/v1/catalogs': {
      get: {
        summary: 'The recommendation catalogs of the catalogs folder (--catalogs)',
        description: 'Every .csv / .sqlite catalog with its item count, the model it was written for (<id>.meta.json) and the models that already have stored scores for it. A catalog that cannot be read is listed with an error.',
        security: read,
        responses: { '200': json(catalogsResponse, 'the catalogs'), ...common },
      },
    },
    '/v1/recommend': {
      post: {
        summary: 'Recommend catalog items by emotion, each with why it was picked',
        description:
          'With target alone: the items most likely to carry that emotion (ties within 0.02 go to the item least like those already picked, then by seed). With from_text: the emotion of the text is detected and the answer is a path of items that starts near it and moves step by step toward target, ending at the catalog’s most target-like item (each step aims further along the line from the detected distribution to that item’s and takes the closest unused item by Jensen–Shannon distance). The catalog is scored with the model on first use and the scores are stored beside it.',
        security: read,
        requestBody: { required: true, content: { 'application/json': { schema: schema(recommendBody) } } },
        responses: {
          '200': json(recommendResponse, 'the recommended items, in order'),
          '404': err('no such model or catalog'),
          '409': err('the catalog file cannot be read (the message says where)'),
          '413': err('from_text too long'),
          '415': err('not application/json'),
          '422': err('a field is wrong (the message names it), or target is not a label of the model'),
          ...common,
        },
      },
    },
  };
}
