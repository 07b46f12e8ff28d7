import { scoreInBatches } from '../../models/score-texts.js';
import type { LoadedModel } from '../../persist/model-dir.js';
import type { Catalog, CatalogItem } from './catalog.js';
import { normalize } from './distribution.js';
import { modelKey, textHash, type CatalogDelta, type ScoreStore } from './score-store.js';

/** A catalog with every item's emotion distribution under one model. */
export interface ScoredCatalog {
  labels: readonly string[];
  modelKey: string;
  items: CatalogItem[];
  /** Per item, the model's probabilities scaled to sum to 1, aligned with `labels`. */
  distributions: number[][];
  build: BuildStats;
}

export interface BuildStats extends CatalogDelta {
  items: number;
  /** Distinct texts scored by the model in this build (new or changed ones, or all for a new model). */
  scored: number;
  /** Distinct texts whose stored scores were reused. */
  reused: number;
  /** Stored scores this build dropped: of texts gone from the catalog, and of superseded model keys. */
  prunedScores: number;
  /** Model keys this build dropped with their scores: older versions of a retrained model. */
  prunedModels: number;
}

/** Texts per scoring call: large enough to share the vectorizer's work, small enough to bound memory. */
const SCORE_BATCH = 256;

/**
 * Scores the catalog with the model, computing only the texts the store has no scores for under
 * this model (keyed by text hash, so identical texts are scored once and a renamed id costs
 * nothing), and stores what it computed. Async: models that score asynchronously (ONNX) are
 * scored through their async path.
 */
export async function scoreCatalog(catalog: Catalog, model: LoadedModel, store: ScoreStore): Promise<ScoredCatalog> {
  const key = modelKey(model);
  const labels = model.manifest.labels;
  const hashes = catalog.items.map((item) => textHash(item.text));
  const stored = store.lookup(key, hashes);
  const missing: { hash: string; text: string }[] = [];
  const queued = new Set<string>();
  catalog.items.forEach((item, i) => {
    const h = hashes[i];
    if (!stored.has(h) && !queued.has(h)) {
      queued.add(h);
      missing.push({ hash: h, text: item.text });
    }
  });
  const fresh = new Map<string, number[]>();
  const K = labels.length;
  for (let start = 0; start < missing.length; start += SCORE_BATCH) {
    // A turn of the event loop between batches: the server scores a large catalog on its first
    // request, and its other requests must not wait for all of it (a synchronous model's promise
    // resolves in a microtask, which lets no I/O through).
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const batch = missing.slice(start, start + SCORE_BATCH);
    const proba = await scoreInBatches(model.classifier, batch.map((m) => m.text), SCORE_BATCH);
    batch.forEach((m, j) => fresh.set(m.hash, Array.from(proba.subarray(j * K, (j + 1) * K), (x) => Math.round(x * 1e6) / 1e6)));
  }
  store.save(key, model, fresh);
  const delta = store.recordItems(catalog.items.map((item, i) => ({ id: item.id, hash: hashes[i] })));
  const pruned = store.prune();
  const distributions = hashes.map((h) => {
    const p = stored.get(h) ?? fresh.get(h)!;
    if (p.length !== K) throw new Error(`stored scores of text ${h.slice(0, 12)} have ${p.length} values, the model has ${K} labels`);
    return normalize(p);
  });
  return {
    labels,
    modelKey: key,
    items: catalog.items,
    distributions,
    build: { items: catalog.items.length, scored: fresh.size, reused: new Set(hashes).size - fresh.size, ...delta, prunedScores: pruned.scores, prunedModels: pruned.models },
  };
}
