/**
 * What Redis holds of a distributed sweep (`textclass tune --queue`), beside the BullMQ queue.
 * Everything a sweep owns lives under `textclass:sweep:<sweepId>` (the sweep id stands for the
 * journal's study, so a coordinator that restarts finds its sweep again):
 *
 *   textclass:sweep:<id>               hash: description and progress (the coordinator writes it)
 *   textclass:sweep:<id>:results       hash: trial number → the trial's result (JSON), by the workers
 *   textclass:sweep:<id>:intermediate  hash: trial number → its value at the pruning fraction
 *   textclass:sweep:<id>:workers       set: the workers that started one of its trials
 *   textclass:sweeps                   sorted set: sweep ids by start time (for listings)
 *
 * A result is stored by (sweep id, trial number): a trial that ran twice (retried after its
 * worker died, or taken over while its worker was frozen) overwrites its first result and is
 * counted once; `overwritten` says how often that happened.
 */
import type { Redis } from 'ioredis';
import type { Params } from '../tune/space.js';
import { newestInIndex } from './progress-index.js';

const PREFIX = 'textclass';
/** How long a sweep's keys outlive their last update: long enough to resume, short enough to vanish. */
const SWEEP_TTL_SECONDS = 7 * 24 * 3600;

export const SWEEPS_INDEX_KEY = `${PREFIX}:sweeps`;

export function sweepKey(sweepId: string): string {
  return `${PREFIX}:sweep:${sweepId}`;
}

export function sweepResultsKey(sweepId: string): string {
  return `${sweepKey(sweepId)}:results`;
}

export function sweepIntermediateKey(sweepId: string): string {
  return `${sweepKey(sweepId)}:intermediate`;
}

/** One finished trial as a worker stored it. */
export interface StoredTrialResult {
  number: number;
  /** The values the trial ran with: a result is used only for the trial the coordinator asked for. */
  params: Params;
  state: 'complete' | 'pruned' | 'failed';
  value: number | null;
  intermediate?: number;
  prunedAgainst?: number;
  metrics?: Record<string, number>;
  seconds: number;
  error?: string;
  /** `host:pid` of the worker that ran it, and which start of the job it was. */
  worker: string;
  attempt: number;
}

export interface SweepDescription {
  recipe: string;
  metric: string;
  direction: 'maximize' | 'minimize';
  startedAt: string;
  totalTrials: number;
}

export type SweepState = 'running' | 'done' | 'failed';

/** A sweep's progress as anyone (CLI, web UI) can read it from Redis. */
export interface SweepProgress extends SweepDescription {
  sweepId: string;
  state: SweepState;
  updatedAt: string;
  /** Trials finished (complete, pruned or failed), those of an earlier run of the sweep included. */
  trialsDone: number;
  complete: number;
  pruned: number;
  failed: number;
  /** Trials handed to workers so far by this run of the sweep. */
  trialsEnqueued: number;
  best: number | null;
  /** Job starts after the first of the same trial (a worker died, or a retry after an error). */
  retries: number;
  /** Results stored a second time for the same trial (overwrites, never duplicates). */
  overwritten: number;
  error?: string;
}

// KEYS: sweep, results. ARGV: trial number, result JSON, now.
// Returns 1 stored, 2 overwrote an earlier result of the same trial, -1 unknown sweep.
const STORE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local result = 1
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[1], 'overwritten', 1)
  result = 2
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[3])
redis.call('EXPIRE', KEYS[2], ${SWEEP_TTL_SECONDS})
return result
`;

export type TrialStoreOutcome = 'stored' | 'overwritten' | 'unknown-sweep';

/** Stores a trial's result; safe to call any number of times for the same trial. */
export async function storeTrialResult(redis: Redis, sweepId: string, result: StoredTrialResult): Promise<TrialStoreOutcome> {
  const code = (await redis.eval(STORE_SCRIPT, 2, sweepKey(sweepId), sweepResultsKey(sweepId), String(result.number), JSON.stringify(result), new Date().toISOString())) as number;
  return code === 1 ? 'stored' : code === 2 ? 'overwritten' : 'unknown-sweep';
}

export async function readTrialResult(redis: Redis, sweepId: string, number: number): Promise<StoredTrialResult | null> {
  const text = await redis.hget(sweepResultsKey(sweepId), String(number));
  if (text === null) return null;
  try {
    return JSON.parse(text) as StoredTrialResult;
  } catch {
    return null;
  }
}

/** Every stored result, by trial number (for tests and `why is trial 7 missing`). */
export async function readTrialResults(redis: Redis, sweepId: string): Promise<Map<number, StoredTrialResult>> {
  const all = await redis.hgetall(sweepResultsKey(sweepId));
  return new Map(Object.entries(all).map(([k, v]) => [Number(k), JSON.parse(v) as StoredTrialResult]));
}

/** Drops a trial's stored result and intermediate value, before the trial is run (again). */
export async function clearTrial(redis: Redis, sweepId: string, number: number): Promise<void> {
  await redis.multi().hdel(sweepResultsKey(sweepId), String(number)).hdel(sweepIntermediateKey(sweepId), String(number)).exec();
}

/**
 * Records a trial's value at the pruning fraction and returns the values of the sweep's other
 * trials at that fraction (in one round trip, so every worker sees the same set the median rule
 * would locally).
 */
export async function reportIntermediate(redis: Redis, sweepId: string, number: number, value: number): Promise<number[]> {
  const replies = await redis.multi().hset(sweepIntermediateKey(sweepId), String(number), String(value)).expire(sweepIntermediateKey(sweepId), SWEEP_TTL_SECONDS).hgetall(sweepIntermediateKey(sweepId)).exec();
  const all = (replies?.[2]?.[1] ?? {}) as Record<string, string>;
  return Object.entries(all)
    .filter(([k]) => Number(k) !== number)
    .map(([, v]) => Number(v))
    .filter((v) => Number.isFinite(v));
}

/** Creates (or, when a coordinator resumes, refreshes) a sweep; the trials' values at the pruning fraction seed the median rule. */
export async function initSweep(redis: Redis, sweepId: string, description: SweepDescription, intermediates: ReadonlyMap<number, number>): Promise<void> {
  const multi = redis
    .multi()
    .hset(sweepKey(sweepId), { ...description, state: 'running', updatedAt: new Date().toISOString(), trialsEnqueued: 0 })
    .hdel(sweepKey(sweepId), 'error')
    .expire(sweepKey(sweepId), SWEEP_TTL_SECONDS)
    .zadd(SWEEPS_INDEX_KEY, Date.parse(description.startedAt), sweepId);
  if (intermediates.size > 0) {
    multi.hset(sweepIntermediateKey(sweepId), Object.fromEntries([...intermediates].map(([n, v]) => [String(n), String(v)])));
    multi.expire(sweepIntermediateKey(sweepId), SWEEP_TTL_SECONDS);
  }
  await multi.exec();
}

type SweepField = 'state' | 'error' | 'trialsDone' | 'complete' | 'pruned' | 'failed' | 'trialsEnqueued' | 'best';

/** Sets progress fields the coordinator owns; also its sign of life (`updatedAt`). */
export async function updateSweep(redis: Redis, sweepId: string, fields: Partial<Record<SweepField, string | number>>): Promise<void> {
  await redis.multi().hset(sweepKey(sweepId), { ...fields, updatedAt: new Date().toISOString() }).expire(sweepKey(sweepId), SWEEP_TTL_SECONDS).exec();
}

/** A sweep's progress, or null when Redis knows no such sweep (never started, or expired). */
export async function getSweepProgress(redis: Redis, sweepId: string): Promise<SweepProgress | null> {
  const h = await redis.hgetall(sweepKey(sweepId));
  if (!h || h.state === undefined) return null;
  const count = (name: string): number => Number(h[name] ?? 0) || 0;
  return {
    sweepId,
    recipe: h.recipe ?? '',
    metric: h.metric ?? '',
    direction: h.direction === 'minimize' ? 'minimize' : 'maximize',
    startedAt: h.startedAt ?? '',
    updatedAt: h.updatedAt ?? '',
    state: h.state as SweepState,
    totalTrials: count('totalTrials'),
    trialsDone: count('trialsDone'),
    complete: count('complete'),
    pruned: count('pruned'),
    failed: count('failed'),
    trialsEnqueued: count('trialsEnqueued'),
    best: h.best === undefined || h.best === '' ? null : Number(h.best),
    retries: count('retries'),
    overwritten: count('overwritten'),
    ...(h.error !== undefined ? { error: h.error } : {}),
  };
}

/** The most recent sweeps first (sweeps whose keys expired are dropped from the index). */
export function listSweeps(redis: Redis, limit = 20): Promise<SweepProgress[]> {
  return newestInIndex(redis, SWEEPS_INDEX_KEY, limit, (id) => getSweepProgress(redis, id));
}
