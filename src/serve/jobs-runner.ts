import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { parse } from 'csv-parse';
import { ApiError } from './api-error.js';
import type { ModelEntry, ModelRegistry } from './model-registry.js';
import { roundScore, scoreTextsAsync } from './predict.js';
import type { JobRow } from './storage/jobs.js';
import { JobStore } from './storage/jobs.js';
import { rateRow, ratingSectionOf } from '../usecases/rating/rating-section.js';
import { csvLine as dialectCsvLine, type CsvDialect } from '../util/csv.js';

export type JobFormat = 'csv' | 'jsonl';

export interface JobsLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

interface Row {
  id: string;
  text: string;
}

/** Rows scored between two commits: one predictProba call, one write, one fdatasync, one UPDATE. */
const DEFAULT_CHUNK = 1000;

/**
 * Batch jobs. An upload is streamed to `<jobsDir>/<id>.input` (constant memory, size-limited,
 * checked to be UTF-8 as it goes), and only then recorded as `queued`. One job runs at a time:
 * rows are scored in chunks, appended to `<id>.result.tmp`, and after each chunk the file is
 * synced and (rows done, result bytes) committed in SQLite. A job found `running` at start was
 * interrupted: its temp file is cut back to the committed length and scoring resumes after the
 * committed rows. The result is renamed to `<id>.result.csv` only when complete, and served only
 * for `done` jobs, so a half-written result is never presented as finished.
 */
export class JobsRunner {
  private loop: Promise<void> | null = null;
  private stopping = false;
  /** Metrics: jobs that ended in each state since start. */
  finished = { done: 0, failed: 0 };

  constructor(
    private readonly jobs: JobStore,
    private readonly registry: ModelRegistry,
    readonly jobsDir: string,
    private readonly log: JobsLogger = { info: () => {}, warn: () => {} },
    private readonly chunkSize = DEFAULT_CHUNK,
  ) {
    fs.mkdirSync(jobsDir, { recursive: true });
  }

  inputPath(id: string): string {
    return path.join(this.jobsDir, `${id}.input`);
  }
  private tmpPath(id: string): string {
    return path.join(this.jobsDir, `${id}.result.tmp`);
  }
  resultPath(id: string): string {
    return path.join(this.jobsDir, `${id}.result.csv`);
  }

  /** Requeues jobs a crash left running, removes uploads that never became jobs, and starts work. */
  start(): void {
    this.stopping = false;
    const resumed = this.jobs.requeueInterrupted();
    if (resumed.length > 0) this.log.info({ jobs: resumed }, 'resuming interrupted jobs');
    for (const name of fs.readdirSync(this.jobsDir)) {
      const m = /^([0-9a-f]{24})\.(input|upload)$/.exec(name);
      if (m && (m[2] === 'upload' || !this.jobs.get(m[1]))) fs.rmSync(path.join(this.jobsDir, name), { force: true });
    }
    this.kick();
  }

  /**
   * Deletes jobs that ended more than `retentionDays` ago: their files first, then their row, so a
   * crash in between leaves a row whose result is gone (answered 404) rather than files nobody
   * can reach. Queued and running jobs are never touched. 0 keeps everything. Returns how many went.
   */
  purgeEnded(retentionDays: number, now = Date.now()): number {
    if (retentionDays <= 0) return 0;
    const ids = this.jobs.endedBefore(new Date(now - retentionDays * 86_400_000).toISOString());
    for (const id of ids) {
      for (const file of [this.resultPath(id), this.tmpPath(id), this.inputPath(id)]) fs.rmSync(file, { force: true });
      this.jobs.delete(id);
    }
    if (ids.length > 0) this.log.info({ jobs: ids.length, retentionDays }, 'deleted ended batch jobs past their retention');
    return ids.length;
  }

  /** Finishes the current chunk and stops; the job stays `running` and resumes at next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  /** Makes sure the worker loop runs (after an upload, or at start). */
  kick(): void {
    if (this.loop || this.stopping) return;
    this.loop = this.work().finally(() => {
      this.loop = null;
    });
  }

  /** Resolves when no job is queued or running (tests). */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  private async work(): Promise<void> {
    for (;;) {
      if (this.stopping) return;
      const job = this.jobs.nextQueued();
      if (!job) return;
      await this.run(job);
    }
  }

  /**
   * Streams an upload to disk and records the job. Refuses (413) beyond `limit` bytes and (400)
   * input that is not UTF-8; the partial file is removed either way.
   */
  async accept(body: Readable, job: { model: string; format: JobFormat; textField: string }, limit: number): Promise<JobRow> {
    const id = JobStore.newId();
    const partial = path.join(this.jobsDir, `${id}.upload`);
    const counter = new UploadCounter(limit, job.format);
    try {
      await receive(body, counter, fs.createWriteStream(partial, { flags: 'wx' }));
      if (counter.bytes === 0) throw new ApiError(422, 'the upload is empty: send the CSV or JSONL file as the request body');
      fs.renameSync(partial, this.inputPath(id));
    } catch (e) {
      fs.rmSync(partial, { force: true });
      if (e instanceof ApiError) throw e;
      throw new ApiError(400, 'the upload was interrupted before it was complete');
    }
    const total = job.format === 'csv' ? Math.max(0, counter.lines - 1) : counter.lines;
    const row = this.jobs.create({ id, model: job.model, format: job.format, textField: job.textField, total });
    this.log.info({ job: id, model: job.model, bytes: counter.bytes, rows: total }, 'job queued');
    this.kick();
    return row;
  }

  private async run(job: JobRow): Promise<void> {
    const entry = this.registry.get(job.model);
    if (!entry) return this.failJob(job.id, `model "${job.model}" is not loaded`);
    this.jobs.start(job.id);
    const started = Date.now();
    let processed = job.processed;
    let bytes = job.result_bytes;
    let handle: fs.promises.FileHandle | null = null;
    try {
      const tmp = this.tmpPath(job.id);
      if (processed === 0 && bytes === 0) {
        handle = await fs.promises.open(tmp, 'w');
        const rated = ratingSectionOf(entry.model.manifest, entry.model.dir) !== undefined;
        const header = Buffer.from(csvLine(['id', 'text', 'labels', ...entry.model.manifest.labels, ...(rated ? ['stars', 'naive_stars'] : [])]));
        await handle.write(header, 0, header.length, 0);
        bytes = header.length;
        await handle.datasync();
        this.jobs.commitProgress(job.id, 0, bytes);
      } else {
        // Resume: whatever was written after the last commit is cut off and scored again. A crash
        // between the final rename and the `done` commit leaves the complete file under its final
        // name: it goes back to being the partial result and the last chunk is simply redone.
        if (!fs.existsSync(tmp) && fs.existsSync(this.resultPath(job.id))) fs.renameSync(this.resultPath(job.id), tmp);
        handle = await fs.promises.open(tmp, 'r+');
        const size = (await handle.stat()).size;
        if (size < bytes) throw new Error('the partial result is shorter than its committed length');
        await handle.truncate(bytes);
      }
      let chunk: Row[] = [];
      let seen = 0;
      for await (const row of readRows(this.inputPath(job.id), job.format, job.text_field)) {
        if (seen++ < processed) continue;
        chunk.push(row);
        if (chunk.length >= this.chunkSize) {
          bytes = await this.writeChunk(handle, entry, chunk, bytes);
          processed += chunk.length;
          this.jobs.commitProgress(job.id, processed, bytes);
          chunk = [];
          // Let requests in: a long job must not starve the predict route.
          await new Promise((r) => setImmediate(r));
          if (this.stopping) {
            await handle.close();
            return;
          }
        }
      }
      if (chunk.length > 0) {
        bytes = await this.writeChunk(handle, entry, chunk, bytes);
        processed += chunk.length;
      }
      await handle.datasync();
      await handle.close();
      handle = null;
      fs.renameSync(tmp, this.resultPath(job.id));
      this.jobs.finish(job.id, processed, bytes);
      this.finished.done++;
      fs.rmSync(this.inputPath(job.id), { force: true });
      this.log.info({ job: job.id, rows: processed, seconds: (Date.now() - started) / 1000 }, 'job done');
    } catch (e) {
      await handle?.close().catch(() => {});
      this.failJob(job.id, e instanceof JobInputError ? e.message : `the job stopped: ${String((e as Error).message).replace(/\/[^\s'"]+/g, '<path>')}`);
    }
  }

  private async writeChunk(handle: fs.promises.FileHandle, entry: ModelEntry, rows: Row[], at: number): Promise<number> {
    const { proba, K, chosen } = await scoreTextsAsync(entry.model, rows.map((r) => r.text));
    const labels = entry.model.manifest.labels;
    const rating = ratingSectionOf(entry.model.manifest, entry.model.dir);
    let out = '';
    for (let i = 0, row = 0; i < rows.length; i++, row += K) {
      const cells = [rows[i].id, rows[i].text, chosen[i].map((k) => labels[k]).join('|')];
      for (let k = 0; k < K; k++) cells.push(String(roundScore(proba[row + k])));
      if (rating) {
        const r = rateRow(rating, labels, proba.subarray(row, row + K));
        cells.push(String(r.stars), String(r.naive_stars));
      }
      out += csvLine(cells);
    }
    const buf = Buffer.from(out);
    await handle.write(buf, 0, buf.length, at);
    await handle.datasync();
    return at + buf.length;
  }

  private failJob(id: string, message: string): void {
    this.jobs.fail(id, message);
    this.finished.failed++;
    fs.rmSync(this.tmpPath(id), { force: true });
    fs.rmSync(this.inputPath(id), { force: true });
    this.log.warn({ job: id, error: message }, 'job failed');
  }
}

/**
 * body → counter → file. Unlike stream.pipeline, a refusal (limit, UTF-8) does not destroy the
 * request: the rest of the body is drained so the 413/400 answer reaches the client, and the
 * response's `connection: close` ends the connection after it.
 */
function receive(body: Readable, counter: Transform, file: fs.WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      body.unpipe(counter);
      body.resume();
      counter.destroy();
      // Reject only once the file is closed: a destroy while the open is pending would otherwise
      // create the file after the caller has removed it.
      if (file.closed) reject(e);
      else {
        file.once('close', () => reject(e));
        file.destroy();
      }
    };
    body.on('error', fail);
    counter.on('error', fail);
    file.on('error', fail);
    file.on('finish', () => {
      if (settled) return;
      // An IncomingMessage that ended without all its bytes: the client went away mid-upload.
      if ((body as { complete?: boolean }).complete === false) return fail(new Error('upload aborted'));
      settled = true;
      resolve();
    });
    body.pipe(counter).pipe(file);
  });
}

/** A problem with the uploaded rows; its message is shown to the client as the job's error. */
class JobInputError extends Error {}

/** The uploaded rows as (id, text), in file order; the id is the `id` column or the row number. */
async function* readRows(file: string, format: JobFormat, textField: string): AsyncGenerator<Row> {
  if (format === 'jsonl') {
    const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    let lineNo = 0;
    let n = 0;
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      n++;
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        throw new JobInputError(`line ${lineNo}: not valid JSON (each line must be an object with a "${textField}" field)`);
      }
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new JobInputError(`line ${lineNo}: expected a JSON object with a "${textField}" field`);
      const rec = obj as Record<string, unknown>;
      const text = rec[textField];
      if (typeof text !== 'string') throw new JobInputError(`line ${lineNo}: field "${textField}" ${text === undefined ? 'is missing' : 'must be a string'}`);
      const id = rec.id;
      yield { id: typeof id === 'string' || typeof id === 'number' ? String(id) : String(n), text };
    }
    return;
  }
  const parser = fs.createReadStream(file).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: 10 * 1024 * 1024 }));
  let textCol = -1;
  let idCol = -1;
  let n = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (textCol < 0) {
        const header = record.map((h) => h.trim());
        textCol = header.indexOf(textField);
        idCol = header.indexOf('id');
        if (textCol < 0) throw new JobInputError(`the CSV header has no column "${textField}" (columns: ${header.slice(0, 20).join(', ')}); name the text column "text" or pass ?text_field=<column>`);
        continue;
      }
      n++;
      yield { id: idCol >= 0 && record[idCol] !== undefined ? record[idCol] : String(n), text: record[textCol] ?? '' };
    }
  } catch (e) {
    if (e instanceof JobInputError) throw e;
    throw new JobInputError(`row ${n + 1}: the CSV cannot be parsed (${(e as Error).message.split('\n')[0].replace(/\/[^\s'"]+/g, '<path>')})`);
  }
}

/**
 * Batch results (and `textclass feedback export`) are RFC 4180 as written, CRLF lines, and keep
 * every cell as it came, so a caller finds its own ids and texts in them byte for byte.
 */
const RESULT_CSV: CsvDialect = { eol: '\r\n', defuseFormulas: false };

/** One line of a batch result. */
export function csvLine(cells: readonly string[]): string {
  return dialectCsvLine(cells, RESULT_CSV);
}

/**
 * Passes the upload through while counting bytes (refusing beyond the limit), checking that it is
 * UTF-8, and counting non-empty lines outside CSV quotes, so a job knows its row total up front.
 */
class UploadCounter extends Transform {
  bytes = 0;
  lines = 0;
  private inQuotes = false;
  private lineHasContent = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  constructor(
    private readonly limit: number,
    private readonly format: JobFormat,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return callback(new ApiError(413, `the upload is larger than the limit of ${this.limit} bytes (--upload-limit)`, { connection: 'close' }));
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      return callback(new ApiError(400, 'the upload is not valid UTF-8; save the file as UTF-8 and send it again'));
    }
    const csv = this.format === 'csv';
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x22 && csv) this.inQuotes = !this.inQuotes;
      if (b === 0x0a && !this.inQuotes) {
        if (this.lineHasContent) this.lines++;
        this.lineHasContent = false;
      } else if (b !== 0x0d && b !== 0x20 && b !== 0x09) {
        this.lineHasContent = true;
      }
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.decoder.decode();
    } catch {
      return callback(new ApiError(400, 'the upload is not valid UTF-8 (it ends inside a character)'));
    }
    if (this.lineHasContent) this.lines++;
    callback();
  }
}
