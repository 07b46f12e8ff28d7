/**
 * A worker process's job loop: takes jobs from the textclass queue, runs each with the handler of
 * its kind (job-kinds.ts), and lets BullMQ retry failures and recover the jobs of workers that died.
 *
 * Lock and stall timing: a running job's lock is renewed every lockDuration / 2; a worker that
 * stops renewing it (killed, frozen, cut off) loses the job to the stalled-job check, which runs
 * every `stalledInterval` on every live worker and puts the job back in the queue. A job can be
 * recovered `maxStalledCount` times before it is failed.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { TextclassError } from '../errors.js';
import { getJobKind, jobKindNames, registerJobKind, type JobContext } from './job-kinds.js';
import { QUEUE_NAME } from './queue.js';
import { bullmqConnection, describeQueue, openRedis, type QueueAddress } from './queue-url.js';
import { noteJobStart, workerIdentity } from './run-activity.js';
import { scoreChunkJob } from './score-chunk-job.js';
import { tuneTrialJob } from './tune-trial-job.js';

registerJobKind(scoreChunkJob);
registerJobKind(tuneTrialJob);

export interface WorkerOptions {
  address: QueueAddress;
  /** Jobs run at the same time in this process (default 1: scoring is CPU-bound). */
  concurrency?: number;
  /** Where to look for models by directory name before the coordinator's path. */
  modelsDir?: string;
  /** The base folder for recipes' data paths (tuning trials read their data there). */
  dataDir?: string;
  /** Milliseconds a job's lock lasts without renewal (default 30,000); also the stalled-check interval. */
  lockDurationMs?: number;
  /** Times one job may be recovered from a dead worker before it fails (default 5). */
  maxStalledCount?: number;
  queueName?: string;
  /**
   * Milliseconds to wait between slices of a job (default 0). Only for tests and demos that need a
   * job to be observably in progress, e.g. to kill its worker mid-chunk.
   */
  sliceDelayMs?: number;
  log?: (line: string) => void;
}

export interface RunningWorker {
  /** Resolves when the worker is connected and taking jobs. */
  ready: Promise<void>;
  /**
   * Stops taking jobs. Without `force`, waits for the running jobs to finish and store their
   * results; with it, abandons them (their locks expire and other workers take them over).
   */
  close(force?: boolean): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const redis: Redis = await openRedis(options.address);
  const lockDuration = options.lockDurationMs ?? 30_000;
  const identity = workerIdentity();
  const sliceDelayMs = options.sliceDelayMs ?? 0;
  const pause = (): Promise<void> => (sliceDelayMs > 0 ? sleep(sliceDelayMs) : yieldToEventLoop()).then(() => undefined);
  const processor = async (job: Job): Promise<void> => {
    const kind = getJobKind(job.name);
    if (kind === undefined) throw new UnrecoverableError(`this worker cannot run "${job.name}" jobs (it knows: ${jobKindNames().join(', ')}); upgrade textclass on the worker`);
    const what = `${job.name} ${kind.describe(job.data)}`;
    const attempt = job.attemptsMade + 1;
    const context: JobContext = { redis, attempt, log, pause, worker: identity, ...(options.modelsDir !== undefined ? { modelsDir: options.modelsDir } : {}), ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}) };
    // attemptsStarted counts this start too: above 1, the job ran before (failed, or its worker died).
    const progressKey = kind.progressKey?.(job.data);
    if (progressKey !== undefined) await noteJobStart(redis, progressKey, identity, (job.attemptsStarted ?? 1) > 1).catch((e: Error) => log(`could not record progress of ${what}: ${e.message}`));
    const started = performance.now();
    log(`started ${what}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
    try {
      await kind.run(job.data, context);
    } catch (e) {
      log(`failed ${what}: ${(e as Error).message}`);
      // A user-caused failure (wrong model, bad data) fails the same way on every attempt.
      if (e instanceof TextclassError) throw new UnrecoverableError(e.message);
      throw e;
    }
    log(`finished ${what} in ${((performance.now() - started) / 1000).toFixed(2)}s`);
  };
  const worker = new Worker(options.queueName ?? QUEUE_NAME, processor, {
    connection: bullmqConnection(options.address),
    concurrency: options.concurrency ?? 1,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: options.maxStalledCount ?? 5,
    removeOnComplete: { count: 0 },
    autorun: true,
  });
  worker.on('error', (e) => log(`queue error: ${e.message}`));
  const ready = worker.waitUntilReady().then(() => log(`worker ${process.pid} taking jobs from ${describeQueue(options.address)} (kinds: ${jobKindNames().join(', ')}; concurrency ${options.concurrency ?? 1})`));
  let closing: Promise<void> | null = null;
  return {
    ready: ready.then(() => undefined),
    close(force = false) {
      if (force || closing === null) {
        closing = worker.close(force).finally(() => redis.quit().catch(() => redis.disconnect()).then(() => undefined));
      }
      return closing;
    },
  };
}
