import { applyThresholds, argmaxOrAbstain, argmaxRows } from '../eval/decide.js';
import { explainText, explainTextAsync, type Explanation } from '../explain/index.js';
import { scoreInBatches } from '../models/score-texts.js';
import type { LoadedModel } from '../persist/model-dir.js';
import { chosenGroups, groupScores, type GroupResult } from '../usecases/emotions/grouping.js';
import { modelGrouping } from '../usecases/emotions/model-groupings.js';
import { rateRow, ratingSectionOf, type TextRating } from '../usecases/rating/rating-section.js';

export interface PredictOptions {
  /** Multilabel: at most this many labels; single-label: the k best labels. */
  topK?: number;
  /** Overrides the model's thresholds (multilabel) or abstain cut-off (single-label). */
  threshold?: number;
  explain?: boolean;
  /** Texts longer than this are scored as overlapping windows whose scores are averaged. */
  windowChars?: number;
  /** Scores already computed (n × K), used instead of scoring the texts. */
  proba?: Float32Array;
  /** Also show the chosen labels through this grouping of the model (e.g. `ekman`). */
  group?: string;
}

export interface ExplainedToken {
  start: number;
  end: number;
  text: string;
  contribution: number;
}

export interface PredictResult {
  labels: string[];
  scores: Record<string, number>;
  not_sure?: true;
  tokens?: ExplainedToken[];
  /** With `group`: the chosen labels' groups, best first, and every group's score. */
  groups?: GroupResult[];
  group_scores?: Record<string, number>;
  /** Models with a learnt rating map: 1–10 stars, and the naive rule's, from the positive probability. */
  rating?: TextRating;
}

/** Per model version: what each request would otherwise rebuild (thresholds as a typed array). */
interface Prepared {
  K: number;
  labels: readonly string[];
  multilabel: boolean;
  thresholds: Float32Array | null;
  topK: number | undefined;
  abstainBelow: number | undefined;
}
const preparedCache = new WeakMap<LoadedModel, Prepared>();

function prepare(model: LoadedModel): Prepared {
  let p = preparedCache.get(model);
  if (!p) {
    const { decision, labels, task } = model.manifest;
    p = {
      K: labels.length,
      labels: model.classifier.labels,
      multilabel: task === 'multilabel',
      thresholds: decision.kind === 'thresholds' ? Float32Array.from(decision.thresholds) : null,
      topK: decision.kind === 'thresholds' ? decision.topK : undefined,
      abstainBelow: decision.kind === 'argmax' ? decision.abstainBelow : undefined,
    };
    preparedCache.set(model, p);
  }
  return p;
}

/** Scores and decisions as arrays: what predictTexts and the batch writer build their output from. */
export interface ScoredTexts {
  /** Row-major n × K probabilities. */
  proba: Float32Array;
  K: number;
  /** Per text, the chosen label indices, best first (empty when the model is not sure). */
  chosen: number[][];
  /** Per text, whether a single-label model abstained. */
  notSure: Uint8Array;
}

/**
 * Scores `texts` with the model and applies its decision rule (manifest.decision), or the
 * caller's `threshold` / `topK` overrides. One predictProba call for the whole batch: the
 * vectorizer and weights are shared, and per-text work is the result arrays only. Synchronous
 * models only; scoreTextsAsync takes every model, ONNX ones included.
 */
export function scoreTexts(model: LoadedModel, texts: readonly string[], options: PredictOptions = {}): ScoredTexts {
  const proba = options.proba ?? (needsWindows(texts, options.windowChars) ? windowedProba(model, texts, options.windowChars!) : model.classifier.predictProba(texts));
  return decideScored(model, proba, texts.length, options);
}

/** scoreTexts for any model: models that score asynchronously (ONNX) through their async path, in one call. */
export async function scoreTextsAsync(model: LoadedModel, texts: readonly string[], options: PredictOptions = {}): Promise<ScoredTexts> {
  const proba = options.proba ?? (needsWindows(texts, options.windowChars) ? await windowedProbaAsync(model, texts, options.windowChars!) : await scoreAll(model, texts));
  return decideScored(model, proba, texts.length, options);
}

function needsWindows(texts: readonly string[], windowChars: number | undefined): boolean {
  return windowChars !== undefined && texts.some((t) => t.length > windowChars);
}

/** All texts in one scoring call, as scoreTexts makes it, through the async path when the model has one. */
function scoreAll(model: LoadedModel, texts: readonly string[]): Promise<Float32Array> {
  return scoreInBatches(model.classifier, texts, Math.max(1, texts.length));
}

/** The decision rule (or the caller's overrides) applied to scores already computed. */
function decideScored(model: LoadedModel, proba: Float32Array, n: number, options: PredictOptions): ScoredTexts {
  const p = prepare(model);
  const { K } = p;
  const chosen: number[][] = new Array(n);
  const notSure = new Uint8Array(n);
  if (p.multilabel) {
    const fired = applyThresholds(proba, n, K, options.threshold ?? p.thresholds ?? 0.5, options.topK ?? p.topK);
    for (let i = 0, row = 0; i < n; i++, row += K) {
      const picked: number[] = [];
      for (let k = 0; k < K; k++) if (fired[row + k] === 1) picked.push(k);
      if (picked.length > 1) picked.sort((a, b) => proba[row + b] - proba[row + a] || a - b);
      chosen[i] = picked;
    }
  } else {
    const abstainBelow = options.threshold ?? p.abstainBelow;
    const top = abstainBelow !== undefined ? argmaxOrAbstain(proba, n, K, abstainBelow) : argmaxRows(proba, n, K);
    for (let i = 0, row = 0; i < n; i++, row += K) {
      if (top[i] < 0) {
        chosen[i] = [];
        notSure[i] = 1;
      } else {
        chosen[i] = options.topK !== undefined && options.topK > 1 ? topIndices(proba, row, K, options.topK) : [top[i]];
      }
    }
  }
  return { proba, K, chosen, notSure };
}

/** scoreTexts as the API's result objects (label names, a score per label, tokens when asked). Synchronous models only. */
export function predictTexts(model: LoadedModel, texts: readonly string[], options: PredictOptions = {}): PredictResult[] {
  const scored = scoreTexts(model, texts, options);
  const explanations = options.explain ? texts.map((t) => explainText(model.rawClassifier, t)) : undefined;
  return resultsOf(model, texts, scored, options, explanations);
}

/** predictTexts for any model, ONNX ones (which score asynchronously) included. */
export async function predictTextsAsync(model: LoadedModel, texts: readonly string[], options: PredictOptions = {}): Promise<PredictResult[]> {
  const scored = await scoreTextsAsync(model, texts, options);
  let explanations: Explanation[] | undefined;
  if (options.explain) {
    explanations = [];
    for (const t of texts) explanations.push(await explainTextAsync(model.rawClassifier, t));
  }
  return resultsOf(model, texts, scored, options, explanations);
}

function resultsOf(model: LoadedModel, texts: readonly string[], scored: ScoredTexts, options: PredictOptions, explanations: readonly Explanation[] | undefined): PredictResult[] {
  const { proba, K, chosen, notSure } = scored;
  const labels = model.classifier.labels;
  const results: PredictResult[] = new Array(texts.length);
  for (let i = 0, row = 0; i < texts.length; i++, row += K) {
    const r: PredictResult = { labels: chosen[i].map((k) => labels[k]), scores: scoresOf(proba, row, labels) };
    if (notSure[i]) r.not_sure = true;
    results[i] = r;
  }
  if (explanations) {
    for (let i = 0; i < texts.length; i++) results[i].tokens = explainTokens(model, explanations[i], results[i], proba, i * K, K);
  }
  if (options.group !== undefined) {
    const grouping = modelGrouping(model, options.group);
    const multilabel = model.manifest.task === 'multilabel';
    for (let i = 0; i < texts.length; i++) {
      const g = groupScores(grouping, proba, i * K, multilabel);
      results[i].groups = chosenGroups(grouping, labels, chosen[i], g).map((r) => ({ ...r, score: roundScore(r.score) }));
      results[i].group_scores = Object.fromEntries(grouping.groupNames.map((name, j) => [name, roundScore(g[j])]));
    }
  }
  const rating = ratingSectionOf(model.manifest, model.dir);
  if (rating) for (let i = 0; i < texts.length; i++) results[i].rating = rateRow(rating, labels, proba.subarray(i * K, (i + 1) * K));
  return results;
}

/** A score as the API and the batch results show it. */
export function roundScore(p: number): number {
  return Math.round(p * 1e6) / 1e6;
}

/** Scores rounded to 6 decimals: float32 carries ~7 digits, and shorter JSON is faster to send. */
function scoresOf(proba: Float32Array, row: number, labels: readonly string[]): Record<string, number> {
  const scores: Record<string, number> = {};
  for (let k = 0; k < labels.length; k++) scores[labels[k]] = roundScore(proba[row + k]);
  return scores;
}

function topIndices(proba: Float32Array, row: number, K: number, k: number): number[] {
  const idx = Array.from({ length: K }, (_, j) => j);
  idx.sort((a, b) => proba[row + b] - proba[row + a] || a - b);
  return idx.slice(0, Math.min(k, K));
}

/** Token contributions to the first chosen label, or to the top label when none was chosen. */
function explainTokens(model: LoadedModel, explanation: Explanation, result: PredictResult, proba: Float32Array, row: number, K: number): ExplainedToken[] {
  const labels = model.classifier.labels;
  let target = result.labels.length > 0 ? labels.indexOf(result.labels[0]) : topIndices(proba, row, K, 1)[0];
  if (target < 0) target = 0;
  return explanation.tokens.map((t) => ({ start: t.start, end: t.end, text: t.text, contribution: Math.round(t.contributions[target] * 1e6) / 1e6 }));
}

/**
 * Long texts as overlapping windows (a quarter of a window overlaps the next) whose scores are
 * averaged: every part of the text counts, and no window is longer than the server accepts.
 */
function windowedProba(model: LoadedModel, texts: readonly string[], windowChars: number): Float32Array {
  const { pieces, owner } = windowPieces(texts, windowChars);
  return averageWindows(model.classifier.predictProba(pieces), owner, texts.length, model.classifier.labels.length);
}

/** windowedProba for any model, through the async path when the model has one. */
async function windowedProbaAsync(model: LoadedModel, texts: readonly string[], windowChars: number): Promise<Float32Array> {
  const { pieces, owner } = windowPieces(texts, windowChars);
  return averageWindows(await scoreAll(model, pieces), owner, texts.length, model.classifier.labels.length);
}

function windowPieces(texts: readonly string[], windowChars: number): { pieces: string[]; owner: number[] } {
  const pieces: string[] = [];
  const owner: number[] = [];
  texts.forEach((t, i) => {
    for (const w of windowsOf(t, windowChars)) {
      pieces.push(w);
      owner.push(i);
    }
  });
  return { pieces, owner };
}

/** Each text's score: the mean of its windows' scores. */
function averageWindows(raw: Float32Array, owner: readonly number[], n: number, K: number): Float32Array {
  const out = new Float32Array(n * K);
  const counts = new Float32Array(n);
  for (let j = 0; j < owner.length; j++) {
    const i = owner[j];
    counts[i]++;
    for (let k = 0; k < K; k++) out[i * K + k] += raw[j * K + k];
  }
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) out[i * K + k] /= counts[i];
  return out;
}

export function windowsOf(text: string, size: number): string[] {
  if (text.length <= size) return [text];
  const stride = Math.max(1, Math.floor(size * 0.75));
  const windows: string[] = [];
  for (let start = 0; ; start += stride) {
    let s = start;
    // Never start or end a window inside a surrogate pair.
    if (s > 0 && isLowSurrogate(text.charCodeAt(s))) s++;
    let e = Math.min(text.length, start + size);
    if (e < text.length && isLowSurrogate(text.charCodeAt(e))) e--;
    windows.push(text.slice(s, e));
    if (start + size >= text.length) break;
  }
  return windows;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
