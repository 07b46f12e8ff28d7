import type { Targets, Task } from '../data/targets.js';
import type { CsrMatrix } from '../features/csr.js';
import type { TfidfConfig, TfidfVectorizer } from '../features/tfidf.js';
import type { NormalizeConfig } from '../text/normalize.js';
import type { Classifier, FitInput, ModelFactory, ModelState } from './classifier.js';
import { fitTfidfFeatures, restoreTfidfFront, tfidfMatrix, tfidfModelState } from './tfidf-front.js';
import { balancedPairWeights, balancedRowWeights, multiplyWeights } from './class-weights.js';

/**
 * Naive Bayes on TF-IDF (or count) features, exactly as scikit-learn's MultinomialNB and
 * ComplementNB (Rennie et al. 2003, `norm=False`) compute it, fitted on whatever matrix the
 * vectorizer produces.
 *
 * Single-label tasks fit one model over the K classes. Multilabel tasks fit one binary model per
 * label (classes [absent, present]) and report P(present) of each.
 */
export type NbVariant = 'multinomial' | 'complement';

export interface NaiveBayesOptions {
  normalize: NormalizeConfig;
  tfidf: TfidfConfig;
  variant: NbVariant;
  /** Additive (Laplace/Lidstone) smoothing; values below 1e-10 are raised to 1e-10, as sklearn does. */
  alpha: number;
  /** `balanced` weighs rows inversely to their class frequency (per label for multilabel). */
  classWeight: 'balanced' | null;
}

/**
 * Fitted weights of `numGroups` independent NB models of `groupSize` classes each; outputs are
 * numbered t = g · groupSize + c (T = numGroups · groupSize in all).
 * Single-label: one group of K classes. Multilabel: K groups of 2 ([absent, present]).
 */
export interface NbWeights {
  numFeatures: number;
  numGroups: number;
  groupSize: number;
  /**
   * sklearn's `feature_log_prob_` (T × F), stored feature-major (`featureLogProb[j * T + t]`) so
   * that a CSR row reads its T scores contiguously.
   */
  featureLogProb: Float32Array;
  /**
   * The term added to each output's joint log-likelihood: `class_log_prior_` for multinomial NB.
   * ComplementNB ignores priors (sklearn adds them only with a single class), so it holds 0, or
   * -Infinity for a class without training rows, which sklearn would not know at all.
   */
  classLogPrior: Float32Array;
}

/** sklearn clamps smaller alphas (force_alpha=False) to avoid log(0). */
const MIN_ALPHA = 1e-10;

/**
 * Fits NB on `X`. `sampleWeights` scale rows (sklearn's `sample_weight`); `outputWeights` (length
 * T) scale the rows of each class of each group, i.e. class weights folded into sample weights.
 */
export function fitNaiveBayes(
  X: CsrMatrix,
  targets: Targets,
  numClasses: number,
  variant: NbVariant,
  alpha: number,
  sampleWeights?: Float32Array,
  outputWeights?: Float64Array,
): NbWeights {
  const numGroups = targets.kind === 'single' ? 1 : targets.numLabels;
  const groupSize = targets.kind === 'single' ? numClasses : 2;
  const T = numGroups * groupSize;
  const { featureCount, classCount } = countFeatures(X, targets, T, sampleWeights, outputWeights);
  const a = Math.max(alpha, MIN_ALPHA);
  const shape = { numFeatures: X.cols, numGroups, groupSize };
  const featureLogProb =
    variant === 'multinomial' ? multinomialLogProb(featureCount, shape, a) : complementLogProb(featureCount, shape, a);
  const classLogPrior = variant === 'multinomial' ? multinomialPrior(classCount, shape) : complementPrior(classCount);
  return { ...shape, featureLogProb, classLogPrior };
}

/** Weighted per-class sums of X's columns (`feature_count_`, feature-major) and of the rows (`class_count_`). */
function countFeatures(
  X: CsrMatrix,
  targets: Targets,
  T: number,
  sampleWeights: Float32Array | undefined,
  outputWeights: Float64Array | undefined,
): { featureCount: Float64Array; classCount: Float64Array } {
  const featureCount = new Float64Array(X.cols * T);
  const classCount = new Float64Array(T);
  const G = targets.kind === 'single' ? 1 : targets.numLabels;
  // The output each group assigns the current row to, and that row's weight in it.
  const rowOutput = new Int32Array(G);
  const rowWeight = new Float64Array(G);
  const { indptr, indices, data } = X;
  for (let i = 0; i < X.rows; i++) {
    const s = sampleWeights ? sampleWeights[i] : 1;
    for (let g = 0; g < G; g++) {
      const t = targets.kind === 'single' ? targets.y[i] : 2 * g + targets.y[i * G + g];
      rowOutput[g] = t;
      rowWeight[g] = s * (outputWeights ? outputWeights[t] : 1);
      classCount[t] += rowWeight[g];
    }
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      const base = indices[p] * T;
      const v = data[p];
      for (let g = 0; g < G; g++) featureCount[base + rowOutput[g]] += rowWeight[g] * v;
    }
  }
  return { featureCount, classCount };
}

interface NbShape {
  numFeatures: number;
  numGroups: number;
  groupSize: number;
}

/** MultinomialNB: log((N_tj + α) / Σ_j (N_tj + α)). */
function multinomialLogProb(fc: Float64Array, shape: NbShape, alpha: number): Float32Array {
  const F = shape.numFeatures;
  const T = shape.numGroups * shape.groupSize;
  const logTotal = columnSums(fc, F, T, alpha);
  for (let t = 0; t < T; t++) logTotal[t] = Math.log(logTotal[t]);
  const out = new Float32Array(F * T);
  for (let j = 0; j < F; j++) {
    for (let t = 0; t < T; t++) out[j * T + t] = Math.log(fc[j * T + t] + alpha) - logTotal[t];
  }
  return out;
}

/**
 * ComplementNB (norm=False): with the complement counts N̄_tj = Σ_{c≠t} N_cj + α (over the classes
 * of t's group), the weight is −log(N̄_tj / Σ_j N̄_tj), so features frequent in *other* classes
 * count against t.
 */
function complementLogProb(fc: Float64Array, shape: NbShape, alpha: number): Float32Array {
  const F = shape.numFeatures;
  const K = shape.groupSize;
  const T = shape.numGroups * K;
  const comp = new Float64Array(F * T);
  for (let j = 0; j < F; j++) {
    for (let g = 0; g < shape.numGroups; g++) {
      const base = j * T + g * K;
      let all = 0;
      for (let c = 0; c < K; c++) all += fc[base + c];
      for (let c = 0; c < K; c++) comp[base + c] = all + alpha - fc[base + c];
    }
  }
  const total = columnSums(comp, F, T, 0);
  const out = new Float32Array(F * T);
  for (let j = 0; j < F; j++) {
    for (let t = 0; t < T; t++) out[j * T + t] = -Math.log(comp[j * T + t] / total[t]);
  }
  return out;
}

/** Σ_j (m[j, t] + add) for each output t of a feature-major F × T matrix. */
function columnSums(m: Float64Array, F: number, T: number, add: number): Float64Array {
  const sums = new Float64Array(T).fill(F * add);
  for (let j = 0; j < F; j++) for (let t = 0; t < T; t++) sums[t] += m[j * T + t];
  return sums;
}

/** Empirical class log-priors within each group (sklearn's fit_prior=True); log 0 = −∞ for an absent class. */
function multinomialPrior(classCount: Float64Array, shape: NbShape): Float32Array {
  const K = shape.groupSize;
  const out = new Float32Array(classCount.length);
  for (let g = 0; g < shape.numGroups; g++) {
    let total = 0;
    for (let c = 0; c < K; c++) total += classCount[g * K + c];
    for (let c = 0; c < K; c++) out[g * K + c] = Math.log(classCount[g * K + c]) - Math.log(total);
  }
  return out;
}

function complementPrior(classCount: Float64Array): Float32Array {
  return Float32Array.from(classCount, (n) => (n > 0 ? 0 : -Infinity));
}

/**
 * Probabilities, row-major: softmax of the joint log-likelihood within each group. Single-label:
 * n × K; multilabel: n × numGroups, P(present) per label.
 */
export function naiveBayesProba(X: CsrMatrix, m: NbWeights): Float32Array {
  const T = m.numGroups * m.groupSize;
  const K = m.groupSize;
  const jll = new Float64Array(T);
  const outCols = m.numGroups === 1 ? K : m.numGroups;
  const out = new Float32Array(X.rows * outCols);
  const { indptr, indices, data } = X;
  for (let i = 0; i < X.rows; i++) {
    for (let t = 0; t < T; t++) jll[t] = m.classLogPrior[t];
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      const v = data[p];
      const base = indices[p] * T;
      for (let t = 0; t < T; t++) jll[t] += v * m.featureLogProb[base + t];
    }
    for (let g = 0; g < m.numGroups; g++) softmaxInPlace(jll, g * K, K);
    if (m.numGroups === 1) for (let c = 0; c < K; c++) out[i * K + c] = jll[c];
    else for (let g = 0; g < m.numGroups; g++) out[i * outCols + g] = jll[g * K + 1];
  }
  return out;
}

/** Softmax of `a[start .. start+len)`, in place; −∞ entries (absent classes) get probability 0. */
function softmaxInPlace(a: Float64Array, start: number, len: number): void {
  let max = -Infinity;
  for (let c = start; c < start + len; c++) if (a[c] > max) max = a[c];
  let sum = 0;
  for (let c = start; c < start + len; c++) {
    a[c] = Math.exp(a[c] - max);
    sum += a[c];
  }
  for (let c = start; c < start + len; c++) a[c] /= sum;
}

/** TF-IDF features followed by multinomial or complement naive Bayes. */
export class NaiveBayesClassifier implements Classifier {
  readonly type = TYPE;
  constructor(
    readonly task: Task,
    readonly labels: readonly string[],
    readonly normalize: NormalizeConfig,
    readonly vectorizer: TfidfVectorizer,
    readonly variant: NbVariant,
    readonly alpha: number,
    readonly weights: NbWeights,
  ) {}

  predictProba(texts: readonly string[]): Float32Array {
    const X = tfidfMatrix(this.vectorizer, this.normalize, texts);
    return naiveBayesProba(X, this.weights);
  }

  toState(): ModelState {
    const { numFeatures, numGroups, groupSize, featureLogProb, classLogPrior } = this.weights;
    return tfidfModelState(TYPE, this, { variant: this.variant, alpha: this.alpha, numFeatures, numGroups, groupSize }, { featureLogProb, classLogPrior });
  }
}

const TYPE = 'tfidf-nb';

export const naiveBayes: ModelFactory<NaiveBayesOptions> = {
  type: TYPE,

  async fit(input: FitInput, options: NaiveBayesOptions): Promise<Classifier> {
    const { task, labels, targets } = input;
    const { vectorizer, matrix } = fitTfidfFeatures(input, options.normalize, options.tfidf);

    let sampleWeights = input.sampleWeights;
    let outputWeights: Float64Array | undefined;
    if (options.classWeight === 'balanced') {
      if (targets.kind === 'single') sampleWeights = multiplyWeights(sampleWeights, balancedRowWeights(targets.y, labels.length));
      else outputWeights = balancedPairWeights(targets.y, targets.numLabels);
    }
    input.progress?.('fit', 0, 1);
    const weights = fitNaiveBayes(matrix, targets, labels.length, options.variant, options.alpha, sampleWeights, outputWeights);
    input.progress?.('fit', 1, 1);
    return new NaiveBayesClassifier(task, labels, options.normalize, vectorizer, options.variant, options.alpha, weights);
  },

  fromState(state: ModelState): Classifier {
    const front = restoreTfidfFront(state);
    const c = state.config as { variant: NbVariant; alpha: number; numFeatures: number; numGroups: number; groupSize: number };
    const a = state.arrays;
    const weights: NbWeights = {
      numFeatures: c.numFeatures,
      numGroups: c.numGroups,
      groupSize: c.groupSize,
      featureLogProb: a.featureLogProb as Float32Array,
      classLogPrior: a.classLogPrior as Float32Array,
    };
    return new NaiveBayesClassifier(front.task, front.labels, front.normalize, front.vectorizer, c.variant, c.alpha, weights);
  },
};
