import { randomBytes } from 'node:crypto';
import type { Db } from './db.js';
import { nowIso } from './db.js';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobRow {
  id: string;
  model: string;
  status: JobStatus;
  format: 'csv' | 'jsonl';
  text_field: string;
  processed: number;
  total: number | null;
  /** Bytes of the result file covered by `processed` rows: the resume point. */
  result_bytes: number;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/**
 * Batch jobs' state machine: queued → running → done | failed. `processed` and `result_bytes`
 * are committed together after every chunk, so a crash resumes from a consistent point.
 */
export class JobStore {
  private readonly get_;
  private readonly progress_;
  constructor(private readonly db: Db) {
    this.get_ = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?');
    this.progress_ = db.prepare("UPDATE jobs SET processed = ?, result_bytes = ? WHERE id = ? AND status = 'running'");
  }

  static newId(): string {
    return randomBytes(12).toString('hex');
  }

  create(job: { id: string; model: string; format: 'csv' | 'jsonl'; textField: string; total: number | null }): JobRow {
    this.db.prepare("INSERT INTO jobs (id, model, status, format, text_field, total, created_at) VALUES (?, ?, 'queued', ?, ?, ?, ?)").run(job.id, job.model, job.format, job.textField, job.total, nowIso());
    return this.get(job.id)!;
  }

  get(id: string): JobRow | undefined {
    return this.get_.get(id);
  }

  /** The oldest queued job, if any. */
  nextQueued(): JobRow | undefined {
    return this.db.prepare<[], JobRow>("SELECT * FROM jobs WHERE status = 'queued' ORDER BY created_at, id LIMIT 1").get();
  }

  start(id: string): void {
    this.db.prepare("UPDATE jobs SET status = 'running', started_at = COALESCE(started_at, ?) WHERE id = ? AND status = 'queued'").run(nowIso(), id);
  }

  commitProgress(id: string, processed: number, resultBytes: number): void {
    this.progress_.run(processed, resultBytes, id);
  }

  finish(id: string, processed: number, resultBytes: number): void {
    this.db.prepare("UPDATE jobs SET status = 'done', processed = ?, total = ?, result_bytes = ?, finished_at = ? WHERE id = ?").run(processed, processed, resultBytes, nowIso(), id);
  }

  fail(id: string, error: string): void {
    this.db.prepare("UPDATE jobs SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status IN ('queued', 'running')").run(error, nowIso(), id);
  }

  /** Jobs a crashed process left `running`: back to `queued`, to resume from their last commit. */
  requeueInterrupted(): string[] {
    const ids = this.db.prepare<[], { id: string }>("SELECT id FROM jobs WHERE status = 'running'").all().map((r) => r.id);
    this.db.prepare("UPDATE jobs SET status = 'queued' WHERE status = 'running'").run();
    return ids;
  }

  /** Jobs that ended (done or failed) before `cutoff` (ISO time), oldest first. */
  endedBefore(cutoff: string): string[] {
    return this.db.prepare<[string], { id: string }>("SELECT id FROM jobs WHERE status IN ('done', 'failed') AND finished_at < ? ORDER BY finished_at").all(cutoff).map((r) => r.id);
  }

  delete(id: string): void {
    this.db.prepare("DELETE FROM jobs WHERE id = ? AND status IN ('done', 'failed')").run(id);
  }

  countByStatus(): Record<JobStatus, number> {
    const counts: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 };
    for (const r of this.db.prepare<[], { status: JobStatus; n: number }>('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all()) counts[r.status] = r.n;
    return counts;
  }
}
