import type { Task } from '../data/targets.js';
import type { CsrMatrix } from '../features/csr.js';
import { TfidfVectorizer, type TfidfConfig } from '../features/tfidf.js';
import { normalizeText, type NormalizeConfig } from '../text/normalize.js';
import type { FitInput, ModelState } from './classifier.js';

/**
 * The text front end of every TF-IDF model type (logistic regression, SVM, naive Bayes, NB-SVM):
 * normalize, vectorize, and persist the vectorizer the same way in each model directory.
 */
export function fitTfidfFeatures(input: FitInput, normalize: NormalizeConfig, tfidf: TfidfConfig): { vectorizer: TfidfVectorizer; matrix: CsrMatrix } {
  input.progress?.('features', 0, 1);
  // Normalized one text at a time as the vectorizer reads it: no array of normalized copies.
  const fitted = TfidfVectorizer.fit(input.texts, tfidf, (t) => normalizeText(t, normalize));
  input.progress?.('features', 1, 1);
  return fitted;
}

export function tfidfMatrix(vectorizer: TfidfVectorizer, normalize: NormalizeConfig, texts: readonly string[]): CsrMatrix {
  return vectorizer.transform(texts, (t) => normalizeText(t, normalize));
}

/** The vectorizer from the arrays every TF-IDF model stores under the names tokens, ngrams, idf. */
export function restoreVectorizer(tfidf: TfidfConfig, arrays: ModelState['arrays']): TfidfVectorizer {
  return TfidfVectorizer.fromArrays(tfidf, { tokens: arrays.tokens as Uint8Array, ngrams: arrays.ngrams as Int32Array, idf: arrays.idf as Float32Array });
}

/** What every TF-IDF model keeps of its front end besides its own weights. */
export interface TfidfFront {
  readonly task: Task;
  readonly labels: readonly string[];
  readonly normalize: NormalizeConfig;
  readonly vectorizer: TfidfVectorizer;
}

/**
 * A TF-IDF model's state: the front end's config (task, labels, normalize, tfidf) and arrays
 * (tokens, ngrams, idf) first, then the model's own `config` and `arrays`.
 */
export function tfidfModelState(type: string, front: TfidfFront, config: ModelState['config'], arrays: ModelState['arrays']): ModelState {
  const v = front.vectorizer.toArrays();
  return {
    type,
    config: { task: front.task, labels: [...front.labels], normalize: front.normalize, tfidf: front.vectorizer.config, ...config },
    arrays: { tokens: v.tokens, ngrams: v.ngrams, idf: v.idf, ...arrays },
  };
}

/** The front end of a state written by tfidfModelState. */
export function restoreTfidfFront(state: ModelState): { task: Task; labels: string[]; normalize: NormalizeConfig; vectorizer: TfidfVectorizer } {
  const c = state.config as { task: Task; labels: string[]; normalize: NormalizeConfig; tfidf: TfidfConfig };
  return { task: c.task, labels: c.labels, normalize: c.normalize, vectorizer: restoreVectorizer(c.tfidf, state.arrays) };
}
