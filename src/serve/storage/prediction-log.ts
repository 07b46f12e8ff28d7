import type { Db } from './db.js';

const DAY_MS = 24 * 3600 * 1000;

/**
 * The opt-in prediction log (`--log-predictions <days>`): what was asked and answered, kept for
 * `retentionDays` and then purged. Off (retention 0) by default, since texts may be personal.
 */
export class PredictionLog {
  private readonly insert;
  constructor(
    private readonly db: Db,
    readonly retentionDays: number,
  ) {
    this.insert = db.prepare('INSERT INTO prediction_log (model, text, labels, key_id, created_at_ms) VALUES (?, ?, ?, ?, ?)');
  }

  get enabled(): boolean {
    return this.retentionDays > 0;
  }

  /** Logs one request's texts and chosen labels in one transaction. */
  record(model: string, texts: readonly string[], labels: readonly (readonly string[])[], keyId: string | null, now = Date.now()): void {
    if (!this.enabled) return;
    this.db.transaction(() => {
      for (let i = 0; i < texts.length; i++) this.insert.run(model, texts[i], JSON.stringify(labels[i]), keyId, now);
    })();
  }

  /** Deletes rows older than the retention; returns how many went. */
  purge(now = Date.now()): number {
    const cutoff = now - this.retentionDays * DAY_MS;
    if (!this.enabled) return this.db.prepare('DELETE FROM prediction_log').run().changes;
    return this.db.prepare('DELETE FROM prediction_log WHERE created_at_ms < ?').run(cutoff).changes;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM prediction_log').get() as { n: number }).n;
  }
}
