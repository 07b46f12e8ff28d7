import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { scoreTextsAsync, windowsOf } from '../predict.js';
import { modelOr404, parseInput } from '../validate.js';
import { rateBody } from '../../usecases/rating/http-schemas.js';
import { rateRow, ratingSectionOf } from '../../usecases/rating/rating-section.js';
import type { ModelEntry } from '../model-registry.js';

/** Review → 1–10 stars (docs/usecases/rating.md): the models that can, and rating itself. */
export function ratingRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { registry, config, metrics } = ctx;

  app.get('/v1/rating/models', { config: { scope: 'read' } }, async () => {
    const models = [];
    for (const entry of registry.list()) {
      const section = sectionOrNull(entry);
      if (!section) continue;
      const m = entry.model.manifest;
      models.push({
        id: entry.id,
        name: m.name,
        positive_label: section.positive_label,
        method: section.method,
        naive_rule: section.naive_rule,
        fitted_on: section.fitted_on,
        fitted_rows: section.fitted_rows,
        map: section.map,
        metrics: section.metrics,
      });
    }
    return { models, limits: { max_texts: config.maxTexts, max_text_chars: config.maxTextChars, long_texts: config.longTexts } };
  });

  app.post('/v1/rating/rate', { config: { scope: 'read' } }, async (req) => {
    const body = parseInput(rateBody, req.body, 'body');
    const entry = modelOr404(registry, body.model);
    const section = sectionOrNull(entry);
    if (!section) {
      throw new ApiError(422, `model "${entry.id}" has no rating map; train one with a recipe that has a rating: section (recipes/imdb-rating.yaml), or use POST /v1/models/${entry.id}/predict`);
    }
    const { texts } = body;
    if (texts.length > config.maxTexts) throw new ApiError(413, `too many reviews: ${texts.length} in one request, the limit is ${config.maxTexts} (--max-texts); split them`);
    let long = false;
    for (let i = 0; i < texts.length; i++) {
      if (texts[i].trim().length === 0) throw new ApiError(422, `body texts[${i}]: the review is empty; paste its text`);
      if (texts[i].length > config.maxTextChars) {
        if (config.longTexts === 'refuse') {
          throw new ApiError(413, `texts[${i}] has ${texts[i].length} characters, the limit is ${config.maxTextChars}; shorten the review, or start the server with --long-texts window to score long reviews as overlapping windows (or raise --max-text-chars)`);
        }
        long = true;
      }
    }
    const model = entry.model;
    const { proba, K } = await scoreTextsAsync(model, texts, long ? { windowChars: config.maxTextChars } : {});
    const labels = model.classifier.labels;
    const results = texts.map((text, i) => ({
      ...rateRow(section, labels, proba.subarray(i * K, (i + 1) * K)),
      chars: text.length,
      windows: text.length > config.maxTextChars ? windowsOf(text, config.maxTextChars).length : 1,
    }));
    metrics.observeTexts(entry.id, texts.length);
    return { model: entry.id, method: section.method, results };
  });
}

/** The model's rating section; a malformed one is a 500 with the reason in the log, never wrong stars. */
function sectionOrNull(entry: ModelEntry) {
  return ratingSectionOf(entry.model.manifest, entry.id) ?? null;
}
