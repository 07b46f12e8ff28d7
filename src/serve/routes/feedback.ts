import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { isValidModelId } from '../model-id.js';
import { feedbackBody } from '../schemas.js';
import { parseInput } from '../validate.js';

export function feedbackRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/v1/feedback', { config: { scope: 'read' } }, async (req, reply) => {
    const body = parseInput(feedbackBody, req.body, 'body');
    if (!isValidModelId(body.model)) throw new ApiError(422, 'body model: not a model id (letters, digits, ".", "_", "-")');
    const entry = ctx.registry.get(body.model);
    if (!entry) throw new ApiError(422, `body model: no model "${body.model}" is loaded`);
    const known = new Set(entry.model.manifest.labels);
    const unknown = body.labels.findIndex((l) => !known.has(l));
    if (unknown >= 0) throw new ApiError(422, `body labels[${unknown}]: "${body.labels[unknown]}" is not a label of model "${body.model}" (labels: ${entry.model.manifest.labels.join(', ')})`);
    const id = ctx.storage.feedback.add({ ...body, keyId: req.keyId });
    return reply.code(201).send({ id });
  });
}
