import { createHash } from 'node:crypto';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TuneSection } from '../recipe/schema.js';
import { TuneJournal, type JournalTrial } from './journal.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { medianRule, type PruneDecision } from './pruning.js';
import { createSampler, type Observation, type Sampler } from './samplers.js';
import { applyParams, defaultDirection, spaceOf, validateSpace, type Params } from './space.js';

const WORKER_URL = new URL('./trial-worker.js', import.meta.url);

export interface TuneOptions {
  /** The recipe as read from its file, `--set` overrides applied, `tune` section included or not. */
  baseRaw: Record<string, unknown>;
  /** The search: the recipe's `tune` section with command-line overrides. */
  tune: TuneSection;
  /** The recipe file, for error messages. */
  source: string;
  dataDir: string;
  onBadRow?: 'error' | 'skip';
  /** Trial threads, 1 or more. */
  parallel: number;
  journalPath: string;
  /** Run the recipe as written as trial 0, so the sweep reports what it improved on. */
  baseline: boolean;
  /** Called as each trial starts and ends (in finishing order). */
  onTrial?: (event: TrialEvent) => void;
  /**
   * What runs the trials: by default `parallel` worker threads of this process; a distributed
   * sweep passes jobs on a queue instead (src/distributed/tune-coordinator.ts).
   */
  runner?: (study: StudyInfo) => Promise<TrialRunner>;
}

/** What a trial runner is told about the sweep before the first trial. */
export interface StudyInfo {
  studyId: string;
  /**
   * The study as journaled in this journal file: the study id and when the journal first saw it.
   * A resumed sweep keeps it; a sweep started over (journal deleted) gets a new one, so results a
   * queue kept from the earlier sweep are never mistaken for this one's.
   */
  instanceId: string;
  recipeName: string;
  metric: string;
  direction: 'maximize' | 'minimize';
  /** Trials of the study, the baseline included. */
  total: number;
  /** The journal's trials when the sweep starts (finished ones are not run again). */
  trials: readonly JournalTrial[];
}

/** One trial to run: its values, its complete recipe, and the pruning fraction (null: no pruning). */
export interface TrialRequest {
  number: number;
  /** The journal had this trial running when the sweep (re)started: a runner may have its result already. */
  resumed: boolean;
  params: Params;
  raw: Record<string, unknown>;
  pruneFraction: number | null;
}

export interface TrialOutcome {
  state: 'complete' | 'pruned' | 'failed';
  value: number | null;
  metrics?: Record<string, number>;
  seconds: number;
  error?: string;
  /** The value at the pruning fraction, when the runner decided pruning itself (else `decide` was asked). */
  intermediate?: number;
  /** The median a pruned trial was compared with. */
  prunedAgainst?: number;
}

/**
 * Runs trials, `lanes` at a time. `decide` applies the median rule for an intermediate value
 * against the sweep's other trials (and journals the value); a runner that prunes elsewhere reports
 * `intermediate` and `prunedAgainst` in its outcome instead. A runner throws only for a failure of
 * its own (a queue that cannot go on), which stops the sweep; a trial's failure is an outcome.
 */
export interface TrialRunner {
  lanes: number;
  run(lane: number, trial: TrialRequest, decide: (value: number) => PruneDecision): Promise<TrialOutcome>;
  /** Told after each trial is journaled, with every trial of the study so far. */
  trialEnded?(trial: JournalTrial, trials: readonly JournalTrial[]): Promise<void>;
  /** Stops waiting for trials in flight (after another lane failed). */
  abort?(): void;
  close(): Promise<void>;
}

export type TrialEvent = { kind: 'start'; number: number; params: Params; resumed: boolean } | { kind: 'end'; trial: JournalTrial; total: number; prunedAgainst?: number };

export interface TuneResult {
  studyId: string;
  direction: 'maximize' | 'minimize';
  /** Every trial of the study, in number order, including those finished by an earlier run. */
  trials: JournalTrial[];
  /** Trials this run did not have to run because the journal had them finished. */
  reused: number;
  best: JournalTrial | null;
  baseline: JournalTrial | null;
  /** The best trial's recipe (no `tune` section), ready to be written as YAML. */
  bestRaw: Record<string, unknown> | null;
  seconds: number;
}

/** What identifies a sweep in the journal: changing any of it starts a new study; more trials or threads do not. */
export function studyIdOf(opts: Pick<TuneOptions, 'baseRaw' | 'tune' | 'dataDir' | 'onBadRow' | 'baseline'>): string {
  const recipe = structuredClone(opts.baseRaw);
  delete recipe.tune;
  const { trials: _trials, ...search } = opts.tune;
  const key = JSON.stringify({ recipe, search, dataDir: path.resolve(opts.dataDir), onBadRow: opts.onBadRow ?? null, baseline: opts.baseline });
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

type PlanOptions = Pick<TuneOptions, 'baseRaw' | 'tune' | 'source' | 'baseline'>;

/** The sampler of a sweep and its trials: `offset` baseline trials (0 or 1), `total` in all. */
function planSweep(opts: PlanOptions): { sampler: Sampler; offset: number; total: number } {
  const space = spaceOf(opts.tune);
  validateSpace(space, opts.baseRaw, opts.source);
  const sampler = createSampler(opts.tune.strategy, space, opts.baseRaw, opts.tune.seed);
  const offset = opts.baseline ? 1 : 0;
  return { sampler, offset, total: offset + Math.min(opts.tune.trials, sampler.size) };
}

/**
 * How many trials a sweep runs, the baseline included: tune.trials, or the number of grid points
 * when a grid sweep has fewer. The same count runTune works through (and prints as `trial 3/13`).
 * Throws runTune's RecipeError for a search space that cannot be applied to the recipe.
 */
export function plannedTrials(opts: PlanOptions): number {
  return planSweep(opts).total;
}

/**
 * Runs a sweep: samples each trial's values, trains and scores it on dev in a worker thread,
 * prunes trials that look worse than the median at a fraction of the data, and journals every
 * trial so that a rerun after a crash picks up where the last one stopped (finished trials are
 * kept, trials that were running are rerun with the same values).
 */
export async function runTune(opts: TuneOptions): Promise<TuneResult> {
  const started = performance.now();
  const tune = opts.tune;
  const direction = tune.direction ?? defaultDirection(tune.metric);
  const sign = direction === 'maximize' ? -1 : 1;
  const { sampler, offset, total } = planSweep(opts);

  const journal = new TuneJournal(opts.journalPath);
  const studyId = studyIdOf(opts);
  journal.ensureStudy(studyId, String(opts.baseRaw.name ?? 'recipe'), { tune, baseline: opts.baseline });
  const byNumber = new Map<number, JournalTrial>(journal.trials(studyId).map((t) => [t.number, t]));
  const finished = (t: JournalTrial | undefined) => t !== undefined && t.state !== 'running';
  const reused = [...byNumber.values()].filter((t) => t.number < total && finished(t)).length;
  const queue = Array.from({ length: total }, (_, n) => n).filter((n) => !finished(byNumber.get(n)));

  const history = (): Observation[] =>
    [...byNumber.values()]
      .filter((t) => t.number >= offset && finished(t))
      .sort((a, b) => a.number - b.number)
      .map((t) => ({ params: t.params, loss: t.state === 'complete' && t.value !== null ? sign * t.value : null }));
  const pruning = tune.pruning;
  /** Median rule: worse than the median of the other trials' scores at the same fraction, once enough trials have one. */
  const pruneDecision = (number: number, value: number): PruneDecision => {
    const others = [...byNumber.values()].filter((t) => t.number !== number && t.intermediate !== null).map((t) => t.intermediate!);
    return medianRule(value, others, pruning.warmup_trials, direction);
  };

  const makeRunner = opts.runner ?? localThreads(opts.parallel, { dataDir: opts.dataDir, onBadRow: opts.onBadRow, metric: tune.metric });
  let runner: TrialRunner | undefined;
  let stopped = false;
  const runLane = async (lane: number): Promise<void> => {
    for (let number = queue.shift(); number !== undefined && !stopped; number = queue.shift()) {
      const previous = byNumber.get(number);
      const params: Params = previous ? previous.params : number < offset ? {} : sampler.suggest(number - offset, history());
      journal.start(studyId, number, params);
      const running: JournalTrial = { number, params, state: 'running', value: null, intermediate: null, metrics: null, seconds: null, error: null };
      byNumber.set(number, running);
      opts.onTrial?.({ kind: 'start', number, params, resumed: previous !== undefined });
      const pruneFraction = pruning.kind === 'median' && number >= offset ? pruning.fraction : null;
      let prunedAgainst: number | undefined;
      const done = await runner!.run(lane, { number, resumed: previous !== undefined, params, raw: applyParams(opts.baseRaw, params), pruneFraction }, (value) => {
        running.intermediate = value;
        journal.intermediate(studyId, number, value);
        const d = pruneDecision(number, value);
        prunedAgainst = d.median;
        return d;
      });
      if (done.intermediate !== undefined) {
        running.intermediate = done.intermediate;
        journal.intermediate(studyId, number, done.intermediate);
        prunedAgainst = done.prunedAgainst;
      }
      journal.finish(studyId, number, { state: done.state, value: done.value, metrics: done.metrics, seconds: done.seconds, error: done.error });
      const trial: JournalTrial = { ...running, state: done.state, value: done.value, metrics: done.metrics ?? null, seconds: done.seconds, error: done.error ?? null };
      byNumber.set(number, trial);
      opts.onTrial?.({ kind: 'end', trial, total, ...(done.state === 'pruned' && prunedAgainst !== undefined ? { prunedAgainst } : {}) });
      await runner!.trialEnded?.(trial, [...byNumber.values()]);
      // Three failures and nothing else is a systematic problem (a metric the task lacks, data that
      // cannot be read): stop rather than fail every remaining trial the same way.
      const ended = [...byNumber.values()].filter(finished);
      if (ended.length >= 3 && ended.every((t) => t.state === 'failed')) queue.length = 0;
    }
  };

  try {
    const instanceId = createHash('sha256').update(`${studyId}\0${journal.studyCreatedAt(studyId) ?? ''}`).digest('hex').slice(0, 16);
    runner = await makeRunner({ studyId, instanceId, recipeName: String(opts.baseRaw.name ?? 'recipe'), metric: tune.metric, direction, total, trials: [...byNumber.values()] });
    const lanes = Math.max(1, Math.min(runner.lanes, queue.length));
    const settled = await Promise.allSettled(
      Array.from({ length: queue.length > 0 ? lanes : 0 }, (_, lane) =>
        runLane(lane).catch((e: unknown) => {
          // The first lane that cannot go on stops the others; their trials stay `running` in the journal and rerun on resume.
          stopped = true;
          queue.length = 0;
          runner?.abort?.();
          throw e;
        }),
      ),
    );
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    await runner?.close();
    journal.close();
  }

  const trials = [...byNumber.values()].filter((t) => t.number < total).sort((a, b) => a.number - b.number);
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== null);
  const best = complete.reduce<JournalTrial | null>((b, t) => (b === null || sign * t.value! < sign * b.value! ? t : b), null);
  const baseline = opts.baseline ? (trials.find((t) => t.number === 0) ?? null) : null;
  return {
    studyId,
    direction,
    trials,
    reused,
    best,
    baseline,
    bestRaw: best ? applyParams(opts.baseRaw, best.params) : null,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The default runner: one worker thread per lane; a thread that crashed is replaced for the next trial. */
function localThreads(parallel: number, runOptions: { dataDir: string; onBadRow?: 'error' | 'skip'; metric: string }): () => Promise<TrialRunner> {
  return async () => {
    const threads = new Map<number, Worker>();
    return {
      lanes: Math.max(1, parallel),
      async run(lane, trial, decide) {
        let worker = threads.get(lane);
        if (worker === undefined) threads.set(lane, (worker = new Worker(WORKER_URL)));
        const thread = worker;
        const { number } = trial;
        const done = await new Promise<Extract<FromWorker, { type: 'done' }>>((resolve) => {
          const onMessage = (m: FromWorker) => {
            if (m.number !== number) return;
            if (m.type === 'intermediate') {
              thread.postMessage({ type: 'decision', number, prune: decide(m.value).prune } satisfies ToWorker);
              return;
            }
            cleanup();
            resolve(m);
          };
          const onError = (e: Error) => {
            cleanup();
            resolve({ type: 'done', number, state: 'failed', value: null, seconds: 0, error: `trial thread crashed: ${e.message}` });
          };
          const cleanup = () => {
            thread.off('message', onMessage);
            thread.off('error', onError);
          };
          thread.on('message', onMessage);
          thread.on('error', onError);
          thread.postMessage({ type: 'run', number, raw: trial.raw, dataDir: runOptions.dataDir, onBadRow: runOptions.onBadRow, metric: runOptions.metric, pruneFraction: trial.pruneFraction } satisfies ToWorker);
        });
        // A failed trial is usually a bad combination of values; a crashed thread is replaced.
        if (done.error?.startsWith('trial thread crashed')) {
          threads.delete(lane);
          await thread.terminate();
        }
        return { state: done.state, value: done.value, seconds: done.seconds, ...(done.metrics ? { metrics: done.metrics } : {}), ...(done.error !== undefined ? { error: done.error } : {}) };
      },
      async close() {
        await Promise.all([...threads.values()].map((t) => t.terminate()));
        threads.clear();
      },
    };
  };
}
