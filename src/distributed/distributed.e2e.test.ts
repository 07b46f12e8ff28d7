/**
 * End to end on loopback with real processes: a real redis-server, `textclass worker` processes
 * and a coordinator. One worker is killed with SIGKILL in the middle of a chunk; the output must
 * still hold every input row exactly once, byte for byte what single-process scoring writes.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { loadModel } from '../persist/model-dir.js';
import { scoreFile } from '../predict/score-file.js';
import { REPO_ROOT } from '../test-support/starter-data.js';
import { createRng } from '../util/random.js';
import { queueCheckpointPath, runDistributedScoring } from './coordinator.js';
import { QueueError } from './errors.js';
import { openRedis, parseQueueUrl } from './queue-url.js';
import { getRunProgress } from './result-store.js';
import { skipWithoutRedis, startTestRedis, type TestRedis } from './redis-test-server.js';
import { BIN, startWorkerProcess, type WorkerProcess } from './worker-process.js';

const DIST = path.join(REPO_ROOT, 'dist');
const ROWS = 30_000;
const CHUNK_ROWS = 1500;
/** Short locks so a dead worker's chunk is taken over in about two seconds. */
const LOCK_MS = '1000';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-distributed-'));
const model = path.join(work, 'models', 'starter');
const input = path.join(work, 'big.csv');
const expected = path.join(work, 'expected.csv');

/** `textclass worker` on `queue` with short locks (a killed worker's chunk is soon taken over). */
function startWorker(queue: string, extra: string[] = [], env: Record<string, string> = {}): WorkerProcess {
  return startWorkerProcess(['--queue', queue, '--lock-duration', LOCK_MS, ...extra], env);
}

/** Every data line's id (second CSV cell; the generated ids need no quoting). */
function idsOf(file: string): string[] {
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(1).map((line) => line.split(',')[1]);
}

describe('distributed batch scoring on a real Redis', { skip: skipWithoutRedis }, () => {
  let redis: TestRedis;
  const workers: WorkerProcess[] = [];

  before(async () => {
    redis = await startTestRedis();
    const r = spawnSync(process.execPath, [BIN, 'train', 'recipes/starter.yaml', '--data-dir', 'data', '--out', model, '--quiet'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const rng = createRng(9);
    const words = ['so', 'happy', 'sad', 'angry', 'love', 'it', 'hate', 'the', 'rain', 'today', 'thanks', 'scared', 'wow', 'what', '"quoted, word"', 'naïve', '=1+2'];
    const lines = ['id,text'];
    for (let i = 0; i < ROWS; i++) {
      const n = 3 + Math.floor(rng() * 12);
      const text = Array.from({ length: n }, () => words[Math.floor(rng() * words.length)]).join(' ');
      lines.push(`id${i},"${text.replace(/"/g, '""')}"`);
    }
    fs.writeFileSync(input, lines.join('\n') + '\n');
    await scoreFile({ input, output: expected, model: loadModel(model), idField: 'id' });
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

  test('two workers, one killed with SIGKILL mid-chunk: every row exactly once, same bytes as local scoring', async () => {
    // 150 ms between 512-row slices: a chunk takes over 300 ms, so the kill lands inside one even
    // when a busy machine delays this process's reading of the worker's log line.
    const slow = { TEXTCLASS_WORKER_SLICE_DELAY_MS: '150' };
    const a = startWorker(redis.url, [], slow);
    const b = startWorker(redis.url, [], slow);
    workers.push(a, b);
    await Promise.all([a.waitFor(/taking jobs/), b.waitFor(/taking jobs/)]);

    const output = path.join(work, 'out.csv');
    const address = parseQueueUrl(redis.url);
    const run = runDistributedScoring({ address, input, output, modelDir: model, idField: 'id', chunkLimits: { maxRows: CHUNK_ROWS }, window: 8 });
    const startedLine = await a.waitFor(/^started score-chunk .* chunk \d+ /);
    a.child.kill('SIGKILL');
    const killedChunk = Number(/ chunk (\d+) /.exec(startedLine)?.[1]);
    const result = await run.catch((e: Error) => {
      throw new Error(`${e.message}\nworker A (killed):\n${a.log.join('\n')}\nworker B:\n${b.log.join('\n')}`);
    });

    assert.ok(!a.log.some((l) => l.startsWith('finished') && l.includes(` chunk ${killedChunk} `)), `worker A finished chunk ${killedChunk} before the kill; the test did not kill it mid-chunk`);
    assert.ok(b.log.some((l) => l.startsWith('finished') && l.includes(` chunk ${killedChunk} `)), `worker B never took over chunk ${killedChunk}:\n${b.log.join('\n')}`);
    assert.equal(result.rows, ROWS);
    assert.equal(result.chunks, ROWS / CHUNK_ROWS);

    const ids = idsOf(output);
    assert.equal(ids.length, ROWS, 'rows in the output');
    assert.equal(new Set(ids).size, ROWS, 'no id twice');
    for (let i = 0; i < ROWS; i++) assert.equal(ids[i], `id${i}`);
    assert.ok(fs.readFileSync(output).equals(fs.readFileSync(expected)), 'distributed output differs from single-process predict --output');
    assert.ok(!fs.existsSync(`${output}.partial`) && !fs.existsSync(queueCheckpointPath(output)));

    const client = await openRedis(address);
    try {
      const progress = await getRunProgress(client, result.runId);
      assert.deepEqual(
        { state: progress?.state, totalRows: progress?.totalRows, rowsDone: progress?.rowsDone, rowsWritten: progress?.rowsWritten, chunksDone: progress?.chunksDone },
        { state: 'done', totalRows: ROWS, rowsDone: ROWS, rowsWritten: ROWS, chunksDone: ROWS / CHUNK_ROWS },
      );
    } finally {
      await client.quit();
    }
  });

  test('a coordinator killed with SIGKILL resumes its run: nothing lost or repeated', async () => {
    // Slow enough that the run is still going when the checkpoint shows 3 chunks written.
    const w = startWorker(redis.url, [], { TEXTCLASS_WORKER_SLICE_DELAY_MS: '60' });
    workers.push(w);
    await w.waitFor(/taking jobs/);
    const output = path.join(work, 'resumed.csv');
    const options = { input, output, modelDir: model, idField: 'id', chunkLimits: { maxRows: CHUNK_ROWS }, window: 4 };
    const coordinatorUrl = pathToFileURL(path.join(DIST, 'distributed', 'coordinator.js')).href;
    const urlModule = pathToFileURL(path.join(DIST, 'distributed', 'queue-url.js')).href;
    const script = `import { runDistributedScoring } from ${JSON.stringify(coordinatorUrl)}; import { parseQueueUrl } from ${JSON.stringify(urlModule)};
await runDistributedScoring({ ...${JSON.stringify(options)}, address: parseQueueUrl(${JSON.stringify(redis.url)}) });`;
    const coordinator = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, stdio: 'ignore' });
    const checkpoint = queueCheckpointPath(output);
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        try {
          const written = fs.existsSync(checkpoint) ? (JSON.parse(fs.readFileSync(checkpoint, 'utf8')) as { chunksWritten: number }).chunksWritten : 0;
          if (written >= 3) {
            clearInterval(timer);
            coordinator.kill('SIGKILL');
            resolve();
          }
        } catch {
          // the checkpoint is being replaced; look again
        }
      }, 5);
      coordinator.on('exit', (code, signal) => {
        clearInterval(timer);
        if (signal !== 'SIGKILL') reject(new Error(`coordinator ended by itself (${code}) before it was killed`));
      });
    });
    await assert.rejects(runDistributedScoring({ ...options, address: parseQueueUrl(redis.url) }), /pass --resume/);
    const result = await runDistributedScoring({ ...options, address: parseQueueUrl(redis.url), resume: true });
    assert.ok(result.resumedFrom >= 3 * CHUNK_ROWS && result.resumedFrom < ROWS, `resumed from ${result.resumedFrom}`);
    assert.equal(result.rows, ROWS);
    assert.ok(fs.readFileSync(output).equals(fs.readFileSync(expected)), 'resumed output differs from single-process predict --output');
  });

  test('a worker with another version of the model fails the chunk at once and the coordinator says why', async () => {
    // The worker finds the model by name in its --models-dir, with a different createdAt.
    const modelsDir = path.join(work, 'worker-models');
    fs.cpSync(model, path.join(modelsDir, 'starter'), { recursive: true });
    const manifestPath = path.join(modelsDir, 'starter', 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { createdAt: string };
    manifest.createdAt = '2000-01-01T00:00:00.000Z';
    fs.writeFileSync(manifestPath, JSON.stringify(manifest));
    const w = startWorker(redis.url, ['--models-dir', modelsDir]);
    workers.push(w);
    await w.waitFor(/taking jobs/);
    const output = path.join(work, 'mismatch.csv');
    await assert.rejects(
      runDistributedScoring({ address: parseQueueUrl(redis.url), input, output, modelDir: model, idField: 'id', chunkLimits: { maxRows: 10_000 } }),
      (e: unknown) => e instanceof QueueError && /chunk 0 \(rows 1–10000\) failed on the workers: model version mismatch: .*trained at 2000-01-01T00:00:00.000Z/.test(e.message),
    );
    assert.ok(!fs.existsSync(output));
  });
});
