/**
 * The `tune-trial` job handler in this process against a real redis-server and the starter data:
 * the median rule is applied against the values other workers stored in Redis (a trial below them
 * is pruned, one above goes on to the full data), the result is stored under (sweep, trial), and a
 * data fingerprint that does not match this machine's files is refused with a message naming the file.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { loadRecipe } from '../recipe/load.js';
import { REPO_ROOT } from '../test-support/starter-data.js';
import { QueueError } from './errors.js';
import type { JobContext } from './job-kinds.js';
import { skipWithoutRedis, useTestRedis } from './redis-test-server.js';
import { initSweep, readTrialResult, sweepIntermediateKey } from './sweep-store.js';
import { checkSameData, dataFingerprint, tuneTrialJob, type TuneTrialData } from './tune-trial-job.js';

const DATA_DIR = path.join(REPO_ROOT, 'data');

describe('the tune-trial job on a real Redis', { skip: skipWithoutRedis }, () => {
  let redis: Redis;
  let job: Omit<TuneTrialData, 'sweepId' | 'number'>;
  const logs: string[] = [];
  const context = (): JobContext => ({ redis, dataDir: DATA_DIR, attempt: 1, worker: 'test:1', pause: async () => {}, log: (l) => logs.push(l) });

  useTestRedis((client) => (redis = client));
  before(async () => {
    const { tune: _t, ...recipe } = loadRecipe(path.join(REPO_ROOT, 'recipes', 'starter.yaml'));
    job = {
      params: { 'model.C': 10 },
      recipe: recipe as unknown as Record<string, unknown>,
      metric: 'macro_f1',
      direction: 'maximize',
      pruning: { fraction: 0.3, warmupTrials: 2 },
      data: await dataFingerprint(recipe, DATA_DIR),
    };
  });

  test('the fingerprint holds the recipe data as named, with sha256', () => {
    assert.deepEqual(job.data.map((d) => [d.role, d.file]), [['train', 'starter/train.csv'], ['dev', 'starter/dev.csv']]);
    assert.ok(job.data.every((d) => /^[0-9a-f]{64}$/.test(d.sha256) && d.bytes > 0));
  });

  test('below the median of the values other workers stored: pruned, with the median it lost to', async () => {
    await initSweep(redis, 'hi', { recipe: 'starter', metric: 'macro_f1', direction: 'maximize', startedAt: new Date().toISOString(), totalTrials: 5 }, new Map([[1, 0.99], [2, 0.98]]));
    await tuneTrialJob.run({ ...job, sweepId: 'hi', number: 3 }, context());
    const r = await readTrialResult(redis, 'hi', 3);
    assert.equal(r?.state, 'pruned');
    assert.equal(r?.prunedAgainst, 0.985);
    assert.ok(r.intermediate !== undefined && r.intermediate < 0.985);
    assert.equal(r.value, r.intermediate, 'a pruned trial reports its value on the fraction');
    assert.equal(r.worker, 'test:1');
    assert.equal(Number(await redis.hget(sweepIntermediateKey('hi'), '3')), r.intermediate, 'its own value is there for the next trials');
  });

  test('above the median: goes on to the full training data', async () => {
    await initSweep(redis, 'lo', { recipe: 'starter', metric: 'macro_f1', direction: 'maximize', startedAt: new Date().toISOString(), totalTrials: 5 }, new Map([[1, 0.01], [2, 0.02]]));
    await tuneTrialJob.run({ ...job, sweepId: 'lo', number: 3 }, context());
    const r = await readTrialResult(redis, 'lo', 3);
    assert.equal(r?.state, 'complete');
    assert.ok(r.value !== null && r.value > 0.5, `macro_f1 ${r.value}`);
    assert.ok(r.metrics?.accuracy !== undefined);
    // Run again (a retry): one result, overwritten.
    await tuneTrialJob.run({ ...job, sweepId: 'lo', number: 3 }, context());
    assert.equal(await redis.hlen('textclass:sweep:lo:results'), 1);
    assert.ok(logs.some((l) => /trial 3: stored again/.test(l)));
  });

  test('data that differs here, or is missing, is refused naming the file', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-trial-data-'));
    try {
      fs.cpSync(path.join(DATA_DIR, 'starter'), path.join(other, 'starter'), { recursive: true });
      await checkSameData(job.data, other, 4);
      fs.appendFileSync(path.join(other, 'starter', 'dev.csv'), 'x,joy\n');
      await assert.rejects(checkSameData(job.data, other, 4), (e: unknown) => e instanceof QueueError && /^trial 4: this worker's dev data differs from the coordinator's: .*dev\.csv has sha256 [0-9a-f]{12}/.test(e.message));
      fs.rmSync(path.join(other, 'starter', 'train.csv'));
      await assert.rejects(checkSameData(job.data, other, 4), /the train data starter\/train\.csv is not on this worker .*--data-dir/);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
