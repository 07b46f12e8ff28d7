import { RecipeError } from '../errors.js';
import type { TfidfConfig } from '../features/tfidf.js';
import type { Classifier, FitInput } from '../models/classifier.js';
import { defaultFasttextOptions, fasttextModel } from '../models/fasttext/index.js';
import { naiveBayes } from '../models/naive-bayes.js';
import { nbsvm } from '../models/nbsvm.js';
import { tfidfLogreg } from '../models/tfidf-logreg.js';
import { tfidfSvm } from '../models/tfidf-svm.js';
import type { ModelSection } from '../recipe/schema.js';
import type { NormalizeConfig } from '../text/normalize.js';

/** The text pipeline every model type shares, resolved from the recipe (and the data, for `auto`). */
export interface TextPipeline {
  normalize: NormalizeConfig;
  tfidf: TfidfConfig;
}

/**
 * Fits the model the recipe's `model.type` names, with that section's options. Explicit class
 * weights become per-row weights here, so every model type that honours sample weights gets them.
 */
export async function fitModel(model: ModelSection, fitInput: FitInput, text: TextPipeline): Promise<Classifier> {
  const { input, classWeight } = applyClassWeights(fitInput, model.class_weight);
  switch (model.type) {
    case 'logistic_regression':
      return tfidfLogreg.fit(input, {
        ...text,
        logistic: { C: model.C, maxIter: model.max_iter, tol: model.tol },
        classWeight,
      });
    case 'linear_svm':
      return tfidfSvm.fit(input, {
        ...text,
        svm: { C: model.C, loss: model.loss, maxIter: model.max_iter, tol: model.tol },
        calibration: { method: 'sigmoid', folds: model.calibration_folds },
        classWeight,
      });
    case 'naive_bayes':
      return naiveBayes.fit(input, { ...text, variant: model.variant, alpha: model.alpha, classWeight });
    case 'nbsvm':
      return nbsvm.fit(input, {
        ...text,
        alpha: model.alpha,
        binarize: model.binarize,
        C: model.C,
        maxIter: model.max_iter,
        tol: model.tol,
        classWeight,
      });
    case 'fasttext':
      return fasttextModel.fit(input, {
        normalize: text.normalize,
        dim: model.dim,
        epoch: model.epoch,
        lr: model.lr,
        wordNgrams: model.word_ngrams,
        minCount: model.min_count,
        buckets: model.buckets,
        minn: model.minn,
        maxn: model.maxn,
        loss: model.loss ?? defaultFasttextOptions(input.task).loss,
        threads: model.threads,
        classWeight,
      });
    case 'onnx': {
      // Loaded on demand: the ONNX runtime stays out of every other path (docs/onnx.md).
      const { fitOnnxModel } = await import('../onnx/fit.js');
      return fitOnnxModel(model, input, text, classWeight);
    }
    default: {
      // The schema admits only the types above; this guards plain-JS callers.
      const unknown: never = model;
      throw new RecipeError(`model.type: "${(unknown as { type: string }).type}" is not a model type`);
    }
  }
}

/**
 * `class_weight: auto` weighs classes when the training labels are this imbalanced (most common ÷
 * rarest class). Unweighted, a model all but ignores a class outnumbered this much, which costs
 * macro-F1 and balanced accuracy; below it, weighting trades accuracy for little. Measured on dev
 * splits: tickets → category (141:1) macro-F1 0.387 → 0.498 balanced; Korean emotions (2.2:1) 0.720
 * → 0.718 and ChnSentiCorp (2.2:1) 0.870 → 0.868, so those stay unweighted.
 */
export const AUTO_BALANCE_RATIO = 5;

/** What `class_weight: auto` means for these training targets: balanced, or none. */
export function resolveAutoClassWeight(targets: FitInput['targets'], numLabels: number): 'balanced' | null {
  if (targets.kind !== 'single') return null;
  const counts = new Float64Array(numLabels);
  for (const c of targets.y) counts[c]++;
  let most = 0;
  let rarest = Infinity;
  for (const n of counts) {
    if (n === 0) continue;
    if (n > most) most = n;
    if (n < rarest) rarest = n;
  }
  return rarest !== Infinity && most >= AUTO_BALANCE_RATIO * rarest ? 'balanced' : null;
}

export function applyClassWeights(input: FitInput, weights: ModelSection['class_weight']): { input: FitInput; classWeight: 'balanced' | null } {
  if (weights === 'auto') return { input, classWeight: resolveAutoClassWeight(input.targets, input.labels.length) };
  if (weights === null || weights === 'balanced') return { input, classWeight: weights };
  if (input.targets.kind !== 'single') throw new RecipeError('model.class_weight: explicit class weights are for single-label tasks; use balanced for multilabel');
  const perClass = new Float32Array(input.labels.length).fill(1);
  for (const [label, w] of Object.entries(weights)) {
    const k = input.labels.indexOf(label);
    if (k === -1) throw new RecipeError(`model.class_weight: "${label}" is not a label of the model (labels: ${input.labels.join(', ')})`);
    perClass[k] = w;
  }
  const y = input.targets.y;
  const rows = Float32Array.from(y, (c) => perClass[c]);
  if (input.sampleWeights) for (let i = 0; i < rows.length; i++) rows[i] *= input.sampleWeights[i];
  return { input: { ...input, sampleWeights: rows }, classWeight: null };
}
