/**
 * Which workers took part in a distributed run and how often a job of it was started again: the
 * worker records both as it starts a job, on the run's progress hash (a batch run's
 * `textclass:run:<id>`, a sweep's `textclass:sweep:<id>`), for the web UI's progress view.
 *
 *   <progress key>            hash field `retries`: job starts after the first of the same unit
 *   <progress key>:workers    set of `host:pid` of every worker that started one of its jobs
 */
import os from 'node:os';
import type { Redis } from 'ioredis';

const TTL_SECONDS = 7 * 24 * 3600;

/** This process as the web UI names it among a run's workers. */
export function workerIdentity(): string {
  return `${os.hostname()}:${process.pid}`;
}

export function workersKey(progressKey: string): string {
  return `${progressKey}:workers`;
}

// KEYS: progress hash, workers set. ARGV: worker, 1 when this start is a retry.
// A run that is gone (expired, deleted) gets no keys recreated for it.
const NOTE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ${TTL_SECONDS})
if ARGV[2] == '1' then redis.call('HINCRBY', KEYS[1], 'retries', 1) end
return 1
`;

/** Notes that `worker` started a job of the run whose progress lives at `progressKey`. */
export async function noteJobStart(redis: Redis, progressKey: string, worker: string, retry: boolean): Promise<void> {
  await redis.eval(NOTE_SCRIPT, 2, progressKey, workersKey(progressKey), worker, retry ? '1' : '0');
}

/** The workers that started a job of the run, sorted. */
export async function workersSeen(redis: Redis, progressKey: string): Promise<string[]> {
  return (await redis.smembers(workersKey(progressKey))).sort();
}

/** Job starts after the first of the same unit of work. */
export async function retriesOf(redis: Redis, progressKey: string): Promise<number> {
  return Number((await redis.hget(progressKey, 'retries')) ?? 0) || 0;
}
