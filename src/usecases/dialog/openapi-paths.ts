import { common, err, json, schema } from '../../serve/openapi.js';
import { forecastBody, forecastResponse } from './http-schemas.js';

/** The dialog routes of the OpenAPI document (spread into its `paths`; called, never at import, as the two modules import each other). */
export function dialogPaths(): Record<string, unknown> {
  const read = [{ bearer: [] }, { apiKey: [] }];
  return {
    '/v1/dialog/forecast': {
      post: {
        summary: "Forecast the next speaker's emotion in a dialog",
        description:
          'Give the turns so far (oldest first); a model trained with `dialog: {target: next_turn, context_turns: N}` reads the last turn and up to N before it, joined exactly as in training, and returns the distribution of the emotion of the turn that comes next. Models without next-turn training are refused with 422.',
        security: read,
        requestBody: { required: true, content: { 'application/json': { schema: schema(forecastBody) } } },
        responses: {
          '200': json(forecastResponse, 'the forecast'),
          '404': err('no such model'),
          '413': err('body too large, too many turns, or a turn too long'),
          '415': err('not application/json'),
          '422': err('a field is wrong (the message names it), an empty turn, or a model not trained for next-turn forecasting'),
          ...common,
        },
      },
    },
  };
}
