import type { TfidfVectorizer } from '../features/tfidf.js';
import type { Classifier } from '../models/classifier.js';
import { NaiveBayesClassifier } from '../models/naive-bayes.js';
import { NbsvmClassifier } from '../models/nbsvm.js';
import { TfidfLogregClassifier } from '../models/tfidf-logreg.js';
import { TfidfSvmClassifier } from '../models/tfidf-svm.js';
import type { NormalizeConfig } from '../text/normalize.js';

/**
 * How a label's score becomes the probability predictProba reports:
 * - `softmax`: p = softmax(scores) (logistic regression, multiclass; naive Bayes, single-label);
 * - `sigmoid`: p_k = σ(score_k) independently (logistic regression binary/multilabel, NB-SVM
 *   binary/multilabel, naive Bayes multilabel);
 * - `normalized-sigmoid`: p_k = σ(score_k) / Σ_c σ(score_c) (NB-SVM multiclass);
 * - `platt`: p_k = σ(−(A_k·score_k + B_k)), divided by the row sum when `normalize` (linear SVM
 *   with sigmoid calibration; uniform when every term is 0, as scikit-learn does).
 */
export type ScoreLink =
  | { kind: 'softmax' }
  | { kind: 'sigmoid' }
  | { kind: 'normalized-sigmoid' }
  | { kind: 'platt'; A: number[]; B: number[]; normalize: boolean };

/**
 * What a label's score is, in words the report can print:
 * - `logit`: logistic regression / NB-SVM decision value (log-odds or softmax logit);
 * - `svm-decision`: the SVM's decision value w·x + b, before Platt scaling;
 * - `nb-log-likelihood`: naive Bayes joint log-likelihood log P(k) + Σ x_f log P(f | k), centred
 *   over the classes (each feature's and the prior's mean over the classes subtracted: softmax
 *   gives the same probabilities, and a feature's contribution says how much more likely it is
 *   under this class than on average, instead of always being negative);
 * - `nb-log-odds`: multilabel naive Bayes, log P(present | x) − log P(absent | x) of the label.
 */
export type ScoreKind = 'logit' | 'svm-decision' | 'nb-log-likelihood' | 'nb-log-odds';

/**
 * A TF-IDF model seen as one linear score per label: score_k = bias_k + Σ_f x_f · w_k(f), with x
 * the model's own feature row. Every exact explanation and the top-feature lists read models
 * through this, so each model type's weight layout is interpreted in one place.
 */
export interface LinearView {
  readonly vectorizer: TfidfVectorizer;
  readonly normalize: NormalizeConfig;
  /** NB-SVM with binarized features: every stored feature value is 1. */
  readonly binarize: boolean;
  readonly numLabels: number;
  /** Per label (labels order); may hold −∞ for a class naive Bayes never saw. */
  readonly bias: Float64Array;
  readonly link: ScoreLink;
  readonly scoreKind: ScoreKind;
  /** Writes w_k(f) for every label k into `out` (length numLabels). */
  labelWeights(f: number, out: Float64Array): void;
}

const views = new WeakMap<Classifier, LinearView | null>();

/**
 * The linear view of a TF-IDF model, or null for a model that has none (fastText, future types).
 * Built once per classifier (NB-SVM folds its weights, one pass over them) and cached.
 */
export function linearViewOf(classifier: Classifier): LinearView | null {
  let view = views.get(classifier);
  if (view === undefined) {
    view = buildLinearView(classifier);
    views.set(classifier, view);
  }
  return view;
}

function buildLinearView(classifier: Classifier): LinearView | null {
  if (classifier instanceof TfidfLogregClassifier) {
    const { weights, bias, numOutputs, link } = classifier.linear;
    return outputsView(classifier, weights, bias, numOutputs, link === 'softmax' ? { kind: 'softmax' } : { kind: 'sigmoid' }, 'logit', false);
  }
  if (classifier instanceof TfidfSvmClassifier) {
    const { weights, bias, numOutputs } = classifier.svm;
    const A = Array.from(classifier.calibA);
    const B = Array.from(classifier.calibB);
    // Binary: one output f for label 1; label 0 reports −f, and P(0) = 1 − σ(−(A f + B)) = σ(−(A·(−f) − B)).
    const link: ScoreLink = numOutputs === 1 ? { kind: 'platt', A: [A[0], A[0]], B: [-B[0], B[0]], normalize: false } : { kind: 'platt', A, B, normalize: classifier.task !== 'multilabel' };
    return outputsView(classifier, weights, bias, numOutputs, link, 'svm-decision', false);
  }
  if (classifier instanceof NbsvmClassifier) {
    const m = classifier.model;
    // The model predicts with the folded float32 weights r ∘ w; use the very same products.
    const folded = new Float32Array(m.weights.length);
    for (let p = 0; p < folded.length; p++) folded[p] = m.ratios[p] * m.weights[p];
    const link: ScoreLink = classifier.task === 'multiclass' ? { kind: 'normalized-sigmoid' } : { kind: 'sigmoid' };
    return outputsView(classifier, folded, m.bias, m.numOutputs, link, 'logit', classifier.settings.binarize);
  }
  if (classifier instanceof NaiveBayesClassifier) return naiveBayesView(classifier);
  return null;
}

/**
 * One output per label (feature-major weights `w[f * K + k]`), or a single output for a two-label
 * task, which scores label 1 and is mirrored (−score) for label 0.
 */
function outputsView(
  classifier: TfidfLogregClassifier | TfidfSvmClassifier | NbsvmClassifier,
  weights: Float32Array,
  outputBias: Float32Array,
  numOutputs: number,
  link: ScoreLink,
  scoreKind: ScoreKind,
  binarize: boolean,
): LinearView {
  const L = classifier.labels.length;
  const K = numOutputs;
  const mirrored = K === 1 && L === 2;
  if (!mirrored && K !== L) throw new Error(`${classifier.type}: ${K} outputs for ${L} labels`);
  const bias = mirrored ? Float64Array.of(-outputBias[0], outputBias[0]) : Float64Array.from(outputBias);
  return {
    vectorizer: classifier.vectorizer,
    normalize: classifier.normalize,
    binarize,
    numLabels: L,
    bias,
    link,
    scoreKind,
    labelWeights: mirrored
      ? (f, out) => {
          out[1] = weights[f];
          out[0] = -weights[f];
        }
      : (f, out) => {
          for (let k = 0; k < K; k++) out[k] = weights[f * K + k];
        },
  };
}

function naiveBayesView(classifier: NaiveBayesClassifier): LinearView {
  const { featureLogProb: flp, classLogPrior: prior, numGroups, groupSize } = classifier.weights;
  const base = { vectorizer: classifier.vectorizer, normalize: classifier.normalize, binarize: false, numLabels: classifier.labels.length };
  if (numGroups === 1) {
    const K = groupSize;
    // Centre the priors over the classes that have one (−∞ marks a class without training rows).
    let sum = 0;
    let finite = 0;
    for (let k = 0; k < K; k++) {
      if (Number.isFinite(prior[k])) {
        sum += prior[k];
        finite++;
      }
    }
    const mean = finite > 0 ? sum / finite : 0;
    return {
      ...base,
      bias: Float64Array.from(prior, (p) => p - mean),
      link: { kind: 'softmax' },
      scoreKind: 'nb-log-likelihood',
      labelWeights: (f, out) => {
        let m = 0;
        for (let k = 0; k < K; k++) m += flp[f * K + k];
        m /= K;
        for (let k = 0; k < K; k++) out[k] = flp[f * K + k] - m;
      },
    };
  }
  // Multilabel: one [absent, present] model per label; the score is the label's log-odds.
  const T = numGroups * 2;
  return {
    ...base,
    bias: Float64Array.from({ length: numGroups }, (_, g) => prior[2 * g + 1] - prior[2 * g]),
    link: { kind: 'sigmoid' },
    scoreKind: 'nb-log-odds',
    labelWeights: (f, out) => {
      for (let g = 0; g < numGroups; g++) out[g] = flp[f * T + 2 * g + 1] - flp[f * T + 2 * g];
    },
  };
}

/** Probabilities from per-label scores under `link` (what predictProba would report). */
export function probabilitiesFromScores(scores: ArrayLike<number>, link: ScoreLink): number[] {
  const K = scores.length;
  const out = new Array<number>(K).fill(0);
  switch (link.kind) {
    case 'softmax': {
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (scores[k] > max) max = scores[k];
      let sum = 0;
      for (let k = 0; k < K; k++) sum += out[k] = Math.exp(scores[k] - max);
      for (let k = 0; k < K; k++) out[k] /= sum;
      return out;
    }
    case 'sigmoid':
      for (let k = 0; k < K; k++) out[k] = sigmoid(scores[k]);
      return out;
    case 'normalized-sigmoid': {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += out[k] = sigmoid(scores[k]);
      for (let k = 0; k < K; k++) out[k] /= sum;
      return out;
    }
    case 'platt': {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += out[k] = sigmoid(-(link.A[k] * scores[k] + link.B[k]));
      if (link.normalize) for (let k = 0; k < K; k++) out[k] = sum > 0 ? out[k] / sum : 1 / K;
      return out;
    }
  }
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
