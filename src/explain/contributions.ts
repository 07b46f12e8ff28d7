import { TokenHasher, ngramHash } from '../features/hashing.js';
import type { TfidfVectorizer } from '../features/tfidf.js';
import type { Classifier } from '../models/classifier.js';
import { probabilitiesFromScores, type LinearView, type ScoreKind, type ScoreLink } from './linear-view.js';
import { normalizeWithOffsets, originalSpan } from './normalize-offsets.js';
import { createUnitTokenizer, type TextUnits, type UnitTokenizer } from './units.js';

/** One token of the original text and what it did to each label's score. */
export interface TokenContribution {
  /** UTF-16 offsets into the original text. */
  start: number;
  end: number;
  /** original.slice(start, end). */
  text: string;
  /** The token as the model saw it: normalized, stemmed, a placeholder (`xxurl`), or one character. */
  token: string;
  /**
   * Per label, in the classifier's label order. Exact explanations: the token's share of the
   * label's score; occlusion: how much the label's probability drops when the token is removed.
   */
  contributions: number[];
}

/**
 * Exact additive explanation of a TF-IDF model: for every label k,
 *   score[k] = bias[k] + Σ_tokens contributions[k] + unplaced[k]
 * where score is the model's own decision value (see `scoreKind`), and `link` turns scores into
 * the probabilities predictProba reports. A feature's contribution x_f · w_k(f) is split equally
 * over the occurrences of its n-gram in the text, and an occurrence's share equally over the
 * tokens it covers (a bigram gives half to each word; a character n-gram a share to each visible
 * character), so the token contributions still add up exactly.
 */
export interface ExactExplanation {
  method: 'exact';
  /** The text as given. */
  text: string;
  labels: readonly string[];
  tokens: TokenContribution[];
  /** Intercept (or centred log prior) per label. */
  bias: number[];
  /** The model's decision value per label. */
  score: number[];
  /**
   * Contribution the explanation could not place on a visible token: character n-grams made only
   * of whitespace (`char` analyzer), or, should the replayed tokenization ever disagree with the
   * vectorizer, features it could not find. Usually 0; reported so the sum stays exact.
   */
  unplaced: number[];
  /**
   * The probabilities, from `score` through `link` and rounded to float32 as predictProba rounds
   * them: predictProba's own values up to the order of float64 additions (tests: within 1e-6).
   * Computed here rather than by calling predictProba, which would vectorize the text twice.
   */
  probabilities: number[];
  link: ScoreLink;
  scoreKind: ScoreKind;
  /**
   * 'exact': every token's span is where its characters came from. 'approximate': normalization
   * could not be replayed step by step, so some spans may be wider than the token.
   */
  spans: 'exact' | 'approximate';
}

/** Per-view caches: the positioned tokenizer and a token hasher (hashed features). */
const tokenizers = new WeakMap<TfidfVectorizer, { units: UnitTokenizer; hasher: TokenHasher }>();

function toolsFor(vectorizer: TfidfVectorizer): { units: UnitTokenizer; hasher: TokenHasher } {
  let tools = tokenizers.get(vectorizer);
  if (!tools) {
    tools = { units: createUnitTokenizer(vectorizer.config), hasher: new TokenHasher(1 << 16) };
    tokenizers.set(vectorizer, tools);
  }
  return tools;
}

const NO_TOKEN = -1;
/** Joins an n-gram's token strings into one key; tokens never contain a newline (the vocabulary file is newline-separated). */
const JOIN = '\n';

/**
 * The exact explanation of `text` by a linear view of `classifier`. Costs one transform of the text
 * plus O(nnz · labels) for its stored features: no pass over the vocabulary.
 */
export function explainLinear(classifier: Classifier, view: LinearView, text: string): ExactExplanation {
  const { vectorizer } = view;
  const L = view.numLabels;
  const normalized = normalizeWithOffsets(text, view.normalize);
  const row = vectorizer.transform([normalized.text]);
  const nnz = row.indptr[1];
  const features = row.indices.subarray(0, nnz);
  const values = view.binarize ? new Float32Array(nnz).fill(1) : row.data.subarray(0, nnz);

  // x_f · w_k(f) for each stored feature, and each label's score summed in the model's order.
  const contrib = new Float64Array(nnz * L);
  const w = new Float64Array(L);
  const score = Float64Array.from(view.bias);
  for (let j = 0; j < nnz; j++) {
    view.labelWeights(features[j], w);
    for (let k = 0; k < L; k++) {
      const c = values[j] * w[k];
      contrib[j * L + k] = c;
      score[k] += c;
    }
  }

  const tools = toolsFor(vectorizer);
  const units = tools.units(normalized.text);
  const numTokens = units.displayStart.length;
  const tokenContrib = new Float64Array(numTokens * L);
  const unplaced = new Float64Array(L);
  const occurrences = featureOccurrences(vectorizer, units, features, tools.hasher);
  for (let j = 0; j < nnz; j++) {
    const occ = occurrences[j];
    if (occ.length === 0) {
      for (let k = 0; k < L; k++) unplaced[k] += contrib[j * L + k];
      continue;
    }
    const perOccurrence = 1 / (occ.length / 2);
    for (let o = 0; o < occ.length; o += 2) {
      const [c0, c1] = [occ[o], occ[o + 1]];
      if (c1 <= c0) {
        for (let k = 0; k < L; k++) unplaced[k] += contrib[j * L + k] * perOccurrence;
        continue;
      }
      const share = perOccurrence / (c1 - c0);
      for (let d = c0; d < c1; d++) for (let k = 0; k < L; k++) tokenContrib[d * L + k] += contrib[j * L + k] * share;
    }
  }

  const tokens: TokenContribution[] = [];
  for (let d = 0; d < numTokens; d++) {
    const [start, end] = originalSpan(normalized, units.displayStart[d], units.displayEnd[d]);
    tokens.push({
      start,
      end,
      text: text.slice(start, end),
      token: normalized.text.slice(units.displayStart[d], units.displayEnd[d]),
      contributions: Array.from(tokenContrib.subarray(d * L, (d + 1) * L)),
    });
  }
  // Word tokens are reported as the vectorizer counted them (stemmed when the model stems).
  if ((vectorizer.config.analyzer ?? 'word') === 'word' && vectorizer.config.stem) {
    for (let u = 0; u < units.strings.length; u++) tokens[units.coverStart[u]].token = units.strings[u];
  }

  return {
    method: 'exact',
    text,
    labels: classifier.labels,
    tokens,
    bias: Array.from(view.bias),
    score: Array.from(score),
    unplaced: Array.from(unplaced),
    probabilities: probabilitiesFromScores(score, view.link).map(Math.fround),
    link: view.link,
    scoreKind: view.scoreKind,
    spans: normalized.exact ? 'exact' : 'approximate',
  };
}

/**
 * For each stored feature j of the row: its occurrences in the text as flat pairs
 * [coverStart, coverEnd) of display tokens. Matches n-grams of the positioned units against the
 * row's own features only (by string, or by bucket when hashed), so the vocabulary is never scanned.
 */
function featureOccurrences(vectorizer: TfidfVectorizer, units: TextUnits, features: Int32Array, hasher: TokenHasher): number[][] {
  const config = vectorizer.config;
  const word = (config.analyzer ?? 'word') === 'word';
  // Character analyzers count each unit (already an n-gram) as a feature on its own.
  const [nMin, nMax] = word ? config.ngramRange : [1, 1];
  const occurrences: number[][] = Array.from({ length: features.length }, () => []);
  const U = units.strings.length;
  const record = (j: number, p: number, len: number): void => {
    const occ = occurrences[j];
    if (word) {
      // Word units cover one display token each; an n-gram covers the tokens of its units, which
      // are consecutive display tokens (dropped stop words are not display tokens).
      occ.push(units.coverStart[p], units.coverEnd[p + len - 1]);
    } else occ.push(units.coverStart[p], units.coverEnd[p]);
  };
  if (units.charBlock) charBlockOccurrences(vectorizer, units.charBlock, features, hasher, occurrences);

  if (config.hashBuckets) {
    const buckets = config.hashBuckets;
    const byBucket = new Map<number, number>();
    features.forEach((f, j) => {
      if (!vectorizer.isCharFeature(f)) byBucket.set(vectorizer.ngrams[f * 3], j);
    });
    const h = units.strings.map((s) => hasher.hash(s));
    for (let p = 0; p < U; p++) {
      for (let len = nMin; len <= nMax && p + len <= U; len++) {
        const g = ngramHash(h[p], len >= 2 ? h[p + 1] : 0, len >= 3 ? h[p + 2] : 0, len);
        const j = byBucket.get((g >>> 0) % buckets);
        if (j !== undefined) record(j, p, len);
      }
    }
    return occurrences;
  }

  const byKey = new Map<string, number>();
  features.forEach((f, j) => {
    if (vectorizer.isCharFeature(f)) return;
    const parts: string[] = [];
    for (let t = 0; t < 3; t++) {
      const id = vectorizer.ngrams[f * 3 + t];
      if (id !== NO_TOKEN) parts.push(vectorizer.tokens[id]);
    }
    byKey.set(parts.join(JOIN), j);
  });
  for (let p = 0; p < U; p++) {
    let key = '';
    for (let len = 1; len <= nMax && p + len <= U; len++) {
      key = len === 1 ? units.strings[p] : key + JOIN + units.strings[p + len - 1];
      if (len < nMin) continue;
      const j = byKey.get(key);
      if (j !== undefined) record(j, p, len);
    }
  }
  return occurrences;
}

/**
 * Occurrences of the row's character-block features (TfidfConfig.charNgrams) among the text's
 * character n-grams, each covering the word tokens its characters lie in (units.ts).
 */
function charBlockOccurrences(vectorizer: TfidfVectorizer, block: NonNullable<TextUnits['charBlock']>, features: Int32Array, hasher: TokenHasher, occurrences: number[][]): void {
  const buckets = vectorizer.config.hashBuckets;
  const byKey = new Map<string | number, number>();
  features.forEach((f, j) => {
    if (vectorizer.isCharFeature(f)) byKey.set(buckets ? vectorizer.ngrams[f * 3] : vectorizer.tokens[vectorizer.ngrams[f * 3]], j);
  });
  if (byKey.size === 0) return;
  for (let u = 0; u < block.strings.length; u++) {
    const s = block.strings[u];
    const j = byKey.get(buckets ? hasher.hash(s) % buckets : s);
    if (j !== undefined) occurrences[j].push(block.coverStart[u], block.coverEnd[u]);
  }
}
