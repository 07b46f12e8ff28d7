import fs from 'node:fs';
import type { ParsedCommand } from '../cli/args.js';
import { hashDataPath } from './file-hash.js';
import { gitCommit } from './git.js';
import { defaultRunsDbPath, RunsDb, type RunCommand, type RunStep } from './runs-db.js';

/** The flags every tracked command accepts; spread into its parseCommandArgs options. */
export const TRACKING_FLAGS = { 'runs-db': { type: 'string' }, 'no-track': { type: 'boolean' } } as const;

export const TRACKING_HELP = `  --runs-db <file>     experiment-tracking database (default: $TEXTCLASS_RUNS_DB, else
                       ./textclass-runs.sqlite); \`textclass runs\` lists what it holds
  --no-track           do not record this run
`;

export interface TrackingChoice {
  enabled: boolean;
  dbPath: string;
}

export function trackingChoice(args: ParsedCommand): TrackingChoice {
  const flag = args.values['runs-db'];
  return { enabled: args.values['no-track'] !== true, dbPath: defaultRunsDbPath(typeof flag === 'string' ? flag : undefined) };
}

export interface RunStart {
  command: RunCommand;
  recipeName?: string | null;
  recipe?: unknown;
  seed?: number | null;
  argv: readonly string[];
  /**
   * Artifacts known at the start, recorded with it: a tune run names its trial journal here, so
   * `textclass serve` can show the sweep while it runs. The artifacts of RunEnd are merged over them.
   */
  artifacts?: Record<string, string>;
  /** A tune run's planned trial count, baseline included (see NewRun.plannedTrials). */
  plannedTrials?: number | null;
}

export interface RunEnd {
  metrics?: Record<string, number>;
  steps?: readonly RunStep[];
  artifacts?: Record<string, string>;
  /** Data read by the run, by role (train, dev, test, eval); paths that are not files or folders are skipped. */
  data?: Record<string, string | undefined>;
}

/**
 * One tracked run. Tracking never fails the command it records: a database that cannot be
 * opened or written is reported once on stderr and the run goes on untracked.
 */
export class TrackedRun {
  private readonly started = performance.now();
  private constructor(
    private readonly db: RunsDb,
    readonly id: number,
  ) {}

  static start(choice: TrackingChoice, run: RunStart): TrackedRun | null {
    if (!choice.enabled) return null;
    try {
      const db = new RunsDb(choice.dbPath);
      const id = db.startRun({ command: run.command, recipeName: run.recipeName ?? null, recipe: run.recipe ?? null, seed: run.seed ?? null, gitCommit: gitCommit(), argv: run.argv, ...(run.artifacts ? { artifacts: run.artifacts } : {}), plannedTrials: run.plannedTrials ?? null });
      return new TrackedRun(db, id);
    } catch (e) {
      warn(choice.dbPath, e);
      return null;
    }
  }

  async finish(end: RunEnd): Promise<void> {
    await this.close('ok', end);
  }

  async fail(error: unknown, end: RunEnd = {}): Promise<void> {
    await this.close('failed', end, error instanceof Error ? error.message : String(error));
  }

  private async close(status: 'ok' | 'failed', end: RunEnd, error?: string): Promise<void> {
    try {
      const seconds = (performance.now() - this.started) / 1000;
      for (const [role, p] of Object.entries(end.data ?? {})) {
        if (!p || !fs.existsSync(p)) continue;
        this.db.addData(this.id, role, await hashDataPath(p, this.db));
      }
      if (end.steps?.length) this.db.addSteps(this.id, end.steps);
      this.db.finishRun(this.id, { status, seconds, metrics: end.metrics, artifacts: end.artifacts, error });
    } catch (e) {
      warn('runs database', e);
    } finally {
      this.db.close();
    }
  }
}

/** Runs `body` as a tracked run: finished with what `body` returns, or failed with its error (rethrown). */
export async function tracked<T>(choice: TrackingChoice, run: RunStart, body: () => Promise<T>, describe: (result: T) => RunEnd, onFailure: RunEnd = {}): Promise<T> {
  const tracker = TrackedRun.start(choice, run);
  let result: T;
  try {
    result = await body();
  } catch (e) {
    await tracker?.fail(e, onFailure);
    throw e;
  }
  await tracker?.finish(describe(result));
  return result;
}

/** The numeric top-level fields of a report (accuracy, macro_f1, …), prefixed: `dev_accuracy`. */
export function numericMetrics(report: object | null | undefined, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  if (!report) return out;
  for (const [k, v] of Object.entries(report)) if (typeof v === 'number' && Number.isFinite(v)) out[prefix + k] = v;
  return out;
}

function warn(where: string, e: unknown): void {
  process.stderr.write(`textclass: run not tracked (${where}: ${(e as Error)?.message ?? String(e)}); use --no-track to silence this\n`);
}
