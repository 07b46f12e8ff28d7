import type { RunDetail } from '../../track/runs-db.js';
import { readSweep } from '../../tune/importance.js';

/** How far a tune run's sweep has got: trials done (complete, pruned or failed) and in progress, of those planned. */
export interface SweepProgress {
  done: number;
  inProgress: number;
  /** Null for runs recorded before the plan was. */
  planned: number | null;
}

/**
 * The progress of a tune run's sweep, as `runs show` prints it. A finished run counts the trials
 * it recorded; a running or failed one is read from its trial journal (read-only, so the sweep
 * keeps writing meanwhile). Null for other runs, and for a tune run whose journal cannot be read
 * (gone, or not created yet) when its metrics do not say either.
 */
export function sweepProgressOf(run: RunDetail): SweepProgress | null {
  if (run.command !== 'tune') return null;
  const planned = run.plannedTrials;
  const recorded = run.metrics.trials;
  if (run.status === 'ok' && typeof recorded === 'number') return { done: recorded, inProgress: 0, planned };
  const study = journalStudy(run);
  if (study === null) return run.status === 'running' && planned !== null ? { done: 0, inProgress: 0, planned } : null;
  // A journal may keep trials of an earlier, longer sweep of the same study: they are not this run's.
  const own = study.trials.filter((t) => planned === null || t.number < planned);
  const inProgress = run.status === 'running' ? own.filter((t) => t.state === 'running').length : 0;
  return { done: own.filter((t) => t.state !== 'running').length, inProgress, planned };
}

function journalStudy(run: RunDetail) {
  const { journal, study } = run.artifacts;
  if (typeof journal !== 'string' || typeof study !== 'string') return null;
  try {
    return readSweep(journal).find((s) => s.id === study) ?? null;
  } catch {
    // A journal being created this very moment, or a damaged one: the line is left out, `runs show` still works.
    return null;
  }
}

/** "7 of 13 trials done, 2 in progress" while running; "13 of 13 trials" once finished; "7 trials done so far" without a plan. */
export function sweepProgressText(p: SweepProgress, status: RunDetail['status']): string {
  const trials = (n: number) => `${n} trial${n === 1 ? '' : 's'}`;
  const count = p.planned === null ? trials(p.done) : `${p.done} of ${trials(p.planned)}`;
  if (status === 'running') return `${count} done${p.planned === null ? ' so far' : ''}${p.inProgress ? `, ${p.inProgress} in progress` : ''}`;
  return status === 'failed' ? `${count} done before it failed` : count;
}
