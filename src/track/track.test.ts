import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { REPO_ROOT } from '../test-support/starter-data.js';
import { hashDataPath, sha256OfFile } from './file-hash.js';
import { gitCommit } from './git.js';
import { trainingSteps } from './commands.js';
import { TrackedRun } from './record.js';
import { defaultRunsDbPath, RunsDb } from './runs-db.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-track-'));
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('runs database', () => {
  test('round trip: a run with data hashes, steps, metrics and artifacts', () => {
    const db = new RunsDb(path.join(work, 'round-trip.sqlite'));
    const id = db.startRun({ command: 'train', recipeName: 'starter', recipe: { name: 'starter', model: { C: 10 } }, seed: 42, gitCommit: 'a'.repeat(40), argv: ['recipes/starter.yaml', '--out', 'm'] });
    db.addData(id, 'train', { path: '/d/train.csv', sha256: 'b'.repeat(64), bytes: 10, files: 1 });
    db.addSteps(id, [
      { step: 1, name: 'train_loss', value: 1.5 },
      { step: 2, name: 'train_loss', value: 1.2 },
      { step: 1, name: 'nan is left out', value: NaN },
    ]);
    assert.equal(db.getRun(id)?.status, 'running');
    db.finishRun(id, { status: 'ok', seconds: 2.5, metrics: { dev_accuracy: 0.7 }, artifacts: { model_dir: '/m' } });
    const run = db.getRun(id)!;
    assert.equal(run.command, 'train');
    assert.equal(run.recipeName, 'starter');
    assert.deepEqual(run.recipe, { name: 'starter', model: { C: 10 } });
    assert.equal(run.seed, 42);
    assert.equal(run.gitCommit, 'a'.repeat(40));
    assert.deepEqual(run.argv, ['recipes/starter.yaml', '--out', 'm']);
    assert.equal(run.status, 'ok');
    assert.equal(run.seconds, 2.5);
    assert.deepEqual(run.metrics, { dev_accuracy: 0.7 });
    assert.deepEqual(run.artifacts, { model_dir: '/m' });
    assert.deepEqual(run.data, [{ role: 'train', path: '/d/train.csv', sha256: 'b'.repeat(64), bytes: 10, files: 1 }]);
    assert.deepEqual(run.steps, [
      { step: 1, name: 'train_loss', value: 1.5 },
      { step: 2, name: 'train_loss', value: 1.2 },
    ]);
    db.close();
  });

  test('list filters by command and recipe, newest first', () => {
    const db = new RunsDb(path.join(work, 'list.sqlite'));
    const add = (command: 'train' | 'eval', recipeName: string) => db.startRun({ command, recipeName, recipe: null, seed: null, gitCommit: 'unknown', argv: [] });
    const a = add('train', 'starter');
    const b = add('eval', 'starter');
    const c = add('train', 'imdb');
    assert.deepEqual(db.listRuns().map((r) => r.id), [c, b, a]);
    assert.deepEqual(db.listRuns({ command: 'train' }).map((r) => r.id), [c, a]);
    assert.deepEqual(db.listRuns({ command: 'train', recipe: 'starter' }).map((r) => r.id), [a]);
    assert.deepEqual(db.listRuns({ limit: 1 }).map((r) => r.id), [c]);
    db.close();
  });

  test('the database path: flag, then $TEXTCLASS_RUNS_DB, then ./textclass-runs.sqlite', () => {
    const saved = process.env.TEXTCLASS_RUNS_DB;
    try {
      process.env.TEXTCLASS_RUNS_DB = '/tmp/env.sqlite';
      assert.equal(defaultRunsDbPath('flag.sqlite'), path.resolve('flag.sqlite'));
      assert.equal(defaultRunsDbPath(), '/tmp/env.sqlite');
      delete process.env.TEXTCLASS_RUNS_DB;
      assert.equal(defaultRunsDbPath(), path.resolve('textclass-runs.sqlite'));
    } finally {
      if (saved === undefined) delete process.env.TEXTCLASS_RUNS_DB;
      else process.env.TEXTCLASS_RUNS_DB = saved;
    }
  });

  test('a tracked run records the git commit of the code and the hashes of its data', async () => {
    const dbPath = path.join(work, 'tracked.sqlite');
    const data = path.join(work, 'train.csv');
    fs.writeFileSync(data, 'text,label\nhello,a\n');
    const run = TrackedRun.start({ enabled: true, dbPath }, { command: 'cv', recipeName: 'r', recipe: { name: 'r' }, seed: 1, argv: ['r.yaml'] })!;
    await run.finish({ metrics: { cv_mean_accuracy: 0.5 }, data: { train: data, dev: undefined, missing: path.join(work, 'nope.csv') } });
    const db = new RunsDb(dbPath);
    const rec = db.getRun(run.id)!;
    db.close();
    assert.equal(rec.gitCommit, gitCommit());
    assert.match(rec.gitCommit, /^([0-9a-f]{40}|unknown)$/);
    assert.deepEqual(rec.data.map((d) => [d.role, d.sha256]), [['train', sha('text,label\nhello,a\n')]]);
    assert.equal(rec.status, 'ok');
    assert.ok(rec.seconds !== null && rec.seconds >= 0);
  });

  test('artifacts known at the start are recorded then; those of the end are merged over them, a failure keeps them', async () => {
    const dbPath = path.join(work, 'start-artifacts.sqlite');
    const start = { command: 'tune' as const, recipeName: 'r', argv: ['r.yaml'], artifacts: { journal: '/w/r.journal.sqlite', study: 'abc123' } };
    const ok = TrackedRun.start({ enabled: true, dbPath }, start)!;
    const failed = TrackedRun.start({ enabled: true, dbPath }, start)!;
    const read = (id: number) => {
      const db = new RunsDb(dbPath);
      try {
        return db.getRun(id)!;
      } finally {
        db.close();
      }
    };
    assert.equal(read(ok.id).status, 'running');
    assert.deepEqual(read(ok.id).artifacts, { journal: '/w/r.journal.sqlite', study: 'abc123' });
    await ok.finish({ artifacts: { best_recipe: '/w/r-tuned.yaml', journal: '/w/moved.journal.sqlite' } });
    assert.deepEqual(read(ok.id).artifacts, { journal: '/w/moved.journal.sqlite', study: 'abc123', best_recipe: '/w/r-tuned.yaml' });
    await failed.fail(new Error('worker crashed'));
    const f = read(failed.id);
    assert.equal(f.status, 'failed');
    assert.equal(f.error, 'worker crashed');
    assert.deepEqual(f.artifacts, { journal: '/w/r.journal.sqlite', study: 'abc123' }, 'a failed sweep still names its journal');
  });

  test('a runs database that cannot be opened at the start: the run goes on untracked', () => {
    const notADir = path.join(work, 'a-file');
    fs.writeFileSync(notADir, 'x');
    assert.equal(TrackedRun.start({ enabled: true, dbPath: path.join(notADir, 'runs.sqlite') }, { command: 'tune', argv: [], artifacts: { journal: '/j' } }), null);
  });

  test('a running run whose process on this machine is gone reads as failed, with why; alive or elsewhere it stays running', () => {
    const dbPath = path.join(work, 'orphans.sqlite');
    const db = new RunsDb(dbPath);
    try {
      const alive = db.startRun({ command: 'train', recipeName: 'r', recipe: null, seed: 1, gitCommit: 'x', argv: [] });
      const gone = db.startRun({ command: 'tune', recipeName: 'r', recipe: null, seed: 1, gitCommit: 'x', argv: [] });
      const elsewhere = db.startRun({ command: 'cv', recipeName: 'r', recipe: null, seed: 1, gitCommit: 'x', argv: [] });
      // A pid that no process has any more: a child that has exited.
      const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      const deadPid = Number(child.stdout);
      assert.ok(Number.isInteger(deadPid) && deadPid > 0);
      const raw = new Database(dbPath);
      raw.prepare('UPDATE runs SET pid = ? WHERE id IN (?, ?)').run(deadPid, gone, elsewhere);
      raw.prepare("UPDATE runs SET host = 'another-machine' WHERE id = ?").run(elsewhere);
      raw.close();
      const status = new Map(db.listRuns().map((r) => [r.id, r.status]));
      assert.equal(status.get(alive), 'running', 'this process is alive');
      assert.equal(status.get(gone), 'failed');
      assert.equal(status.get(elsewhere), 'running', 'a process on another machine cannot be checked from here');
      assert.match(db.getRun(gone)!.error ?? '', new RegExp(`its process \\(pid ${deadPid}\\) ended without finishing the run`));
      assert.equal(db.getRun(alive)!.error, null);
    } finally {
      db.close();
    }
  });

  test('a runs database written before runs recorded their process gains the columns; its old rows are taken at their word', () => {
    const dbPath = path.join(work, 'old-runs.sqlite');
    const raw = new Database(dbPath);
    raw.exec(`CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, command TEXT NOT NULL, recipe_name TEXT, recipe_json TEXT, seed INTEGER, git_commit TEXT NOT NULL, argv_json TEXT NOT NULL, status TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, seconds REAL, metrics_json TEXT NOT NULL DEFAULT '{}', artifacts_json TEXT NOT NULL DEFAULT '{}', error TEXT)`);
    raw.prepare("INSERT INTO runs (command, git_commit, argv_json, status, started_at) VALUES ('train', 'x', '[]', 'running', '2026-01-01T00:00:00.000Z')").run();
    raw.close();
    const db = new RunsDb(dbPath);
    try {
      assert.equal(db.listRuns()[0].status, 'running');
      const id = db.startRun({ command: 'train', recipeName: null, recipe: null, seed: null, gitCommit: 'x', argv: [] });
      assert.equal(db.getRun(id)!.status, 'running');
    } finally {
      db.close();
    }
  });

  test('a disabled tracker records nothing', () => {
    const dbPath = path.join(work, 'disabled.sqlite');
    assert.equal(TrackedRun.start({ enabled: false, dbPath }, { command: 'train', argv: [] }), null);
    assert.ok(!fs.existsSync(dbPath));
  });
});

describe('data file hashes', () => {
  test('streamed sha256 matches a one-shot hash', async () => {
    const file = path.join(work, 'big.bin');
    const bytes = Buffer.alloc(3 * (1 << 20) + 17, 7);
    fs.writeFileSync(file, bytes);
    assert.equal(await sha256OfFile(file), createHash('sha256').update(bytes).digest('hex'));
  });

  test('cached by path, size and mtime: an unchanged file is not read again, a changed one is', async () => {
    const db = new RunsDb(path.join(work, 'cache.sqlite'));
    const file = path.join(work, 'cached.txt');
    fs.writeFileSync(file, 'one');
    const first = await hashDataPath(file, db);
    assert.equal(first.sha256, sha('one'));
    // Plant a different hash for the same size and mtime: the cache must answer without reading.
    const st = fs.statSync(file);
    db.store(file, st.size, st.mtimeMs, 'f'.repeat(64));
    assert.equal((await hashDataPath(file, db)).sha256, 'f'.repeat(64));
    fs.writeFileSync(file, 'two!');
    assert.equal((await hashDataPath(file, db)).sha256, sha('two!'));
    db.close();
  });

  test('a folder is hashed over its files and their relative paths', async () => {
    const dir = path.join(work, 'folder');
    fs.mkdirSync(path.join(dir, 'pos'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'neg'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'pos', '1.txt'), 'good');
    fs.writeFileSync(path.join(dir, 'neg', '2.txt'), 'bad');
    const h = await hashDataPath(dir);
    assert.equal(h.files, 2);
    assert.equal(h.bytes, 7);
    fs.renameSync(path.join(dir, 'pos', '1.txt'), path.join(dir, 'neg', '1.txt'));
    assert.notEqual((await hashDataPath(dir)).sha256, h.sha256, 'moving a file between labels changes the hash');
  });
});

describe('git commit', () => {
  const commit = '0123456789abcdef0123456789abcdef01234567';
  const repo = (name: string, files: Record<string, string>) => {
    const root = path.join(work, name);
    for (const [p, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
      fs.writeFileSync(path.join(root, p), text);
    }
    fs.mkdirSync(path.join(root, 'dist', 'track'), { recursive: true });
    return path.join(root, 'dist', 'track');
  };

  test('read from a loose ref, a packed ref, a detached HEAD and a worktree link', () => {
    assert.equal(gitCommit(repo('loose', { '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/main': commit + '\n' })), commit);
    assert.equal(gitCommit(repo('packed', { '.git/HEAD': 'ref: refs/heads/main\n', '.git/packed-refs': `# pack-refs with: peeled\n${commit} refs/heads/main\n` })), commit);
    assert.equal(gitCommit(repo('detached', { '.git/HEAD': commit + '\n' })), commit);
    const main = path.join(work, 'packed', '.git');
    assert.equal(gitCommit(repo('worktree', { '.git': `gitdir: ${path.join(work, 'wt-git')}\n`, '../wt-git/HEAD': 'ref: refs/heads/main\n', '../wt-git/commondir': main + '\n' })), commit);
  });

  test('"unknown" outside any repository', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-git-'));
    const found = gitCommit(dir);
    // A temp folder inside a repository (unusual) would give that repository's commit.
    assert.match(found, /^([0-9a-f]{40}|unknown)$/);
    if (!fs.existsSync('/tmp/.git') && !fs.existsSync('/.git')) assert.equal(found, 'unknown');
  });

  test('this checkout: the commit `git rev-parse HEAD` reports', () => {
    const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (r.status !== 0) return; // No git here, or not a checkout: nothing to compare with.
    assert.equal(gitCommit(), r.stdout.trim());
  });
});

describe('training steps from a manifest', () => {
  test('fastText epochs and linear loss curves', () => {
    const steps = trainingSteps({ epochs: [{ epoch: 1, train_loss: 2, lr: 0.1, dev_macro_f1: 0.3 }], loss_curve: [5, 4] });
    assert.deepEqual(steps, [
      { step: 1, name: 'train_loss', value: 2 },
      { step: 1, name: 'lr', value: 0.1 },
      { step: 1, name: 'dev_macro_f1', value: 0.3 },
      { step: 1, name: 'loss', value: 5 },
      { step: 2, name: 'loss', value: 4 },
    ]);
  });
});
