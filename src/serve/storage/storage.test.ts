import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { tempDir } from '../fixtures.js';
import { openStorage } from './index.js';

describe('serve storage (SQLite)', () => {
  it('migrates a new file to the current schema, WAL, and reopens it unchanged', () => {
    const file = path.join(tempDir('db'), 'x.sqlite');
    openStorage(file).close();
    const raw = new Database(file);
    assert.equal(raw.pragma('user_version', { simple: true }), 1);
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
    const again = openStorage(file);
    assert.equal(again.keys.list().length, 0);
    again.close();
  });

  it('API keys: shown once, stored hashed, verified, scoped, revoked', () => {
    const s = openStorage(path.join(tempDir('db'), 'k.sqlite'));
    const { key, info } = s.keys.create('admin', 'ci');
    assert.match(key, /^tc_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const row = s.db.prepare('SELECT * FROM api_keys').get() as Record<string, unknown>;
    // The secret is base64url and may itself contain '_', so it is everything after the id.
    const secret = key.slice(`tc_${info.id}_`.length);
    assert.equal(secret.length, 43);
    assert.ok(!JSON.stringify(row).includes(secret), 'the secret is not stored');
    assert.deepEqual(s.keys.verify(key), { id: info.id, scope: 'admin' });
    assert.equal(s.keys.verify(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A')), null);
    assert.equal(s.keys.verify('nonsense'), null);
    assert.equal(s.keys.activeCount(), 1);
    assert.equal(s.keys.revoke(info.id), true);
    assert.equal(s.keys.revoke(info.id), false);
    assert.equal(s.keys.verify(key), null);
    assert.equal(s.keys.activeCount(), 0);
    assert.equal(s.keys.list()[0].revoked_at !== null, true);
    s.close();
  });

  it('a key revoked by another process stops working within a second', () => {
    const file = path.join(tempDir('db'), 'k2.sqlite');
    const server = openStorage(file);
    const cli = openStorage(file);
    const { key, info } = server.keys.create('read');
    assert.ok(server.keys.verify(key, 0));
    cli.keys.revoke(info.id);
    assert.ok(server.keys.verify(key, 500), 'still cached');
    assert.equal(server.keys.verify(key, 1001), null);
    server.close();
    cli.close();
  });

  it('jobs: queued → running → done, progress commits, interrupted jobs requeued', () => {
    const s = openStorage(path.join(tempDir('db'), 'j.sqlite'));
    s.jobs.create({ id: 'a'.repeat(24), model: 'm', format: 'csv', textField: 'text', total: 10 });
    assert.equal(s.jobs.nextQueued()?.id, 'a'.repeat(24));
    s.jobs.start('a'.repeat(24));
    s.jobs.commitProgress('a'.repeat(24), 5, 123);
    assert.deepEqual([s.jobs.get('a'.repeat(24))!.status, s.jobs.get('a'.repeat(24))!.processed, s.jobs.get('a'.repeat(24))!.result_bytes], ['running', 5, 123]);
    assert.deepEqual(s.jobs.requeueInterrupted(), ['a'.repeat(24)]);
    assert.equal(s.jobs.get('a'.repeat(24))!.status, 'queued');
    assert.equal(s.jobs.get('a'.repeat(24))!.processed, 5, 'progress survives');
    s.jobs.start('a'.repeat(24));
    s.jobs.finish('a'.repeat(24), 10, 456);
    assert.equal(s.jobs.get('a'.repeat(24))!.status, 'done');
    s.jobs.fail('a'.repeat(24), 'late');
    assert.equal(s.jobs.get('a'.repeat(24))!.status, 'done', 'a finished job cannot fail afterwards');
    assert.deepEqual(s.jobs.countByStatus(), { queued: 0, running: 0, done: 1, failed: 0 });
    s.close();
  });

  it('prediction log: off by default; with retention, old rows are purged', () => {
    const dir = tempDir('db');
    const off = openStorage(path.join(dir, 'p.sqlite'));
    off.predictionLog.record('m', ['a'], [['x']], null);
    assert.equal(off.predictionLog.count(), 0);
    off.close();
    const on = openStorage(path.join(dir, 'p.sqlite'), 7);
    const day = 24 * 3600 * 1000;
    const now = Date.UTC(2026, 0, 31);
    on.predictionLog.record('m', ['old'], [['x']], null, now - 8 * day);
    on.predictionLog.record('m', ['new', 'newer'], [['x'], []], 'k', now - 1 * day);
    assert.equal(on.predictionLog.count(), 3);
    assert.equal(on.predictionLog.purge(now), 1);
    assert.equal(on.predictionLog.count(), 2);
    on.close();
  });

  it('feedback rows come back in order with their labels', () => {
    const s = openStorage(path.join(tempDir('db'), 'f.sqlite'));
    s.feedback.add({ model: 'a', text: 't1', labels: ['x', 'y'] });
    s.feedback.add({ model: 'b', text: 't2', labels: [], predicted: ['z'], comment: 'c' });
    assert.deepEqual([...s.feedback.rows()].map((r) => [r.model, r.text, r.labels, r.predicted, r.comment]), [
      ['a', 't1', ['x', 'y'], null, null],
      ['b', 't2', [], ['z'], 'c'],
    ]);
    assert.equal([...s.feedback.rows('b')].length, 1);
    s.close();
  });
});
