import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Params } from './space.js';

export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';

export interface JournalTrial {
  number: number;
  params: Params;
  state: TrialState;
  /** The metric on dev (complete), or at the pruning fraction (pruned); null otherwise. */
  value: number | null;
  /** The metric at the pruning fraction, when the trial was scored there. */
  intermediate: number | null;
  metrics: Record<string, number> | null;
  seconds: number | null;
  error: string | null;
}

/**
 * The sweep's journal: one SQLite file, one row per trial, written as each trial starts and ends
 * (WAL, synchronous commits), so a killed `tune` loses at most the trials that were running.
 * Several sweeps can share a file; a study id (a hash of the recipe, space and strategy) keeps
 * their trials apart, and a changed recipe starts a new study instead of mixing results.
 */
export class TuneJournal {
  private readonly db: Database.Database;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS studies (
        id TEXT PRIMARY KEY,
        recipe_name TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS trials (
        study_id TEXT NOT NULL REFERENCES studies(id),
        number INTEGER NOT NULL,
        params_json TEXT NOT NULL,
        state TEXT NOT NULL,
        value REAL,
        intermediate REAL,
        metrics_json TEXT,
        seconds REAL,
        error TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (study_id, number)
      );
    `);
  }

  ensureStudy(id: string, recipeName: string, spec: unknown): void {
    this.db.prepare('INSERT OR IGNORE INTO studies (id, recipe_name, spec_json, created_at) VALUES (?, ?, ?, ?)').run(id, recipeName, JSON.stringify(spec), new Date().toISOString());
  }

  /** When the study was first journaled (kept when a sweep resumes; new when the journal is deleted). */
  studyCreatedAt(id: string): string | null {
    const row = this.db.prepare('SELECT created_at FROM studies WHERE id = ?').get(id) as { created_at: string } | undefined;
    return row?.created_at ?? null;
  }

  trials(studyId: string): JournalTrial[] {
    const rows = this.db.prepare('SELECT * FROM trials WHERE study_id = ? ORDER BY number').all(studyId) as Record<string, unknown>[];
    return rows.map((r) => ({
      number: r.number as number,
      params: JSON.parse(r.params_json as string) as Params,
      state: r.state as TrialState,
      value: (r.value as number | null) ?? null,
      intermediate: (r.intermediate as number | null) ?? null,
      metrics: r.metrics_json ? (JSON.parse(r.metrics_json as string) as Record<string, number>) : null,
      seconds: (r.seconds as number | null) ?? null,
      error: (r.error as string | null) ?? null,
    }));
  }

  start(studyId: string, number: number, params: Params): void {
    this.db
      .prepare(
        `INSERT INTO trials (study_id, number, params_json, state, updated_at) VALUES (?, ?, ?, 'running', ?)
         ON CONFLICT (study_id, number) DO UPDATE SET state = 'running', value = NULL, intermediate = NULL, error = NULL, updated_at = excluded.updated_at`,
      )
      .run(studyId, number, JSON.stringify(params), new Date().toISOString());
  }

  intermediate(studyId: string, number: number, value: number): void {
    this.db.prepare('UPDATE trials SET intermediate = ?, updated_at = ? WHERE study_id = ? AND number = ?').run(value, new Date().toISOString(), studyId, number);
  }

  finish(studyId: string, number: number, result: { state: Exclude<TrialState, 'running'>; value: number | null; metrics?: Record<string, number>; seconds: number; error?: string }): void {
    this.db
      .prepare('UPDATE trials SET state = ?, value = ?, metrics_json = ?, seconds = ?, error = ?, updated_at = ? WHERE study_id = ? AND number = ?')
      .run(result.state, result.value, result.metrics ? JSON.stringify(result.metrics) : null, result.seconds, result.error ?? null, new Date().toISOString(), studyId, number);
  }

  close(): void {
    this.db.close();
  }
}
