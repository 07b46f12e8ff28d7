/**
 * The `tune-trial` job: one trial of a distributed sweep (`textclass tune --queue`). The job carries
 * the trial's complete recipe (resolved: every default filled in, the trial's values applied) and
 * the sha256 of every data file the recipe reads, as the coordinator hashed them. The worker reads
 * the data from its own `--data-dir` and refuses the trial (failing the job at once, which stops
 * the sweep with the reason) when any of its files hashes differently: a trial on other data would
 * score something else and the sweep would compare apples with pears.
 *
 * The trial runs in a worker thread (src/tune/trial-worker.ts, the same code as a local sweep),
 * so the worker's main thread stays free to renew the job's lock however long training takes;
 * threads are kept between jobs, and keep their prepared data, so trials on the same data read it
 * once per worker.
 *
 * Pruning (median rule) is decided here, by the worker: after the trial is scored on the pruning
 * fraction it stores that value in the sweep's `intermediate` hash and compares it with the values
 * the sweep's other trials stored there (seeded by the coordinator from its journal), exactly the
 * rule a local sweep applies (src/tune/pruning.ts). No round trip to the coordinator is needed, so
 * a trial never waits on a coordinator that is busy or restarting.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { resolveDataPath } from '../recipe/load.js';
import type { Recipe } from '../recipe/schema.js';
import { hashDataPath, type HashCache } from '../track/file-hash.js';
import type { FromWorker, ToWorker } from '../tune/protocol.js';
import { medianRule } from '../tune/pruning.js';
import type { Params } from '../tune/space.js';
import { QueueError } from './errors.js';
import type { JobContext, JobKind } from './job-kinds.js';
import { reportIntermediate, storeTrialResult, sweepKey, type StoredTrialResult } from './sweep-store.js';

export const TUNE_TRIAL = 'tune-trial';

/** One data file (or folder) of the recipe: its role, its path as the recipe names it, its hash on the coordinator. */
export interface DataFingerprint {
  role: string;
  /** As written in the recipe: relative paths are read from each machine's own data dir. */
  file: string;
  sha256: string;
  bytes: number;
}

export interface TuneTrialData {
  sweepId: string;
  number: number;
  params: Params;
  /** The trial's recipe, resolved (defaults filled in, no `tune` section). */
  recipe: Record<string, unknown>;
  metric: string;
  direction: 'maximize' | 'minimize';
  onBadRow?: 'error' | 'skip';
  /** Score on this fraction of the training rows first and apply the median rule; null: no pruning. */
  pruning: { fraction: number; warmupTrials: number } | null;
  data: DataFingerprint[];
}

/** The data paths a recipe reads, by role, as the recipe names them. */
export function recipeDataFiles(recipe: Recipe): { role: string; file: string }[] {
  const d = recipe.data;
  const named: [string, string | undefined][] = [
    ['train', d.train],
    ['dev', d.dev],
    ['test', d.test],
    ['label_names', typeof d.label_names === 'string' ? d.label_names : undefined],
    ['label_map', recipe.labels?.map_file],
  ];
  return named.filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '').map(([role, file]) => ({ role, file }));
}

/** Hashes remembered by path, size and modification time: a worker hashes each file once, not once per trial. */
export function memoryHashCache(): HashCache {
  const known = new Map<string, { size: number; mtimeMs: number; sha256: string }>();
  return {
    lookup(file, size, mtimeMs) {
      const k = known.get(file);
      return k !== undefined && k.size === size && k.mtimeMs === mtimeMs ? k.sha256 : null;
    },
    store(file, size, mtimeMs, sha256) {
      known.set(file, { size, mtimeMs, sha256 });
    },
  };
}

/** The fingerprint of the recipe's data under `dataDir`; a path that does not exist is left out (the trial itself reports it). */
export async function dataFingerprint(recipe: Recipe, dataDir: string, cache: HashCache | null = null): Promise<DataFingerprint[]> {
  const prints: DataFingerprint[] = [];
  for (const { role, file } of recipeDataFiles(recipe)) {
    const full = resolveDataPath(dataDir, file);
    if (!fs.existsSync(full)) continue;
    const h = await hashDataPath(full, cache);
    prints.push({ role, file, sha256: h.sha256, bytes: h.bytes });
  }
  return prints;
}

const workerCache = memoryHashCache();

/** Throws a QueueError naming the first file that is missing here or differs from the coordinator's. */
export async function checkSameData(expected: readonly DataFingerprint[], dataDir: string, number: number): Promise<void> {
  for (const want of expected) {
    const full = resolveDataPath(dataDir, want.file);
    if (!fs.existsSync(full)) {
      throw new QueueError(`trial ${number}: the ${want.role} data ${want.file} is not on this worker (looked at ${full}); copy the coordinator's data there or start the worker with --data-dir <the folder that holds it>`);
    }
    const have = await hashDataPath(full, workerCache);
    if (have.sha256 !== want.sha256) {
      throw new QueueError(
        `trial ${number}: this worker's ${want.role} data differs from the coordinator's: ${full} has sha256 ${have.sha256.slice(0, 12)}… (${have.bytes} bytes), the coordinator's ${want.file} ${want.sha256.slice(0, 12)}… (${want.bytes} bytes); give every worker the same data files (--data-dir) so all trials score the same data`,
      );
    }
  }
}

const TRIAL_THREAD_URL = new URL('../tune/trial-worker.js', import.meta.url);

/** Idle trial threads of this process; unref'd so a stopping worker is not held up by them. */
const idleThreads: Worker[] = [];

function takeThread(): Worker {
  const thread = idleThreads.pop() ?? new Worker(TRIAL_THREAD_URL);
  thread.unref();
  return thread;
}

type TrialDone = Extract<FromWorker, { type: 'done' }>;

/** Runs one trial in a thread; the thread asks `decide` whether to go on after the pruning fraction. */
async function runInThread(data: TuneTrialData, dataDir: string, decide: (value: number) => Promise<boolean>): Promise<TrialDone & { intermediate?: number }> {
  const thread = takeThread();
  let intermediate: number | undefined;
  let crashed = false;
  const done = await new Promise<TrialDone>((resolve) => {
    const onMessage = (m: FromWorker): void => {
      if (m.number !== data.number) return;
      if (m.type === 'intermediate') {
        intermediate = m.value;
        decide(m.value).then(
          (prune) => thread.postMessage({ type: 'decision', number: data.number, prune } satisfies ToWorker),
          // Redis went away mid-trial: go on without pruning rather than lose the trial.
          () => thread.postMessage({ type: 'decision', number: data.number, prune: false } satisfies ToWorker),
        );
        return;
      }
      cleanup();
      resolve(m);
    };
    const onError = (e: Error): void => {
      crashed = true;
      cleanup();
      resolve({ type: 'done', number: data.number, state: 'failed', value: null, seconds: 0, error: `trial thread crashed: ${e.message}` });
    };
    const cleanup = (): void => {
      thread.off('message', onMessage);
      thread.off('error', onError);
    };
    thread.on('message', onMessage);
    thread.on('error', onError);
    thread.postMessage({ type: 'run', number: data.number, raw: data.recipe, dataDir, onBadRow: data.onBadRow, metric: data.metric, pruneFraction: data.pruning?.fraction ?? null } satisfies ToWorker);
  });
  if (crashed) await thread.terminate();
  else idleThreads.push(thread);
  return { ...done, ...(intermediate !== undefined ? { intermediate } : {}) };
}

export const tuneTrialJob: JobKind<TuneTrialData> = {
  name: TUNE_TRIAL,
  progressKey: (data) => sweepKey(data.sweepId),
  describe(data) {
    return `sweep ${data.sweepId} trial ${data.number}`;
  },
  async run(data, context: JobContext) {
    const dataDir = path.resolve(context.dataDir ?? 'data');
    await checkSameData(data.data, dataDir, data.number);
    await context.pause();
    let prunedAgainst: number | undefined;
    const done = await runInThread(data, dataDir, async (value) => {
      const others = await reportIntermediate(context.redis, data.sweepId, data.number, value);
      const decision = medianRule(value, others, data.pruning?.warmupTrials ?? Infinity, data.direction);
      prunedAgainst = decision.median;
      // Tests slow a trial down here to kill its worker mid-trial; a no-op otherwise.
      await context.pause();
      return decision.prune;
    });
    const result: StoredTrialResult = {
      number: data.number,
      params: data.params,
      state: done.state,
      value: done.value,
      seconds: done.seconds,
      worker: context.worker ?? '',
      attempt: context.attempt,
      ...(done.intermediate !== undefined ? { intermediate: done.intermediate } : {}),
      ...(done.state === 'pruned' && prunedAgainst !== undefined ? { prunedAgainst } : {}),
      ...(done.metrics ? { metrics: done.metrics } : {}),
      ...(done.error !== undefined ? { error: done.error } : {}),
    };
    const outcome = await storeTrialResult(context.redis, data.sweepId, result);
    if (outcome === 'overwritten') context.log(`${tuneTrialJob.describe(data)}: stored again (it had run before); the earlier result is replaced`);
    if (outcome === 'unknown-sweep') context.log(`${tuneTrialJob.describe(data)}: the sweep is gone from Redis (expired or deleted), result dropped`);
  },
};
