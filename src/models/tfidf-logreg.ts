import type { Task } from '../data/targets.js';
import { TfidfVectorizer, type TfidfConfig } from '../features/tfidf.js';
import { normalizeText, type NormalizeConfig } from '../text/normalize.js';
import type { Classifier, FitInput, ModelFactory, ModelState } from './classifier.js';
import { fitLogistic, linearProba, type LinearWeights, type LogisticOptions, type LogisticTargets } from './linear/logistic.js';

export interface TfidfLogregOptions {
  normalize: NormalizeConfig;
  tfidf: TfidfConfig;
  logistic: LogisticOptions;
  /** `balanced` weighs classes inversely to their frequency (per label for multilabel). */
  classWeight: 'balanced' | null;
}

export interface TrainingTrace {
  iterations: number;
  converged: boolean;
  finalLoss: number;
  numFeatures: number;
  lossCurve: number[];
}

/** TF-IDF features (word n-grams) followed by logistic regression. */
export class TfidfLogregClassifier implements Classifier {
  readonly type = TYPE;
  constructor(
    readonly task: Task,
    readonly labels: readonly string[],
    readonly normalize: NormalizeConfig,
    readonly vectorizer: TfidfVectorizer,
    readonly linear: LinearWeights,
    readonly trace: TrainingTrace | null,
  ) {}

  predictProba(texts: readonly string[]): Float32Array {
    const X = this.vectorizer.transform(texts.map((t) => normalizeText(t, this.normalize)));
    return linearProba(X, this.linear);
  }

  toState(): ModelState {
    const v = this.vectorizer.toArrays();
    return {
      type: TYPE,
      config: {
        task: this.task,
        labels: [...this.labels],
        normalize: this.normalize,
        tfidf: this.vectorizer.config,
        link: this.linear.link,
        numFeatures: this.linear.numFeatures,
        numOutputs: this.linear.numOutputs,
      },
      arrays: { tokens: v.tokens, ngrams: v.ngrams, idf: v.idf, weights: this.linear.weights, bias: this.linear.bias },
    };
  }
}

const TYPE = 'tfidf-logreg';

export const tfidfLogreg: ModelFactory<TfidfLogregOptions> = {
  type: TYPE,

  async fit(input: FitInput, options: TfidfLogregOptions): Promise<Classifier> {
    const { task, labels, targets } = input;
    input.progress?.('features', 0, 1);
    const normalized = input.texts.map((t) => normalizeText(t, options.normalize));
    const { vectorizer, matrix } = TfidfVectorizer.fit(normalized, options.tfidf);
    input.progress?.('features', 1, 1);

    let logisticTargets: LogisticTargets;
    let sampleWeights = input.sampleWeights;
    let outputClassWeights: Float64Array | undefined;
    if (targets.kind === 'single') {
      if (options.classWeight === 'balanced') sampleWeights = multiply(sampleWeights, balancedRowWeights(targets.y, labels.length));
      logisticTargets =
        task === 'binary'
          ? { link: 'sigmoid', y: Uint8Array.from(targets.y, (c) => (c === 1 ? 1 : 0)), numOutputs: 1 }
          : { link: 'softmax', y: targets.y, numClasses: labels.length };
    } else {
      if (options.classWeight === 'balanced') outputClassWeights = balancedOutputWeights(targets.y, targets.numLabels);
      logisticTargets = { link: 'sigmoid', y: targets.y, numOutputs: targets.numLabels };
    }

    const lossCurve: number[] = [];
    const { model, report } = fitLogistic(
      matrix,
      logisticTargets,
      options.logistic,
      sampleWeights,
      (iteration, loss) => {
        lossCurve.push(loss);
        input.progress?.('optimize', iteration, options.logistic.maxIter * (logisticTargets.link === 'sigmoid' ? logisticTargets.numOutputs : 1));
      },
      outputClassWeights,
    );
    const trace: TrainingTrace = { ...report, numFeatures: vectorizer.numFeatures, lossCurve };
    return new TfidfLogregClassifier(task, labels, options.normalize, vectorizer, model, trace);
  },

  fromState(state: ModelState): Classifier {
    const c = state.config as {
      task: Task;
      labels: string[];
      normalize: NormalizeConfig;
      tfidf: TfidfConfig;
      link: LinearWeights['link'];
      numFeatures: number;
      numOutputs: number;
    };
    const a = state.arrays;
    const vectorizer = TfidfVectorizer.fromArrays(c.tfidf, {
      tokens: a.tokens as Uint8Array,
      ngrams: a.ngrams as Int32Array,
      idf: a.idf as Float32Array,
    });
    const linear: LinearWeights = {
      numFeatures: c.numFeatures,
      numOutputs: c.numOutputs,
      link: c.link,
      weights: a.weights as Float32Array,
      bias: a.bias as Float32Array,
    };
    return new TfidfLogregClassifier(c.task, c.labels, c.normalize, vectorizer, linear, null);
  },
};

/** scikit-learn's `class_weight='balanced'`: n / (K · count(class)) for every row. */
export function balancedRowWeights(y: Int32Array, numClasses: number): Float32Array {
  const counts = new Float64Array(numClasses);
  for (const c of y) counts[c]++;
  const present = counts.filter((c) => c > 0).length;
  return Float32Array.from(y, (c) => y.length / (present * counts[c]));
}

/** Balanced weights of each one-vs-rest problem: [neg₀, pos₀, neg₁, pos₁, …]. */
function balancedOutputWeights(y: Uint8Array, K: number): Float64Array {
  const n = y.length / K;
  const pos = new Float64Array(K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) pos[k] += y[i * K + k];
  const out = new Float64Array(K * 2);
  for (let k = 0; k < K; k++) {
    const neg = n - pos[k];
    out[k * 2] = neg > 0 ? n / (2 * neg) : 1;
    out[k * 2 + 1] = pos[k] > 0 ? n / (2 * pos[k]) : 1;
  }
  return out;
}

function multiply(a: Float32Array | undefined, b: Float32Array): Float32Array {
  if (!a) return b;
  return a.map((v, i) => v * b[i]);
}
