import { createHash } from 'node:crypto';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TuneSection } from '../recipe/schema.js';
import { TuneJournal, type JournalTrial } from './journal.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { createSampler, type Observation } from './samplers.js';
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
  const space = spaceOf(tune);
  validateSpace(space, opts.baseRaw, opts.source);
  const sampler = createSampler(tune.strategy, space, opts.baseRaw, tune.seed);
  const offset = opts.baseline ? 1 : 0;
  const total = offset + Math.min(tune.trials, sampler.size);

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
  const pruneDecision = (number: number, value: number): { prune: boolean; median?: number } => {
    const others = [...byNumber.values()].filter((t) => t.number !== number && t.intermediate !== null).map((t) => sign * t.intermediate!);
    if (others.length < pruning.warmup_trials) return { prune: false };
    others.sort((a, b) => a - b);
    const mid = others.length >> 1;
    const median = others.length % 2 ? others[mid] : (others[mid - 1] + others[mid]) / 2;
    return { prune: sign * value > median, median: sign * median };
  };

  const runOn = async (worker: Worker): Promise<void> => {
    for (let number = queue.shift(); number !== undefined; number = queue.shift()) {
      const previous = byNumber.get(number);
      const params: Params = previous ? previous.params : number < offset ? {} : sampler.suggest(number - offset, history());
      journal.start(studyId, number, params);
      const running: JournalTrial = { number, params, state: 'running', value: null, intermediate: null, metrics: null, seconds: null, error: null };
      byNumber.set(number, running);
      opts.onTrial?.({ kind: 'start', number, params, resumed: previous !== undefined });
      const pruneFraction = pruning.kind === 'median' && number >= offset ? pruning.fraction : null;
      let prunedAgainst: number | undefined;
      const done = await new Promise<Extract<FromWorker, { type: 'done' }>>((resolve) => {
        const onMessage = (m: FromWorker) => {
          if (m.number !== number) return;
          if (m.type === 'intermediate') {
            running.intermediate = m.value;
            journal.intermediate(studyId, number, m.value);
            const d = pruneDecision(number, m.value);
            prunedAgainst = d.median;
            worker.postMessage({ type: 'decision', number, prune: d.prune } satisfies ToWorker);
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
          worker.off('message', onMessage);
          worker.off('error', onError);
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.postMessage({ type: 'run', number, raw: applyParams(opts.baseRaw, params), dataDir: opts.dataDir, onBadRow: opts.onBadRow, metric: tune.metric, pruneFraction } satisfies ToWorker);
      });
      journal.finish(studyId, number, { state: done.state, value: done.value, metrics: done.metrics, seconds: done.seconds, error: done.error });
      const trial: JournalTrial = { ...running, state: done.state, value: done.value, metrics: done.metrics ?? null, seconds: done.seconds, error: done.error ?? null };
      byNumber.set(number, trial);
      opts.onTrial?.({ kind: 'end', trial, total, ...(done.state === 'pruned' && prunedAgainst !== undefined ? { prunedAgainst } : {}) });
      // Three failures and nothing else is a systematic problem (a metric the task lacks, data that
      // cannot be read): stop rather than fail every remaining trial the same way.
      const ended = [...byNumber.values()].filter(finished);
      if (ended.length >= 3 && ended.every((t) => t.state === 'failed')) queue.length = 0;
      // A failed trial is usually a bad combination of values; a crashed thread is replaced.
      if (done.error?.startsWith('trial thread crashed')) return;
    }
  };

  const threads = Math.max(1, Math.min(opts.parallel, queue.length));
  try {
    // Each lane keeps one thread busy; a lane whose thread crashed starts a fresh one for the rest of the queue.
    await Promise.all(
      Array.from({ length: queue.length > 0 ? threads : 0 }, async () => {
        while (queue.length > 0) {
          const worker = new Worker(WORKER_URL);
          try {
            await runOn(worker);
          } finally {
            await worker.terminate();
          }
        }
      }),
    );
  } finally {
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
