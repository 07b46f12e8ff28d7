import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { gitCommit } from '../../track/git.js';
import { REPO_ROOT } from '../../test-support/starter-data.js';

/** The CLI, `runs` included (dist/tune/cli-shim.js dispatches it until main.ts registers it). */
const CLI = path.join(REPO_ROOT, 'dist', 'tune', 'cli-shim.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-runs-'));
const dbFile = path.join(work, 'runs.sqlite');

function cli(args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, TEXTCLASS_DATA_DIR: '', TEXTCLASS_RUNS_DB: dbFile, ...extraEnv } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('textclass runs', () => {
  const recipe = path.join(REPO_ROOT, 'recipes', 'starter.yaml');
  const dataDir = path.join(REPO_ROOT, 'data');
  const model = path.join(work, 'm10');

  before(() => {
    for (const [out, C] of [
      [model, '10'],
      [path.join(work, 'm1'), '1'],
    ]) {
      const r = cli(['train', recipe, '--out', out, '--data-dir', dataDir, '--set', `model.C=${C}`, '--quiet']);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal(cli(['eval', model, '--data', path.join(dataDir, 'starter', 'dev.csv'), '--json']).code, 0);
    assert.equal(cli(['train', recipe, '--out', path.join(work, 'untracked'), '--data-dir', dataDir, '--quiet', '--no-track']).code, 0);
    assert.equal(cli(['cv', recipe, '--folds', '2', '--data-dir', dataDir, '--json', '--runs-db', path.join(work, 'other.sqlite')]).code, 0);
  });

  test('list: newest first, one line per run, --no-track and --runs-db elsewhere leave no row here', () => {
    const r = cli(['runs']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^id\s+command\s+recipe\s+status\s+started \(UTC\)\s+took\s+commit\s+metrics$/);
    assert.equal(lines.length, 4, r.stdout);
    assert.match(lines[1], /^3\s+eval\s+starter\s+ok\s+.*eval_accuracy=0\.\d{4}/);
    assert.match(lines[2], /^2\s+train\s+starter\s+ok\s+.*dev_accuracy=0\.\d{4}\s+dev_balanced_accuracy=0\.\d{4}/);
    assert.match(lines[3], new RegExp(`^1\\s+train\\s+starter\\s+ok\\s+.*${gitCommit().slice(0, 8)}`));
    const other = JSON.parse(cli(['runs', '--json', '--runs-db', path.join(work, 'other.sqlite')]).stdout) as { command: string; metrics: Record<string, number> }[];
    assert.deepEqual(other.map((x) => x.command), ['cv']);
    assert.ok(other[0].metrics.cv_mean_accuracy > 0);
  });

  test('list filters by command and recipe', () => {
    const train = JSON.parse(cli(['runs', 'list', '--command', 'train', '--json']).stdout) as { id: number }[];
    assert.deepEqual(train.map((x) => x.id), [2, 1]);
    assert.equal(JSON.parse(cli(['runs', '--recipe', 'imdb', '--json']).stdout).length, 0);
    assert.match(cli(['runs', '--recipe', 'imdb']).stdout, /no runs recorded/);
  });

  test('show: recipe, seed, commit, data hashes, metrics and per-iteration loss', () => {
    const run = JSON.parse(cli(['runs', 'show', '1', '--json']).stdout);
    assert.equal(run.command, 'train');
    assert.equal(run.seed, 42);
    assert.equal(run.gitCommit, gitCommit());
    assert.equal(run.recipe.model.C, 10);
    const train = run.data.find((d: { role: string }) => d.role === 'train');
    assert.equal(train.sha256, sha256(path.join(dataDir, 'starter', 'train.csv')));
    assert.equal(run.data.find((d: { role: string }) => d.role === 'dev').sha256, sha256(path.join(dataDir, 'starter', 'dev.csv')));
    assert.equal(run.artifacts.model_dir, model);
    assert.ok(run.metrics.dev_accuracy > 0.5);
    assert.ok(run.steps.some((s: { name: string }) => s.name === 'loss'), 'the L-BFGS loss per iteration');
    const text = cli(['runs', 'show', '1']).stdout;
    assert.match(text, /^run 1: train starter\n/);
    assert.match(text, new RegExp(`commit +${gitCommit()}`));
    assert.match(text, new RegExp(`train +${train.sha256} +.*train\\.csv`));
  });

  test('compare: metrics side by side with differences, and the recipe fields that differ', () => {
    const c = JSON.parse(cli(['runs', 'compare', '1', '2', '--json']).stdout);
    assert.deepEqual(c.runs, [1, 2]);
    assert.deepEqual(c.recipe_diff, { 'model.C': [10, 1] });
    assert.deepEqual(c.data_diff, {});
    assert.equal(c.metrics.dev_accuracy.length, 2);
    const text = cli(['runs', 'compare', '1', '2']).stdout;
    assert.match(text, /dev_accuracy\s+0\.\d{4}\s+0\.\d{4} \([+-]0\.\d{4}\)/);
    assert.match(text, /recipe fields that differ:\n.*\nmodel\.C\s+10\s+1/);
    assert.match(text, /data: same files \(sha256\)/);
  });

  test('a sweep stopped with Ctrl-C (SIGINT) lists as failed, saying its process ended, not as running for ever', async () => {
    const db = path.join(work, 'interrupted.sqlite');
    const tune = `{metric: macro_f1, trials: 400, strategy: random, seed: 1, space: {model.C: {log_range: [0.01, 30]}}}`;
    const child = spawn(process.execPath, [CLI, 'tune', recipe, '--data-dir', dataDir, '--out', path.join(work, 'interrupted-best.yaml'), '--runs-db', db, '--no-pruning', '--set', `tune=${tune}`], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    try {
      // Wait for a finished trial (so the run is recorded and well under way), then interrupt.
      const deadline = Date.now() + 120_000;
      while (!/trial\s+\d+/.test(output)) {
        if (child.exitCode !== null) assert.fail(`tune ended before it could be interrupted:\n${output}`);
        if (Date.now() > deadline) assert.fail(`no trial finished within 2 minutes:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const running = JSON.parse(cli(['runs', '--runs-db', db, '--json']).stdout) as { id: number; status: string }[];
      assert.equal(running[0].status, 'running');
      child.kill('SIGINT');
      const end = await exited;
      assert.ok(end.signal === 'SIGINT' || end.code !== 0, `tune kept going after SIGINT: ${JSON.stringify(end)}`);
      const listed = JSON.parse(cli(['runs', '--runs-db', db, '--json']).stdout) as { id: number; status: string }[];
      assert.equal(listed[0].id, running[0].id);
      assert.equal(listed[0].status, 'failed');
      const shown = cli(['runs', 'show', String(running[0].id), '--runs-db', db]);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, new RegExp(`its process \\(pid ${child.pid}\\) ended without finishing the run`));
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  test('usage errors are one line', () => {
    for (const [args, pattern] of [
      [['runs', 'show', '99'], /no run 99/],
      [['runs', 'compare', '1'], /two or more run ids/],
      [['runs', 'drop'], /unknown runs subcommand "drop"/],
      [['runs', '--command', 'predict'], /--command must be train, tune, eval or cv/],
      [['runs', '--runs-db', path.join(work, 'none.sqlite')], /no runs database at/],
    ] as const) {
      const r = cli([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr.trim(), pattern);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });
});
