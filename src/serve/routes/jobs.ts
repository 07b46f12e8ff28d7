import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import type { JobFormat } from '../jobs-runner.js';
import type { JobRow } from '../storage/jobs.js';
import { batchQuery, jobIdParams, modelIdParams } from '../schemas.js';
import { modelOr404, parseInput } from '../validate.js';

const FORMATS: Record<string, JobFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
};

const JOB_ID = /^[0-9a-f]{24}$/;

export function jobView(job: JobRow) {
  return {
    id: job.id,
    model: job.model,
    status: job.status,
    processed: job.processed,
    total: job.total,
    ...(job.error !== null ? { error: job.error } : {}),
    created_at: job.created_at,
    ...(job.finished_at !== null ? { finished_at: job.finished_at } : {}),
    ...(job.status === 'done' ? { result_url: `/v1/jobs/${job.id}/result` } : {}),
  };
}

export function jobRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { registry, jobs, config } = ctx;

  // Uploads are streamed to disk by the handler, not parsed: the parser hands over the raw stream.
  // Registered in this encapsulated plugin only, so other routes still answer 415 to a CSV body.
  void app.register(async (scope) => {
    scope.addContentTypeParser(Object.keys(FORMATS), (_req, payload, done) => done(null, payload));

    scope.post('/v1/models/:id/batch', { config: { scope: 'admin' } }, async (req, reply) => {
      const { id } = parseInput(modelIdParams, req.params, 'params');
      const entry = modelOr404(registry, id);
      const query = parseInput(batchQuery, req.query, 'query');
      const mime = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const format = FORMATS[mime];
      if (!format) throw new ApiError(415, 'send the file as text/csv (header row with a "text" column) or application/x-ndjson (one {"text": …} per line)');
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > config.uploadLimit) {
        throw new ApiError(413, `the upload is ${declared} bytes, larger than the limit of ${config.uploadLimit} bytes (--upload-limit)`, { connection: 'close' });
      }
      const job = await jobs.accept(req.body as Readable, { model: entry.id, format, textField: query.text_field ?? 'text' }, config.uploadLimit);
      return reply.code(202).send({ job_id: job.id, status_url: `/v1/jobs/${job.id}`, result_url: `/v1/jobs/${job.id}/result` });
    });
  });

  app.get('/v1/jobs/:id', { config: { scope: 'read' } }, async (req) => {
    const { id } = parseInput(jobIdParams, req.params, 'params');
    return jobView(jobOr404(ctx, id));
  });

  app.get('/v1/jobs/:id/result', { config: { scope: 'read' } }, async (req, reply) => {
    const { id } = parseInput(jobIdParams, req.params, 'params');
    const job = jobOr404(ctx, id);
    if (job.status !== 'done') {
      throw new ApiError(409, job.status === 'failed' ? `job ${id} failed (${job.error ?? 'no reason recorded'}); it has no result` : `job ${id} is ${job.status} (${job.processed} of ${job.total ?? '?'} rows); the result is ready when its status is "done"`);
    }
    let stream: fs.ReadStream;
    try {
      const file = jobs.resultPath(id);
      await fs.promises.access(file);
      stream = fs.createReadStream(file);
    } catch {
      throw new ApiError(404, `the result of job ${id} is no longer on the server`);
    }
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="textclass-${job.model}-${id}.csv"`).send(stream);
  });
}

function jobOr404(ctx: ServerContext, id: string): JobRow {
  const job = JOB_ID.test(id) ? ctx.storage.jobs.get(id) : undefined;
  if (!job) throw new ApiError(404, `no job "${id.slice(0, 100)}"`);
  return job;
}
