import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { getRunProgress, initRun, listRuns, markWritten, readChunkResult, resultsKey, storeChunkResult, updateRun } from './result-store.js';
import { skipWithoutRedis, useTestRedis } from './redis-test-server.js';

describe('idempotent chunk results in a real Redis', { skip: skipWithoutRedis }, () => {
  let redis: Redis;
  const description = { kind: 'score-chunk', input: '/in.csv', output: '/out.csv', model: '/models/m', startedAt: '2026-01-01T00:00:00.000Z' };

  useTestRedis((client) => (redis = client));

  test('a chunk stored twice (retry, duplicate delivery) keeps one copy, the latest, and counts once', async () => {
    await initRun(redis, 'run1', description);
    assert.equal(await storeChunkResult(redis, 'run1', 0, 3, 'a\nb\nc\n'), 'stored');
    assert.equal(await storeChunkResult(redis, 'run1', 1, 2, 'd\ne\n'), 'stored');
    assert.equal(await storeChunkResult(redis, 'run1', 0, 3, 'A\nB\nC\n'), 'overwritten');
    assert.equal(await readChunkResult(redis, 'run1', 0), 'A\nB\nC\n');
    assert.equal(await redis.hlen(resultsKey('run1')), 2);
    const p = await getRunProgress(redis, 'run1');
    assert.equal(p?.chunksDone, 2);
    assert.equal(p?.rowsDone, 5);
  });

  test('concurrent stores of the same chunk count it once', async () => {
    await initRun(redis, 'run2', description);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => storeChunkResult(redis, 'run2', 7, 100, 'x\n')));
    assert.equal(outcomes.filter((o) => o === 'stored').length, 1);
    const p = await getRunProgress(redis, 'run2');
    assert.equal(p?.chunksDone, 1);
    assert.equal(p?.rowsDone, 100);
  });

  test('a late copy of a chunk already written to the output is refused and does not reappear', async () => {
    await initRun(redis, 'run3', description);
    await storeChunkResult(redis, 'run3', 0, 4, 'one\n');
    await markWritten(redis, 'run3', 1, 4, 0);
    assert.equal(await readChunkResult(redis, 'run3', 0), null);
    assert.equal(await storeChunkResult(redis, 'run3', 0, 4, 'one again\n'), 'already-written');
    assert.equal(await readChunkResult(redis, 'run3', 0), null);
    const p = await getRunProgress(redis, 'run3');
    assert.equal(p?.chunksDone, 1);
    assert.equal(p?.rowsWritten, 4);
    assert.equal(p?.chunksWritten, 1);
  });

  test('results for a run Redis does not know are dropped, not left behind', async () => {
    assert.equal(await storeChunkResult(redis, 'no-such-run', 0, 1, 'x\n'), 'unknown-run');
    assert.equal(await redis.exists(resultsKey('no-such-run')), 0);
  });

  test('progress: totals, state and the run listing, newest first; resuming keeps the counters', async () => {
    await initRun(redis, 'old', { ...description, startedAt: '2025-01-01T00:00:00.000Z' });
    await initRun(redis, 'new', { ...description, startedAt: '2026-06-01T00:00:00.000Z' });
    await updateRun(redis, 'new', { totalRows: 10, totalChunks: 2, chunksEnqueued: 2, rowsEnqueued: 10 });
    await storeChunkResult(redis, 'new', 0, 5, 'x\n');
    await initRun(redis, 'new', { ...description, startedAt: '2026-06-01T00:00:00.000Z' });
    const p = await getRunProgress(redis, 'new');
    assert.deepEqual({ state: p?.state, totalRows: p?.totalRows, totalChunks: p?.totalChunks, rowsDone: p?.rowsDone, rowsWritten: p?.rowsWritten }, { state: 'running', totalRows: 10, totalChunks: 2, rowsDone: 5, rowsWritten: 0 });
    await updateRun(redis, 'new', { state: 'failed', error: 'chunk 1 failed' });
    assert.equal((await getRunProgress(redis, 'new'))?.error, 'chunk 1 failed');
    assert.equal(await getRunProgress(redis, 'never-started'), null);
    const runs = await listRuns(redis, 100);
    assert.equal(runs[0].runId, 'new');
    assert.ok(runs.findIndex((r) => r.runId === 'new') < runs.findIndex((r) => r.runId === 'old'));
  });
});
