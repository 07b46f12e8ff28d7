/**
 * Distributed sweeps end to end on loopback with real processes: a real redis-server, real
 * `textclass worker` processes and `textclass tune --queue` as a user runs it, on the starter data.
 * Checked: two workers finish exactly the trials asked for, each once (coordinator output, Redis
 * results, journal, tracking); a worker killed with SIGKILL mid-trial has its trial rerun by the
 * other worker and still every trial is in the results exactly once; a worker whose data differs
 * refuses and the sweep stops saying which file.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import YAML from 'yaml';
import { REPO_ROOT } from '../test-support/starter-data.js';
import { openRedis, parseQueueUrl } from './queue-url.js';
import { skipWithoutRedis, startTestRedis, type TestRedis } from './redis-test-server.js';
import { getSweepProgress, listSweeps, readTrialResults } from './sweep-store.js';
import { BIN, startWorkerProcess, type WorkerProcess } from './worker-process.js';

const DATA_DIR = path.join(REPO_ROOT, 'data');
/** Short locks so a dead worker's trial is taken over within about two seconds. */
const LOCK_MS = '1000';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-dist-tune-'));
const runsDb = path.join(work, 'runs.sqlite');

/** recipes/starter.yaml with a small search space (each trial well under a second on the starter data). */
function sweepRecipe(file: string, trials: number, seed: number): string {
  const raw = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, 'recipes', 'starter.yaml'), 'utf8')) as Record<string, unknown>;
  raw.tune = {
    metric: 'macro_f1',
    trials,
    strategy: 'tpe',
    seed,
    pruning: { warmup_trials: 2 },
    space: { 'model.C': { log_range: [0.01, 30] }, 'features.ngram_range': { choice: [[1, 1], [1, 2]] }, 'features.sublinear_tf': { choice: [true, false] } },
  };
  const p = path.join(work, file);
  fs.writeFileSync(p, YAML.stringify(raw));
  return p;
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `textclass tune` in a child process; `onStdout` sees its output as it comes. */
function tune(args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, 'tune', ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TEXTCLASS_DATA_DIR: '', TEXTCLASS_RUNS_DB: runsDb } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** Trial numbers the coordinator reports as finished, in its order. */
function trialLines(stdout: string): number[] {
  return [...stdout.matchAll(/^trial +(\d+)\/\d+ /gm)].map((m) => Number(m[1]));
}

function journalTrials(file: string): { number: number; state: string }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT number, state FROM trials ORDER BY number').all() as { number: number; state: string }[];
  } finally {
    db.close();
  }
}

describe('distributed tune on a real Redis', { skip: skipWithoutRedis, timeout: 300_000 }, () => {
  let redis: TestRedis;
  const workers: WorkerProcess[] = [];
  const startWorker = (dataDir: string, env: Record<string, string> = {}): WorkerProcess => {
    const w = startWorkerProcess(['--queue', redis.url, '--data-dir', dataDir, '--lock-duration', LOCK_MS], env);
    workers.push(w);
    return w;
  };
  const sweepOf = async (): Promise<string> => {
    const client = await openRedis(parseQueueUrl(redis.url));
    try {
      return (await listSweeps(client, 1))[0].sweepId;
    } finally {
      await client.quit();
    }
  };

  before(async () => {
    redis = await startTestRedis();
  });
  /** Each test starts its own workers: none of an earlier test may take its jobs. */
  beforeEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('two workers: exactly the trials asked for, each once, journaled and tracked like a local sweep', async () => {
    const a = startWorker(DATA_DIR);
    const b = startWorker(DATA_DIR);
    await Promise.all([a.waitFor(/taking jobs/), b.waitFor(/taking jobs/)]);
    const recipe = sweepRecipe('two.yaml', 6, 3);
    const out = path.join(work, 'two-best.yaml');
    const r = await tune([recipe, '--data-dir', DATA_DIR, '--queue', redis.url, '--parallel', '2', '--out', out]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(trialLines(r.stdout).sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6], r.stdout);
    assert.match(r.stdout, /best: trial \d+, dev macro_f1 0\.\d{4}/);
    assert.ok(fs.existsSync(out), 'the best recipe is written');

    const client = await openRedis(parseQueueUrl(redis.url));
    try {
      const sweepId = (await listSweeps(client, 1))[0].sweepId;
      const results = await readTrialResults(client, sweepId);
      assert.deepEqual([...results.keys()].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6], 'one result per trial');
      const identities = new Set([a.identity, b.identity]);
      for (const t of results.values()) assert.ok(identities.has(t.worker), `trial ${t.number} ran on ${t.worker}`);
      assert.equal(new Set([...results.values()].map((t) => t.worker)).size, 2, 'both workers took trials');
      const progress = await getSweepProgress(client, sweepId);
      assert.deepEqual({ state: progress?.state, total: progress?.totalTrials, done: progress?.trialsDone, overwritten: progress?.overwritten }, { state: 'done', total: 7, done: 7, overwritten: 0 });
    } finally {
      await client.quit();
    }
    const journal = journalTrials(out.replace(/\.yaml$/, '.journal.sqlite'));
    assert.deepEqual(journal.map((t) => t.number), [0, 1, 2, 3, 4, 5, 6]);
    assert.ok(journal.every((t) => t.state === 'complete' || t.state === 'pruned'), JSON.stringify(journal));
    const db = new Database(runsDb, { readonly: true });
    try {
      const run = db.prepare("SELECT status, metrics_json, argv_json FROM runs WHERE command = 'tune' ORDER BY id DESC LIMIT 1").get() as { status: string; metrics_json: string; argv_json: string };
      assert.equal(run.status, 'ok');
      assert.equal((JSON.parse(run.metrics_json) as { trials: number }).trials, 7);
      assert.ok((JSON.parse(run.argv_json) as string[]).includes('--queue'));
    } finally {
      db.close();
    }
  });

  test('a worker killed with SIGKILL mid-trial: the other worker reruns it, every trial is in the results exactly once', async () => {
    // A pause before each trial and another after its pruning score: a trial takes over 2 s, so
    // the kill lands inside one even when this process reads the worker's log late.
    const slow = { TEXTCLASS_WORKER_SLICE_DELAY_MS: '1200' };
    const a = startWorker(DATA_DIR, slow);
    const b = startWorker(DATA_DIR, slow);
    await Promise.all([a.waitFor(/taking jobs/), b.waitFor(/taking jobs/)]);
    const recipe = sweepRecipe('killed.yaml', 4, 5);
    const out = path.join(work, 'killed-best.yaml');
    const run = tune([recipe, '--data-dir', DATA_DIR, '--queue', redis.url, '--parallel', '2', '--out', out]);
    const startedLine = await a.waitFor(/^started tune-trial sweep \w+ trial \d+/);
    a.child.kill('SIGKILL');
    const killedTrial = Number(/ trial (\d+)/.exec(startedLine)?.[1]);
    const r = await run;
    assert.equal(r.code, 0, `${r.stderr}${r.stdout}\nworker A (killed):\n${a.log.join('\n')}\nworker B:\n${b.log.join('\n')}`);
    const finished = (w: WorkerProcess) => w.log.some((l) => new RegExp(`^finished tune-trial sweep \\w+ trial ${killedTrial} in `).test(l));
    assert.ok(!finished(a), `worker A finished trial ${killedTrial} before the kill; the test did not kill it mid-trial`);
    assert.ok(finished(b), `worker B never took over trial ${killedTrial}:\n${b.log.join('\n')}`);

    const lines = trialLines(r.stdout);
    assert.deepEqual([...lines].sort((x, y) => x - y), [0, 1, 2, 3, 4], `each trial reported once:\n${r.stdout}`);
    const client = await openRedis(parseQueueUrl(redis.url));
    try {
      const sweepId = await sweepOf();
      const results = await readTrialResults(client, sweepId);
      assert.equal(results.size, 5, 'five results for five trials');
      assert.deepEqual([...results.keys()].sort((x, y) => x - y), [0, 1, 2, 3, 4]);
      assert.equal(results.get(killedTrial)?.worker, b.identity, 'the killed trial finished on the other worker');
      const progress = await getSweepProgress(client, sweepId);
      assert.equal(progress?.trialsDone, 5);
      assert.ok((progress?.retries ?? 0) >= 1, `the takeover is counted as a retry (${progress?.retries})`);
    } finally {
      await client.quit();
    }
    const journal = journalTrials(out.replace(/\.yaml$/, '.journal.sqlite'));
    assert.deepEqual(journal.map((t) => t.number), [0, 1, 2, 3, 4]);
    assert.ok(journal.every((t) => t.state !== 'running' && t.state !== 'failed'), JSON.stringify(journal));
  });

  test('a coordinator killed with SIGKILL resumes with the same command: trials finished meanwhile are taken from Redis, none runs twice', async () => {
    const slow = { TEXTCLASS_WORKER_SLICE_DELAY_MS: '700' };
    const a = startWorker(DATA_DIR, slow);
    const b = startWorker(DATA_DIR, slow);
    await Promise.all([a.waitFor(/taking jobs/), b.waitFor(/taking jobs/)]);
    const recipe = sweepRecipe('resume.yaml', 5, 9);
    const out = path.join(work, 'resume-best.yaml');
    const args = [recipe, '--data-dir', DATA_DIR, '--queue', redis.url, '--parallel', '2', '--out', out];
    const child = spawn(process.execPath, [BIN, 'tune', ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TEXTCLASS_DATA_DIR: '', TEXTCLASS_RUNS_DB: runsDb } });
    let first = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        first += d;
        // Two trials done, two more in flight on the workers: kill it now.
        if (trialLines(first).length >= 2 && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`the coordinator ended by itself (${code}) before it was killed:\n${first}`));
      });
    });
    const before = trialLines(first);
    const second = await tune(args);
    assert.equal(second.code, 0, second.stderr + second.stdout);
    const after = trialLines(second.stdout);
    assert.deepEqual([...new Set([...before, ...after])].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5], `first run:\n${first}\nsecond run:\n${second.stdout}`);
    for (const n of before) assert.ok(!after.includes(n), `trial ${n} was finished before the kill and reported again`);
    assert.match(second.stdout, /6 trials \(.*, \d+ reused from the journal\)/);

    // Every trial started exactly once on the workers: the resumed coordinator took the results
    // of the trials that were in flight when it died from Redis instead of enqueuing them again.
    const starts = [...a.log, ...b.log].map((l) => /^started tune-trial sweep \w+ trial (\d+)/.exec(l)?.[1]).filter((n): n is string => n !== undefined).map(Number);
    assert.deepEqual([...starts].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5], `trial starts on the workers:\n${a.log.join('\n')}\n${b.log.join('\n')}`);
    const client = await openRedis(parseQueueUrl(redis.url));
    try {
      const results = await readTrialResults(client, await sweepOf());
      assert.equal(results.size, 6);
    } finally {
      await client.quit();
    }
    const journal = journalTrials(out.replace(/\.yaml$/, '.journal.sqlite'));
    assert.deepEqual(journal.map((t) => t.number), [0, 1, 2, 3, 4, 5]);
    assert.ok(journal.every((t) => t.state !== 'running'), JSON.stringify(journal));
  });

  test('a worker whose data differs refuses the trial and the sweep stops naming the file', async () => {
    const otherData = path.join(work, 'other-data');
    fs.cpSync(path.join(DATA_DIR, 'starter'), path.join(otherData, 'starter'), { recursive: true });
    fs.appendFileSync(path.join(otherData, 'starter', 'train.csv'), 'one more row that the coordinator does not have,joy\n');
    const w = startWorker(otherData);
    await w.waitFor(/taking jobs/);
    const recipe = sweepRecipe('mismatch.yaml', 3, 7);
    const r = await tune([recipe, '--data-dir', DATA_DIR, '--queue', redis.url, '--parallel', '1', '--out', path.join(work, 'mismatch-best.yaml')]);
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stderr, /trial 0 failed on the workers: trial 0: this worker's train data differs from the coordinator's: .*train\.csv has sha256 [0-9a-f]{12}… \(\d+ bytes\), the coordinator's starter\/train\.csv [0-9a-f]{12}…/);
    assert.match(r.stderr, /--data-dir/);
    assert.equal(trialLines(r.stdout).length, 0, 'no trial ran');
    assert.ok(w.log.some((l) => /^failed tune-trial .* trial 0: .*differs/.test(l)), w.log.join('\n'));
  });
});
