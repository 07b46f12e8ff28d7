import type { z } from 'zod';
import { ApiError } from './api-error.js';
import { describeIssue } from './schemas.js';
import { isValidModelId } from './model-id.js';
import type { ModelEntry, ModelRegistry } from './model-registry.js';

/** Parses `value` with the route's schema; a mismatch is a 422 naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const r = schema.safeParse(value === undefined && where !== 'body' ? {} : value);
  if (!r.success) {
    if (value === undefined && where === 'body') throw new ApiError(422, 'body: a JSON object is required (send Content-Type: application/json)');
    throw new ApiError(422, describeIssue(r.error, where));
  }
  return r.data;
}

/** The loaded model with this id; an id that is not a plain directory name is a 404 without touching the disk. */
export function modelOr404(registry: ModelRegistry, id: string): ModelEntry {
  const entry = isValidModelId(id) ? registry.get(id) : undefined;
  if (!entry) {
    const ids = registry.list().map((e) => e.id);
    throw new ApiError(404, `no model "${id.slice(0, 100)}" is loaded${ids.length ? ` (models: ${ids.slice(0, 20).join(', ')})` : ''}; GET /v1/models lists them`);
  }
  return entry;
}
