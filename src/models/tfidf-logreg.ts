import type { Task } from '../data/targets.js';
import type { TfidfConfig, TfidfVectorizer } from '../features/tfidf.js';
import type { NormalizeConfig } from '../text/normalize.js';
import type { Classifier, FitInput, ModelFactory, ModelState } from './classifier.js';
import { fitTfidfFeatures, restoreTfidfFront, tfidfMatrix, tfidfModelState } from './tfidf-front.js';
import { balancedPairWeights, balancedRowWeights, multiplyWeights } from './class-weights.js';
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
    const X = tfidfMatrix(this.vectorizer, this.normalize, texts);
    return linearProba(X, this.linear);
  }

  toState(): ModelState {
    const { link, numFeatures, numOutputs, weights, bias } = this.linear;
    return tfidfModelState(TYPE, this, { link, numFeatures, numOutputs }, { weights, bias });
  }
}

const TYPE = 'tfidf-logreg';

export const tfidfLogreg: ModelFactory<TfidfLogregOptions> = {
  type: TYPE,

  async fit(input: FitInput, options: TfidfLogregOptions): Promise<Classifier> {
    const { task, labels, targets } = input;
    const { vectorizer, matrix } = fitTfidfFeatures(input, options.normalize, options.tfidf);

    let logisticTargets: LogisticTargets;
    let sampleWeights = input.sampleWeights;
    let outputClassWeights: Float64Array | undefined;
    if (targets.kind === 'single') {
      if (options.classWeight === 'balanced') sampleWeights = multiplyWeights(sampleWeights, balancedRowWeights(targets.y, labels.length));
      logisticTargets =
        task === 'binary'
          ? { link: 'sigmoid', y: Uint8Array.from(targets.y, (c) => (c === 1 ? 1 : 0)), numOutputs: 1 }
          : { link: 'softmax', y: targets.y, numClasses: labels.length };
    } else {
      if (options.classWeight === 'balanced') outputClassWeights = balancedPairWeights(targets.y, targets.numLabels);
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
    const front = restoreTfidfFront(state);
    const c = state.config as { link: LinearWeights['link']; numFeatures: number; numOutputs: number };
    const a = state.arrays;
    const linear: LinearWeights = {
      numFeatures: c.numFeatures,
      numOutputs: c.numOutputs,
      link: c.link,
      weights: a.weights as Float32Array,
      bias: a.bias as Float32Array,
    };
    return new TfidfLogregClassifier(front.task, front.labels, front.normalize, front.vectorizer, linear, null);
  },
};
