import type { FastifyInstance } from 'fastify';
import { CatalogError, CatalogLibrary } from '../../usecases/recommend/catalog-library.js';
import { recommendBody } from '../../usecases/recommend/http-schemas.js';
import { recommend } from '../../usecases/recommend/service.js';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { modelOr404, parseInput } from '../validate.js';

/**
 * Emotion-based recommendations over the catalogs folder (--catalogs): the list of catalogs, and
 * POST /v1/recommend, which scores a catalog with a model on first use (stored beside the catalog,
 * see src/usecases/recommend/score-store.ts) and answers from memory afterwards.
 */
export function recommendRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { config, registry, metrics } = ctx;
  const library = new CatalogLibrary(config.catalogsDir, (message) => app.log.warn(message));
  app.addHook('onClose', async () => library.close());

  app.get('/v1/catalogs', { config: { scope: 'read' } }, async () => ({ catalogs: library.list() }));

  app.post('/v1/recommend', { config: { scope: 'read' } }, async (req) => {
    const body = parseInput(recommendBody, req.body, 'body');
    if (body.target !== undefined && body.toward !== undefined && body.target !== body.toward) throw new ApiError(422, 'body.toward: "toward" is another name for "target" and the two differ; send one');
    const target = body.target ?? body.toward;
    if (target === undefined) throw new ApiError(422, 'body.target: required: the emotion to match, or with from_text the one to move toward (a label of the model)');
    if (body.from_text !== undefined && body.from_text.length > config.maxTextChars) throw new ApiError(413, `from_text has ${body.from_text.length} characters, the limit is ${config.maxTextChars} (--max-text-chars)`);
    const entry = modelOr404(registry, body.model);
    const labels = entry.model.manifest.labels;
    if (!labels.includes(target) && !labels.some((l) => l.toLowerCase() === target.trim().toLowerCase())) {
      throw new ApiError(422, `body.target: "${target.slice(0, 60)}" is not a label of model "${entry.id}"; its labels are ${labels.join(', ')}`);
    }
    let result;
    try {
      result = await library.scoredCatalog(body.catalog, entry.model);
    } catch (e) {
      if (e instanceof CatalogError) throw new ApiError(e.kind === 'not_found' ? 404 : 409, e.message);
      throw e;
    }
    const { scored, fresh } = result;
    if (fresh) metrics.observeTexts(entry.id, scored.build.scored);
    const build = fresh ? scored.build : { ...scored.build, scored: 0, reused: new Set(scored.items.map((i) => i.text)).size, newItems: 0, changedItems: 0, removedItems: 0, prunedScores: 0, prunedModels: 0 };
    if (body.from_text !== undefined) metrics.observeTexts(entry.id, 1);
    const answer = await recommend(scored, entry.model, { target, n: body.n ?? 5, seed: body.seed ?? 0, ...(body.from_text !== undefined ? { fromText: body.from_text } : {}) }, build);
    return { model: entry.id, catalog: body.catalog, ...answer };
  });
}
