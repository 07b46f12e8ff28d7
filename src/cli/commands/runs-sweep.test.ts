/**
 * A tune run's planned trials, end to end: a real `textclass tune` (a grid sweep on the starter
 * data whose grid is smaller than --trials) records the grid size plus the baseline as its plan,
 * and `textclass runs show` prints "7 of 7 trials"; a sweep still running (recorded the way tune
 * records it, its journal written trial by trial) shows "N of M trials done, K in progress", read
 * from the journal; a run recorded without a plan says "so far". And the wording itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import YAML from 'yaml';
import { TrackedRun } from '../../track/record.js';
import { TuneJournal } from '../../tune/journal.js';
import { REPO_ROOT } from '../../test-support/starter-data.js';
import { CLI } from '../../test-support/web-e2e.js';
import { sweepProgressText } from './runs-sweep.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-runs-sweep-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function cli(args: string[], runsDb: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, TEXTCLASS_DATA_DIR: '', TEXTCLASS_RUNS_DB: runsDb } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('runs show: the progress of a sweep', () => {
  test('a grid sweep smaller than --trials plans its grid and the baseline; runs show says "7 of 7 trials"', () => {
    const runsDb = path.join(work, 'grid-runs.sqlite');
    const raw = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, 'recipes', 'starter.yaml'), 'utf8')) as Record<string, unknown>;
    // 3 values of C × 2 n-gram ranges: 6 grid points, fewer than the 40 trials asked for.
    raw.tune = { metric: 'macro_f1', strategy: 'grid', space: { 'model.C': { choice: [0.3, 3, 30] }, 'features.ngram_range': { choice: [[1, 1], [1, 2]] } } };
    const recipe = path.join(work, 'grid.yaml');
    fs.writeFileSync(recipe, YAML.stringify(raw));
    const tune = cli(['tune', recipe, '--data-dir', path.join(REPO_ROOT, 'data'), '--trials', '40', '--no-pruning', '--out', path.join(work, 'grid-best.yaml')], runsDb);
    assert.equal(tune.code, 0, tune.stderr);
    assert.match(tune.stdout, /^trial +6\/7 /m, 'tune itself counts 7 trials');

    const shown = cli(['runs', 'show', '1'], runsDb);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^status +ok\nsweep +7 of 7 trials$/m);
    const json = JSON.parse(cli(['runs', 'show', '1', '--json'], runsDb).stdout) as { plannedTrials: number | null; sweepProgress: unknown };
    assert.equal(json.plannedTrials, 7);
    assert.deepEqual(json.sweepProgress, { done: 7, inProgress: 0, planned: 7 });
  });

  test('a running sweep: the trials done of those planned, read from its journal', () => {
    const runsDb = path.join(work, 'live-runs.sqlite');
    const journalFile = path.join(work, 'live.journal.sqlite');
    const study = 'live000000000009';
    // Recorded as `textclass tune` records it; this process is its process, so it stays running.
    const start = (plannedTrials: number | null) =>
      TrackedRun.start({ enabled: true, dbPath: runsDb }, { command: 'tune', recipeName: 'starter', recipe: null, seed: 0, argv: [], artifacts: { journal: journalFile, study }, plannedTrials })!;
    const planned = start(13);
    const unplanned = start(null);
    const journal = new TuneJournal(journalFile);
    try {
      journal.ensureStudy(study, 'starter', { tune: { metric: 'macro_f1' }, baseline: true });
      journal.start(study, 0, {});
      journal.finish(study, 0, { state: 'complete', value: 0.5, seconds: 1 });
      journal.start(study, 1, { 'model.C': 2 });
      journal.finish(study, 1, { state: 'pruned', value: 0.2, seconds: 1 });
      journal.start(study, 2, { 'model.C': 3 });
      journal.finish(study, 2, { state: 'failed', value: null, seconds: 0, error: 'bad values' });
      journal.start(study, 3, { 'model.C': 4 });

      const shown = cli(['runs', 'show', String(planned.id)], runsDb);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /^status +running\nsweep +3 of 13 trials done, 1 in progress$/m, 'pruned and failed trials are done ones');
      assert.match(cli(['runs', 'show', String(unplanned.id)], runsDb).stdout, /^sweep +3 trials done so far, 1 in progress$/m);
    } finally {
      journal.close();
    }
  });

  test('the wording: running, finished, failed, with and without a plan', () => {
    assert.equal(sweepProgressText({ done: 7, inProgress: 2, planned: 13 }, 'running'), '7 of 13 trials done, 2 in progress');
    assert.equal(sweepProgressText({ done: 1, inProgress: 0, planned: null }, 'running'), '1 trial done so far');
    assert.equal(sweepProgressText({ done: 13, inProgress: 0, planned: 13 }, 'ok'), '13 of 13 trials');
    assert.equal(sweepProgressText({ done: 4, inProgress: 0, planned: 13 }, 'failed'), '4 of 13 trials done before it failed');
  });
});
