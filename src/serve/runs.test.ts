/**
 * The runs routes over a real runs database and a real trial journal, both written with the
 * classes the CLI uses (RunsDb, TuneJournal) in a temp folder: the list and its filters, one run
 * with file names instead of paths, a tune run's sweep (trials, best, importance, the right study
 * of a journal that holds two), the 404s, a missing database as "no runs", and the OpenAPI entry;
 * and a sweep while it runs (the run recorded by TrackedRun as `textclass tune` records it, the
 * journal held open and written trial by trial): the trials so far, then the final view.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { TrackedRun } from '../track/record.js';
import { RunsDb } from '../track/runs-db.js';
import { TuneJournal } from '../tune/journal.js';
import { tempDir, testServer, type TestServer } from './fixtures.js';
import { headlineMetrics, hidePathsInText } from './routes/runs.js';

interface Fixture {
  dir: string;
  runsDb: string;
  trainId: number;
  tuneId: number;
  evalId: number;
}

/** Trials of the sweep the tune run recorded: trial 0 is the baseline, 3 pruned, 5 failed. */
const TRIALS: { C: number; ngrams: string; state: 'complete' | 'pruned' | 'failed'; value: number | null }[] = [
  { C: 10, ngrams: '1-2', state: 'complete', value: 0.61 },
  { C: 0.1, ngrams: '1-1', state: 'complete', value: 0.52 },
  { C: 3, ngrams: '1-2', state: 'complete', value: 0.66 },
  { C: 0.01, ngrams: '1-1', state: 'pruned', value: 0.31 },
  { C: 30, ngrams: '1-2', state: 'complete', value: 0.64 },
  { C: 1, ngrams: '1-3', state: 'failed', value: null },
  { C: 5, ngrams: '1-2', state: 'complete', value: 0.67 },
  { C: 0.3, ngrams: '1-1', state: 'complete', value: 0.55 },
];

function buildRuns(): Fixture {
  const dir = tempDir('runs');
  const runsDb = path.join(dir, 'runs.sqlite');
  const journalFile = path.join(dir, 'out', 'starter-tuned.journal.sqlite');
  const dataFile = path.join(dir, 'data', 'train.csv');
  fs.mkdirSync(path.dirname(dataFile), { recursive: true });
  fs.writeFileSync(dataFile, 'text,emotion\nhi,joy\n');

  const journal = new TuneJournal(journalFile);
  // An older study of another recipe shares the file: the route must pick the run's own.
  journal.ensureStudy('other0000000000', 'other', { tune: { metric: 'log_loss' }, baseline: false });
  journal.start('other0000000000', 0, { C: 1 });
  journal.finish('other0000000000', 0, { state: 'complete', value: 0.9, seconds: 1 });
  journal.ensureStudy('study1111111111', 'starter', { tune: { metric: 'balanced_accuracy', strategy: 'tpe' }, baseline: true });
  TRIALS.forEach((t, n) => {
    const params = n === 0 ? {} : { 'model.C': t.C, 'features.ngram_range': t.ngrams };
    journal.start('study1111111111', n, params);
    journal.finish('study1111111111', n, {
      state: t.state,
      value: t.value,
      seconds: 0.5 + n,
      ...(t.state === 'failed' ? { error: `could not read ${dataFile}: no such column` } : {}),
    });
  });
  journal.close();

  const db = new RunsDb(runsDb);
  const base = { recipeName: 'starter', seed: 0, gitCommit: 'abc1234def', argv: ['recipes/starter.yaml', `--out=${path.join(dir, 'out', 'm')}`] };
  const trainId = db.startRun({ ...base, command: 'train', recipe: { name: 'starter', task: 'multiclass', description: 'Emotion <b>demo</b>', model: { type: 'logistic_regression', C: 10 }, data: { train: dataFile } } });
  db.addData(trainId, 'train', { path: dataFile, sha256: 'a'.repeat(64), bytes: 20, files: 1 });
  db.addSteps(trainId, [{ step: 1, name: 'loss', value: 0.7 }]);
  db.finishRun(trainId, { status: 'ok', seconds: 1.5, metrics: { dev_accuracy: 0.6, dev_macro_f1: 0.58, dev_log_loss: 1.1, train_rows: 300 }, artifacts: { model_dir: path.join(dir, 'out', 'm') } });
  const tuneId = db.startRun({ ...base, command: 'tune', recipe: { name: 'starter', task: 'multiclass' } });
  db.addSteps(tuneId, TRIALS.flatMap((t, n) => (t.value === null ? [] : [{ step: n, name: t.state === 'pruned' ? 'balanced_accuracy@0.3' : 'balanced_accuracy', value: t.value }])));
  db.finishRun(tuneId, { status: 'ok', seconds: 9, metrics: { best_balanced_accuracy: 0.67, baseline_balanced_accuracy: 0.61, best_trial_accuracy: 0.7, trials: 8 }, artifacts: { best_recipe: path.join(dir, 'out', 'starter-tuned.yaml'), journal: journalFile } });
  const evalId = db.startRun({ ...base, command: 'eval', recipe: null });
  db.finishRun(evalId, { status: 'failed', seconds: 0.2, error: `no model at ${path.join(dir, 'models', 'x')}` });
  db.close();
  return { dir, runsDb, trainId, tuneId, evalId };
}

/** No absolute path of the fixture folder (or any /tmp path) in a response. */
function assertNoPaths(body: string, dir: string): void {
  assert.ok(!body.includes(dir), 'the temp folder is not shown');
  assert.doesNotMatch(body, /\/tmp\/|\/work\//, 'no absolute path');
}

describe('serve: runs routes', () => {
  let f: Fixture;
  let s: TestServer;
  before(async () => {
    f = buildRuns();
    s = await testServer({}, { runsDb: f.runsDb });
  });
  after(() => s.close());

  it('GET /v1/runs lists runs newest first with headline metrics and a sweep link for tune runs', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/v1/runs' });
    assert.equal(res.statusCode, 200, res.body);
    const { runs } = res.json() as { runs: Array<Record<string, unknown>> };
    assert.deepEqual(runs.map((r) => r.id), [f.evalId, f.tuneId, f.trainId]);
    const [ev, tune, train] = runs;
    assert.deepEqual(train.headline_metrics, { dev_accuracy: 0.6, dev_macro_f1: 0.58 });
    assert.deepEqual(tune.headline_metrics, { best_balanced_accuracy: 0.67, baseline_balanced_accuracy: 0.61 });
    assert.equal(tune.sweep_url, `/v1/runs/${f.tuneId}/sweep`);
    assert.equal(train.sweep_url, undefined);
    assert.equal(ev.status, 'failed');
    assert.equal(train.commit, 'abc1234def');
    assert.equal(train.recipe, 'starter');
    assert.equal(typeof train.started_at, 'string');
    assert.equal(train.seconds, 1.5);
    assertNoPaths(res.body, f.dir);
  });

  it('filters by command and recipe, and limits', async () => {
    const ids = async (url: string) => ((await s.app.inject({ method: 'GET', url })).json() as { runs: { id: number }[] }).runs.map((r) => r.id);
    assert.deepEqual(await ids('/v1/runs?command=tune'), [f.tuneId]);
    assert.deepEqual(await ids('/v1/runs?recipe=starter&limit=2'), [f.evalId, f.tuneId]);
    assert.deepEqual(await ids('/v1/runs?recipe=nope'), []);
    const bad = await s.app.inject({ method: 'GET', url: '/v1/runs?command=deploy' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.json().error.message, /command/);
    assert.equal((await s.app.inject({ method: 'GET', url: '/v1/runs?limit=0' })).statusCode, 422);
    assert.equal((await s.app.inject({ method: 'GET', url: '/v1/runs?color=red' })).statusCode, 422);
  });

  it('GET /v1/runs/:id shows recipe summary, data hashes, metrics, steps and artifacts by file name', async () => {
    const res = await s.app.inject({ method: 'GET', url: `/v1/runs/${f.trainId}` });
    assert.equal(res.statusCode, 200, res.body);
    const run = res.json() as Record<string, any>;
    assert.deepEqual(run.recipe_summary, { name: 'starter', description: 'Emotion <b>demo</b>', task: 'multiclass', model_type: 'logistic_regression' });
    assert.deepEqual(run.data, [{ role: 'train', file: 'train.csv', sha256: 'a'.repeat(64), bytes: 20, files: 1 }]);
    assert.equal(run.metrics.dev_log_loss, 1.1);
    assert.deepEqual(run.steps, [{ step: 1, name: 'loss', value: 0.7 }]);
    assert.deepEqual(run.artifacts, { model_dir: 'm' });
    assert.equal(run.resolved_recipe.data.train, 'train.csv');
    assert.deepEqual(run.argv, ['recipes/starter.yaml', '--out=m']);
    assertNoPaths(res.body, f.dir);
    const failed = (await s.app.inject({ method: 'GET', url: `/v1/runs/${f.evalId}` })).json() as Record<string, any>;
    assert.equal(failed.error, 'no model at x');
    assert.equal(failed.resolved_recipe, null);
    assert.equal(failed.recipe, 'starter');
  });

  it("GET /v1/runs/:id/sweep returns the run's study: trials, metric, direction, best and importance", async () => {
    const res = await s.app.inject({ method: 'GET', url: `/v1/runs/${f.tuneId}/sweep` });
    assert.equal(res.statusCode, 200, res.body);
    const sweep = res.json() as Record<string, any>;
    assert.equal(sweep.study, 'study1111111111');
    assert.equal(sweep.journal, 'starter-tuned.journal.sqlite');
    assert.equal(sweep.metric, 'balanced_accuracy');
    assert.equal(sweep.direction, 'maximize');
    assert.equal(sweep.baseline, true);
    assert.deepEqual(sweep.trials.map((t: { status: string }) => t.status), TRIALS.map((t) => t.state));
    assert.deepEqual(sweep.trials.map((t: { value: number | null }) => t.value), TRIALS.map((t) => t.value));
    assert.deepEqual(sweep.trials[2].params, { 'model.C': 3, 'features.ngram_range': '1-2' });
    assert.equal(sweep.trials[5].error, 'could not read train.csv: no such column');
    assert.deepEqual(sweep.best, { number: 6, value: 0.67, params: { 'model.C': 5, 'features.ngram_range': '1-2' } });
    const importance = sweep.importance as { parameter: string; importance: number }[];
    assert.deepEqual(importance.map((i) => i.parameter).sort(), ['features.ngram_range', 'model.C']);
    assert.ok(Math.abs(importance.reduce((a, i) => a + i.importance, 0) - 1) < 1e-9, 'importances sum to 1');
    assert.ok(importance[0].importance >= importance[1].importance, 'largest first');
    assertNoPaths(res.body, f.dir);
  });

  it('answers 404 for unknown runs, runs without a journal and a journal that is gone', async () => {
    for (const url of ['/v1/runs/999', '/v1/runs/abc', '/v1/runs/0', '/v1/runs/999/sweep']) {
      const res = await s.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.match(res.json().error.message, /no run/);
    }
    const train = await s.app.inject({ method: 'GET', url: `/v1/runs/${f.trainId}/sweep` });
    assert.equal(train.statusCode, 404);
    assert.match(train.json().error.message, /only tune runs have a sweep/);
  });

  it('a missing runs database lists no runs and finds none; the database is never created', async () => {
    const file = path.join(tempDir('noruns'), 'absent.sqlite');
    const empty = await testServer({}, { runsDb: file });
    try {
      const res = await empty.app.inject({ method: 'GET', url: '/v1/runs' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { runs: [] });
      assert.equal((await empty.app.inject({ method: 'GET', url: '/v1/runs/1' })).statusCode, 404);
      assert.equal(fs.existsSync(file), false);
    } finally {
      await empty.close();
    }
  });

  it('a tune run whose journal was deleted is a 404 naming the file', async () => {
    const copy = buildRuns();
    fs.rmSync(path.join(copy.dir, 'out', 'starter-tuned.journal.sqlite'));
    const other = await testServer({}, { runsDb: copy.runsDb });
    try {
      const res = await other.app.inject({ method: 'GET', url: `/v1/runs/${copy.tuneId}/sweep` });
      assert.equal(res.statusCode, 404);
      assert.match(res.json().error.message, /starter-tuned\.journal\.sqlite.*no longer/);
      assertNoPaths(res.body, copy.dir);
    } finally {
      await other.close();
    }
  });

  it('a running tune run has no sweep yet; an unreadable database is a 500 naming the file only', async () => {
    const dir = tempDir('running');
    const file = path.join(dir, 'runs.sqlite');
    const db = new RunsDb(file);
    const id = db.startRun({ command: 'tune', recipeName: 'starter', recipe: null, seed: 0, gitCommit: 'x', argv: [] });
    db.close();
    const bad = path.join(dir, 'garbage.sqlite');
    fs.writeFileSync(bad, 'this is not a database, just text long enough to have a header'.repeat(20));
    const running = await testServer({}, { runsDb: file });
    const broken = await testServer({}, { runsDb: bad });
    try {
      const res = await running.app.inject({ method: 'GET', url: `/v1/runs/${id}/sweep` });
      assert.equal(res.statusCode, 404);
      assert.match(res.json().error.message, /still running/);
      const err = await broken.app.inject({ method: 'GET', url: '/v1/runs' });
      assert.equal(err.statusCode, 500);
      assert.match(err.json().error.message, /garbage\.sqlite could not be read/);
      assertNoPaths(err.body, dir);
    } finally {
      await running.close();
      await broken.close();
    }
  });

  it('needs a read key when auth is on, and is in /openapi.json', async () => {
    const key = s.storage.keys.create('read', 'runs-test').key;
    await new Promise((r) => setTimeout(r, 1100)); // auth-on is re-read at most once a second
    assert.equal((await s.app.inject({ method: 'GET', url: '/v1/runs' })).statusCode, 401);
    assert.equal((await s.app.inject({ method: 'GET', url: '/v1/runs', headers: { authorization: `Bearer ${key}` } })).statusCode, 200);
    const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    for (const p of ['/v1/runs', '/v1/runs/{id}', '/v1/runs/{id}/sweep']) assert.ok(p in doc.paths, p);
  });
});

describe('runs routes: helpers', () => {
  it('headline metrics prefer a sweep best/baseline, else accuracy-like means, never std', () => {
    assert.deepEqual(headlineMetrics({ cv_mean_accuracy: 0.6, cv_std_accuracy: 0.02, cv_mean_macro_f1: 0.5, cv_mean_log_loss: 1 }), { cv_mean_accuracy: 0.6, cv_mean_macro_f1: 0.5 });
    assert.deepEqual(headlineMetrics({ best_trial_accuracy: 0.9, best_macro_f1: 0.5, trials: 3 }), { best_macro_f1: 0.5 });
  });

  it('paths in text become file names; relative paths and plain words stay', () => {
    assert.equal(hidePathsInText('cannot open /tmp/a/b/train.csv, see recipes/x.yaml and a/b'), 'cannot open train.csv, see recipes/x.yaml and a/b');
    assert.equal(hidePathsInText('--data-dir=/work/shared/datasets'), '--data-dir=datasets');
  });
});

describe('serve: a sweep while it runs', () => {
  /**
   * A tune run as `textclass tune` records it (TrackedRun with the journal and study at the start)
   * and its journal, held open by the "sweep" like the tune process holds it, written trial by trial.
   */
  function startSweep(prefix: string, options: { createJournal: boolean } = { createJournal: true }) {
    const dir = tempDir(prefix);
    const runsDb = path.join(dir, 'runs.sqlite');
    const journalFile = path.join(dir, 'out', 'starter-tuned.journal.sqlite');
    const study = 'live000000000001';
    const run = TrackedRun.start(
      { enabled: true, dbPath: runsDb },
      { command: 'tune', recipeName: 'starter', recipe: { name: 'starter', tune: { metric: 'macro_f1' } }, seed: 0, argv: ['recipes/starter.yaml', '--no-baseline'], artifacts: { journal: journalFile, study } },
    )!;
    assert.ok(run, 'the run is tracked');
    const journal = options.createJournal ? new TuneJournal(journalFile) : null;
    journal?.ensureStudy(study, 'starter', { tune: { metric: 'macro_f1', strategy: 'random' }, baseline: false });
    return { dir, runsDb, journalFile, study, run, journal };
  }

  const trial = (journal: TuneJournal, study: string, n: number, value: number) => {
    journal.start(study, n, { 'model.C': n + 1 });
    journal.finish(study, n, { state: 'complete', value, seconds: 0.1 });
  };

  it('serves the trials journaled so far with status running, then the final view once the run has finished', async () => {
    const live = startSweep('live');
    trial(live.journal!, live.study, 0, 0.5);
    trial(live.journal!, live.study, 1, 0.6);
    const s = await testServer({}, { runsDb: live.runsDb });
    try {
      const listed = (await s.app.inject({ method: 'GET', url: '/v1/runs' })).json() as { runs: { id: number; status: string; sweep_url?: string }[] };
      assert.deepEqual(listed.runs.map((r) => [r.id, r.status, r.sweep_url]), [[live.run.id, 'running', `/v1/runs/${live.run.id}/sweep`]], 'a running sweep is linked');

      const res = await s.app.inject({ method: 'GET', url: `/v1/runs/${live.run.id}/sweep` });
      assert.equal(res.statusCode, 200, res.body);
      const sweep = res.json() as Record<string, any>;
      assert.equal(sweep.status, 'running');
      assert.equal(sweep.study, live.study);
      assert.equal(sweep.metric, 'macro_f1');
      assert.deepEqual(sweep.trials.map((t: { number: number; status: string; value: number }) => [t.number, t.status, t.value]), [
        [0, 'complete', 0.5],
        [1, 'complete', 0.6],
      ]);
      assert.deepEqual(sweep.best, { number: 1, value: 0.6, params: { 'model.C': 2 } });
      assertNoPaths(res.body, live.dir);

      // A trial in progress shows without a value; the sweep is still running.
      live.journal!.start(live.study, 2, { 'model.C': 3 });
      const during = (await s.app.inject({ method: 'GET', url: `/v1/runs/${live.run.id}/sweep` })).json() as Record<string, any>;
      assert.deepEqual(during.trials.map((t: { status: string; value: number | null }) => [t.status, t.value]), [['complete', 0.5], ['complete', 0.6], ['running', null]]);
      assert.equal(during.status, 'running');

      live.journal!.finish(live.study, 2, { state: 'complete', value: 0.7, seconds: 0.1 });
      trial(live.journal!, live.study, 3, 0.4);
      live.journal!.close();
      await live.run.finish({ metrics: { best_macro_f1: 0.7, trials: 4 }, artifacts: { best_recipe: path.join(live.dir, 'out', 'starter-tuned.yaml') } });
      const done = (await s.app.inject({ method: 'GET', url: `/v1/runs/${live.run.id}/sweep` })).json() as Record<string, any>;
      assert.equal(done.status, 'ok');
      assert.equal(done.trials.length, 4);
      assert.deepEqual(done.best, { number: 2, value: 0.7, params: { 'model.C': 3 } });
      const detail = (await s.app.inject({ method: 'GET', url: `/v1/runs/${live.run.id}` })).json() as Record<string, any>;
      assert.deepEqual(detail.artifacts, { journal: 'starter-tuned.journal.sqlite', study: live.study, best_recipe: 'starter-tuned.yaml' });
    } finally {
      live.journal?.close();
      await s.close();
    }
  });

  it("picks the study the run recorded, not the journal's newest, before any trial value is recorded", async () => {
    const live = startSweep('resume');
    // A newer study of the same recipe, finished earlier (another search space): a resumed older
    // sweep must still show its own trials.
    live.journal!.ensureStudy('newer00000000000', 'starter', { tune: { metric: 'macro_f1' }, baseline: false });
    trial(live.journal!, 'newer00000000000', 0, 0.9);
    trial(live.journal!, live.study, 0, 0.3);
    // Make "newer" strictly the newest, so matching by recipe and recency alone would pick it.
    const raw = new Database(live.journalFile);
    raw.prepare("UPDATE studies SET created_at = '2999-01-01T00:00:00.000Z' WHERE id = 'newer00000000000'").run();
    raw.close();
    const s = await testServer({}, { runsDb: live.runsDb });
    try {
      const sweep = (await s.app.inject({ method: 'GET', url: `/v1/runs/${live.run.id}/sweep` })).json() as Record<string, any>;
      assert.equal(sweep.study, live.study);
      assert.deepEqual(sweep.trials.map((t: { value: number }) => t.value), [0.3]);
    } finally {
      live.journal!.close();
      await s.close();
    }
  });

  it('a running sweep without a journal yet is an empty sweep (no trials so far), not an error', async () => {
    const live = startSweep('nojournal', { createJournal: false });
    const s = await testServer({}, { runsDb: live.runsDb });
    try {
      const res = await s.app.inject({ method: 'GET', url: `/v1/runs/${live.run.id}/sweep` });
      assert.equal(res.statusCode, 200, res.body);
      const sweep = res.json() as Record<string, any>;
      assert.equal(sweep.status, 'running');
      assert.deepEqual(sweep.trials, []);
      assert.equal(sweep.best, null);
      assert.deepEqual(sweep.importance, []);
      assert.equal(sweep.study, live.study);
      assert.equal(sweep.journal, 'starter-tuned.journal.sqlite');
      assert.equal(sweep.metric, 'macro_f1', "the recipe's metric until the journal names it");
      assert.equal(sweep.baseline, false, '--no-baseline');
      assert.equal(fs.existsSync(live.journalFile), false, 'the server does not create the journal');

      // The sweep has just created the file, not its tables yet.
      fs.mkdirSync(path.dirname(live.journalFile), { recursive: true });
      const bare = new Database(live.journalFile);
      bare.pragma('journal_mode = WAL');
      const blank = await s.app.inject({ method: 'GET', url: `/v1/runs/${live.run.id}/sweep` });
      assert.equal(blank.statusCode, 200, blank.body);
      assert.deepEqual((blank.json() as { trials: unknown[] }).trials, []);
      bare.close();

      // The journal exists but the run's study is not in it yet: still no trials so far.
      const journal = new TuneJournal(live.journalFile);
      journal.ensureStudy('someother0000000', 'starter', { tune: { metric: 'accuracy' }, baseline: true });
      trial(journal, 'someother0000000', 0, 0.8);
      const other = (await s.app.inject({ method: 'GET', url: `/v1/runs/${live.run.id}/sweep` })).json() as Record<string, any>;
      assert.equal(other.status, 'running');
      assert.deepEqual(other.trials, [], "another study's trials are not this run's");
      journal.close();

      // Once the run has ended, a missing journal is the usual 404.
      fs.rmSync(live.journalFile);
      await live.run.fail(new Error('stopped'));
      const gone = await s.app.inject({ method: 'GET', url: `/v1/runs/${live.run.id}/sweep` });
      assert.equal(gone.statusCode, 404);
      assert.match(gone.json().error.message, /no longer on this machine/);
    } finally {
      await s.close();
    }
  });

  it('a failed sweep keeps its journal: the trials it got through, with status failed', async () => {
    const live = startSweep('failed');
    trial(live.journal!, live.study, 0, 0.5);
    live.journal!.start(live.study, 1, { 'model.C': 2 });
    live.journal!.close();
    await live.run.fail(new Error('a worker thread crashed'));
    const s = await testServer({}, { runsDb: live.runsDb });
    try {
      const sweep = (await s.app.inject({ method: 'GET', url: `/v1/runs/${live.run.id}/sweep` })).json() as Record<string, any>;
      assert.equal(sweep.status, 'failed');
      assert.deepEqual(sweep.trials.map((t: { status: string }) => t.status), ['complete', 'running']);
    } finally {
      await s.close();
    }
  });
});
