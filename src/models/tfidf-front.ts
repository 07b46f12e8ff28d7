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
  const fitted = TfidfVectorizer.fit(
    input.texts.map((t) => normalizeText(t, normalize)),
    tfidf,
  );
  input.progress?.('features', 1, 1);
  return fitted;
}

export function tfidfMatrix(vectorizer: TfidfVectorizer, normalize: NormalizeConfig, texts: readonly string[]): CsrMatrix {
  return vectorizer.transform(texts.map((t) => normalizeText(t, normalize)));
}

/** The vectorizer from the arrays every TF-IDF model stores under the names tokens, ngrams, idf. */
export function restoreVectorizer(tfidf: TfidfConfig, arrays: ModelState['arrays']): TfidfVectorizer {
  return TfidfVectorizer.fromArrays(tfidf, { tokens: arrays.tokens as Uint8Array, ngrams: arrays.ngrams as Int32Array, idf: arrays.idf as Float32Array });
}
