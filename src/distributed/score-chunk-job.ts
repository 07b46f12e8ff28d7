/**
 * The `score-chunk` job: score one chunk of a batch-scoring run and store its output lines under
 * (run id, chunk index).
 *
 * Which model: the job names the coordinator's model by absolute path, directory name and
 * `createdAt` (from its manifest). A worker started with `--models-dir D` looks for `D/<name>`
 * first, then at the coordinator's path (the same path on a shared or identically laid out disk).
 * The model found must have the coordinator's `createdAt`: an older or newer copy would give
 * different scores, so such a chunk fails at once with a message saying which copies differ.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ModelFormatError } from '../errors.js';
import { loadModel, type LoadedModel } from '../persist/model-dir.js';
import { QueueError } from './errors.js';
import type { JobKind } from './job-kinds.js';
import { runKey, storeChunkResult } from './result-store.js';
import { scoreToLines, type OutputFormat } from './score-lines.js';

export const SCORE_CHUNK = 'score-chunk';

/** Which model a run scores with, as the coordinator saw it. */
export interface ModelReference {
  /** Absolute path on the coordinator's machine. */
  path: string;
  /** The model directory's name, looked up in a worker's --models-dir. */
  name: string;
  /** The manifest's createdAt: identifies the model version. */
  createdAt: string;
}

export interface ScoreChunkData {
  runId: string;
  chunk: number;
  firstRow: number;
  format: OutputFormat;
  model: ModelReference;
  texts: string[];
  ids?: (string | null)[];
}

/** Loaded models by directory, reloaded when the directory's model version changes. */
const cache = new Map<string, LoadedModel>();
const CACHED_MODELS = 2;

/** Finds and loads the model a job asks for, or fails with a message naming the paths tried. */
export function resolveModel(ref: ModelReference, modelsDir?: string): LoadedModel {
  const candidates = [...(modelsDir !== undefined ? [path.resolve(modelsDir, ref.name)] : []), ref.path];
  const dir = candidates.find((c) => fs.existsSync(path.join(c, 'manifest.json')));
  if (dir === undefined) {
    throw new QueueError(`model "${ref.name}" not found on this worker (looked in ${candidates.join(', ')}); copy the coordinator's model to the same path or into the worker's --models-dir`);
  }
  let createdAt: string;
  try {
    createdAt = (JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { createdAt?: string }).createdAt ?? '';
  } catch (e) {
    throw new ModelFormatError(dir, `manifest.json is unreadable (${(e as Error).message})`);
  }
  if (createdAt !== ref.createdAt) {
    throw new QueueError(`model version mismatch: this worker's ${dir} was trained at ${createdAt || '(unknown)'}, the coordinator's ${ref.path} at ${ref.createdAt}; copy the coordinator's model to the worker (same path or --models-dir) so both score with the same model`);
  }
  const cached = cache.get(dir);
  if (cached !== undefined && cached.manifest.createdAt === createdAt) return cached;
  const model = loadModel(dir);
  if (model.manifest.createdAt !== ref.createdAt) throw new QueueError(`model ${dir} changed while it was being loaded; retry`);
  cache.delete(dir);
  cache.set(dir, model);
  while (cache.size > CACHED_MODELS) cache.delete(cache.keys().next().value as string);
  return model;
}

export const scoreChunkJob: JobKind<ScoreChunkData> = {
  name: SCORE_CHUNK,
  progressKey: (data) => runKey(data.runId),
  describe(data) {
    return `run ${data.runId} chunk ${data.chunk} (rows ${data.firstRow}–${data.firstRow + data.texts.length - 1})`;
  },
  async run(data, context) {
    const model = resolveModel(data.model, context.modelsDir);
    const lines = await scoreToLines(model, data.format, data.firstRow, data.texts, data.ids, { pause: context.pause });
    const outcome = await storeChunkResult(context.redis, data.runId, data.chunk, data.texts.length, lines);
    if (outcome === 'already-written') context.log(`${scoreChunkJob.describe(data)}: already in the output file, result dropped`);
    if (outcome === 'unknown-run') context.log(`${scoreChunkJob.describe(data)}: the run is gone from Redis (expired or deleted), result dropped`);
  },
};
