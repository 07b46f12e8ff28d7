import path from 'node:path';
import { RecipeError } from '../errors.js';
import type { Classifier, FitInput } from '../models/classifier.js';
import { balancedPairWeights, balancedRowWeights, multiplyWeights } from '../models/class-weights.js';
import { fitLogistic, type LinearWeights, type LogisticTargets } from '../models/linear/logistic.js';
import { fitTfidfFeatures } from '../models/tfidf-front.js';
import { tfidfLogreg } from '../models/tfidf-logreg.js';
import type { ModelSection } from '../recipe/schema.js';
import type { TextPipeline } from '../train/model-choice.js';
import { DEFAULT_TRAINING_CONTROLS } from '../models/classifier.js';
import { denseCsr, embedTexts, fitScaler, openCache, OnnxEncoderHeadClassifier, OnnxReadyClassifier, scaleEmbeddings, type EncoderHeadParts } from './classifiers.js';
import { EncoderRef, type EncoderSettings } from './encoder-ref.js';
import { fitMlp } from './mlp-head.js';
import { defaultCacheDir } from './model-files.js';

export type OnnxModelSection = Extract<ModelSection, { type: 'onnx' }>;

/** The recipe's onnx section as encoder settings (paths resolved against the working directory). */
export function encoderSettingsOf(m: OnnxModelSection): EncoderSettings {
  return {
    quantized: m.quantized,
    maxLength: m.max_length ?? null,
    stride: m.window.stride ?? null,
    aggregate: m.window.aggregate,
    batchSize: m.batch_size,
    threads: m.threads ?? null,
    device: m.device,
    allowRemote: m.allow_remote,
    cacheDir: m.cache_dir ? path.resolve(m.cache_dir) : defaultCacheDir(),
    embeddingCache: m.embedding_cache,
  };
}

/**
 * Builds the recipe's onnx model: a ready classifier (nothing is trained; its labels are mapped
 * onto the recipe's) or an encoder with a head trained on the cached embeddings.
 */
export async function fitOnnxModel(m: OnnxModelSection, input: FitInput, text: TextPipeline, classWeight: 'balanced' | null): Promise<Classifier> {
  const encoder = EncoderRef.fromRecipe(m.path, encoderSettingsOf(m));
  if (m.mode === 'classifier') {
    input.progress?.('load model', 0, 1);
    const model = await encoder.textModel('logits');
    input.progress?.('load model', 1, 1);
    const mapping = labelMapping(model.config.labels!, input.labels, m.label_map);
    return new OnnxReadyClassifier(input.task, input.labels, encoder, model.config.labels!, mapping, model.config.multiLabel);
  }
  const cache = await openCache(encoder);
  input.progress?.('embed', 0, input.texts.length);
  const emb = await embedTexts(encoder, input.texts, cache);
  input.progress?.('embed', input.texts.length, input.texts.length);
  const scaler = fitScaler(emb.values, emb.width, m.head.type === 'mlp' ? 1 : 1 / Math.sqrt(emb.width));
  const X = scaleEmbeddings(emb.values, emb.width, scaler);
  const rowWeights = rowWeightsOf(input, classWeight);
  let head: EncoderHeadParts['head'];
  let tfidf: EncoderHeadParts['tfidf'] = null;
  let trace: Record<string, unknown> | null = null;
  if (m.head.type === 'mlp') {
    let validation: { X: Float32Array; targets: FitInput['targets'] } | undefined;
    const controls = input.training ?? DEFAULT_TRAINING_CONTROLS;
    if (controls.earlyStopping && input.validation) {
      const dev = await embedTexts(encoder, input.validation.texts, cache);
      validation = { X: scaleEmbeddings(dev.values, dev.width, scaler), targets: input.validation.targets };
    }
    const fitted = fitMlp(
      { task: input.task, labels: input.labels, X, targets: input.targets, ...(rowWeights.rows ? { sampleWeights: rowWeights.rows } : {}), ...(validation ? { validation } : {}), ...(input.onEpoch ? { onEpoch: input.onEpoch } : {}) },
      { hidden: m.head.hidden, epochs: m.head.epochs, lr: m.head.lr, seed: input.seed },
      controls,
    );
    head = { kind: 'mlp', mlp: fitted.weights };
    trace = { epochs: fitted.trace.epochs.length, best_epoch: fitted.trace.bestEpoch, stopped_early: fitted.trace.stoppedEarly };
  } else {
    let right = null;
    if (m.combine_tfidf === 'concat') {
      const fitted = fitTfidfFeatures(input, text.normalize, text.tfidf);
      tfidf = { normalize: text.normalize, vectorizer: fitted.vectorizer };
      right = fitted.matrix;
    }
    const linear = fitLinearHead(denseCsr(X, emb.width, right), input, { C: m.head.C, maxIter: m.head.max_iter, tol: m.head.tol }, rowWeights);
    head = { kind: 'logistic_regression', linear };
  }
  let tfidfModel: Classifier | null = null;
  if (m.combine_tfidf === 'average') {
    const weighted = rowWeights.rows ? { ...input, sampleWeights: rowWeights.rows } : input;
    tfidfModel = await tfidfLogreg.fit(weighted, { ...text, logistic: { C: m.head.C * 4, maxIter: m.head.max_iter, tol: m.head.tol }, classWeight: null });
  }
  return new OnnxEncoderHeadClassifier(input.task, input.labels, encoder, { head, scaler, combine: m.combine_tfidf, tfidf, tfidfModel }, trace, cache);
}

interface RowWeights {
  /** Per-row weights (explicit class weights, balanced single-label weights), or none. */
  rows: Float32Array | undefined;
  /** Multilabel balanced: per-label negative/positive weights. */
  pairs: Float64Array | undefined;
}

function rowWeightsOf(input: FitInput, classWeight: 'balanced' | null): RowWeights {
  if (classWeight !== 'balanced') return { rows: input.sampleWeights, pairs: undefined };
  if (input.targets.kind === 'single') return { rows: multiplyWeights(input.sampleWeights, balancedRowWeights(input.targets.y, input.labels.length)), pairs: undefined };
  return { rows: input.sampleWeights, pairs: balancedPairWeights(input.targets.y, input.targets.numLabels) };
}

/** Logistic regression on the head's inputs, with the same target encoding as the TF-IDF model. */
function fitLinearHead(X: ReturnType<typeof denseCsr>, input: FitInput, options: { C: number; maxIter: number; tol: number }, w: RowWeights): LinearWeights {
  const { task, labels, targets } = input;
  let lt: LogisticTargets;
  if (targets.kind === 'single') {
    lt = task === 'binary' ? { link: 'sigmoid', y: Uint8Array.from(targets.y, (c) => (c === 1 ? 1 : 0)), numOutputs: 1 } : { link: 'softmax', y: targets.y, numClasses: labels.length };
  } else {
    lt = { link: 'sigmoid', y: targets.y, numOutputs: targets.numLabels };
  }
  return fitLogistic(X, lt, options, w.rows, (iteration) => input.progress?.('optimize', iteration, options.maxIter), w.pairs).model;
}

/**
 * Per model label, the recipe label it feeds (-1: left out). `label_map` names them
 * ({MODEL_LABEL: recipe_label}); a model label it does not name maps to the recipe label of the
 * same name, ignoring case. Every recipe label must be fed by at least one model label.
 */
export function labelMapping(modelLabels: readonly string[], recipeLabels: readonly string[], labelMap: Readonly<Record<string, string>> | undefined): number[] {
  const map = labelMap ?? {};
  const unknownKeys = Object.keys(map).filter((k) => !modelLabels.includes(k));
  if (unknownKeys.length > 0) throw new RecipeError(`model.label_map: ${unknownKeys.map((k) => `"${k}"`).join(', ')} ${unknownKeys.length > 1 ? 'are not labels' : 'is not a label'} of the ONNX model (its labels: ${modelLabels.join(', ')})`);
  const unknownValues = Object.entries(map).filter(([, v]) => !recipeLabels.includes(v));
  if (unknownValues.length > 0) throw new RecipeError(`model.label_map: ${unknownValues.map(([k, v]) => `${k} → "${v}"`).join(', ')}: not a label of the data (labels: ${recipeLabels.join(', ')})`);
  const mapping = modelLabels.map((m) => {
    if (map[m] !== undefined) return recipeLabels.indexOf(map[m]);
    return recipeLabels.findIndex((r) => r.toLowerCase() === m.toLowerCase());
  });
  const unfed = recipeLabels.filter((_, k) => !mapping.includes(k));
  if (unfed.length > 0) {
    throw new RecipeError(`model.label_map: no label of the ONNX model maps to ${unfed.map((l) => `"${l}"`).join(', ')} (model labels: ${modelLabels.join(', ')}); add entries such as {${modelLabels[0]}: ${unfed[0]}}`);
  }
  return mapping;
}
