/**
 * Scores a whole file with a model, streaming, with constant memory, and resumably: results are
 * appended to `<output>.partial` one batch at a time, and after each batch is on disk a checkpoint
 * (`<output>.checkpoint.json`: rows done, bytes written, which input and model) is replaced
 * atomically. A run that was killed continues from the last checkpoint with `resume`: the partial
 * file is cut back to the checkpoint's length and the rows it covers are skipped, so no row is
 * lost or written twice. The output appears under its own name only when complete.
 */
import fs from 'node:fs';
import { scoreInBatches } from '../models/score-texts.js';
import { DataError, UsageError } from '../errors.js';
import type { LoadedModel } from '../persist/model-dir.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { readInputRows, type InputOptions, type InputRow } from './input-rows.js';
import { ratingSectionOf } from '../usecases/rating/rating-section.js';
import { formatScoredRows, outputFormatOf, outputHeader } from './output-lines.js';

export interface ScoreFileOptions extends InputOptions {
  input: string;
  output: string;
  model: LoadedModel;
  /** Texts scored together (and rows per checkpoint). */
  batchSize?: number;
  /** Continue an interrupted run of the same input and model. */
  resume?: boolean;
  onProgress?: (rowsDone: number) => void;
}

export interface ScoreFileResult {
  rows: number;
  /** Rows already done by an earlier run (0 when not resumed). */
  resumedFrom: number;
  seconds: number;
}

interface Checkpoint {
  format: 'textclass-score-checkpoint';
  version: 1;
  input: { path: string; size: number; mtimeMs: number };
  model: { dir: string; createdAt: string };
  rows: number;
  bytes: number;
}

export function partialPath(output: string): string {
  return `${output}.partial`;
}

export function checkpointPath(output: string): string {
  return `${output}.checkpoint.json`;
}

export async function scoreFile(options: ScoreFileOptions): Promise<ScoreFileResult> {
  const started = performance.now();
  const { input, output, model } = options;
  const batchSize = options.batchSize ?? 2048;
  if (!fs.existsSync(input)) throw new DataError({ file: input }, 'file not found');
  const stat = fs.statSync(input);
  const identity = { input: { path: input, size: stat.size, mtimeMs: stat.mtimeMs }, model: { dir: model.dir, createdAt: model.manifest.createdAt } };
  const format = outputFormatOf(output);

  let done = 0;
  let bytes = 0;
  const previous = readCheckpoint(output);
  if (previous && !options.resume) {
    throw new UsageError(`${output}: an interrupted run stopped after ${previous.rows} rows (${checkpointPath(output)}); pass --resume to continue it, or delete ${partialPath(output)} and the checkpoint to start over`);
  }
  if (previous && options.resume) {
    if (previous.input.path !== input || previous.input.size !== stat.size || previous.input.mtimeMs !== stat.mtimeMs) {
      throw new UsageError(`--resume: ${input} is not the file the interrupted run read (${previous.input.path}, ${previous.input.size} bytes); delete ${partialPath(output)} and ${checkpointPath(output)} to start over`);
    }
    if (previous.model.createdAt !== model.manifest.createdAt) {
      throw new UsageError(`--resume: the model changed since the interrupted run (trained ${previous.model.createdAt}, now ${model.manifest.createdAt}); delete ${partialPath(output)} and ${checkpointPath(output)} to start over`);
    }
    done = previous.rows;
    bytes = previous.bytes;
  }
  const partial = partialPath(output);
  if (done > 0) fs.truncateSync(partial, bytes);
  const fd = fs.openSync(partial, done > 0 ? 'r+' : 'w');
  try {
    let position = bytes;
    const write = (text: string): void => {
      const buf = Buffer.from(text, 'utf8');
      fs.writeSync(fd, buf, 0, buf.length, position);
      position += buf.length;
    };
    if (done === 0) write(outputHeader(format, model.manifest.labels, ratingSectionOf(model.manifest, model.dir) !== undefined));
    const resumedFrom = done;
    let batch: InputRow[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const proba = await scoreInBatches(model.classifier, batch.map((r) => r.text), batch.length);
      const text = formatScoredRows(model, format, proba, batch.map((r) => r.row), batch.map((r) => r.id));
      write(text);
      fs.fsyncSync(fd);
      done += batch.length;
      writeCheckpoint(output, { format: 'textclass-score-checkpoint', version: 1, ...identity, rows: done, bytes: position });
      options.onProgress?.(done);
      batch = [];
    };
    if (done === 0) writeCheckpoint(output, { format: 'textclass-score-checkpoint', version: 1, ...identity, rows: 0, bytes: position });
    for await (const row of readInputRows(input, options)) {
      if (row.row <= resumedFrom) continue;
      batch.push(row);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(partial, output);
    fs.rmSync(checkpointPath(output), { force: true });
    return { rows: done, resumedFrom, seconds: (performance.now() - started) / 1000 };
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    throw e;
  }
}

function readCheckpoint(output: string): Checkpoint | null {
  const file = checkpointPath(output);
  if (!fs.existsSync(file)) return null;
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as Checkpoint;
    if (c.format !== 'textclass-score-checkpoint' || c.version !== 1 || !Number.isInteger(c.rows) || !Number.isInteger(c.bytes)) throw new Error('not a checkpoint');
    if (!fs.existsSync(partialPath(output)) || fs.statSync(partialPath(output)).size < c.bytes) throw new Error(`${partialPath(output)} is missing or shorter than the checkpoint says`);
    return c;
  } catch (e) {
    throw new UsageError(`${file} is unreadable (${(e as Error).message}); delete it and ${partialPath(output)} to start over`);
  }
}

function writeCheckpoint(output: string, c: Checkpoint): void {
  writeFileAtomic(checkpointPath(output), JSON.stringify(c) + '\n');
}
