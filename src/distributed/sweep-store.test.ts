/**
 * The sweep's Redis keys on a real redis-server: a trial stored twice is one result (the latest),
 * intermediate values are shared between trials for the median rule, progress reads back, and the
 * run-activity notes (workers seen, retries) land on the sweep's progress hash only while it exists.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { skipWithoutRedis, useTestRedis } from './redis-test-server.js';
import { noteJobStart, retriesOf, workersSeen } from './run-activity.js';
import { clearTrial, getSweepProgress, initSweep, listSweeps, readTrialResult, readTrialResults, reportIntermediate, storeTrialResult, sweepKey, updateSweep, type StoredTrialResult } from './sweep-store.js';

const description = { recipe: 'starter', metric: 'macro_f1', direction: 'maximize' as const, startedAt: '2026-01-01T00:00:00.000Z', totalTrials: 5 };

function result(number: number, value: number, worker = 'a:1'): StoredTrialResult {
  return { number, params: { 'model.C': number }, state: 'complete', value, seconds: 1, worker, attempt: 1 };
}

describe('distributed sweep results in a real Redis', { skip: skipWithoutRedis }, () => {
  let redis: Redis;

  useTestRedis((client) => (redis = client));

  test('a trial stored twice keeps one result, the latest, and the overwrite is counted', async () => {
    await initSweep(redis, 's1', description, new Map());
    assert.equal(await storeTrialResult(redis, 's1', result(0, 0.5)), 'stored');
    assert.equal(await storeTrialResult(redis, 's1', result(1, 0.6)), 'stored');
    assert.equal(await storeTrialResult(redis, 's1', result(0, 0.55, 'b:2')), 'overwritten');
    const all = await readTrialResults(redis, 's1');
    assert.deepEqual([...all.keys()].sort(), [0, 1]);
    assert.equal(all.get(0)?.value, 0.55);
    assert.equal(all.get(0)?.worker, 'b:2');
    assert.equal((await getSweepProgress(redis, 's1'))?.overwritten, 1);
    await clearTrial(redis, 's1', 0);
    assert.equal(await readTrialResult(redis, 's1', 0), null);
  });

  test('concurrent stores of the same trial leave one result', async () => {
    await initSweep(redis, 's2', description, new Map());
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => storeTrialResult(redis, 's2', result(3, i / 100))));
    assert.equal(outcomes.filter((o) => o === 'stored').length, 1);
    assert.equal((await readTrialResults(redis, 's2')).size, 1);
    assert.equal((await getSweepProgress(redis, 's2'))?.overwritten, 19);
  });

  test('a sweep unknown to Redis takes no result', async () => {
    assert.equal(await storeTrialResult(redis, 'nope', result(0, 0.5)), 'unknown-sweep');
    assert.equal(await readTrialResult(redis, 'nope', 0), null);
  });

  test('intermediate values: seeded from the journal, each trial sees the others but not itself', async () => {
    await initSweep(redis, 's3', description, new Map([[0, 0.4], [1, 0.5]]));
    assert.deepEqual((await reportIntermediate(redis, 's3', 2, 0.45)).sort(), [0.4, 0.5]);
    assert.deepEqual((await reportIntermediate(redis, 's3', 0, 0.41)).sort(), [0.45, 0.5]);
    // A retried trial replaces its own value.
    assert.deepEqual((await reportIntermediate(redis, 's3', 3, 0.3)).sort(), [0.41, 0.45, 0.5]);
  });

  test('progress, listing, workers seen and retries', async () => {
    await initSweep(redis, 's4', { ...description, startedAt: '2030-01-01T00:00:00.000Z' }, new Map());
    await updateSweep(redis, 's4', { trialsDone: 2, complete: 1, pruned: 1, best: 0.61 });
    await noteJobStart(redis, sweepKey('s4'), 'host:1', false);
    await noteJobStart(redis, sweepKey('s4'), 'host:2', true);
    await noteJobStart(redis, sweepKey('s4'), 'host:2', true);
    await noteJobStart(redis, sweepKey('gone'), 'host:3', true);
    const p = await getSweepProgress(redis, 's4');
    assert.deepEqual(
      { state: p?.state, total: p?.totalTrials, done: p?.trialsDone, complete: p?.complete, pruned: p?.pruned, best: p?.best, retries: p?.retries },
      { state: 'running', total: 5, done: 2, complete: 1, pruned: 1, best: 0.61, retries: 2 },
    );
    assert.deepEqual(await workersSeen(redis, sweepKey('s4')), ['host:1', 'host:2']);
    assert.equal(await retriesOf(redis, sweepKey('s4')), 2);
    assert.equal(await redis.exists(`${sweepKey('gone')}:workers`), 0, 'no keys for a sweep that is gone');
    assert.equal((await listSweeps(redis))[0].sweepId, 's4', 'newest first');
  });
});
