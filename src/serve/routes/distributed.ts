/**
 * Progress of distributed runs over HTTP, for the Runs view: batch-scoring runs
 * (`predict --queue`) and sweeps (`tune --queue`) as Redis knows them. Read only when the server
 * was started with `--queue redis://…`; otherwise the list says how to turn it on (200, so a page
 * that asks is not an error). Redis is reached lazily, on the first request, with one client for
 * the server's life; a Redis that cannot be reached is a 503 naming the address (never the password).
 * No absolute path leaves the server: inputs, outputs and models are shown by name.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { QueueError } from '../../distributed/errors.js';
import { describeQueue, openRedis, parseQueueUrl, type QueueAddress } from '../../distributed/queue-url.js';
import { getRunProgress, listRuns, runKey, type RunProgress } from '../../distributed/result-store.js';
import { retriesOf, workersSeen } from '../../distributed/run-activity.js';
import { getSweepProgress, listSweeps, sweepKey, type SweepProgress } from '../../distributed/sweep-store.js';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { parseInput } from '../validate.js';
import { hidePathsInText } from './runs.js';

/**
 * A running coordinator touches its run at least once a second while it waits; a run silent for
 * this long lost its coordinator (killed, machine gone) and would otherwise show "running" for the
 * week its keys live.
 */
export const STALLED_AFTER_SECONDS = 60;

export const distributedRunIdParams = z.object({ id: z.string().describe('the run id a `predict --queue` prints, or the id of a `tune --queue` sweep as the list shows it') });

export const distributedRun = z.object({
  id: z.string(),
  kind: z.enum(['batch', 'sweep']).describe('batch: `predict --queue` scoring; sweep: `tune --queue` trials'),
  name: z.string().describe('the model (batch) or recipe (sweep) by name'),
  state: z
    .enum(['running', 'stalled', 'done', 'failed'])
    .describe(`stalled: Redis still says running, but the coordinator (the \`predict --queue\` or \`tune --queue\` process) has shown no sign of life for ${STALLED_AFTER_SECONDS} s, so it was probably stopped; rerun the same command (\`--resume\` for predict) to continue`),
  started_at: z.string(),
  updated_at: z.string().describe('the last sign of life: a chunk or trial stored, or the coordinator checking in'),
  elapsed_seconds: z.number().describe('since the start; for a finished or stalled run, until its last update'),
  eta_seconds: z.number().nullable().describe('estimated seconds left at the pace so far; null until it can be told, and for a stalled run'),
  unit: z.enum(['chunks', 'trials']),
  done: z.number().int().describe('chunks scored or trials finished, each counted once however often it ran'),
  total: z.number().int().nullable().describe('null while a batch run is still reading its input'),
  rows_done: z.number().int().nullable().describe('batch: rows scored; null for sweeps'),
  rows_total: z.number().int().nullable(),
  workers: z.array(z.string()).describe('host:pid of every worker that started a job of the run'),
  retries: z.number().int().describe('job starts after the first of the same chunk or trial (a worker died, or an error was retried)'),
  input: z.string().optional().describe('batch: the input file name'),
  output: z.string().optional().describe('batch: the output file name'),
  metric: z.string().optional().describe('sweep: the metric it optimizes'),
  best: z.number().nullable().optional().describe('sweep: the best value so far'),
  trials: z.object({ complete: z.number().int(), pruned: z.number().int(), failed: z.number().int() }).optional(),
  error: z.string().optional(),
});

export const distributedRunsResponse = z.object({
  enabled: z.boolean().describe('false when the server was started without --queue'),
  queue: z.string().nullable().describe('the Redis read (redis://host:port/db, without password)'),
  message: z.string().optional().describe('how to turn the view on, when it is off'),
  runs: z.array(distributedRun),
});

type DistributedRun = z.infer<typeof distributedRun>;

export const DISABLED_MESSAGE = 'Distributed progress is off: start the server with `textclass serve --queue redis://host:port` (the Redis your `predict --queue` and `tune --queue` runs use) to follow them here.';

export function distributedRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const url = ctx.config.queue;
  // A wrong URL stops the server at start, with the flag's own message.
  const address: QueueAddress | null = url ? parseQueueUrl(url) : null;
  let client: Promise<Redis> | null = null;
  const redis = async (): Promise<Redis> => {
    if (address === null) throw new ApiError(404, DISABLED_MESSAGE);
    client ??= openRedis(address, 2000);
    try {
      return await client;
    } catch (e) {
      client = null;
      throw new ApiError(503, e instanceof QueueError ? `cannot reach Redis at ${describeQueue(address)}; is redis-server running there?` : (e as Error).message);
    }
  };
  /** Runs a read; a Redis that stopped answering is a 503, not a 500. */
  const reading = async <T>(read: (r: Redis) => Promise<T>): Promise<T> => {
    const r = await redis();
    try {
      return await read(r);
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw new ApiError(503, `Redis at ${describeQueue(address!)} did not answer (${(e as Error).message.slice(0, 120)})`);
    }
  };
  app.addHook('onClose', async () => {
    const c = client;
    client = null;
    if (c) await c.then((r) => r.quit()).catch(() => {});
  });

  app.get('/v1/distributed/runs', { config: { scope: 'read' } }, async () => {
    if (address === null) return { enabled: false, queue: null, message: DISABLED_MESSAGE, runs: [] };
    const runs = await reading(async (r) => {
      const now = Date.now();
      const batches = await Promise.all((await listRuns(r, 20)).map(async (p) => batchView(p, await workersSeen(r, runKey(p.runId)), await retriesOf(r, runKey(p.runId)), now)));
      const sweeps = await Promise.all((await listSweeps(r, 20)).map(async (p) => sweepView(p, await workersSeen(r, sweepKey(p.sweepId)), now)));
      return [...batches, ...sweeps].sort((a, b) => b.started_at.localeCompare(a.started_at));
    });
    return { enabled: true, queue: describeQueue(address), runs };
  });

  app.get('/v1/distributed/runs/:id', { config: { scope: 'read' } }, async (req) => {
    const { id } = parseInput(distributedRunIdParams, req.params, 'params');
    if (!/^[0-9a-f]{1,64}$/.test(id)) throw new ApiError(404, `no distributed run "${id.slice(0, 40)}"; GET /v1/distributed/runs lists them`);
    const found = await reading(async (r) => {
      const now = Date.now();
      const batch = await getRunProgress(r, id);
      if (batch) return batchView(batch, await workersSeen(r, runKey(id)), await retriesOf(r, runKey(id)), now);
      const sweep = await getSweepProgress(r, id);
      if (sweep) return sweepView(sweep, await workersSeen(r, sweepKey(id)), now);
      return null;
    });
    if (found === null) throw new ApiError(404, `no distributed run "${id}" in Redis (never started, or expired a week after its last update); GET /v1/distributed/runs lists them`);
    return found;
  });
}

/** Redis's state, with a running run whose coordinator went silent told apart as stalled. */
export function stateOf(state: 'running' | 'done' | 'failed', updatedAt: string, now: number): DistributedRun['state'] {
  if (state !== 'running') return state;
  const last = Date.parse(updatedAt);
  return Number.isFinite(last) && now - last > STALLED_AFTER_SECONDS * 1000 ? 'stalled' : 'running';
}

/** Seconds from the start to now (running) or to the last update (finished, stalled). */
function elapsedOf(startedAt: string, updatedAt: string, running: boolean, now: number): number {
  const start = Date.parse(startedAt);
  const end = running ? now : Date.parse(updatedAt);
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, (end - start) / 1000) : 0;
}

/** The time left at the pace so far, once some work is done and the whole is known. */
export function etaOf(elapsed: number, done: number, total: number | null, running: boolean): number | null {
  if (!running) return 0;
  if (total === null || done <= 0 || total <= done) return total !== null && done >= total ? 0 : null;
  return Math.round((elapsed * (total - done)) / done);
}

function batchView(p: RunProgress, workers: string[], retries: number, now: number): DistributedRun {
  const state = stateOf(p.state, p.updatedAt, now);
  const running = state === 'running';
  const elapsed = elapsedOf(p.startedAt, p.updatedAt, running, now);
  // Rows are the finer measure; chunks are what the list counts.
  const eta = p.totalRows !== null && state !== 'stalled' ? etaOf(elapsed, p.rowsDone, p.totalRows, running) : null;
  return {
    id: p.runId,
    kind: 'batch',
    name: path.basename(p.model),
    state,
    started_at: p.startedAt,
    updated_at: p.updatedAt,
    elapsed_seconds: Math.round(elapsed * 10) / 10,
    eta_seconds: eta,
    unit: 'chunks',
    done: p.chunksDone,
    total: p.totalChunks,
    rows_done: p.rowsDone,
    rows_total: p.totalRows,
    workers,
    retries,
    input: path.basename(p.input),
    output: path.basename(p.output),
    ...(p.error !== undefined ? { error: hidePathsInText(p.error) } : {}),
  };
}

function sweepView(p: SweepProgress, workers: string[], now: number): DistributedRun {
  const state = stateOf(p.state, p.updatedAt, now);
  const running = state === 'running';
  const elapsed = elapsedOf(p.startedAt, p.updatedAt, running, now);
  return {
    id: p.sweepId,
    kind: 'sweep',
    name: p.recipe,
    state,
    started_at: p.startedAt,
    updated_at: p.updatedAt,
    elapsed_seconds: Math.round(elapsed * 10) / 10,
    eta_seconds: state === 'stalled' ? null : etaOf(elapsed, p.trialsDone, p.totalTrials, running),
    unit: 'trials',
    done: p.trialsDone,
    total: p.totalTrials,
    rows_done: null,
    rows_total: null,
    workers,
    retries: p.retries,
    metric: p.metric,
    best: p.best,
    trials: { complete: p.complete, pruned: p.pruned, failed: p.failed },
    ...(p.error !== undefined ? { error: hidePathsInText(p.error) } : {}),
  };
}
