import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from './db.js';
import { nowIso } from './db.js';

export type Scope = 'read' | 'admin';

export interface ApiKeyInfo {
  id: string;
  name: string;
  scope: Scope;
  created_at: string;
  revoked_at: string | null;
}

/**
 * API keys: `tc_<id>_<secret>` where the secret is 32 random bytes. Only a salted SHA-256 of the
 * secret is stored; a slow hash (scrypt) buys nothing for 256-bit random secrets and would cost
 * milliseconds on every request. The id in the key finds the row without a table scan.
 */
const KEY_PATTERN = /^tc_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const CACHE_MS = 1000;
const MAX_CACHED = 10_000;

export class ApiKeyStore {
  private readonly byId;
  private readonly active;
  constructor(private readonly db: Db) {
    this.byId = db.prepare<[string], { id: string; scope: Scope; salt: Buffer; hash: Buffer; revoked_at: string | null }>('SELECT id, scope, salt, hash, revoked_at FROM api_keys WHERE id = ?');
    this.active = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM api_keys WHERE revoked_at IS NULL');
  }

  /** Creates a key; the returned `key` is shown once and never stored. */
  create(scope: Scope, name = ''): { key: string; info: ApiKeyInfo } {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const salt = randomBytes(16);
    const info: ApiKeyInfo = { id, name, scope, created_at: nowIso(), revoked_at: null };
    this.db.prepare('INSERT INTO api_keys (id, name, scope, salt, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, name, scope, salt, hashSecret(salt, secret), info.created_at);
    return { key: `tc_${id}_${secret}`, info };
  }

  /**
   * Keys verified in the last second, so a client sending many requests costs one lookup and
   * hash a second instead of one per request; a key revoked by another process (the CLI) stops
   * working within that second. Bounded: cleared when it grows past MAX_CACHED.
   */
  private readonly recent = new Map<string, { found: { id: string; scope: Scope }; at: number }>();

  /** The key's id and scope, or null for a malformed, unknown, wrong or revoked key. */
  verify(key: string, now = performance.now()): { id: string; scope: Scope } | null {
    const hit = this.recent.get(key);
    if (hit && now - hit.at < CACHE_MS) return hit.found;
    const found = this.lookup(key);
    if (found) {
      if (this.recent.size >= MAX_CACHED) this.recent.clear();
      this.recent.set(key, { found, at: now });
    } else if (hit) {
      this.recent.delete(key);
    }
    return found;
  }

  private lookup(key: string): { id: string; scope: Scope } | null {
    const m = KEY_PATTERN.exec(key);
    if (!m) return null;
    const row = this.byId.get(m[1]);
    if (!row || row.revoked_at !== null) return null;
    const actual = hashSecret(row.salt, m[2]);
    return row.hash.length === actual.length && timingSafeEqual(row.hash, actual) ? { id: row.id, scope: row.scope } : null;
  }

  list(): ApiKeyInfo[] {
    return this.db.prepare<[], ApiKeyInfo>('SELECT id, name, scope, created_at, revoked_at FROM api_keys ORDER BY created_at, id').all();
  }

  /** Revokes a key; false when no such active key exists. */
  revoke(id: string): boolean {
    this.recent.clear();
    return this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(nowIso(), id).changes > 0;
  }

  activeCount(): number {
    return this.active.get()!.n;
  }
}

function hashSecret(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret).digest();
}
