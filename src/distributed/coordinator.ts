/**
 * The coordinator of a distributed batch-scoring run: streams the input (one chunk in memory at a
 * time), enqueues chunks as `score-chunk` jobs a bounded window ahead of the output, and appends each
 * chunk's stored lines to `<output>.partial` in chunk order as they come in. After each chunk is
 * synced to disk a checkpoint (`<output>.queue-checkpoint.json`: run id, chunks and bytes written,
 * which input, model and chunk limits) is replaced atomically, so a coordinator that was killed
 * resumes with `resume: true`: it cuts the partial file back to the checkpoint, rejoins its run in
 * Redis (results that arrived meanwhile are still there), re-enqueues what is missing and goes on.
 * The output appears under its own name only when complete.
 *
 * Memory is bounded by the window (chunks are enqueued at most `window` ahead of the one being
 * written, so Redis never holds more than that many chunks' texts and results of one run).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataError, ModelFormatError, UsageError } from '../errors.js';
import { MODEL_FORMAT } from '../persist/model-dir.js';
import { readInputRows, type InputOptions } from '../predict/input-rows.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { DEFAULT_CHUNK_LIMITS, checkChunkLimits, planChunks, type Chunk, type ChunkLimits } from './chunk-plan.js';
import { QueueError } from './errors.js';
import { jobIdFor, openQueue } from './queue.js';
import { describeQueue, openRedis, type QueueAddress } from './queue-url.js';
import { getRunProgress, hasChunkResult, initRun, markWritten, readChunkResult, resultsKey, updateRun } from './result-store.js';
import { SCORE_CHUNK, type ModelReference, type ScoreChunkData } from './score-chunk-job.js';
import { outputFormatOf, outputHeader } from './score-lines.js';

export interface DistributedScoreOptions extends InputOptions {
  address: QueueAddress;
  input: string;
  output: string;
  modelDir: string;
  chunkLimits?: Partial<ChunkLimits>;
  /** Chunks enqueued ahead of the next one to write (default 32). */
  window?: number;
  /** Continue an interrupted run of the same input, model and output. */
  resume?: boolean;
  /** How often to look for finished chunks, in ms (default 50). */
  pollMs?: number;
  queueName?: string;
  onProgress?: (progress: { rowsWritten: number; rowsDone: number; totalRows: number | null }) => void;
  /** Told once when nothing has arrived for a while and no worker is connected to the queue. */
  onNoWorkers?: (message: string) => void;
}

export interface DistributedScoreResult {
  runId: string;
  rows: number;
  chunks: number;
  /** Rows already in the output before a resumed run went on (0 when not resumed). */
  resumedFrom: number;
  seconds: number;
}

interface QueueCheckpoint {
  format: 'textclass-queue-checkpoint';
  version: 1;
  runId: string;
  queue: string;
  input: { path: string; size: number; mtimeMs: number };
  model: ModelReference;
  limits: ChunkLimits;
  chunksWritten: number;
  rows: number;
  bytes: number;
}

export function queueCheckpointPath(output: string): string {
  return `${output}.queue-checkpoint.json`;
}

export function queuePartialPath(output: string): string {
  return `${output}.partial`;
}

/** The model reference a run sends to workers: path, name and version from the manifest alone (no weights loaded). */
export function referenceModel(modelDir: string): { ref: ModelReference; labels: string[]; rated: boolean } {
  const dir = path.resolve(modelDir);
  if (!fs.existsSync(dir)) throw new ModelFormatError(modelDir, 'directory not found (train one with `textclass train <recipe> --out <dir>`)');
  let manifest: { format?: string; createdAt?: string; labels?: string[]; rating?: unknown };
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  } catch (e) {
    throw new ModelFormatError(modelDir, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no manifest.json: not a textclass model directory' : `manifest.json is not valid JSON (${(e as Error).message})`);
  }
  if (manifest.format !== MODEL_FORMAT || typeof manifest.createdAt !== 'string' || !Array.isArray(manifest.labels)) {
    throw new ModelFormatError(modelDir, 'manifest.json is not a textclass model manifest');
  }
  // The workers check the rating section when they load the model; the header only needs to know it is there.
  return { ref: { path: dir, name: path.basename(dir), createdAt: manifest.createdAt }, labels: manifest.labels, rated: manifest.rating !== undefined && manifest.rating !== null };
}

export async function runDistributedScoring(options: DistributedScoreOptions): Promise<DistributedScoreResult> {
  const started = performance.now();
  const { input, output, address } = options;
  const limits: ChunkLimits = { ...DEFAULT_CHUNK_LIMITS, ...options.chunkLimits };
  checkChunkLimits(limits);
  const window = options.window ?? 32;
  const pollMs = options.pollMs ?? 50;
  if (!fs.existsSync(input)) throw new DataError({ file: input }, 'file not found');
  const stat = fs.statSync(input);
  const inputIdentity = { path: input, size: stat.size, mtimeMs: stat.mtimeMs };
  const { ref: model, labels, rated } = referenceModel(options.modelDir);
  const format = outputFormatOf(output);

  const previous = readQueueCheckpoint(output);
  if (previous && !options.resume) {
    throw new UsageError(`${output}: an interrupted queue run (${previous.runId}) stopped after ${previous.rows} rows (${queueCheckpointPath(output)}); pass --resume to continue it, or delete ${queuePartialPath(output)} and the checkpoint to start over`);
  }
  if (previous) checkResumable(previous, inputIdentity, model, limits, output);
  const runId = previous?.runId ?? randomBytes(6).toString('hex');
  let next = previous?.chunksWritten ?? 0;
  let rowsWritten = previous?.rows ?? 0;
  const resumedFrom = rowsWritten;

  const redis = await openRedis(address);
  const queue = openQueue(address, options.queueName);
  const partial = queuePartialPath(output);
  let fd: number | null = null;
  try {
    await initRun(redis, runId, { kind: SCORE_CHUNK, input: path.resolve(input), output: path.resolve(output), model: model.path, startedAt: new Date().toISOString() });
    // Redis may have missed the last update before a crash; the checkpoint on disk is the truth.
    await markWritten(redis, runId, next, rowsWritten);

    if (previous) fs.truncateSync(partial, previous.bytes);
    fd = fs.openSync(partial, previous ? 'r+' : 'w');
    let position = previous?.bytes ?? 0;
    const append = (text: string): void => {
      const buf = Buffer.from(text, 'utf8');
      fs.writeSync(fd as number, buf, 0, buf.length, position);
      position += buf.length;
    };
    const checkpoint = (): void =>
      writeFileAtomic(queueCheckpointPath(output), JSON.stringify({ format: 'textclass-queue-checkpoint', version: 1, runId, queue: describeQueue(address), input: inputIdentity, model, limits, chunksWritten: next, rows: rowsWritten, bytes: position } satisfies QueueCheckpoint) + '\n');
    if (!previous) {
      append(outputHeader(format, labels, rated));
      fs.fsyncSync(fd);
      checkpoint();
    }

    const chunks = planChunks(readInputRows(input, options), limits)[Symbol.asyncIterator]();
    // Rows per chunk for chunks read but not yet written (numbers only, at most `window` of them).
    const rowsOf = new Map<number, [firstRow: number, rows: number]>();
    let nextToRead = 0;
    let inputDone = false;
    let totalChunks = -1;
    let totalRows = 0;

    const fill = async (): Promise<void> => {
      while (!inputDone && nextToRead < next + window) {
        const step = await chunks.next();
        if (step.done) {
          inputDone = true;
          totalChunks = nextToRead;
          await updateRun(redis, runId, { totalChunks, totalRows });
          break;
        }
        const chunk = step.value;
        nextToRead = chunk.index + 1;
        totalRows += chunk.texts.length;
        if (chunk.index < next) continue;
        rowsOf.set(chunk.index, [chunk.firstRow, chunk.texts.length]);
        await enqueueChunk(queue, redis, runId, chunk, model, format);
        await updateRun(redis, runId, { chunksEnqueued: nextToRead, rowsEnqueued: totalRows });
      }
    };

    let lastStateCheck = performance.now();
    let lastArrival = performance.now();
    let toldNoWorkers = false;
    for (;;) {
      await fill();
      if (inputDone && next >= totalChunks) break;
      const lines = await readChunkResult(redis, runId, next);
      if (lines !== null) {
        append(lines);
        fs.fsyncSync(fd);
        rowsWritten += rowsOf.get(next)?.[1] ?? 0;
        rowsOf.delete(next);
        next++;
        checkpoint();
        await markWritten(redis, runId, next, rowsWritten, next - 1);
        options.onProgress?.({ rowsWritten, rowsDone: (await getRunProgress(redis, runId))?.rowsDone ?? rowsWritten, totalRows: inputDone ? totalRows : null });
        lastStateCheck = lastArrival = performance.now();
        continue;
      }
      if (performance.now() - lastStateCheck > 1000) {
        await checkChunkAlive(queue, redis, runId, next, rowsOf.get(next));
        // A sign of life while it waits, so a run whose coordinator was killed is shown stalled.
        await updateRun(redis, runId, {});
        lastStateCheck = performance.now();
        if (!toldNoWorkers && performance.now() - lastArrival > 10_000 && (await queue.getWorkersCount()) === 0) {
          toldNoWorkers = true;
          options.onNoWorkers?.(`no worker is taking jobs from ${describeQueue(address)}; start some with \`textclass worker --queue ${describeQueue(address)}\` (this run waits for them)`);
        }
      }
      await sleep(pollMs);
    }

    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(partial, output);
    fs.rmSync(queueCheckpointPath(output), { force: true });
    await updateRun(redis, runId, { state: 'done', totalRows, totalChunks });
    await redis.del(resultsKey(runId));
    return { runId, rows: rowsWritten, chunks: totalChunks, resumedFrom, seconds: (performance.now() - started) / 1000 };
  } catch (e) {
    await updateRun(redis, runId, { state: 'failed', error: (e as Error).message }).catch(() => {});
    throw e;
  } finally {
    if (fd !== null) fs.closeSync(fd);
    await queue.close().catch(() => {});
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** Adds a chunk's job unless its result is already stored; a failed earlier job of the chunk is cleared first so it runs again. */
async function enqueueChunk(queue: Queue, redis: Redis, runId: string, chunk: Chunk, model: ModelReference, format: ScoreChunkData['format']): Promise<void> {
  if (await hasChunkResult(redis, runId, chunk.index)) return;
  const jobId = jobIdFor(runId, chunk.index);
  const existing = await queue.getJob(jobId);
  if (existing !== undefined && (await queue.getJobState(jobId)) === 'failed') await queue.remove(jobId);
  const data: ScoreChunkData = { runId, chunk: chunk.index, firstRow: chunk.firstRow, format, model, texts: chunk.texts, ...(chunk.ids !== undefined ? { ids: chunk.ids } : {}) };
  await queue.add(SCORE_CHUNK, data, { jobId });
}

/**
 * Fails the run when the chunk it waits for can no longer arrive: its job failed on every attempt
 * (or at once, for a wrong model), or vanished from the queue.
 */
async function checkChunkAlive(queue: Queue, redis: Redis, runId: string, chunk: number, rows: [number, number] | undefined): Promise<void> {
  const jobId = jobIdFor(runId, chunk);
  const state = await queue.getJobState(jobId);
  const what = `chunk ${chunk}${rows ? ` (rows ${rows[0]}–${rows[0] + rows[1] - 1})` : ''}`;
  if (state === 'failed') {
    const job = await queue.getJob(jobId);
    throw new QueueError(`${what} failed on the workers: ${job?.failedReason ?? 'no reason recorded'}; fix that and continue with --resume`);
  }
  // A job that finished and was removed between our two reads has stored its result: look again.
  if (state === 'unknown' && !(await hasChunkResult(redis, runId, chunk))) {
    throw new QueueError(`${what} is neither queued nor done (was Redis flushed or restarted without persistence?); continue with --resume to enqueue it again`);
  }
}

function readQueueCheckpoint(output: string): QueueCheckpoint | null {
  const file = queueCheckpointPath(output);
  if (!fs.existsSync(file)) return null;
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as QueueCheckpoint;
    if (c.format !== 'textclass-queue-checkpoint' || c.version !== 1 || typeof c.runId !== 'string' || !Number.isInteger(c.chunksWritten) || !Number.isInteger(c.bytes)) throw new Error('not a queue checkpoint');
    const partial = queuePartialPath(output);
    if (!fs.existsSync(partial) || fs.statSync(partial).size < c.bytes) throw new Error(`${partial} is missing or shorter than the checkpoint says`);
    return c;
  } catch (e) {
    throw new UsageError(`${file} is unreadable (${(e as Error).message}); delete it and ${queuePartialPath(output)} to start over`);
  }
}

function checkResumable(previous: QueueCheckpoint, input: QueueCheckpoint['input'], model: ModelReference, limits: ChunkLimits, output: string): void {
  const startOver = `delete ${queuePartialPath(output)} and ${queueCheckpointPath(output)} to start over`;
  if (previous.input.path !== input.path || previous.input.size !== input.size || previous.input.mtimeMs !== input.mtimeMs) {
    throw new UsageError(`--resume: ${input.path} is not the file the interrupted run read (${previous.input.path}, ${previous.input.size} bytes); ${startOver}`);
  }
  if (previous.model.createdAt !== model.createdAt) {
    throw new UsageError(`--resume: the model changed since the interrupted run (trained ${previous.model.createdAt}, now ${model.createdAt}); ${startOver}`);
  }
  if (previous.limits.maxRows !== limits.maxRows || previous.limits.maxBytes !== limits.maxBytes) {
    throw new UsageError(`--resume: the interrupted run cut chunks of ${previous.limits.maxRows} rows / ${previous.limits.maxBytes} bytes, not ${limits.maxRows} / ${limits.maxBytes}; resume with the same --chunk-rows or ${startOver}`);
  }
}
