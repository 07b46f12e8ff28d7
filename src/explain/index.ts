import type { Classifier } from '../models/classifier.js';
import { explainLinear, type ExactExplanation } from './contributions.js';
import { linearViewOf } from './linear-view.js';
import { explainByOcclusion, explainByOcclusionAsync, type OcclusionExplanation, type OcclusionOptions } from './occlusion.js';

/**
 * Explanations of a classifier's scores on one text:
 * - TF-IDF models (logistic regression, linear SVM, naive Bayes, NB-SVM): exact additive token
 *   contributions to each label's decision score (contributions.ts);
 * - any other model (fastText, future types): occlusion, the probability drop when each word is
 *   removed (occlusion.ts).
 * Plus the top features of each label (top-features.ts).
 */
export type Explanation = ExactExplanation | OcclusionExplanation;

export interface ExplainOptions extends OcclusionOptions {
  /** `auto` (default): exact when the model allows it, else occlusion; `occlusion`: always occlusion. */
  method?: 'auto' | 'occlusion';
}

export function explainText(classifier: Classifier, text: string, options: ExplainOptions = {}): Explanation {
  if (options.method !== 'occlusion') {
    const view = linearViewOf(classifier);
    if (view !== null) return explainLinear(classifier, view, text);
  }
  return explainByOcclusion(classifier, text, options);
}

/** explainText for any model: models that score asynchronously (ONNX) are explained by occlusion through their async path. */
export async function explainTextAsync(classifier: Classifier, text: string, options: ExplainOptions = {}): Promise<Explanation> {
  if (options.method !== 'occlusion') {
    const view = linearViewOf(classifier);
    if (view !== null) return explainLinear(classifier, view, text);
  }
  return explainByOcclusionAsync(classifier, text, options);
}

/**
 * The tokens of an explanation ranked for one label: the `k` largest contributions (most
 * supportive first) and, when `negative`, the `k` most negative ones (most opposing first).
 * Tokens with a zero contribution are left out of both.
 */
export function rankTokens(explanation: Explanation, label: number, k: number): { positive: ExplanationToken[]; negative: ExplanationToken[] } {
  const withValue = explanation.tokens.map((t, i) => ({ index: i, start: t.start, end: t.end, text: t.text, token: t.token, contribution: t.contributions[label] }));
  const positive = withValue.filter((t) => t.contribution > 0).sort((a, b) => b.contribution - a.contribution || a.index - b.index);
  const negative = withValue.filter((t) => t.contribution < 0).sort((a, b) => a.contribution - b.contribution || a.index - b.index);
  return { positive: positive.slice(0, k), negative: negative.slice(0, k) };
}

/** A piece of the original text: a token with its contribution, or the text between tokens. */
export interface HighlightSegment {
  start: number;
  end: number;
  text: string;
  /** The token's contribution to the label; null for text between tokens. */
  contribution: number | null;
}

/**
 * The original text cut into consecutive segments, tokens carrying their contribution to `label`,
 * for highlighting (the HTML report, a terminal). Segments cover the text exactly once, in order;
 * should two token spans overlap (possible only with approximate spans), the later token is
 * merged into the earlier one and their contributions added.
 */
export function highlightSegments(explanation: Explanation, label: number): HighlightSegment[] {
  const { text } = explanation;
  const segments: HighlightSegment[] = [];
  let at = 0;
  for (const t of explanation.tokens) {
    const value = t.contributions[label];
    const last = segments[segments.length - 1];
    if (t.start < at && last !== undefined && last.contribution !== null) {
      // Overlaps the previous token: grow it.
      if (t.end > at) {
        last.end = t.end;
        last.text = text.slice(last.start, last.end);
        at = t.end;
      }
      last.contribution += value;
      continue;
    }
    const start = Math.max(t.start, at);
    if (start > at) segments.push({ start: at, end: start, text: text.slice(at, start), contribution: null });
    const end = Math.max(t.end, start);
    segments.push({ start, end, text: text.slice(start, end), contribution: value });
    at = end;
  }
  if (at < text.length) segments.push({ start: at, end: text.length, text: text.slice(at), contribution: null });
  return segments;
}

export interface ExplanationToken {
  /** Position in explanation.tokens. */
  index: number;
  start: number;
  end: number;
  text: string;
  token: string;
  contribution: number;
}

export { explainLinear, type ExactExplanation, type TokenContribution } from './contributions.js';
export { linearViewOf, probabilitiesFromScores, type LinearView, type ScoreKind, type ScoreLink } from './linear-view.js';
export { normalizeWithOffsets, type NormalizedWithOffsets } from './normalize-offsets.js';
export { explainByOcclusion, explainByOcclusionAsync, wordSpans, DEFAULT_MAX_VARIANTS, type OcclusionExplanation, type OcclusionOptions } from './occlusion.js';
export { featureDisplayName, topFeatures, type FeatureWeight, type LabelFeatures, type TopFeatures, type TopFeaturesOptions } from './top-features.js';
