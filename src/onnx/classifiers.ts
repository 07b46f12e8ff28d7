import path from 'node:path';
import type { Task } from '../data/targets.js';
import { TextclassError } from '../errors.js';
import type { TfidfVectorizer } from '../features/tfidf.js';
import type { CsrMatrix } from '../features/csr.js';
import type { Classifier, ModelState } from '../models/classifier.js';
import { linearProba, type LinearWeights } from '../models/linear/logistic.js';
import { restoreVectorizer, tfidfMatrix } from '../models/tfidf-front.js';
import { tfidfLogreg } from '../models/tfidf-logreg.js';
import type { NormalizeConfig } from '../text/normalize.js';
import type { EmbeddingCache } from './embedding-cache.js';
import { EncoderRef, type EncoderRefState } from './encoder-ref.js';
import { mlpProba, type MlpWeights } from './mlp-head.js';

/** predictProba was called on a model that only scores asynchronously. */
export class AsyncOnlyModelError extends TextclassError {}

function asyncOnly(type: string): never {
  throw new AsyncOnlyModelError(
    `model type ${type} runs an ONNX model, which scores asynchronously: every textclass command and server route handles it; ` +
      'in code, call predictProbaAsync(texts) or scoreInBatches(classifier, texts) instead of predictProba',
  );
}

/**
 * A fine-tuned Hugging Face classifier used as it is. Its labels (config.json id2label) are mapped
 * onto the recipe's labels: several model labels may feed one recipe label (their probabilities
 * add up), a model label mapped to nothing is left out and the rest renormalized.
 */
export class OnnxReadyClassifier implements Classifier {
  readonly type = READY_TYPE;
  constructor(
    readonly task: Task,
    readonly labels: readonly string[],
    readonly encoder: EncoderRef,
    readonly modelLabels: readonly string[],
    /** Per model label, the recipe label index it feeds, or -1. */
    readonly mapping: readonly number[],
    /** The model's outputs are independent sigmoids (problem_type multi_label_classification). */
    readonly multiLabel: boolean,
  ) {}

  predictProba(_texts?: readonly string[]): Float32Array {
    return asyncOnly(this.type);
  }

  async predictProbaAsync(texts: readonly string[]): Promise<Float32Array> {
    const model = await this.encoder.textModel('logits');
    const { values } = await model.scoreTexts(texts, this.encoder.settings.aggregate);
    return mapModelProbabilities(values, this.modelLabels.length, this.mapping, this.labels.length, this.multiLabel);
  }

  toState(modelDir?: string): ModelState {
    return {
      type: READY_TYPE,
      config: { task: this.task, labels: [...this.labels], encoder: this.encoder.toState(modelDir), modelLabels: [...this.modelLabels], mapping: [...this.mapping], multiLabel: this.multiLabel },
      arrays: {},
    };
  }
}

/**
 * Model logits (n × M, aggregated over windows) → probabilities over the recipe's K labels.
 * Softmax models: softmax over M, mass of each recipe label summed, renormalized over the mapped
 * labels (rows sum to 1). Sigmoid models: per recipe label the largest of its model labels.
 */
export function mapModelProbabilities(logits: Float32Array, M: number, mapping: readonly number[], K: number, multiLabel: boolean): Float32Array {
  const n = logits.length / M;
  const out = new Float32Array(n * K);
  for (let i = 0; i < n; i++) {
    const row = logits.subarray(i * M, (i + 1) * M);
    if (multiLabel) {
      for (let m = 0; m < M; m++) {
        const k = mapping[m];
        if (k < 0) continue;
        const p = 1 / (1 + Math.exp(-row[m]));
        if (p > out[i * K + k]) out[i * K + k] = p;
      }
      continue;
    }
    let max = -Infinity;
    for (let m = 0; m < M; m++) if (mapping[m] >= 0 && row[m] > max) max = row[m];
    let sum = 0;
    for (let m = 0; m < M; m++) {
      if (mapping[m] < 0) continue;
      const e = Math.exp(row[m] - max);
      out[i * K + mapping[m]] += e;
      sum += e;
    }
    for (let k = 0; k < K; k++) out[i * K + k] /= sum;
  }
  return out;
}

export type HeadKind = 'logistic_regression' | 'mlp';
export type CombineTfidf = 'none' | 'concat' | 'average';

/** How embeddings become head inputs: standardized with the training mean and std, times `scale`. */
export interface EmbeddingScaler {
  mean: Float32Array;
  std: Float32Array;
  /** 1/√dim for linear heads (the block then has about unit norm, like a TF-IDF row); 1 for the MLP. */
  scale: number;
}

export interface EncoderHeadParts {
  head: { kind: 'logistic_regression'; linear: LinearWeights } | { kind: 'mlp'; mlp: MlpWeights };
  scaler: EmbeddingScaler;
  combine: CombineTfidf;
  /** concat: the TF-IDF block appended to the embedding; average: the TF-IDF model whose probabilities are averaged in. */
  tfidf: { normalize: NormalizeConfig; vectorizer: TfidfVectorizer } | null;
  tfidfModel: Classifier | null;
}

/**
 * A frozen encoder's mean-pooled embeddings (cached on disk) followed by a trained head:
 * logistic regression or a small MLP, optionally with TF-IDF features (concatenated to the
 * embedding, or a TF-IDF model's probabilities averaged with the head's).
 */
export class OnnxEncoderHeadClassifier implements Classifier {
  readonly type = HEAD_TYPE;
  private cachePromise: Promise<EmbeddingCache | null> | null = null;

  constructor(
    readonly task: Task,
    readonly labels: readonly string[],
    readonly encoder: EncoderRef,
    readonly parts: EncoderHeadParts,
    readonly trace: Record<string, unknown> | null = null,
    /** An embedding cache already open (training passes its own). */
    cache?: EmbeddingCache | null,
  ) {
    if (cache !== undefined) this.cachePromise = Promise.resolve(cache);
  }

  predictProba(_texts?: readonly string[]): Float32Array {
    return asyncOnly(this.type);
  }

  async predictProbaAsync(texts: readonly string[]): Promise<Float32Array> {
    const emb = await embedTexts(this.encoder, texts, await this.cache());
    const p = this.parts;
    const X = scaleEmbeddings(emb.values, emb.width, p.scaler);
    let proba: Float32Array;
    if (p.head.kind === 'mlp') {
      proba = mlpProba(p.head.mlp, X);
    } else {
      const tf = p.combine === 'concat' && p.tfidf ? tfidfMatrix(p.tfidf.vectorizer, p.tfidf.normalize, texts) : null;
      proba = linearProba(denseCsr(X, emb.width, tf), p.head.linear);
    }
    if (p.combine === 'average' && p.tfidfModel) {
      const other = p.tfidfModel.predictProba(texts);
      for (let j = 0; j < proba.length; j++) proba[j] = (proba[j] + other[j]) / 2;
    }
    return proba;
  }

  /** Hits and misses of the embedding cache in this process (null when the cache is off). */
  async cacheStats(): Promise<{ hits: number; misses: number } | null> {
    const c = await this.cache();
    return c ? { hits: c.hits, misses: c.misses } : null;
  }

  cache(): Promise<EmbeddingCache | null> {
    this.cachePromise ??= openCache(this.encoder);
    return this.cachePromise;
  }

  async close(): Promise<void> {
    (await this.cache())?.close();
    this.cachePromise = null;
    await (await this.encoder.textModel('mean_pooled')).dispose();
  }

  toState(modelDir?: string): ModelState {
    const p = this.parts;
    const arrays: ModelState['arrays'] = { emb_mean: p.scaler.mean, emb_std: p.scaler.std };
    const config: Record<string, unknown> = {
      task: this.task,
      labels: [...this.labels],
      encoder: this.encoder.toState(modelDir),
      head: p.head.kind === 'mlp' ? { kind: 'mlp', inputDim: p.head.mlp.inputDim, hidden: p.head.mlp.hidden, outputs: p.head.mlp.outputs, link: p.head.mlp.link } : { kind: 'logistic_regression', numFeatures: p.head.linear.numFeatures, numOutputs: p.head.linear.numOutputs, link: p.head.linear.link },
      scale: p.scaler.scale,
      combine: p.combine,
    };
    if (p.head.kind === 'mlp') Object.assign(arrays, { mlp_w1: p.head.mlp.w1, mlp_b1: p.head.mlp.b1, mlp_w2: p.head.mlp.w2, mlp_b2: p.head.mlp.b2 });
    else Object.assign(arrays, { weights: p.head.linear.weights, bias: p.head.linear.bias });
    if (p.tfidf) {
      const v = p.tfidf.vectorizer.toArrays();
      Object.assign(arrays, { tokens: v.tokens, ngrams: v.ngrams, idf: v.idf });
      config.tfidf = { normalize: p.tfidf.normalize, config: p.tfidf.vectorizer.config };
    }
    if (p.tfidfModel) {
      const s = p.tfidfModel.toState();
      config.tfidfModel = { type: s.type, config: s.config };
      for (const [name, a] of Object.entries(s.arrays)) arrays[`tfidf_${name}`] = a;
    }
    return { type: HEAD_TYPE, config, arrays };
  }
}

export async function openCache(encoder: EncoderRef): Promise<EmbeddingCache | null> {
  if (!encoder.settings.embeddingCache) return null;
  const { EmbeddingCache } = await import('./embedding-cache.js');
  return new EmbeddingCache(path.join(encoder.settings.cacheDir, 'embeddings.sqlite'));
}

/**
 * Mean-pooled embeddings of `texts` (windows aggregated per text), from the cache where present;
 * the rest (each distinct text once) through the encoder, then stored.
 */
export async function embedTexts(encoder: EncoderRef, texts: readonly string[], cache: EmbeddingCache | null): Promise<{ values: Float32Array; width: number }> {
  const model = await encoder.textModel('mean_pooled');
  const aggregate = encoder.settings.aggregate;
  if (!cache) return model.scoreTexts(texts, aggregate);
  const { textHash } = await import('./embedding-cache.js');
  let width = model.config.hiddenSize ?? (await model.scoreTexts([''], aggregate)).width;
  const key = encoder.embeddingKey(model.maxLength, model.plan.stride);
  const hashes = texts.map((t) => textHash(t));
  const found = cache.get(key, hashes, width);
  const missing = new Map<string, number>();
  found.forEach((v, i) => {
    if (v === null && !missing.has(texts[i])) missing.set(texts[i], i);
  });
  const fresh = new Map<string, Float32Array>();
  if (missing.size > 0) {
    const todo = [...missing.keys()];
    const scored = await model.scoreTexts(todo, aggregate);
    width = scored.width;
    const entries = todo.map((t, j) => {
      const vector = scored.values.slice(j * width, (j + 1) * width);
      fresh.set(t, vector);
      return { hash: hashes[missing.get(t)!], vector };
    });
    cache.put(key, entries);
  }
  const values = new Float32Array(texts.length * width);
  texts.forEach((t, i) => values.set(found[i] ?? fresh.get(t)!, i * width));
  return { values, width };
}

export function scaleEmbeddings(values: Float32Array, width: number, s: EmbeddingScaler): Float32Array {
  const out = new Float32Array(values.length);
  for (let j = 0; j < values.length; j++) {
    const d = j % width;
    out[j] = ((values[j] - s.mean[d]) / s.std[d]) * s.scale;
  }
  return out;
}

/** The training mean and std of each embedding dimension (std 1 where a dimension is constant). */
export function fitScaler(values: Float32Array, width: number, scale: number): EmbeddingScaler {
  const n = values.length / width;
  const mean = new Float32Array(width);
  const std = new Float32Array(width);
  for (let j = 0; j < values.length; j++) mean[j % width] += values[j] / n;
  for (let j = 0; j < values.length; j++) std[j % width] += (values[j] - mean[j % width]) ** 2 / n;
  for (let d = 0; d < width; d++) std[d] = std[d] > 1e-12 ? Math.sqrt(std[d]) : 1;
  return { mean, std, scale };
}

/** Dense rows (n × width) as CSR, with an optional sparse block appended to the right of each row. */
export function denseCsr(X: Float32Array, width: number, right: CsrMatrix | null): CsrMatrix {
  const n = X.length / width;
  const extra = right ? right.indptr[right.rows] : 0;
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(n * width + extra);
  const data = new Float32Array(n * width + extra);
  let at = 0;
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < width; d++) {
      indices[at] = d;
      data[at++] = X[i * width + d];
    }
    if (right) {
      for (let q = right.indptr[i]; q < right.indptr[i + 1]; q++) {
        indices[at] = width + right.indices[q];
        data[at++] = right.data[q];
      }
    }
    indptr[i + 1] = at;
  }
  return { rows: n, cols: width + (right ? right.cols : 0), indptr, indices, data };
}

export const READY_TYPE = 'onnx-classifier';
export const HEAD_TYPE = 'onnx-encoder-head';

/** Restores a ready classifier; the ONNX file is checked against its checksum here, the session opens at first use. */
export function readyFromState(state: ModelState, modelDir?: string): Classifier {
  const c = state.config as { task: Task; labels: string[]; encoder: EncoderRefState; modelLabels: string[]; mapping: number[]; multiLabel: boolean };
  return new OnnxReadyClassifier(c.task, c.labels, EncoderRef.fromState(c.encoder, modelDir), c.modelLabels, c.mapping, c.multiLabel);
}

export function headFromState(state: ModelState, modelDir?: string): Classifier {
  const c = state.config as {
    task: Task;
    labels: string[];
    encoder: EncoderRefState;
    head: { kind: 'mlp'; inputDim: number; hidden: number; outputs: number; link: MlpWeights['link'] } | { kind: 'logistic_regression'; numFeatures: number; numOutputs: number; link: LinearWeights['link'] };
    scale: number;
    combine: CombineTfidf;
    tfidf?: { normalize: NormalizeConfig; config: TfidfVectorizer['config'] };
    tfidfModel?: { type: string; config: Record<string, unknown> };
  };
  const a = state.arrays;
  const head: EncoderHeadParts['head'] =
    c.head.kind === 'mlp'
      ? { kind: 'mlp', mlp: { inputDim: c.head.inputDim, hidden: c.head.hidden, outputs: c.head.outputs, link: c.head.link, w1: a.mlp_w1 as Float32Array, b1: a.mlp_b1 as Float32Array, w2: a.mlp_w2 as Float32Array, b2: a.mlp_b2 as Float32Array } }
      : { kind: 'logistic_regression', linear: { numFeatures: c.head.numFeatures, numOutputs: c.head.numOutputs, link: c.head.link, weights: a.weights as Float32Array, bias: a.bias as Float32Array } };
  const tfidf = c.tfidf ? { normalize: c.tfidf.normalize, vectorizer: restoreVectorizer(c.tfidf.config, a) } : null;
  let tfidfModel: Classifier | null = null;
  if (c.tfidfModel) {
    const arrays: ModelState['arrays'] = {};
    for (const [name, arr] of Object.entries(a)) if (name.startsWith('tfidf_')) arrays[name.slice('tfidf_'.length)] = arr;
    tfidfModel = tfidfLogreg.fromState({ type: c.tfidfModel.type, config: c.tfidfModel.config, arrays });
  }
  const scaler = { mean: a.emb_mean as Float32Array, std: a.emb_std as Float32Array, scale: c.scale };
  return new OnnxEncoderHeadClassifier(c.task, c.labels, EncoderRef.fromState(c.encoder, modelDir), { head, scaler, combine: c.combine, tfidf, tfidfModel });
}
