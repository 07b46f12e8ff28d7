import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import type { ModelEntry } from '../model-registry.js';
import { modelOr404, parseInput } from '../validate.js';
import { routeBody, routeModelParams } from '../../usecases/routing/http-schemas.js';
import { routeTexts, ticketText } from '../../usecases/routing/route.js';
import type { RoutingSection } from '../../usecases/routing/routing-section.js';

/** POST /v1/route and GET /v1/route/{model}: ticket routing (docs/usecases/routing.md). */
export function routingRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { registry, config, metrics } = ctx;

  app.get('/v1/route/:model', { config: { scope: 'read' } }, async (req) => {
    const { model } = parseInput(routeModelParams, req.params, 'params');
    const entry = modelOr404(registry, model);
    const r = entry.model.manifest.routing;
    // A plain answer rather than an error, so a page can ask every model whether it routes.
    if (!r) return { model: entry.id, routable: false, reason: 'no routing section in its manifest; train from a recipe with a routing section, e.g. recipes/tickets-routing.yaml' };
    return { model: entry.id, routable: true, strategy: r.strategy, tier_names: r.tier_names, threshold: r.threshold, dev: r.dev };
  });

  app.post('/v1/route', { config: { scope: 'read' } }, async (req) => {
    const body = parseInput(routeBody, req.body, 'body');
    const entry = modelOr404(registry, body.model);
    routingOr422(entry);
    if (body.tickets.length > config.maxTexts) throw new ApiError(413, `too many tickets: ${body.tickets.length} in one request, the limit is ${config.maxTexts} (--max-texts); split them`);
    const texts = body.tickets.map((t, i) => {
      const text = ticketText(entry.model, t);
      if (text.length === 0) throw new ApiError(422, `body tickets[${i}]: title and body are both empty; a ticket needs some text`);
      if (text.length > config.maxTextChars) throw new ApiError(413, `tickets[${i}] has ${text.length} characters (title + body), the limit is ${config.maxTextChars} (--max-text-chars)`);
      return text;
    });
    const batch = await routeTexts(entry.model, texts, body.threshold);
    metrics.observeTexts(entry.id, texts.length);
    return { model: entry.id, threshold: batch.threshold, ...(batch.expected ? { expected: batch.expected } : {}), results: batch.routes };
  });
}

function routingOr422(entry: ModelEntry): RoutingSection {
  const r = entry.model.manifest.routing;
  if (!r) throw new ApiError(422, `model "${entry.id}" is not a routing model (no routing section in its manifest); train one from a recipe with a routing section, e.g. recipes/tickets-routing.yaml`);
  return r;
}
