import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Text embeddings kept on disk between runs, keyed by model and text: a frozen encoder gives the
 * same vector for the same text, so retraining a head, tuning, cross-validation and scoring
 * already-seen texts skip the encoder.
 *
 * SQLite rather than an append-only binary file: lookups by key need an index, and SQLite keeps
 * one on disk (an append-only file would be read whole into memory at every start); several
 * processes (tune workers, a server beside a training run) can read and write the same file
 * safely in WAL mode; an interrupted write never leaves a torn record. It is already a dependency.
 */
export class EmbeddingCache {
  hits = 0;
  misses = 0;
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement<[string, Buffer], { vector: Buffer }>;
  private readonly putStmt: Database.Statement<[string, Buffer, Buffer]>;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec('CREATE TABLE IF NOT EXISTS embeddings (model TEXT NOT NULL, text BLOB NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, text)) WITHOUT ROWID');
    this.getStmt = this.db.prepare('SELECT vector FROM embeddings WHERE model = ? AND text = ?');
    this.putStmt = this.db.prepare('INSERT OR REPLACE INTO embeddings (model, text, vector) VALUES (?, ?, ?)');
  }

  /** The cached vector of each text hash, null where there is none; counts hits and misses. */
  get(modelKey: string, hashes: readonly Buffer[], dim: number): (Float32Array | null)[] {
    return hashes.map((h) => {
      const row = this.getStmt.get(modelKey, h);
      if (!row || row.vector.length !== dim * 4) {
        this.misses++;
        return null;
      }
      this.hits++;
      const v = new Float32Array(dim);
      new Uint8Array(v.buffer).set(row.vector);
      return v;
    });
  }

  put(modelKey: string, entries: readonly { hash: Buffer; vector: Float32Array }[]): void {
    const insert = this.db.transaction((rows: readonly { hash: Buffer; vector: Float32Array }[]) => {
      for (const r of rows) this.putStmt.run(modelKey, r.hash, Buffer.from(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength));
    });
    insert(entries);
  }

  /** Rows stored under `modelKey`. */
  count(modelKey: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM embeddings WHERE model = ?').get(modelKey) as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}

/** The cache key of a text: sha256 of its UTF-8 bytes. */
export function textHash(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
