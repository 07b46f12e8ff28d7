import { scoreInBatches } from '../../models/score-texts.js';
import type { LoadedModel } from '../../persist/model-dir.js';
import type { BuildStats, ScoredCatalog } from './catalog-scores.js';
import { argmax, asRecord, normalize } from './distribution.js';
import { recommendForTarget, recommendPath, type Recommendation } from './recommend.js';

export interface RecommendRequest {
  /** The emotion to match, or to move toward when `fromText` is given. */
  target: string;
  /** How the listener feels, in their words: turns a match into a path from this mood to `target`. */
  fromText?: string;
  n: number;
  seed: number;
}

/** What the CLI prints with --json and the API returns: the same shape in both. */
export interface RecommendAnswer {
  mode: 'match' | 'path';
  target: string;
  labels: readonly string[];
  detected?: { label: string; distribution: Record<string, number> };
  items: Recommendation[];
  catalog_scores: CatalogScoresJson;
}

/** Build statistics as the API and `--json` spell them. */
export interface CatalogScoresJson {
  model_key: string;
  items: number;
  scored: number;
  reused: number;
  new_items: number;
  changed_items: number;
  removed_items: number;
  pruned_scores: number;
  pruned_models: number;
}

export function catalogScoresJson(key: string, b: BuildStats): CatalogScoresJson {
  return { model_key: key, items: b.items, scored: b.scored, reused: b.reused, new_items: b.newItems, changed_items: b.changedItems, removed_items: b.removedItems, pruned_scores: b.prunedScores, pruned_models: b.prunedModels };
}

/** The model's emotion distribution of one text (scaled to sum to 1, as the catalog's are). */
export async function detectEmotion(model: LoadedModel, text: string): Promise<number[]> {
  return normalize(await scoreInBatches(model.classifier, [text]));
}

/**
 * @param build what scoring the catalog took for this call (default: the catalog's own build
 *   statistics; a server answering from memory passes "nothing scored")
 */
export async function recommend(scored: ScoredCatalog, model: LoadedModel, request: RecommendRequest, build: BuildStats = scored.build): Promise<RecommendAnswer> {
  const catalogScores = catalogScoresJson(scored.modelKey, build);
  if (request.fromText === undefined) {
    const items = recommendForTarget(scored, request.target, { n: request.n, seed: request.seed });
    return { mode: 'match', target: items[0]?.why.target ?? request.target, labels: scored.labels, items, catalog_scores: catalogScores };
  }
  const from = await detectEmotion(model, request.fromText);
  const items = recommendPath(scored, from, request.target, { n: request.n, seed: request.seed });
  return {
    mode: 'path',
    target: items[0]?.why.target ?? request.target,
    labels: scored.labels,
    detected: { label: scored.labels[argmax(from)], distribution: asRecord(scored.labels, from) },
    items,
    catalog_scores: catalogScores,
  };
}
