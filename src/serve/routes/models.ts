import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { modelCard, modelDetail, modelSummary } from '../model-info.js';
import { predictTextsAsync } from '../predict.js';
import { modelIdParams, predictBody } from '../schemas.js';
import type { LoadedModel } from '../../persist/model-dir.js';
import { modelGrouping, UnknownGroupingError } from '../../usecases/emotions/model-groupings.js';
import { modelOr404, parseInput } from '../validate.js';

export function modelRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { registry, config, metrics, storage } = ctx;

  app.get('/v1/models', { config: { scope: 'read' } }, async () => ({ models: registry.list().map(modelSummary) }));

  app.get('/v1/models/:id', { config: { scope: 'read' } }, async (req) => {
    const { id } = parseInput(modelIdParams, req.params, 'params');
    const entry = modelOr404(registry, id);
    return { ...modelDetail(entry), card: modelCard(entry) };
  });

  app.get('/v1/models/:id/report', { config: { scope: 'read' } }, async (req, reply) => {
    const { id } = parseInput(modelIdParams, req.params, 'params');
    const entry = modelOr404(registry, id);
    let html: Buffer;
    try {
      html = await fs.promises.readFile(path.join(entry.model.dir, 'report.html'));
    } catch {
      throw new ApiError(404, `model "${id}" has no report; write one with \`textclass report <modelDir> --out <modelDir>/report.html\``);
    }
    // The report is self-contained: inline styles, inline PNG-export script, no network.
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data: blob:; frame-ancestors 'self'")
      .send(html);
  });

  app.post('/v1/models/:id/predict', { config: { scope: 'read' } }, async (req) => {
    const { id } = parseInput(modelIdParams, req.params, 'params');
    const entry = modelOr404(registry, id);
    const body = parseInput(predictBody, req.body, 'body');
    const { texts } = body;
    if (body.group !== undefined) groupingOr422(entry.model, body.group);
    if (texts.length > config.maxTexts) throw new ApiError(413, `too many texts: ${texts.length} in one request, the limit is ${config.maxTexts} (--max-texts); split them or use POST /v1/models/${id}/batch`);
    let long = false;
    for (let i = 0; i < texts.length; i++) {
      if (texts[i].length > config.maxTextChars) {
        if (config.longTexts === 'refuse') throw new ApiError(413, `texts[${i}] has ${texts[i].length} characters, the limit is ${config.maxTextChars} (--max-text-chars; or start the server with --long-texts window)`);
        long = true;
      }
    }
    // ONNX models (which score asynchronously) window long texts by tokens themselves.
    const tokenWindowed = entry.model.classifier.predictProbaAsync !== undefined;
    const results = await predictTextsAsync(entry.model, texts, {
      ...(body.top_k !== undefined ? { topK: body.top_k } : {}),
      ...(body.threshold !== undefined ? { threshold: body.threshold } : {}),
      ...(body.explain ? { explain: true } : {}),
      ...(long && !tokenWindowed ? { windowChars: config.maxTextChars } : {}),
      ...(body.group !== undefined ? { group: body.group } : {}),
    });
    metrics.observeTexts(id, texts.length);
    if (storage.predictionLog.enabled) storage.predictionLog.record(id, texts, results.map((r) => r.labels), req.keyId);
    return { model: id, results };
  });
}

/** A grouping the model lacks is the caller's mistake (422), named with the ones it has. */
function groupingOr422(model: LoadedModel, name: string): void {
  try {
    modelGrouping(model, name);
  } catch (e) {
    if (e instanceof UnknownGroupingError) throw new ApiError(422, `group: ${e.message}`);
    throw e;
  }
}
