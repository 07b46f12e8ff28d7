import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { openStorage } from '../../serve/storage/index.js';

/** Runs one of this folder's commands in a child process, as the CLI would. */
function run(command: 'keys' | 'feedback', args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const mod = path.join(path.dirname(new URL(import.meta.url).pathname), `${command}.js`);
  const fn = command === 'keys' ? 'runKeys' : 'runFeedback';
  const code = `import { TextclassError } from ${JSON.stringify(path.resolve(path.dirname(mod), '../../errors.js'))};
const m = await import(${JSON.stringify(mod)});
try { process.exitCode = await m.${fn}(process.argv.slice(1)); } catch (e) { if (!(e instanceof TextclassError)) throw e; process.stderr.write(e.message + '\\n'); process.exitCode = e.exitCode; }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code, '--', ...args], { cwd, encoding: 'utf8', env: { ...process.env, TEXTCLASS_DB: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('textclass keys / feedback', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-keys-'));
  const db = path.join(work, 'db.sqlite');

  it('keys create prints the key once; list shows it without the secret; revoke ends it', () => {
    const created = run('keys', ['create', '--scope', 'admin', '--name', 'ops', '--db', db], work);
    assert.equal(created.status, 0, created.stderr);
    const key = created.stdout.trim();
    assert.match(key, /^tc_[0-9a-f]{16}_/);
    const id = key.split('_')[1];
    const storage = openStorage(db);
    assert.deepEqual(storage.keys.verify(key), { id, scope: 'admin' });
    storage.close();
    const list = run('keys', ['list', '--db', db], work);
    assert.match(list.stdout, new RegExp(`${id}\\s+admin.*active\\s+ops`));
    // The secret is base64url and may itself contain '_', so it is everything after the id.
    const secret = key.slice(`tc_${id}_`.length);
    assert.equal(secret.length, 43);
    assert.ok(!list.stdout.includes(secret));
    assert.equal(run('keys', ['revoke', id, '--db', db], work).status, 0);
    assert.match(run('keys', ['list', '--db', db], work).stdout, /revoked/);
    const again = run('keys', ['revoke', id, '--db', db], work);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /no active key/);
  });

  it('keys: bad scope and unknown subcommand are usage errors', () => {
    const bad = run('keys', ['create', '--scope', 'root', '--db', db], work);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--scope must be read or admin/);
    assert.equal(run('keys', ['destroy', '--db', db], work).status, 2);
    assert.equal(run('keys', ['create', '--db', db], work).status, 2);
  });

  it('feedback export writes every row as CSV, optionally of one model', () => {
    const storage = openStorage(db);
    storage.feedback.add({ model: 'starter', text: 'I miss you, "really"', labels: ['love'], predicted: ['sadness'], comment: 'affection' });
    storage.feedback.add({ model: 'other', text: 'two\nlines', labels: ['a', 'b'] });
    storage.close();
    const outFile = path.join(work, 'fb.csv');
    const r = run('feedback', ['export', '--out', outFile, '--db', db], work);
    assert.equal(r.status, 0, r.stderr);
    const rows = parse(fs.readFileSync(outFile, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(rows.map((x) => [x.model, x.text, x.labels, x.predicted, x.comment]), [
      ['starter', 'I miss you, "really"', 'love', 'sadness', 'affection'],
      ['other', 'two\nlines', 'a|b', '', ''],
    ]);
    run('feedback', ['export', '--out', outFile, '--db', db, '--model', 'other'], work);
    assert.equal((parse(fs.readFileSync(outFile, 'utf8'), { columns: true }) as unknown[]).length, 1);
    const missing = run('feedback', ['export', '--out', outFile, '--db', path.join(work, 'nope.sqlite')], work);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such database/);
  });
});
