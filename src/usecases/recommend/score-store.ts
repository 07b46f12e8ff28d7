import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DataError } from '../../errors.js';
import type { LoadedModel } from '../../persist/model-dir.js';

/**
 * Where a catalog's emotion distributions are kept: a SQLite file beside the catalog
 * (`songs.csv` → `songs.textclass.sqlite`). Beside the catalog rather than in the server's
 * database because the CLI (`recommend catalog build`) and any server reading the same catalog
 * then share one cache, the scores travel with the catalog, and deleting the file is a clean
 * reset. Scores are keyed by (model key, sha256 of the item text): an item is scored once per
 * model, a changed text is scored again, and another model gets scores of its own.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE models (
     model_key TEXT PRIMARY KEY,
     model_name TEXT NOT NULL,
     labels_json TEXT NOT NULL,
     model_created_at TEXT,
     first_used_at TEXT NOT NULL
   );
   CREATE TABLE scores (
     model_key TEXT NOT NULL REFERENCES models (model_key),
     text_sha256 TEXT NOT NULL,
     proba_json TEXT NOT NULL,
     scored_at TEXT NOT NULL,
     PRIMARY KEY (model_key, text_sha256)
   ) WITHOUT ROWID;
   CREATE TABLE items (
     item_id TEXT PRIMARY KEY,
     text_sha256 TEXT NOT NULL
   ) WITHOUT ROWID;`,
  // When a model key last built this catalog (a counter, so two builds in one millisecond still
  // order): pruning keeps the most recent keys of each model name.
  `ALTER TABLE models ADD COLUMN last_used_at TEXT;
   ALTER TABLE models ADD COLUMN last_used_seq INTEGER NOT NULL DEFAULT 0;
   UPDATE models SET last_used_at = first_used_at, last_used_seq = rowid;`,
];

/**
 * Model keys kept per model name. A retrained model gets a new key, so without a bound every
 * retraining would leave a full set of scores behind; two, not one, so a server still holding the
 * previous model while the CLI builds with the new one does not make them evict each other.
 */
export const KEYS_KEPT_PER_MODEL_NAME = 2;

/** What pruning removed: scores of texts no catalog item has any more, and of superseded model keys. */
export interface PruneStats {
  scores: number;
  models: number;
}

/** The store file of a catalog file: its name without the extension, plus `.textclass.sqlite`. */
export function storePathOf(catalogFile: string): string {
  const dir = path.dirname(catalogFile);
  const base = path.basename(catalogFile, path.extname(catalogFile));
  return path.join(dir, `${base}.textclass.sqlite`);
}

export function isStoreFile(name: string): boolean {
  return /\.textclass\.sqlite(-wal|-shm|-journal)?$/.test(name);
}

export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const modelKeys = new WeakMap<LoadedModel, string>();

/**
 * A model's identity: sha256 of its manifest as loaded. The manifest holds the sha256 of every
 * weight file and the training time, so two different models never share a key and a retrained
 * model in the same directory gets a new one.
 */
export function modelKey(model: LoadedModel): string {
  let key = modelKeys.get(model);
  if (key === undefined) {
    key = createHash('sha256').update(JSON.stringify(model.manifest)).digest('hex');
    modelKeys.set(model, key);
  }
  return key;
}

/** What changed in the catalog since the last build (any model), by item id. */
export interface CatalogDelta {
  newItems: number;
  changedItems: number;
  removedItems: number;
}

export class ScoreStore {
  readonly db: Database.Database;

  /** @param file the store file, or ':memory:' (a server whose catalog folder is read-only) */
  constructor(readonly file: string) {
    try {
      if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('synchronous = NORMAL');
      migrate(this.db);
    } catch (e) {
      if (e instanceof DataError) throw e;
      throw new DataError({ file }, `cannot open the catalog's score store: ${(e as Error).message} (delete the file to start over, or pass --store <file>)`);
    }
  }

  /** Stored distributions of these text hashes under this model (missing ones are absent). */
  lookup(key: string, hashes: readonly string[]): Map<string, number[]> {
    const get = this.db.prepare('SELECT proba_json FROM scores WHERE model_key = ? AND text_sha256 = ?').pluck();
    const found = new Map<string, number[]>();
    for (const h of hashes) {
      if (found.has(h)) continue;
      const json = get.get(key, h) as string | undefined;
      if (json !== undefined) found.set(h, JSON.parse(json) as number[]);
    }
    return found;
  }

  /**
   * Stores new scores (one transaction; a row another process stored meanwhile is left as is) and
   * marks the model as used now, also when there is nothing new to store.
   */
  save(key: string, model: LoadedModel, scores: ReadonlyMap<string, readonly number[]>): void {
    const now = new Date().toISOString();
    const insertModel = this.db.prepare('INSERT OR IGNORE INTO models (model_key, model_name, labels_json, model_created_at, first_used_at) VALUES (?, ?, ?, ?, ?)');
    const touchModel = this.db.prepare('UPDATE models SET last_used_at = ?, last_used_seq = (SELECT MAX(last_used_seq) FROM models) + 1 WHERE model_key = ?');
    const insertScore = this.db.prepare('INSERT OR IGNORE INTO scores (model_key, text_sha256, proba_json, scored_at) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      insertModel.run(key, model.manifest.name, JSON.stringify(model.manifest.labels), model.manifest.createdAt ?? null, now);
      touchModel.run(now, key);
      for (const [h, p] of scores) insertScore.run(key, h, JSON.stringify(p), now);
    })();
  }

  /**
   * Drops what no build can use again, in one transaction: scores of texts that no item of the
   * last recorded build has (removed items, the old text of changed ones), and every model key of
   * a model name beyond its KEYS_KEPT_PER_MODEL_NAME most recently used (retrained models).
   * Call after recordItems. SQLite reuses the freed pages, so the file stops growing.
   */
  prune(): PruneStats {
    return this.db.transaction((): PruneStats => {
      const hasItems = (this.db.prepare('SELECT EXISTS (SELECT 1 FROM items)').pluck().get() as number) === 1;
      const staleTexts = hasItems ? this.db.prepare('DELETE FROM scores WHERE text_sha256 NOT IN (SELECT text_sha256 FROM items)').run().changes : 0;
      const keys = this.db.prepare('SELECT model_key, model_name FROM models ORDER BY model_name, last_used_seq DESC').all() as { model_key: string; model_name: string }[];
      const dropScores = this.db.prepare('DELETE FROM scores WHERE model_key = ?');
      const dropModel = this.db.prepare('DELETE FROM models WHERE model_key = ?');
      let superseded = 0;
      let models = 0;
      const seen = new Map<string, number>();
      for (const { model_key, model_name } of keys) {
        const rank = (seen.get(model_name) ?? 0) + 1;
        seen.set(model_name, rank);
        if (rank <= KEYS_KEPT_PER_MODEL_NAME) continue;
        superseded += dropScores.run(model_key).changes;
        dropModel.run(model_key);
        models++;
      }
      return { scores: staleTexts + superseded, models };
    })();
  }

  /** Records the catalog's items as of this build and says how they differ from the last one. */
  recordItems(items: readonly { id: string; hash: string }[]): CatalogDelta {
    const before = new Map((this.db.prepare('SELECT item_id, text_sha256 FROM items').all() as { item_id: string; text_sha256: string }[]).map((r) => [r.item_id, r.text_sha256]));
    let newItems = 0;
    let changedItems = 0;
    for (const { id, hash } of items) {
      const old = before.get(id);
      if (old === undefined) newItems++;
      else if (old !== hash) changedItems++;
      before.delete(id);
    }
    const removedItems = before.size;
    if (newItems || changedItems || removedItems) {
      const insert = this.db.prepare('INSERT INTO items (item_id, text_sha256) VALUES (?, ?)');
      this.db.transaction(() => {
        this.db.exec('DELETE FROM items');
        for (const { id, hash } of items) insert.run(id, hash);
      })();
    }
    return { newItems, changedItems, removedItems };
  }

  /** The models that have scores here, with how many texts each has. */
  models(): { modelKey: string; modelName: string; labels: string[]; texts: number }[] {
    const rows = this.db.prepare('SELECT m.model_key, m.model_name, m.labels_json, (SELECT COUNT(*) FROM scores s WHERE s.model_key = m.model_key) AS texts FROM models m ORDER BY m.first_used_at').all() as { model_key: string; model_name: string; labels_json: string; texts: number }[];
    return rows.map((r) => ({ modelKey: r.model_key, modelName: r.model_name, labels: JSON.parse(r.labels_json) as string[], texts: r.texts }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) throw new Error(`its schema version ${version} is newer than this textclass understands (${MIGRATIONS.length}); upgrade textclass`);
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
