import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran. Append only:
 * a released migration is never edited, so every database upgrades the same way.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     scope TEXT NOT NULL CHECK (scope IN ('read', 'admin')),
     salt BLOB NOT NULL,
     hash BLOB NOT NULL,
     created_at TEXT NOT NULL,
     revoked_at TEXT
   );
   CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     model TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
     format TEXT NOT NULL CHECK (format IN ('csv', 'jsonl')),
     text_field TEXT NOT NULL,
     processed INTEGER NOT NULL DEFAULT 0,
     total INTEGER,
     result_bytes INTEGER NOT NULL DEFAULT 0,
     error TEXT,
     created_at TEXT NOT NULL,
     started_at TEXT,
     finished_at TEXT
   );
   CREATE INDEX jobs_status ON jobs (status, created_at);
   CREATE TABLE feedback (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     model TEXT NOT NULL,
     text TEXT NOT NULL,
     labels TEXT NOT NULL,
     predicted TEXT,
     comment TEXT,
     key_id TEXT,
     created_at TEXT NOT NULL
   );
   CREATE TABLE prediction_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     model TEXT NOT NULL,
     text TEXT NOT NULL,
     labels TEXT NOT NULL,
     key_id TEXT,
     created_at_ms INTEGER NOT NULL
   );
   CREATE INDEX prediction_log_time ON prediction_log (created_at_ms);`,
];

/**
 * Opens (creating if needed) the server's SQLite database: WAL so readers never wait for the
 * writer, a busy timeout so the CLI (`textclass keys create`) and a running server can share it,
 * and the schema brought up to date.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`database schema version ${version} is newer than this textclass understands (${MIGRATIONS.length}); upgrade textclass`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

export function nowIso(): string {
  return new Date().toISOString();
}
