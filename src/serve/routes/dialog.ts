import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { modelOr404, parseInput } from '../validate.js';
import { forecastDialogs, TurnError } from '../../usecases/dialog/forecast.js';
import { forecastBody } from '../../usecases/dialog/http-schemas.js';
import { forecastSupport } from '../../usecases/dialog/settings.js';

/** POST /v1/dialog/forecast: the next speaker's emotion from the turns so far (docs/usecases/dialog.md). */
export function dialogRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { registry, config, metrics } = ctx;

  app.post('/v1/dialog/forecast', { config: { scope: 'read' } }, async (req) => {
    const body = parseInput(forecastBody, req.body, 'body');
    const entry = modelOr404(registry, body.model);
    const support = forecastSupport(entry.model.manifest);
    if (!support.ok) throw new ApiError(422, `${support.reason}; GET /v1/models lists each model's "dialog" settings`);
    const turns = body.turns.map((t) => (typeof t === 'string' ? t : t.text));
    if (turns.length > config.maxTexts) {
      throw new ApiError(413, `too many turns: ${turns.length}, the limit is ${config.maxTexts} (--max-texts); the model reads only the last ${support.settings.contextTurns + 1}, so send those`);
    }
    for (let i = 0; i < turns.length; i++) {
      if (turns[i].length > config.maxTextChars) throw new ApiError(413, `turns[${i}] has ${turns[i].length} characters, the limit is ${config.maxTextChars} (--max-text-chars)`);
    }
    let forecast;
    try {
      [forecast] = await forecastDialogs(entry.model, support.settings, [turns], body.top_k ?? 1);
    } catch (e) {
      if (e instanceof TurnError) throw new ApiError(422, `body turns[${e.index}]: ${e.problem}`);
      throw e;
    }
    metrics.observeTexts(entry.id, 1);
    return { model: entry.id, ...forecast };
  });
}
