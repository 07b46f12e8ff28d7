import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { orphanedRunError, type RunCommand, type RunStatus } from '../../track/runs-db.js';
import { readSweep, type SweepStudy } from '../../tune/importance.js';
import type { JournalTrial } from '../../tune/journal.js';
import { defaultDirection } from '../../tune/space.js';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { runIdParams, runsQuery } from '../schemas.js';
import { parseInput } from '../validate.js';

/**
 * The experiment-tracking database over HTTP, for the web page's Runs view: the list of runs, one
 * run, and a tune run's sweep (its trial journal, also while the sweep runs). Everything is read-only: the database is opened
 * read-only per request (WAL lets a sweep keep writing meanwhile), a missing file is "no runs yet",
 * and no absolute path leaves the server: files are shown by name.
 */
export function runRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const file = ctx.config.runsDb;

  app.get('/v1/runs', { config: { scope: 'read' } }, async (req) => {
    const query = parseInput(runsQuery, req.query, 'query');
    const rows = withRunsDb(file, [] as RunRow[], (db) => {
      const where: string[] = [];
      const values: unknown[] = [];
      if (query.command) {
        where.push('command = ?');
        values.push(query.command);
      }
      if (query.recipe) {
        where.push('recipe_name = ?');
        values.push(query.recipe);
      }
      const sql = `SELECT * FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
      return (db.prepare(sql).all(...values, query.limit ?? 50) as RunRow[]).map(settled);
    });
    return { runs: rows.map(runSummary) };
  });

  app.get('/v1/runs/:id', { config: { scope: 'read' } }, async (req) => {
    const { id } = parseInput(runIdParams, req.params, 'params');
    const run = runOr404(file, id);
    return runDetail(run);
  });

  app.get('/v1/runs/:id/sweep', { config: { scope: 'read' } }, async (req) => {
    const { id } = parseInput(runIdParams, req.params, 'params');
    const run = runOr404(file, id);
    const journal = journalOf(run.row);
    const running = run.row.status === 'running';
    // Tune runs record their journal when they start; one recorded by an older textclass names it only at the end.
    if (run.row.command === 'tune' && running && journal === null) throw new ApiError(404, `run ${run.row.id} is still running and did not record its trial journal at the start; its sweep is shown once it has finished (\`textclass tune\` prints each trial meanwhile)`);
    if (run.row.command !== 'tune' || journal === null) throw new ApiError(404, `run ${run.row.id} is a ${run.row.command} run without a trial journal; only tune runs have a sweep`);
    const journalName = path.basename(journal);
    // A sweep that has just started may not have created its journal or its study yet: no trials so far.
    if (!fs.existsSync(journal)) {
      if (running) return sweepView(run.row, journalName, null);
      throw new ApiError(404, `the trial journal of run ${run.row.id} (${journalName}) is no longer on this machine`);
    }
    const study = studyOfRun(readJournal(journal, run.row), run);
    if (!study && !running) throw new ApiError(404, `the trial journal of run ${run.row.id} (${journalName}) holds no sweep of recipe "${run.row.recipe_name ?? '?'}"`);
    return sweepView(run.row, journalName, study);
  });
}

/**
 * The studies of a journal, read while the sweep may still be writing it (WAL: a reader sees the
 * last committed trial and never blocks the writer). A journal created a moment ago may have no
 * tables yet: that is no trials so far. Any other failure of a running sweep's journal is a 503
 * worth retrying; of a finished one, a 500.
 */
function readJournal(journal: string, row: RunRow): SweepStudy[] {
  try {
    return readSweep(journal);
  } catch (e) {
    const message = hidePathsInText((e as Error).message ?? String(e)).slice(0, 120);
    if (row.status === 'running') {
      if (/no such table/.test(message)) return [];
      throw new ApiError(503, `the trial journal of run ${row.id} (${path.basename(journal)}) could not be read just now (${message}); try again in a moment`, { 'retry-after': '2' });
    }
    throw new ApiError(500, `the trial journal of run ${row.id} (${path.basename(journal)}) could not be read (${message})`);
  }
}

/** A row of the runs table as SQLite returns it. */
interface RunRow {
  id: number;
  command: RunCommand;
  recipe_name: string | null;
  recipe_json: string | null;
  seed: number | null;
  git_commit: string;
  argv_json: string;
  status: RunStatus;
  started_at: string;
  seconds: number | null;
  metrics_json: string;
  artifacts_json: string;
  error: string | null;
  /** The process that runs it, and its machine (absent in rows written before they were recorded). */
  pid?: number | null;
  host?: string | null;
  /** The trials a tune run planned (absent in rows written before it was recorded). */
  planned_trials?: number | null;
}

/** The row as it stands: a `running` run whose process on this machine is gone is a failed one. */
function settled(row: RunRow): RunRow {
  const orphaned = orphanedRunError(row);
  return orphaned === null ? row : { ...row, status: 'failed', error: orphaned };
}

interface RunRecord {
  row: RunRow;
  data: { role: string; path: string; sha256: string; bytes: number; files: number }[];
  steps: { step: number; name: string; value: number }[];
}

/**
 * Runs `read` on the database opened read-only, or returns `empty` when there is no database yet
 * (no run was ever tracked, or the file is some other SQLite file without a runs table).
 */
function withRunsDb<T>(file: string, empty: T, read: (db: Database.Database) => T): T {
  if (!fs.existsSync(file)) return empty;
  let db: Database.Database | undefined;
  let hasRuns: unknown;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    hasRuns = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get();
  } catch (e) {
    db?.close();
    // The message names the file only: the server's folders are nobody's business.
    throw new ApiError(500, `the runs database ${path.basename(file)} could not be read (${(e as Error).message.slice(0, 120)}); check --runs-db`);
  }
  try {
    return hasRuns ? read(db) : empty;
  } finally {
    db.close();
  }
}

/** Run ids are positive integers; anything else is a 404 without a query. */
const RUN_ID = /^[1-9][0-9]{0,14}$/;

function runOr404(file: string, id: string): RunRecord {
  const found = RUN_ID.test(id)
    ? withRunsDb<RunRecord | null>(file, null, (db) => {
        const stored = db.prepare('SELECT * FROM runs WHERE id = ?').get(Number(id)) as RunRow | undefined;
        if (!stored) return null;
        const row = settled(stored);
        const data = db.prepare('SELECT role, path, sha256, bytes, files FROM run_data WHERE run_id = ? ORDER BY role, path').all(row.id) as RunRecord['data'];
        const steps = db.prepare('SELECT step, name, value FROM run_steps WHERE run_id = ? ORDER BY name, step').all(row.id) as RunRecord['steps'];
        return { row, data, steps };
      })
    : null;
  if (!found) throw new ApiError(404, `no run "${id.slice(0, 40)}" in the runs database; GET /v1/runs lists them`);
  return found;
}

/** The metrics a list row shows: a sweep's best and baseline, else the usual headline ones (cv: their means). */
const HEADLINE = /(^|_)(balanced_accuracy|macro_f1|accuracy)$/;

export function headlineMetrics(metrics: Record<string, number>): Record<string, number> {
  const entries = Object.entries(metrics).filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
  const sweep = entries.filter(([k]) => /^(best|baseline)_/.test(k) && !k.startsWith('best_trial_'));
  const usual = entries.filter(([k]) => HEADLINE.test(k) && !k.includes('std'));
  return Object.fromEntries((sweep.length ? sweep : usual).slice(0, 3));
}

function parseObject(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const v = JSON.parse(json) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function journalOf(row: RunRow): string | null {
  const journal = parseObject(row.artifacts_json).journal;
  return typeof journal === 'string' && journal !== '' ? journal : null;
}

/** The study id a tune run recorded when it started (runs recorded before that have none). */
function recordedStudyOf(row: RunRow): string | null {
  const study = parseObject(row.artifacts_json).study;
  return typeof study === 'string' && study !== '' ? study : null;
}

function runSummary(row: RunRow) {
  return {
    id: row.id,
    command: row.command,
    recipe: row.recipe_name,
    status: row.status,
    started_at: row.started_at,
    seconds: row.seconds,
    commit: row.git_commit,
    seed: row.seed,
    headline_metrics: headlineMetrics(parseObject(row.metrics_json) as Record<string, number>),
    ...(row.command === 'tune' && journalOf(row) !== null ? { sweep_url: `/v1/runs/${row.id}/sweep` } : {}),
  };
}

function argvOf(row: RunRow): string[] {
  try {
    const argv = JSON.parse(row.argv_json) as unknown;
    return Array.isArray(argv) ? argv.map(String) : [];
  } catch {
    return [];
  }
}

function runDetail({ row, data, steps }: RunRecord) {
  const recipe = row.recipe_json ? (hideAbsolutePaths(JSON.parse(row.recipe_json)) as unknown) : null;
  const r = recipe !== null && typeof recipe === 'object' ? (recipe as Record<string, unknown>) : {};
  const model = r.model !== null && typeof r.model === 'object' ? (r.model as Record<string, unknown>) : {};
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  const artifacts: Record<string, string> = {};
  for (const [name, value] of Object.entries(parseObject(row.artifacts_json))) if (typeof value === 'string') artifacts[name] = path.basename(value);
  // an unreadable argv is shown as none
  const argv = argvOf(row).map(hidePathsInText);
  return {
    ...runSummary(row),
    metrics: parseObject(row.metrics_json) as Record<string, number>,
    recipe_summary: { name: text(r.name) ?? row.recipe_name, description: text(r.description), task: text(r.task), model_type: text(model.type) },
    resolved_recipe: recipe,
    argv,
    data: data.map((d) => ({ role: d.role, file: path.basename(d.path), sha256: d.sha256, bytes: d.bytes, files: d.files })),
    steps,
    artifacts,
    error: row.error === null ? null : hidePathsInText(row.error),
  };
}

/**
 * A journal may hold several studies (one per recipe, space and strategy). The run's study is the
 * one it recorded when it started. A running run whose study is not journaled yet has none so far.
 * For runs recorded without one: the study of its recipe whose trial values agree with the most
 * of the run's recorded steps (a tune run records each trial's value as a step when it finishes);
 * ties go to the newest study.
 */
function studyOfRun(studies: SweepStudy[], run: RunRecord): SweepStudy | null {
  const recorded = recordedStudyOf(run.row);
  if (recorded !== null) {
    const study = studies.find((s) => s.id === recorded);
    if (study) return study;
    if (run.row.status === 'running') return null;
  }
  const named = studies.filter((s) => run.row.recipe_name === null || s.recipeName === run.row.recipe_name);
  const candidates = named.length ? named : studies;
  let best: SweepStudy | null = null;
  let bestScore = -1;
  for (const study of candidates) {
    const byNumber = new Map(study.trials.map((t) => [t.number, t.value]));
    const score = run.steps.filter((s) => byNumber.get(s.step) === s.value).length;
    if (score > bestScore || (score === bestScore && best !== null && study.createdAt >= best.createdAt)) {
      best = study;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The sweep as the page shows it. `study` null is a running sweep that has journaled nothing yet:
 * no trials so far, with the metric and direction of the run's recipe (the journal's spec, which
 * also knows the command-line flags, takes over once it is there).
 */
function sweepView(row: RunRow, journalName: string, study: SweepStudy | null) {
  const recipe = parseObject(row.recipe_json);
  const spec = (study?.spec ?? { tune: recipe.tune, baseline: !argvOf(row).includes('--no-baseline') }) as { tune?: { metric?: unknown; direction?: unknown }; baseline?: unknown };
  const metric = typeof spec.tune?.metric === 'string' ? spec.tune.metric : 'metric';
  const direction = spec.tune?.direction === 'minimize' || spec.tune?.direction === 'maximize' ? spec.tune.direction : defaultDirection(metric);
  const sign = direction === 'maximize' ? 1 : -1;
  const trials = study?.trials ?? [];
  let best: JournalTrial | null = null;
  for (const t of trials) if (t.state === 'complete' && t.value !== null && (best === null || sign * t.value > sign * best.value!)) best = t;
  return {
    run_id: row.id,
    status: row.status,
    journal: journalName,
    study: study?.id ?? recordedStudyOf(row) ?? '',
    recipe: study?.recipeName ?? row.recipe_name ?? (typeof recipe.name === 'string' ? recipe.name : ''),
    metric,
    direction,
    baseline: spec.baseline === true,
    planned_trials: typeof row.planned_trials === 'number' ? row.planned_trials : null,
    trials: trials.map((t) => ({
      number: t.number,
      params: hideAbsolutePaths(t.params) as Record<string, unknown>,
      value: t.value !== null && Number.isFinite(t.value) ? t.value : null,
      status: t.state,
      seconds: t.seconds,
      ...(t.error !== null ? { error: hidePathsInText(t.error) } : {}),
    })),
    best: best ? { number: best.number, value: best.value!, params: hideAbsolutePaths(best.params) as Record<string, unknown> } : null,
    importance: Object.entries(study?.importance ?? {}).map(([parameter, importance]) => ({ parameter, importance })),
  };
}

const ABSOLUTE = /^(?:\/|[A-Za-z]:[\\/]|\\\\)/;

/** A copy of a JSON value whose strings that are absolute paths are cut to their file names. */
export function hideAbsolutePaths(value: unknown): unknown {
  if (typeof value === 'string') return ABSOLUTE.test(value) ? path.basename(value.replace(/\\/g, '/')) : value;
  if (Array.isArray(value)) return value.map(hideAbsolutePaths);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hideAbsolutePaths(v)]));
  return value;
}

/** `/tmp/x/data/train.csv` anywhere in a sentence (an error, `--out=/a/b`) becomes `train.csv`. */
const PATH_IN_TEXT = /(?<![\w.~-])(?:[A-Za-z]:)?[\\/](?:[^\s'"`,;:()[\]{}<>\\/]+[\\/])+([^\s'"`,;:()[\]{}<>\\/]*)/g;

export function hidePathsInText(text: string): string {
  return text.replace(PATH_IN_TEXT, (_m, base: string) => base || '…');
}
