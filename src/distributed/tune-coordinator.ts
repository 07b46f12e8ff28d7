/**
 * The coordinator side of a distributed sweep (`textclass tune --queue`): a trial runner for
 * runTune (src/tune/tune.ts) that runs each trial as a `tune-trial` job on the queue instead of a
 * local thread. Everything else stays with the tune process: the sampler proposes the values, at
 * most `lanes` trials are in flight, TPE sees each finished result, and the SQLite journal records
 * every trial (so a coordinator that crashed resumes with the same command, and trials that
 * workers finished meanwhile are taken from Redis instead of being run again).
 *
 * Results are read from the sweep's results hash in Redis (sweep-store.ts), keyed by trial
 * number: a trial retried after its worker died overwrites its result, so each trial counts once.
 * A job that fails (a worker whose data differs, attempts used up) stops the sweep with the
 * worker's reason; the journal keeps what finished.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseRecipe } from '../recipe/load.js';
import type { TuneSection } from '../recipe/schema.js';
import type { JournalTrial } from '../tune/journal.js';
import type { StudyInfo, TrialOutcome, TrialRequest, TrialRunner } from '../tune/tune.js';
import { QueueError } from './errors.js';
import { jobIdFor, openQueue } from './queue.js';
import { describeQueue, openRedis, type QueueAddress } from './queue-url.js';
import { clearTrial, initSweep, readTrialResult, updateSweep, type StoredTrialResult } from './sweep-store.js';
import { dataFingerprint, memoryHashCache, TUNE_TRIAL, type TuneTrialData } from './tune-trial-job.js';

export interface QueueTuneOptions {
  address: QueueAddress;
  /** Trials in flight at once (default: the workers connected when the sweep starts, at least 2). */
  lanes?: number;
  /** The coordinator's data folder: the data is hashed here, workers must hold the same bytes. */
  dataDir: string;
  onBadRow?: 'error' | 'skip';
  tune: TuneSection;
  /** How often to look for finished trials, in ms (default 50: a worker waits for its next trial until the coordinator has seen the last one). */
  pollMs?: number;
  queueName?: string;
  /** Told once when nothing has finished for a while and no worker is connected to the queue. */
  onNoWorkers?: (message: string) => void;
}

/** The BullMQ job id of a trial (a namespace of its own beside batch runs' chunk ids). */
export function trialJobId(sweepId: string, number: number): string {
  return jobIdFor(`tune-${sweepId}`, number);
}

/** Counts the coordinator publishes for the progress view, from every trial the study has. */
function progressOf(trials: readonly JournalTrial[], total: number, direction: 'maximize' | 'minimize'): Record<string, number | string> {
  const ended = trials.filter((t) => t.number < total && t.state !== 'running');
  const count = (s: string): number => ended.filter((t) => t.state === s).length;
  const values = ended.filter((t) => t.state === 'complete' && t.value !== null).map((t) => t.value!);
  const best = values.length ? (direction === 'maximize' ? Math.max(...values) : Math.min(...values)) : '';
  return { trialsDone: ended.length, complete: count('complete'), pruned: count('pruned'), failed: count('failed'), best };
}

/** A trial runner over the queue at `address`, for runTune's `runner` option. */
export function queueTrialRunner(options: QueueTuneOptions): (study: StudyInfo) => Promise<TrialRunner> {
  return async (study) => {
    const redis = await openRedis(options.address);
    const queue = openQueue(options.address, options.queueName);
    // One sweep id per journaled study: a resumed coordinator finds its results again, a sweep started over does not.
    const { instanceId: sweepId, total, direction } = study;
    const pollMs = options.pollMs ?? 50;
    const hashes = memoryHashCache();
    const intermediates = new Map(study.trials.filter((t) => t.intermediate !== null).map((t) => [t.number, t.intermediate!]));
    try {
      await initSweep(redis, sweepId, { recipe: study.recipeName, metric: study.metric, direction, startedAt: new Date().toISOString(), totalTrials: total }, intermediates);
      await updateSweep(redis, sweepId, progressOf(study.trials, total, direction));
    } catch (e) {
      await queue.close().catch(() => {});
      redis.disconnect();
      throw e;
    }
    const lanes = options.lanes ?? Math.max(2, await queue.getWorkersCount().catch(() => 0));
    let enqueued = 0;
    let aborted = false;
    let failure: string | null = null;
    let lastFinish = performance.now();
    let toldNoWorkers = false;
    const inFlight = new Set<string>();

    const run = async (_lane: number, trial: TrialRequest): Promise<TrialOutcome> => {
      const { number } = trial;
      let recipeRaw: Record<string, unknown>;
      let data: TuneTrialData['data'];
      try {
        const { tune: _search, ...recipe } = parseRecipe(trial.raw, [], `trial ${number}`);
        recipeRaw = recipe as unknown as Record<string, unknown>;
        data = await dataFingerprint(recipe, options.dataDir, hashes);
      } catch (e) {
        // A combination of values the recipe schema refuses fails this trial only, as it would locally.
        return { state: 'failed', value: null, seconds: 0, error: (e as Error).message };
      }
      const jobId = trialJobId(sweepId, number);
      const matches = (r: StoredTrialResult | null): r is StoredTrialResult => r !== null && JSON.stringify(r.params) === JSON.stringify(trial.params);
      const job: TuneTrialData = {
        sweepId,
        number,
        params: trial.params,
        recipe: recipeRaw,
        metric: study.metric,
        direction,
        ...(options.onBadRow !== undefined ? { onBadRow: options.onBadRow } : {}),
        pruning: trial.pruneFraction === null ? null : { fraction: trial.pruneFraction, warmupTrials: options.tune.pruning.warmup_trials },
        data,
      };
      // Only a trial that was running when the coordinator stopped can have a result already (its
      // job outlived the coordinator); any other trial number is new to the queue. Such a trial
      // whose job is still queued or running is waited for, not queued again: clearing its result
      // slot then could erase the result its worker stores a moment later, and the trial would run
      // twice. A worker stores the result before its job completes, so once the job is gone the
      // second read sees the result if there is one.
      let needsJob = !trial.resumed;
      if (trial.resumed && !matches(await readTrialResult(redis, sweepId, number))) {
        const state = await queue.getJobState(jobId);
        const pending = state === 'active' || state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children';
        needsJob = !pending && !matches(await readTrialResult(redis, sweepId, number));
      }
      if (needsJob) {
        await clearTrial(redis, sweepId, number);
        await enqueue(queue, jobId, job);
        enqueued++;
        await updateSweep(redis, sweepId, { trialsEnqueued: enqueued });
      }
      inFlight.add(jobId);
      try {
        let lastCheck = performance.now();
        for (;;) {
          if (aborted) throw new QueueError(`trial ${number} abandoned: the sweep stopped`);
          const result = await readTrialResult(redis, sweepId, number);
          if (matches(result)) {
            lastFinish = performance.now();
            return outcomeOf(result);
          }
          if (performance.now() - lastCheck > 1000) {
            lastCheck = performance.now();
            await updateSweep(redis, sweepId, {});
            const state = await queue.getJobState(jobId);
            if (state === 'failed') {
              const job = await queue.getJob(jobId);
              throw new QueueError(`trial ${number} failed on the workers: ${job?.failedReason ?? 'no reason recorded'}; fix that and rerun the same command to resume the sweep`);
            }
            if (state === 'unknown' && !matches(await readTrialResult(redis, sweepId, number))) {
              // Its job finished with a result for other values (an earlier run of the sweep), or Redis lost it: run it again.
              await clearTrial(redis, sweepId, number);
              await enqueue(queue, jobId, job);
            }
            if (!toldNoWorkers && performance.now() - lastFinish > 10_000 && (await queue.getWorkersCount()) === 0) {
              toldNoWorkers = true;
              options.onNoWorkers?.(`no worker is taking jobs from ${describeQueue(options.address)}; start some with \`textclass worker --queue ${describeQueue(options.address)} --data-dir <data>\` (this sweep waits for them)`);
            }
          }
          await sleep(pollMs);
        }
      } catch (e) {
        failure ??= (e as Error).message;
        throw e;
      } finally {
        inFlight.delete(jobId);
      }
    };

    return {
      lanes,
      run,
      async trialEnded(_trial, trials) {
        await updateSweep(redis, sweepId, progressOf(trials, total, direction));
      },
      abort() {
        aborted = true;
      },
      async close() {
        try {
          // Trials still waiting for a worker would only cost the workers time once nobody reads them.
          for (const jobId of inFlight) {
            const state = await queue.getJobState(jobId).catch(() => 'unknown');
            if (state === 'waiting' || state === 'delayed' || state === 'prioritized') await queue.remove(jobId).catch(() => 0);
          }
          await updateSweep(redis, sweepId, failure === null ? { state: 'done' } : { state: 'failed', error: failure });
        } finally {
          await queue.close().catch(() => {});
          await redis.quit().catch(() => redis.disconnect());
        }
      },
    };
  };
}

/** Adds a trial's job; a failed job of the same trial (an earlier run of the sweep) is cleared first so it runs again. */
async function enqueue(queue: Queue, jobId: string, data: TuneTrialData): Promise<void> {
  const existing = await queue.getJob(jobId);
  if (existing !== undefined && (await queue.getJobState(jobId)) === 'failed') await queue.remove(jobId);
  await queue.add(TUNE_TRIAL, data, { jobId });
}

function outcomeOf(r: StoredTrialResult): TrialOutcome {
  return {
    state: r.state,
    value: r.value,
    seconds: r.seconds,
    ...(r.metrics ? { metrics: r.metrics } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.intermediate !== undefined ? { intermediate: r.intermediate } : {}),
    ...(r.prunedAgainst !== undefined ? { prunedAgainst: r.prunedAgainst } : {}),
  };
}
