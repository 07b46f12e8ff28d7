import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DataFileHash, HashCache } from './file-hash.js';

export type RunCommand = 'train' | 'tune' | 'eval' | 'cv';
export type RunStatus = 'running' | 'ok' | 'failed';

export interface NewRun {
  command: RunCommand;
  recipeName: string | null;
  /** The resolved recipe (defaults filled in), or null for commands without one (eval: the model's). */
  recipe: unknown;
  seed: number | null;
  gitCommit: string;
  /** The command-line arguments after the command name. */
  argv: readonly string[];
  /**
   * Artifacts known when the run starts (a tune run's trial journal, which fills while it runs),
   * so readers can follow a run in progress; the artifacts given when it finishes are merged over them.
   */
  artifacts?: Record<string, string>;
  /**
   * Trials a tune run plans, its baseline included (the grid's size when a grid is smaller than
   * tune.trials), so readers can say "7 of 13 trials"; null or absent where not known.
   */
  plannedTrials?: number | null;
}

/** One value per step: an epoch's loss, a trial's score, a fold's metric. */
export interface RunStep {
  step: number;
  name: string;
  value: number;
}

export interface RunSummary {
  id: number;
  command: RunCommand;
  recipeName: string | null;
  status: RunStatus;
  startedAt: string;
  seconds: number | null;
  gitCommit: string;
  seed: number | null;
  metrics: Record<string, number>;
}

export interface RunDetail extends RunSummary {
  recipe: unknown;
  argv: string[];
  artifacts: Record<string, string>;
  error: string | null;
  data: (DataFileHash & { role: string })[];
  steps: RunStep[];
  /** Trials a tune run planned (NewRun.plannedTrials); null for other runs and runs recorded before it was. */
  plannedTrials: number | null;
}

export interface RunFilter {
  command?: string;
  recipe?: string;
  limit?: number;
}

/** `./textclass-runs.sqlite`, or $TEXTCLASS_RUNS_DB, or the --runs-db flag. */
export function defaultRunsDbPath(flag?: string): string {
  return path.resolve(flag ?? (process.env.TEXTCLASS_RUNS_DB || 'textclass-runs.sqlite'));
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  command TEXT NOT NULL,
  recipe_name TEXT,
  recipe_json TEXT,
  seed INTEGER,
  git_commit TEXT NOT NULL,
  argv_json TEXT NOT NULL,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  seconds REAL,
  metrics_json TEXT NOT NULL DEFAULT '{}',
  artifacts_json TEXT NOT NULL DEFAULT '{}',
  error TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_command ON runs (command, id);
CREATE INDEX IF NOT EXISTS runs_by_recipe ON runs (recipe_name, id);
CREATE TABLE IF NOT EXISTS run_data (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  files INTEGER NOT NULL,
  PRIMARY KEY (run_id, role, path)
);
CREATE TABLE IF NOT EXISTS run_steps (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (run_id, name, step)
);
CREATE TABLE IF NOT EXISTS file_hashes (
  path TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  sha256 TEXT NOT NULL
);
`;

/**
 * The experiment-tracking database: one SQLite file (WAL, so `runs list` reads while a sweep
 * writes), one row per run of train, tune, eval or cv, with its data hashes and per-step values
 * in side tables. It also caches data file hashes by path, size and mtime, so a 100 MB training
 * file is hashed once, not per run.
 */
export class RunsDb implements HashCache {
  private readonly db: Database.Database;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    addProcessColumns(this.db);
  }

  startRun(run: NewRun): number {
    const r = this.db
      .prepare(`INSERT INTO runs (command, recipe_name, recipe_json, seed, git_commit, argv_json, status, started_at, artifacts_json, pid, host, planned_trials) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)`)
      .run(run.command, run.recipeName, run.recipe === null || run.recipe === undefined ? null : JSON.stringify(run.recipe), run.seed, run.gitCommit, JSON.stringify(run.argv), new Date().toISOString(), JSON.stringify(run.artifacts ?? {}), process.pid, os.hostname(), run.plannedTrials ?? null);
    return Number(r.lastInsertRowid);
  }

  addSteps(runId: number, steps: readonly RunStep[]): void {
    const insert = this.db.prepare('INSERT OR REPLACE INTO run_steps (run_id, step, name, value) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const s of steps) if (Number.isFinite(s.value)) insert.run(runId, s.step, s.name, s.value);
    })();
  }

  addData(runId: number, role: string, hash: DataFileHash): void {
    this.db.prepare('INSERT OR REPLACE INTO run_data (run_id, role, path, sha256, bytes, files) VALUES (?, ?, ?, ?, ?, ?)').run(runId, role, hash.path, hash.sha256, hash.bytes, hash.files);
  }

  /**
   * Ends a run. Its artifacts are merged over those recorded at the start (json_patch): a failed
   * tune run that names none keeps its journal, so the trials it got through stay visible.
   */
  finishRun(runId: number, result: { status: Exclude<RunStatus, 'running'>; seconds: number; metrics?: Record<string, number>; artifacts?: Record<string, string>; error?: string }): void {
    this.db
      .prepare("UPDATE runs SET status = ?, finished_at = ?, seconds = ?, metrics_json = ?, artifacts_json = json_patch(COALESCE(artifacts_json, '{}'), ?), error = ? WHERE id = ?")
      .run(result.status, new Date().toISOString(), result.seconds, JSON.stringify(result.metrics ?? {}), JSON.stringify(result.artifacts ?? {}), result.error ?? null, runId);
  }

  listRuns(filter: RunFilter = {}): RunSummary[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.command) {
      where.push('command = ?');
      values.push(filter.command);
    }
    if (filter.recipe) {
      where.push('recipe_name = ?');
      values.push(filter.recipe);
    }
    const sql = `SELECT * FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...values, filter.limit ?? 50) as Record<string, unknown>[];
    return rows.map(summaryOf);
  }

  getRun(id: number): RunDetail | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    if (!row) return null;
    const data = this.db.prepare('SELECT role, path, sha256, bytes, files FROM run_data WHERE run_id = ? ORDER BY role, path').all(id) as (DataFileHash & { role: string })[];
    const steps = this.db.prepare('SELECT step, name, value FROM run_steps WHERE run_id = ? ORDER BY name, step').all(id) as RunStep[];
    return {
      ...summaryOf(row),
      recipe: row.recipe_json ? JSON.parse(row.recipe_json as string) : null,
      argv: JSON.parse(row.argv_json as string) as string[],
      artifacts: JSON.parse(row.artifacts_json as string) as Record<string, string>,
      error: orphanedRunError(row) ?? (row.error as string | null) ?? null,
      data,
      steps,
      plannedTrials: typeof row.planned_trials === 'number' ? row.planned_trials : null,
    };
  }

  lookup(file: string, size: number, mtimeMs: number): string | null {
    const row = this.db.prepare('SELECT sha256 FROM file_hashes WHERE path = ? AND size = ? AND mtime_ms = ?').get(file, size, mtimeMs) as { sha256: string } | undefined;
    return row?.sha256 ?? null;
  }

  store(file: string, size: number, mtimeMs: number, sha256: string): void {
    this.db.prepare('INSERT OR REPLACE INTO file_hashes (path, size, mtime_ms, sha256) VALUES (?, ?, ?, ?)').run(file, size, mtimeMs, sha256);
  }

  close(): void {
    this.db.close();
  }
}

function summaryOf(row: Record<string, unknown>): RunSummary {
  return {
    id: row.id as number,
    command: row.command as RunCommand,
    recipeName: (row.recipe_name as string | null) ?? null,
    status: orphanedRunError(row) !== null ? 'failed' : (row.status as RunStatus),
    startedAt: row.started_at as string,
    seconds: (row.seconds as number | null) ?? null,
    gitCommit: row.git_commit as string,
    seed: (row.seed as number | null) ?? null,
    metrics: JSON.parse(row.metrics_json as string) as Record<string, number>,
  };
}

/**
 * The process columns (which process on which machine runs a `running` run), added to databases
 * created before they existed; rows from then have none and are taken at their word. Likewise
 * planned_trials (a tune run's plan): rows from before it have none, shown as "not known".
 */
function addProcessColumns(db: Database.Database): void {
  const columns = new Set((db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name));
  for (const [name, type] of [['pid', 'INTEGER'], ['host', 'TEXT'], ['planned_trials', 'INTEGER']] as const) {
    if (columns.has(name)) continue;
    try {
      db.exec(`ALTER TABLE runs ADD COLUMN ${name} ${type}`);
    } catch (e) {
      // Another process opening the same old database added it first.
      if (!/duplicate column name/.test((e as Error).message)) throw e;
    }
  }
}

/**
 * Why a run that says `running` is not: its process on this machine is gone without finishing it
 * (Ctrl-C, killed, out of memory, the machine restarted). Checked when runs are read rather than
 * caught by signal handlers in the run itself: a handler would not run while a synchronous fit
 * blocks the main thread, so Ctrl-C would wait for the fit, and SIGKILL reaches no handler at all.
 * Null when the run is not running, ran on another machine (its process cannot be checked from
 * here), or its process is alive. Shown as a failed run with this error; the row is left as written.
 */
export function orphanedRunError(row: { status?: unknown; pid?: unknown; host?: unknown }): string | null {
  if (row.status !== 'running' || typeof row.pid !== 'number' || row.host !== os.hostname()) return null;
  if (row.pid === process.pid || processAlive(row.pid)) return null;
  return `its process (pid ${row.pid}) ended without finishing the run (interrupted, killed, out of memory, or the machine restarted)`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: a process of another user has the pid, so it is alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
