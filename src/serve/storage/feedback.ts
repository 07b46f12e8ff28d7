import type { Db } from './db.js';
import { nowIso } from './db.js';

export interface FeedbackInput {
  model: string;
  text: string;
  labels: string[];
  predicted?: string[];
  comment?: string;
  keyId?: string | null;
}

export interface FeedbackRow {
  id: number;
  model: string;
  text: string;
  labels: string[];
  predicted: string[] | null;
  comment: string | null;
  created_at: string;
}

/** Users' corrected labels, kept for the next training run (`textclass feedback export`). */
export class FeedbackStore {
  private readonly insert;
  constructor(private readonly db: Db) {
    this.insert = db.prepare('INSERT INTO feedback (model, text, labels, predicted, comment, key_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  add(f: FeedbackInput): number {
    const r = this.insert.run(f.model, f.text, JSON.stringify(f.labels), f.predicted ? JSON.stringify(f.predicted) : null, f.comment ?? null, f.keyId ?? null, nowIso());
    return Number(r.lastInsertRowid);
  }

  /** Every row in insertion order, optionally of one model; iterates without loading the table. */
  *rows(model?: string): Generator<FeedbackRow> {
    const it = model === undefined
      ? this.db.prepare<[], RawRow>('SELECT id, model, text, labels, predicted, comment, created_at FROM feedback ORDER BY id').iterate()
      : this.db.prepare<[string], RawRow>('SELECT id, model, text, labels, predicted, comment, created_at FROM feedback WHERE model = ? ORDER BY id').iterate(model);
    for (const r of it) {
      yield { ...r, labels: JSON.parse(r.labels) as string[], predicted: r.predicted === null ? null : (JSON.parse(r.predicted) as string[]) };
    }
  }
}

interface RawRow {
  id: number;
  model: string;
  text: string;
  labels: string;
  predicted: string | null;
  comment: string | null;
  created_at: string;
}
