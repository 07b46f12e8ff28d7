/**
 * `planned_trials` of GET /v1/runs/{id}/sweep over a real runs database and a real trial journal
 * (written with the classes the CLI uses): the count a tune run recorded when it started, while it
 * runs and after it has finished; null for a run recorded without one, and for a database written
 * before the column existed (read as it is: the server opens it read-only); that database gains
 * the column, its old rows intact, when a tracked command next opens it; the OpenAPI entry.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { TrackedRun } from '../track/record.js';
import { RunsDb } from '../track/runs-db.js';
import { TuneJournal } from '../tune/journal.js';
import { tempDir, testServer } from './fixtures.js';

const STUDY = 'plan000000000001';

/** A tune run as `textclass tune` records it, planning `planned` trials, with its journal open. */
function startSweep(prefix: string, planned: number | null | undefined) {
  const dir = tempDir(prefix);
  const runsDb = path.join(dir, 'runs.sqlite');
  const journalFile = path.join(dir, 'out', 'starter-tuned.journal.sqlite');
  const run = TrackedRun.start(
    { enabled: true, dbPath: runsDb },
    {
      command: 'tune',
      recipeName: 'starter',
      recipe: { name: 'starter', tune: { metric: 'macro_f1' } },
      seed: 0,
      argv: ['recipes/starter.yaml'],
      artifacts: { journal: journalFile, study: STUDY },
      ...(planned !== undefined ? { plannedTrials: planned } : {}),
    },
  );
  assert.ok(run, 'the run is tracked');
  const journal = new TuneJournal(journalFile);
  journal.ensureStudy(STUDY, 'starter', { tune: { metric: 'macro_f1', strategy: 'random' }, baseline: true });
  return { dir, runsDb, run, journal };
}

function finishTrial(journal: TuneJournal, n: number, state: 'complete' | 'pruned' | 'failed', value: number | null): void {
  journal.start(STUDY, n, n === 0 ? {} : { 'model.C': n });
  journal.finish(STUDY, n, { state, value, seconds: 0.1, ...(state === 'failed' ? { error: 'bad values' } : {}) });
}

type SweepBody = { status: string; planned_trials: number | null; trials: { number: number; status: string }[] };

describe('serve: planned_trials of a sweep', () => {
  it('is the count the run recorded at its start, while it runs and once it has finished', async () => {
    const live = startSweep('planned', 13);
    finishTrial(live.journal, 0, 'complete', 0.5);
    finishTrial(live.journal, 1, 'pruned', 0.2);
    finishTrial(live.journal, 2, 'failed', null);
    live.journal.start(STUDY, 3, { 'model.C': 3 });
    const s = await testServer({}, { runsDb: live.runsDb });
    try {
      const running = await s.app.inject({ method: 'GET', url: `/v1/runs/${live.run.id}/sweep` });
      assert.equal(running.statusCode, 200, running.body);
      const during = running.json() as SweepBody;
      assert.equal(during.status, 'running');
      assert.equal(during.planned_trials, 13);
      assert.deepEqual(during.trials.map((t) => t.status), ['complete', 'pruned', 'failed', 'running']);

      live.journal.finish(STUDY, 3, { state: 'complete', value: 0.6, seconds: 0.1 });
      live.journal.close();
      await live.run.finish({ metrics: { best_macro_f1: 0.6, trials: 4 } });
      const done = (await s.app.inject({ method: 'GET', url: `/v1/runs/${live.run.id}/sweep` })).json() as SweepBody;
      assert.equal(done.status, 'ok');
      assert.equal(done.planned_trials, 13, 'kept once the run has finished');

      const db = new RunsDb(live.runsDb);
      assert.equal(db.getRun(live.run.id)?.plannedTrials, 13);
      db.close();
    } finally {
      live.journal.close();
      await s.close();
    }
  });

  it('is kept for a failed run, and null for a run recorded without it', async () => {
    const failed = startSweep('planned-failed', 9);
    finishTrial(failed.journal, 0, 'complete', 0.4);
    failed.journal.close();
    await failed.run.fail(new Error('the queue went away'));
    const unknown = startSweep('planned-unknown', null);
    finishTrial(unknown.journal, 0, 'complete', 0.4);
    const a = await testServer({}, { runsDb: failed.runsDb });
    const b = await testServer({}, { runsDb: unknown.runsDb });
    try {
      const f = (await a.app.inject({ method: 'GET', url: `/v1/runs/${failed.run.id}/sweep` })).json() as SweepBody;
      assert.deepEqual([f.status, f.planned_trials], ['failed', 9]);
      const u = (await b.app.inject({ method: 'GET', url: `/v1/runs/${unknown.run.id}/sweep` })).json() as SweepBody;
      assert.deepEqual([u.status, u.planned_trials, u.trials.length], ['running', null, 1]);
    } finally {
      unknown.journal.close();
      await a.close();
      await b.close();
    }
  });

  it('is null in a database written before the column existed, which gains it when a tracked command opens it', async () => {
    const old = startSweep('planned-old', 7);
    finishTrial(old.journal, 0, 'complete', 0.4);
    old.journal.close();
    await old.run.finish({ metrics: { trials: 1 } });
    // The database as a textclass from before planned_trials wrote it.
    const raw = new Database(old.runsDb);
    raw.exec('ALTER TABLE runs DROP COLUMN planned_trials');
    raw.close();
    const s = await testServer({}, { runsDb: old.runsDb });
    try {
      const res = await s.app.inject({ method: 'GET', url: `/v1/runs/${old.run.id}/sweep` });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((res.json() as SweepBody).planned_trials, null);

      const db = new RunsDb(old.runsDb);
      const reader = new Database(old.runsDb, { readonly: true });
      const columns = (reader.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name);
      reader.close();
      assert.ok(columns.includes('planned_trials'), 'the column is added on open');
      assert.equal(db.getRun(old.run.id)?.plannedTrials, null, 'old rows have none');
      const next = db.startRun({ command: 'tune', recipeName: 'starter', recipe: null, seed: 0, gitCommit: 'abc', argv: [], plannedTrials: 21 });
      assert.equal(db.getRun(next)?.plannedTrials, 21);
      // A second process opening the upgraded database finds the column there.
      new RunsDb(old.runsDb).close();
      db.close();
    } finally {
      await s.close();
    }
  });

  it('is in the OpenAPI schema of the sweep as a nullable integer', async () => {
    const s = await testServer({}, { runsDb: path.join(tempDir('planned-openapi'), 'none.sqlite') });
    try {
      const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Record<string, any>;
      const schema = doc.paths['/v1/runs/{id}/sweep'].get.responses['200'].content['application/json'].schema;
      assert.ok(schema.required.includes('planned_trials'));
      assert.deepEqual(schema.properties.planned_trials.anyOf.map((t: { type: string }) => t.type).sort(), ['integer', 'null']);
    } finally {
      await s.close();
    }
  });
});
