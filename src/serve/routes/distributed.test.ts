/**
 * GET /v1/distributed/runs(/:id) through the real app: off without --queue (200 with how to turn
 * it on, 404 for one run), and with --queue over a real redis-server holding a batch run and a
 * sweep written by the stores the coordinators use: progress, workers, retries, the ETA, file
 * names instead of paths, 404s, and 503 when Redis is not there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { openRedis, parseQueueUrl } from '../../distributed/queue-url.js';
import { skipWithoutRedis, startTestRedis, type TestRedis } from '../../distributed/redis-test-server.js';
import { initRun, runKey, storeChunkResult, updateRun } from '../../distributed/result-store.js';
import { noteJobStart } from '../../distributed/run-activity.js';
import { initSweep, sweepKey, updateSweep } from '../../distributed/sweep-store.js';
import { testServer, type TestServer } from '../fixtures.js';
import { etaOf, STALLED_AFTER_SECONDS, stateOf } from './distributed.js';

describe('etaOf', () => {
  it('estimates from the pace so far, once it can', () => {
    assert.equal(etaOf(10, 2, 10, true), 40);
    assert.equal(etaOf(10, 0, 10, true), null);
    assert.equal(etaOf(10, 3, null, true), null);
    assert.equal(etaOf(10, 10, 10, true), 0);
    assert.equal(etaOf(10, 3, 10, false), 0);
  });
});

describe('stateOf', () => {
  it('a running run silent for longer than the limit is stalled; finished runs stay as they are', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    const ago = (s: number) => new Date(now - s * 1000).toISOString();
    assert.equal(stateOf('running', ago(5), now), 'running');
    assert.equal(stateOf('running', ago(STALLED_AFTER_SECONDS - 1), now), 'running');
    assert.equal(stateOf('running', ago(STALLED_AFTER_SECONDS + 1), now), 'stalled');
    assert.equal(stateOf('done', ago(3600), now), 'done');
    assert.equal(stateOf('failed', ago(3600), now), 'failed');
    assert.equal(stateOf('running', '', now), 'running', 'no timestamp is no evidence');
  });
});

describe('/v1/distributed/runs without --queue', () => {
  let server: TestServer;
  before(async () => {
    server = await testServer({});
  });
  after(async () => server?.close());

  it('says how to turn it on', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/v1/distributed/runs' });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { enabled: boolean; message: string; runs: unknown[] };
    assert.equal(body.enabled, false);
    assert.match(body.message, /serve --queue redis:\/\/host:port/);
    assert.deepEqual(body.runs, []);
    const one = await server.app.inject({ method: 'GET', url: '/v1/distributed/runs/abc' });
    assert.equal(one.statusCode, 404);
    assert.match(one.json().error.message, /--queue/);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    assert.ok(doc.paths['/v1/distributed/runs']);
    assert.ok(doc.paths['/v1/distributed/runs/{id}']);
  });
});

describe('/v1/distributed/runs on a real Redis', { skip: skipWithoutRedis }, () => {
  let redisServer: TestRedis;
  let redis: Redis;
  let server: TestServer;

  before(async () => {
    redisServer = await startTestRedis();
    redis = await openRedis(parseQueueUrl(redisServer.url));
    const started = new Date(Date.now() - 20_000).toISOString();
    await initRun(redis, 'aaaa11112222', { kind: 'score-chunk', input: '/secret/place/big.csv', output: '/secret/place/out.csv', model: '/srv/models/starter', startedAt: started });
    await updateRun(redis, 'aaaa11112222', { totalChunks: 4, totalRows: 4000, chunksEnqueued: 4, rowsEnqueued: 4000 });
    await storeChunkResult(redis, 'aaaa11112222', 0, 1000, 'x\n');
    await noteJobStart(redis, runKey('aaaa11112222'), 'w1:10', false);
    await noteJobStart(redis, runKey('aaaa11112222'), 'w2:11', true);
    await initSweep(redis, 'bbbb3333cccc4444', { recipe: 'starter', metric: 'macro_f1', direction: 'maximize', startedAt: new Date(Date.now() - 10_000).toISOString(), totalTrials: 7 }, new Map());
    await updateSweep(redis, 'bbbb3333cccc4444', { trialsDone: 7, complete: 6, pruned: 1, failed: 0, best: 0.7, state: 'done' });
    await noteJobStart(redis, sweepKey('bbbb3333cccc4444'), 'w1:10', false);
    server = await testServer({}, { queue: redisServer.url });
  });
  after(async () => {
    await server?.close();
    await redis?.quit();
    await redisServer?.stop();
  });

  it('lists both kinds, newest first, with progress and no paths', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/v1/distributed/runs' });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { enabled: boolean; queue: string; runs: Record<string, unknown>[] };
    assert.equal(body.enabled, true);
    assert.equal(body.queue, `${redisServer.url}/0`);
    assert.deepEqual(body.runs.map((r) => r.id), ['bbbb3333cccc4444', 'aaaa11112222']);
    const batch = body.runs[1];
    assert.deepEqual(
      { kind: batch.kind, name: batch.name, state: batch.state, done: batch.done, total: batch.total, rows_done: batch.rows_done, rows_total: batch.rows_total, workers: batch.workers, retries: batch.retries, input: batch.input, output: batch.output, unit: batch.unit },
      { kind: 'batch', name: 'starter', state: 'running', done: 1, total: 4, rows_done: 1000, rows_total: 4000, workers: ['w1:10', 'w2:11'], retries: 1, input: 'big.csv', output: 'out.csv', unit: 'chunks' },
    );
    assert.ok((batch.elapsed_seconds as number) >= 19, `elapsed ${batch.elapsed_seconds}`);
    assert.ok((batch.eta_seconds as number) >= 57, `eta ${batch.eta_seconds}: three times the elapsed time for three quarters left`);
    assert.doesNotMatch(res.body, /secret|\/srv\//);
    const sweep = body.runs[0];
    assert.deepEqual(
      { kind: sweep.kind, state: sweep.state, done: sweep.done, total: sweep.total, unit: sweep.unit, best: sweep.best, trials: sweep.trials, workers: sweep.workers, eta: sweep.eta_seconds },
      { kind: 'sweep', state: 'done', done: 7, total: 7, unit: 'trials', best: 0.7, trials: { complete: 6, pruned: 1, failed: 0 }, workers: ['w1:10'], eta: 0 },
    );
  });

  it('one run by id; unknown and malformed ids are 404', async () => {
    const one = await server.app.inject({ method: 'GET', url: '/v1/distributed/runs/bbbb3333cccc4444' });
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().kind, 'sweep');
    for (const id of ['ffff0000', 'not-hex!']) {
      const res = await server.app.inject({ method: 'GET', url: `/v1/distributed/runs/${encodeURIComponent(id)}` });
      assert.equal(res.statusCode, 404, id);
    }
  });

  it('a run whose coordinator stopped checking in is stalled, with no ETA', async () => {
    const silentSince = new Date(Date.now() - (STALLED_AFTER_SECONDS + 30) * 1000).toISOString();
    await initSweep(redis, 'dddd5555eeee6666', { recipe: 'starter', metric: 'macro_f1', direction: 'maximize', startedAt: new Date(Date.now() - 600_000).toISOString(), totalTrials: 9 }, new Map());
    await updateSweep(redis, 'dddd5555eeee6666', { trialsDone: 3, complete: 3 });
    await redis.hset(sweepKey('dddd5555eeee6666'), 'updatedAt', silentSince);
    await initRun(redis, 'eeee7777', { kind: 'score-chunk', input: 'in.csv', output: 'out.csv', model: 'starter', startedAt: new Date(Date.now() - 600_000).toISOString() });
    await updateRun(redis, 'eeee7777', { totalChunks: 4, totalRows: 4000 });
    await redis.hset(runKey('eeee7777'), 'updatedAt', silentSince);
    try {
      for (const id of ['dddd5555eeee6666', 'eeee7777']) {
        const res = await server.app.inject({ method: 'GET', url: `/v1/distributed/runs/${id}` });
        assert.equal(res.statusCode, 200, res.body);
        const run = res.json() as { state: string; eta_seconds: number | null; elapsed_seconds: number };
        assert.equal(run.state, 'stalled', id);
        assert.equal(run.eta_seconds, null, id);
        assert.ok(run.elapsed_seconds >= 500 && run.elapsed_seconds <= 530, `${id}: elapsed until the last sign of life, not until now (${run.elapsed_seconds})`);
      }
      // A sign of life makes it running again.
      await updateSweep(redis, 'dddd5555eeee6666', {});
      assert.equal((await server.app.inject({ method: 'GET', url: '/v1/distributed/runs/dddd5555eeee6666' })).json().state, 'running');
    } finally {
      await redis.del(sweepKey('dddd5555eeee6666'), runKey('eeee7777'));
    }
  });

  it('a Redis that is not there is a 503 naming the address', async () => {
    const down = await testServer({}, { queue: 'redis://127.0.0.1:1' });
    try {
      const res = await down.app.inject({ method: 'GET', url: '/v1/distributed/runs' });
      assert.equal(res.statusCode, 503);
      assert.match(res.json().error.message, /cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0/);
    } finally {
      await down.close();
    }
  });
});
