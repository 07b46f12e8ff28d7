import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ModelFormatError } from '../errors.js';

/**
 * Where a Hugging Face–format model lives and what its folder holds, read without loading the
 * runtime: config.json, tokenizer.json, tokenizer_config.json and onnx/model*.onnx.
 */

export type ModelSource = { kind: 'local'; dir: string } | { kind: 'hub'; id: string };

/** A hub model id: `name` or `owner/name`. */
const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;

/**
 * A local folder (relative paths against `baseDir`) when it exists; a hub id only when the user
 * allowed downloads. Anything else is a clear error naming what to do.
 */
export function resolveModelSource(modelPath: string, allowRemote: boolean, baseDir = process.cwd()): ModelSource {
  const local = path.resolve(baseDir, modelPath);
  if (fs.existsSync(local)) {
    if (!fs.statSync(local).isDirectory()) throw new ModelFormatError(local, 'is a file; model.path must be the model folder (with config.json, tokenizer.json and onnx/model.onnx)');
    return { kind: 'local', dir: local };
  }
  if (allowRemote && HUB_ID.test(modelPath) && !modelPath.startsWith('.')) return { kind: 'hub', id: modelPath };
  const hint = HUB_ID.test(modelPath) ? '; to download it from the Hugging Face hub set model.allow_remote: true' : '';
  throw new ModelFormatError(local, `ONNX model folder not found (expected config.json, tokenizer.json and onnx/model.onnx)${hint}`);
}

/** The folder a hub model's files are cached in by transformers.js (its file cache keys are `<id>/<file>`). */
export function hubModelDir(cacheDir: string, id: string): string {
  return path.join(cacheDir, 'hub', id);
}

/** The ONNX file transformers.js picks for dtype fp32 (model.onnx) or q8 (model_quantized.onnx). */
export function onnxFileName(quantized: boolean): string {
  return quantized ? 'model_quantized.onnx' : 'model.onnx';
}

export interface ModelConfig {
  /** Label names by output index, from config.json id2label (null for an encoder without labels). */
  labels: string[] | null;
  /** multi_label_classification → sigmoid outputs; otherwise softmax. */
  multiLabel: boolean;
  /** The longest sequence the model takes, special tokens included. */
  maxLength: number;
  hiddenSize: number | null;
  modelType: string;
}

/** Checks the folder has what transformers.js needs and reads the parts textclass uses. */
export function readModelFolder(dir: string, quantized: boolean): { config: ModelConfig; onnxPath: string } {
  if (!fs.existsSync(dir)) throw new ModelFormatError(dir, 'ONNX model folder not found');
  const config = readJson(dir, 'config.json', 'not a Hugging Face model folder');
  readJson(dir, 'tokenizer.json', 'the tokenizer is missing (transformers.js reads tokenizer.json)');
  const onnxPath = path.join(dir, 'onnx', onnxFileName(quantized));
  if (!fs.existsSync(onnxPath)) {
    const other = path.join(dir, 'onnx', onnxFileName(!quantized));
    const hint = fs.existsSync(other) ? `; the folder has onnx/${onnxFileName(!quantized)}: set model.quantized: ${!quantized}` : '; export the model to ONNX (e.g. with optimum: `optimum-cli export onnx`)';
    throw new ModelFormatError(dir, `onnx/${onnxFileName(quantized)} not found${hint}`);
  }
  let tokenizerMax = Infinity;
  const tc = path.join(dir, 'tokenizer_config.json');
  if (fs.existsSync(tc)) {
    const v = (readJson(dir, 'tokenizer_config.json', '') as { model_max_length?: unknown }).model_max_length;
    // Tokenizers without a limit store a huge sentinel (1e30); only real limits count.
    if (typeof v === 'number' && v > 0 && v < 1e6) tokenizerMax = v;
  }
  const c = config as { id2label?: Record<string, string>; problem_type?: string; max_position_embeddings?: number; hidden_size?: number; dim?: number; model_type?: string; architectures?: string[] };
  const positions = typeof c.max_position_embeddings === 'number' ? c.max_position_embeddings : 512;
  const maxLength = Math.min(positions, tokenizerMax);
  const classifier = (c.architectures ?? []).some((a) => /ForSequenceClassification$/.test(a));
  let labels: string[] | null = null;
  if (classifier && c.id2label) {
    const n = Object.keys(c.id2label).length;
    labels = Array.from({ length: n }, (_, i) => {
      const name = c.id2label![String(i)];
      if (typeof name !== 'string') throw new ModelFormatError(dir, `config.json: id2label has no entry "${i}" (ids must be 0..${n - 1})`);
      return name;
    });
  }
  return {
    config: {
      labels,
      multiLabel: c.problem_type === 'multi_label_classification',
      maxLength,
      hiddenSize: typeof c.hidden_size === 'number' ? c.hidden_size : typeof c.dim === 'number' ? c.dim : null,
      modelType: c.model_type ?? 'unknown',
    },
    onnxPath,
  };
}

function readJson(dir: string, file: string, missing: string): unknown {
  const p = path.join(dir, file);
  let text: string;
  try {
    text = fs.readFileSync(p, 'utf8');
  } catch {
    throw new ModelFormatError(dir, `no ${file}: ${missing}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(dir, `${file} is not valid JSON (${(e as Error).message})`);
  }
}

/** sha256 of a file, read in chunks (model files can be hundreds of MB). */
export function fileSha256(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * Where textclass keeps ONNX data between runs (embedding cache, hub downloads): the recipe's
 * `cache_dir`, else $TEXTCLASS_CACHE_DIR, else $XDG_CACHE_HOME/textclass or ~/.cache/textclass.
 */
export function defaultCacheDir(): string {
  if (process.env.TEXTCLASS_CACHE_DIR) return path.resolve(process.env.TEXTCLASS_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME ? process.env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'textclass');
}
