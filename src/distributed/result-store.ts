/**
 * Where workers put what they computed and where anyone reads how far a run is. Everything a run
 * owns lives under `textclass:run:<runId>`:
 *
 *   textclass:run:<id>           hash: the run's description and progress counters
 *   textclass:run:<id>:results   hash: chunk index → the output lines of that chunk
 *   textclass:runs               sorted set: run ids by start time (for listings such as the web UI)
 *
 * Storing is idempotent by (run id, chunk index): a chunk scored twice (a retry after a worker
 * died, a duplicate delivery) overwrites its lines and counts once; a chunk the coordinator has
 * already written to the output file is ignored. Both checks run inside one Lua script, so two
 * workers racing on the same chunk cannot both count it.
 */
import type { Redis } from 'ioredis';
import { newestInIndex } from './progress-index.js';

const PREFIX = 'textclass';
/** How long a run's keys outlive their last update: long enough to resume, short enough to vanish. */
const RUN_TTL_SECONDS = 7 * 24 * 3600;

export function runKey(runId: string): string {
  return `${PREFIX}:run:${runId}`;
}

export function resultsKey(runId: string): string {
  return `${PREFIX}:run:${runId}:results`;
}

export const RUNS_INDEX_KEY = `${PREFIX}:runs`;

export type RunState = 'running' | 'done' | 'failed';

/** What a run is, as the coordinator describes it when it starts. */
export interface RunDescription {
  kind: string;
  input: string;
  output: string;
  model: string;
  startedAt: string;
}

/** A run's progress as anyone (CLI, web UI) can read it from Redis. */
export interface RunProgress extends RunDescription {
  runId: string;
  state: RunState;
  updatedAt: string;
  /** Known once the coordinator has read the whole input; null before. */
  totalRows: number | null;
  totalChunks: number | null;
  chunksEnqueued: number;
  rowsEnqueued: number;
  /** Chunks (rows) scored by workers, each counted once however often it ran. */
  chunksDone: number;
  rowsDone: number;
  /** Chunks (rows) in the output file, in order. */
  chunksWritten: number;
  rowsWritten: number;
  /** Why the run failed, when it did. */
  error?: string;
}

// KEYS: run, results. ARGV: chunk index, rows in it, its output lines, now.
// Returns 1 stored, 2 overwrote an earlier copy, 0 ignored (already written), -1 unknown run.
const STORE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local written = tonumber(redis.call('HGET', KEYS[1], 'chunksWritten') or '0')
if tonumber(ARGV[1]) < written then return 0 end
local result = 2
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then
  redis.call('HINCRBY', KEYS[1], 'chunksDone', 1)
  redis.call('HINCRBY', KEYS[1], 'rowsDone', ARGV[2])
  result = 1
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[4])
redis.call('EXPIRE', KEYS[2], ${RUN_TTL_SECONDS})
return result
`;

export type StoreOutcome = 'stored' | 'overwritten' | 'already-written' | 'unknown-run';

/** Stores one chunk's output lines for its run; safe to call any number of times for the same chunk. */
export async function storeChunkResult(redis: Redis, runId: string, chunk: number, rows: number, lines: string): Promise<StoreOutcome> {
  const code = (await redis.eval(STORE_SCRIPT, 2, runKey(runId), resultsKey(runId), String(chunk), String(rows), lines, new Date().toISOString())) as number;
  return code === 1 ? 'stored' : code === 2 ? 'overwritten' : code === 0 ? 'already-written' : 'unknown-run';
}

/** The stored output lines of a chunk, or null when no worker has finished it yet. */
export async function readChunkResult(redis: Redis, runId: string, chunk: number): Promise<string | null> {
  return redis.hget(resultsKey(runId), String(chunk));
}

export async function hasChunkResult(redis: Redis, runId: string, chunk: number): Promise<boolean> {
  return (await redis.hexists(resultsKey(runId), String(chunk))) === 1;
}

/**
 * Records that the output file now holds every chunk before `chunksWritten` (and `rowsWritten`
 * rows) and drops the stored lines of those chunks. Only the coordinator calls this, after the
 * bytes are synced to disk; a late worker's copy of such a chunk is then refused by the store.
 */
export async function markWritten(redis: Redis, runId: string, chunksWritten: number, rowsWritten: number, droppedChunk?: number): Promise<void> {
  const multi = redis.multi().hset(runKey(runId), { chunksWritten, rowsWritten, updatedAt: new Date().toISOString() });
  if (droppedChunk !== undefined) multi.hdel(resultsKey(runId), String(droppedChunk));
  await multi.exec();
}

/** Creates (or, on resume, refreshes) a run's description; counters keep their values. */
export async function initRun(redis: Redis, runId: string, description: RunDescription): Promise<void> {
  const now = new Date().toISOString();
  await redis
    .multi()
    .hset(runKey(runId), { ...description, state: 'running', updatedAt: now })
    .hdel(runKey(runId), 'error')
    .hsetnx(runKey(runId), 'chunksWritten', 0)
    .hsetnx(runKey(runId), 'rowsWritten', 0)
    .expire(runKey(runId), RUN_TTL_SECONDS)
    .zadd(RUNS_INDEX_KEY, Date.parse(description.startedAt), runId)
    .exec();
}

/** Sets progress fields the coordinator owns (enqueued counts, totals, state). */
export async function updateRun(redis: Redis, runId: string, fields: Partial<Record<'state' | 'error' | 'totalRows' | 'totalChunks' | 'chunksEnqueued' | 'rowsEnqueued', string | number>>): Promise<void> {
  await redis.multi().hset(runKey(runId), { ...fields, updatedAt: new Date().toISOString() }).expire(runKey(runId), RUN_TTL_SECONDS).exec();
}

/** A run's progress, or null when Redis knows no such run (never started, or expired). */
export async function getRunProgress(redis: Redis, runId: string): Promise<RunProgress | null> {
  const h = await redis.hgetall(runKey(runId));
  if (!h || h.state === undefined) return null;
  const count = (name: string): number => Number(h[name] ?? 0);
  const maybe = (name: string): number | null => (h[name] === undefined ? null : Number(h[name]));
  return {
    runId,
    kind: h.kind ?? '',
    input: h.input ?? '',
    output: h.output ?? '',
    model: h.model ?? '',
    startedAt: h.startedAt ?? '',
    updatedAt: h.updatedAt ?? '',
    state: h.state as RunState,
    totalRows: maybe('totalRows'),
    totalChunks: maybe('totalChunks'),
    chunksEnqueued: count('chunksEnqueued'),
    rowsEnqueued: count('rowsEnqueued'),
    chunksDone: count('chunksDone'),
    rowsDone: count('rowsDone'),
    chunksWritten: count('chunksWritten'),
    rowsWritten: count('rowsWritten'),
    ...(h.error !== undefined ? { error: h.error } : {}),
  };
}

/** The most recent runs first, with their progress (runs whose keys expired are dropped from the index). */
export function listRuns(redis: Redis, limit = 20): Promise<RunProgress[]> {
  return newestInIndex(redis, RUNS_INDEX_KEY, limit, (id) => getRunProgress(redis, id));
}
