import { DEFAULT_TFIDF } from '../features/tfidf.js';
import { DEFAULT_NORMALIZE } from '../text/normalize.js';
import { classifierConformance } from './conformance.js';
import { tfidfLogreg } from './tfidf-logreg.js';

classifierConformance(tfidfLogreg, {
  normalize: DEFAULT_NORMALIZE,
  tfidf: { ...DEFAULT_TFIDF, minDf: 1 },
  logistic: { C: 10, maxIter: 200, tol: 1e-4 },
  classWeight: null,
});

classifierConformance(tfidfLogreg, {
  normalize: DEFAULT_NORMALIZE,
  tfidf: { ...DEFAULT_TFIDF, minDf: 1, ngramRange: [1, 3] },
  logistic: { C: 10, maxIter: 200, tol: 1e-4 },
  classWeight: 'balanced',
});
