import { z } from 'zod';
import { TEXTCLASS_VERSION } from '../version.js';
import type { ServeConfig } from './config.js';
import * as s from './schemas.js';
import { dialogPaths } from '../usecases/dialog/openapi-paths.js';
import { routingPaths } from '../usecases/routing/openapi-paths.js';
import { recommendPaths } from '../usecases/recommend/openapi-paths.js';
import { ratingPaths } from '../usecases/rating/openapi-paths.js';
import { distributedPaths } from './routes/distributed-openapi.js';

type Json = Record<string, unknown>;

export function schema(t: z.ZodType, io: 'input' | 'output' = 'input'): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(t, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  return rest;
}

export const json = (t: z.ZodType, description: string, io: 'input' | 'output' = 'output') => ({ description, content: { 'application/json': { schema: schema(t, io) } } });
export const err = (description: string) => json(s.errorResponse, description);

/** Path parameters from a zod object: every key is a required string in the path. */
function pathParams(t: z.ZodObject): Json[] {
  const js = schema(t) as { properties: Record<string, Json> };
  return Object.entries(js.properties).map(([name, p]) => ({ name, in: 'path', required: true, description: p.description, schema: { type: 'string' } }));
}

function queryParams(t: z.ZodObject): Json[] {
  const js = schema(t) as { properties: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties).map(([name, p]) => ({ name, in: 'query', required: js.required?.includes(name) ?? false, description: p.description, schema: { type: 'string' } }));
}

export const common = { '401': err('missing or unknown API key (when auth is on)'), '429': err('rate limited; see retry-after'), '500': err('internal error') };

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the handlers validate with
 * (OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what zod emits).
 */
export function buildOpenApi(config: Pick<ServeConfig, 'maxTexts' | 'maxTextChars' | 'uploadLimit'>): Json {
  const modelId = pathParams(s.modelIdParams);
  const jobId = pathParams(s.jobIdParams);
  const runId = pathParams(s.runIdParams);
  const read = [{ bearer: [] }, { apiKey: [] }];
  return {
    openapi: '3.1.0',
    info: {
      title: 'textclass',
      version: TEXTCLASS_VERSION,
      description: `Text classifiers over HTTP. Limits of this server: ${config.maxTexts} texts per predict request, ${config.maxTextChars} characters per text, ${config.uploadLimit} bytes per batch upload. Errors are always {"error": {"code", "message", "request_id"}}.`,
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an API key from `textclass keys create` (scopes: read, admin)' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      },
    },
    paths: {
      '/v1/models': {
        get: { summary: 'List the models being served', security: read, responses: { '200': json(z.object({ models: z.array(s.modelSummary) }), 'the models'), ...common } },
      },
      '/v1/models/{id}': {
        get: { summary: 'One model: labels, metrics, recipe summary, model card', security: read, parameters: modelId, responses: { '200': json(s.modelDetail, 'the model'), '404': err('no such model'), ...common } },
      },
      '/v1/models/{id}/report': {
        get: { summary: "The model's HTML evaluation report", security: read, parameters: modelId, responses: { '200': { description: 'self-contained HTML', content: { 'text/html': {} } }, '404': err('no such model, or it has no report'), ...common } },
      },
      '/v1/models/{id}/predict': {
        post: {
          summary: 'Label texts',
          description: 'For each text: every label\'s score, the chosen labels (empty with "not_sure" when a single-label model abstains), and with explain: true the token contributions to the first chosen label.',
          security: read,
          parameters: modelId,
          requestBody: { required: true, content: { 'application/json': { schema: schema(s.predictBody) } } },
          responses: {
            '200': json(s.predictResponse, 'one result per text, in input order'),
            '404': err('no such model'),
            '413': err('body too large, too many texts, or a text too long'),
            '415': err('not application/json'),
            '422': err('a field is wrong; the message names it'),
            ...common,
          },
        },
      },
      '/v1/models/{id}/batch': {
        post: {
          summary: 'Upload a CSV or JSONL file to label (admin)',
          description: 'The body is the file: text/csv with a header row holding a "text" column (and optionally "id"), or application/x-ndjson with one {"text": …, "id"?: …} per line. Streams to disk; poll the job, then download its CSV.',
          security: read,
          parameters: [...modelId, ...queryParams(s.batchQuery)],
          requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } } },
          responses: { '202': json(s.batchResponse, 'job accepted'), '403': err('needs an admin key'), '404': err('no such model'), '413': err('upload too large'), '415': err('not CSV or JSONL'), ...common },
        },
      },
      '/v1/jobs/{id}': {
        get: { summary: 'Progress of a batch job', security: read, parameters: jobId, responses: { '200': json(s.jobResponse, 'the job'), '404': err('no such job'), ...common } },
      },
      '/v1/jobs/{id}/result': {
        get: {
          summary: 'The labelled rows as CSV: id,text,labels,<one score column per label>',
          security: read,
          parameters: jobId,
          responses: { '200': { description: 'CSV', content: { 'text/csv': {} } }, '404': err('no such job'), '409': err('the job is not done'), ...common },
        },
      },
      '/v1/feedback': {
        post: {
          summary: "Store a user's corrected labels for later training",
          security: read,
          requestBody: { required: true, content: { 'application/json': { schema: schema(s.feedbackBody) } } },
          responses: { '201': json(z.object({ id: z.number().int() }), 'stored'), '422': err('a field is wrong; the message names it'), ...common },
        },
      },
      '/v1/admin/reload': {
        post: { summary: 'Rescan the models folder now (admin)', security: read, responses: { '200': json(s.reloadResponse, 'models loaded and refused by this scan'), '403': err('needs an admin key'), ...common } },
      },
      '/v1/runs': {
        get: {
          summary: 'Tracked train, tune, eval and cv runs, newest first',
          description: 'Read from the experiment-tracking database (--runs-db); a missing database lists no runs.',
          security: read,
          parameters: queryParams(s.runsQuery),
          responses: { '200': json(z.object({ runs: z.array(s.runSummary) }), 'the runs'), '422': err('a filter is wrong; the message names it'), ...common },
        },
      },
      '/v1/runs/{id}': {
        get: { summary: 'One run: recipe, seed, commit, data hashes, metrics, steps, artifacts (file names only)', security: read, parameters: runId, responses: { '200': json(s.runDetail, 'the run'), '404': err('no such run'), ...common } },
      },
      '/v1/runs/{id}/sweep': {
        get: {
          summary: "A tune run's sweep: trials, metric, direction, best trial, parameter importance",
          description: 'Also while the sweep runs (`status: running`): the trials journaled so far, none before the first one starts, and `planned_trials` (how many it plans, baseline included; null when the run did not record it), so a client can show "7 of 13 trials".',
          security: read,
          parameters: runId,
          responses: { '200': json(s.sweepResponse, 'the sweep'), '404': err('no such run, not a tune run, or its trial journal is gone'), ...common, '503': err('the journal of a running sweep could not be read just now; retry') },
        },
      },
      ...dialogPaths(),
      ...routingPaths(),
      ...recommendPaths(),
      ...ratingPaths(),
      ...distributedPaths(),
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { '200': json(z.object({ status: z.literal('ok') }), 'the process runs') } } },
      '/readyz': { get: { summary: 'Readiness: at least one model loaded', security: [], responses: { '200': json(z.object({ status: z.literal('ready'), models: z.number().int() }), 'ready'), '503': { description: 'no model loaded' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', security: [], responses: { '200': { description: 'Prometheus text format 0.0.4', content: { 'text/plain': {} } } } } },
    },
  };
}
