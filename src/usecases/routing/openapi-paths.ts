import { common, err, json, schema } from '../../serve/openapi.js';
import { routeBody, routeResponse, routingInfoResponse } from './http-schemas.js';

/** The routing routes of the OpenAPI document (spread into its `paths`; called, never at import, as the two modules import each other). */
export function routingPaths(): Record<string, unknown> {
  const read = [{ bearer: [] }, { apiKey: [] }];
  return {
    '/v1/route': {
      post: {
        summary: 'Route tickets tier by tier, or to a person',
        description:
          'For each ticket (title + body): the most probable consistent path (tier 1 → tier 2 → tier 3, each a child of the one above), the confidence of each tier, and routed_to: the deepest tier whose confidence reaches the threshold, or "person" when tier 1 does not. Models without a routing section are refused with 422.',
        security: read,
        requestBody: { required: true, content: { 'application/json': { schema: schema(routeBody) } } },
        responses: {
          '200': json(routeResponse, 'one result per ticket, in input order'),
          '404': err('no such model'),
          '413': err('body too large, too many tickets, or a ticket too long'),
          '415': err('not application/json'),
          '422': err('a field is wrong (the message names it), a ticket with no text, or not a routing model'),
          ...common,
        },
      },
    },
    '/v1/route/{model}': {
      get: {
        summary: "A routing model's tiers, threshold and dev abstention curve",
        security: read,
        parameters: [{ name: 'model', in: 'path', required: true, description: 'id of a routing model', schema: { type: 'string' } }],
        responses: { '200': json(routingInfoResponse, 'the routing section, or routable: false'), '404': err('no such model'), ...common },
      },
    },
  };
}
