import type { Classifier } from '../models/classifier.js';
import { tokenPatternRegex } from '../text/tokenize.js';
import type { TokenContribution } from './contributions.js';

/**
 * Explanation of any model by occlusion: each word token is removed in turn (replaced by a space,
 * so its neighbours do not merge) and the drop in every label's probability is its contribution:
 * positive means the token supported the label. Model-agnostic and honest about what it measures
 * (the effect of removing one token, with the others present), but not additive: the drops need
 * not sum to anything.
 */
export interface OcclusionExplanation {
  method: 'occlusion';
  text: string;
  labels: readonly string[];
  /** `contributions[k]` = p_k(text) − p_k(text without the token's window). */
  tokens: TokenContribution[];
  /** predictProba's probabilities for the whole text. */
  probabilities: number[];
  /**
   * Tokens removed together per variant: 1, unless the text has more tokens than `maxVariants`,
   * in which case consecutive windows of this many tokens are removed and each token of a window
   * gets an equal share of the window's drop.
   */
  window: number;
  /** Occluded variants scored (besides the text itself). */
  variants: number;
}

export interface OcclusionOptions {
  /** Most occluded variants scored per text (the work cap); default 256. */
  maxVariants?: number;
  /** Variants per predictProba call; default 64. */
  batchSize?: number;
}

export const DEFAULT_MAX_VARIANTS = 256;
const DEFAULT_BATCH = 64;

// Word tokens as the `word` token pattern finds them (letters/digits runs, emoji, `!`, `?`), with
// runs of scripts written without spaces split into words by ICU, as the `segmented` pattern does.
const NO_SPACE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
let segmenter: Intl.Segmenter | null = null;

/** Word tokens of the original text: [start, end) pairs, flat. */
export function wordSpans(text: string): number[] {
  const re = tokenPatternRegex('word');
  const spans: number[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (!NO_SPACE_SCRIPT.test(m[0])) {
      spans.push(m.index, m.index + m[0].length);
      continue;
    }
    segmenter ??= new Intl.Segmenter('und', { granularity: 'word' });
    for (const seg of segmenter.segment(m[0])) if (seg.isWordLike) spans.push(m.index + seg.index, m.index + seg.index + seg.segment.length);
  }
  return spans;
}

export function explainByOcclusion(classifier: Classifier, text: string, options: OcclusionOptions = {}): OcclusionExplanation {
  const plan = planOcclusion(classifier, text, options);
  const base = classifier.predictProba([text]);
  return explained(plan, base, plan.batches.map((batch) => classifier.predictProba(batch)));
}

/**
 * explainByOcclusion for any model: models that score asynchronously (ONNX) are scored through
 * predictProbaAsync, batch by batch, the others exactly as explainByOcclusion scores them.
 */
export async function explainByOcclusionAsync(classifier: Classifier, text: string, options: OcclusionOptions = {}): Promise<OcclusionExplanation> {
  const score = classifier.predictProbaAsync ? (texts: readonly string[]) => classifier.predictProbaAsync!(texts) : async (texts: readonly string[]) => classifier.predictProba(texts);
  const plan = planOcclusion(classifier, text, options);
  const base = await score([text]);
  const scores: Float32Array[] = [];
  for (const batch of plan.batches) scores.push(await score(batch));
  return explained(plan, base, scores);
}

/** The occluded variants of a text, in scoring batches, and how tokens map onto them. */
interface OcclusionPlan {
  text: string;
  labels: readonly string[];
  spans: number[];
  numTokens: number;
  window: number;
  numVariants: number;
  batches: string[][];
}

function planOcclusion(classifier: Classifier, text: string, options: OcclusionOptions): OcclusionPlan {
  const maxVariants = Math.max(1, Math.floor(options.maxVariants ?? DEFAULT_MAX_VARIANTS));
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH));
  const spans = wordSpans(text);
  const numTokens = spans.length / 2;
  const window = Math.max(1, Math.ceil(numTokens / maxVariants));
  const numVariants = Math.ceil(numTokens / window);
  const batches: string[][] = [];
  for (let v0 = 0; v0 < numVariants; v0 += batchSize) {
    const batch: string[] = [];
    for (let v = v0; v < Math.min(numVariants, v0 + batchSize); v++) {
      const first = v * window;
      const last = Math.min(numTokens, first + window) - 1;
      batch.push(occlude(text, spans, first, last));
    }
    batches.push(batch);
  }
  return { text, labels: classifier.labels, spans, numTokens, window, numVariants, batches };
}

/** The explanation from the text's scores (`base`) and each batch's scores, in plan order. */
function explained(plan: OcclusionPlan, base: Float32Array, scores: readonly Float32Array[]): OcclusionExplanation {
  const { text, spans, numTokens, window, numVariants } = plan;
  const K = plan.labels.length;
  const drops = new Float64Array(numVariants * K);
  let v0 = 0;
  plan.batches.forEach((batch, j) => {
    const p = scores[j];
    for (let b = 0; b < batch.length; b++) for (let k = 0; k < K; k++) drops[(v0 + b) * K + k] = base[k] - p[b * K + k];
    v0 += batch.length;
  });

  const tokens: TokenContribution[] = [];
  for (let t = 0; t < numTokens; t++) {
    const v = Math.floor(t / window);
    const size = Math.min(numTokens, (v + 1) * window) - v * window;
    const start = spans[2 * t];
    const end = spans[2 * t + 1];
    const piece = text.slice(start, end);
    tokens.push({ start, end, text: piece, token: piece, contributions: Array.from(drops.subarray(v * K, (v + 1) * K), (d) => d / size) });
  }
  return { method: 'occlusion', text, labels: plan.labels, tokens, probabilities: Array.from(base), window, variants: numVariants };
}

/** The text with tokens first..last replaced by one space each (whitespace between them kept). */
function occlude(text: string, spans: number[], first: number, last: number): string {
  const parts: string[] = [text.slice(0, spans[2 * first])];
  for (let t = first; t <= last; t++) {
    parts.push(' ');
    parts.push(text.slice(spans[2 * t + 1], t < last ? spans[2 * t + 2] : text.length));
  }
  return parts.join('');
}
