import { z } from 'zod';

/** The most items one recommendation returns. */
export const MAX_RECOMMEND_N = 100;

export const recommendBody = z
  .object({
    model: z.string().min(1).max(200).describe('model id (GET /v1/models); its labels are the emotions'),
    catalog: z.string().min(1).max(200).describe('catalog id (GET /v1/catalogs)'),
    target: z.string().min(1).max(200).optional().describe('the emotion to match (a label of the model); with from_text, the emotion to move toward'),
    toward: z.string().min(1).max(200).optional().describe('another name for target, reading better with from_text'),
    from_text: z.string().min(1).optional().describe("how the listener feels, in their words: the answer becomes a path from this text's emotion to the target"),
    n: z.number().int().min(1).max(MAX_RECOMMEND_N).optional().describe(`how many items (default 5, at most ${MAX_RECOMMEND_N})`),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional().describe('seed of the tie-breaking order (default 0): the same seed gives the same list'),
  })
  .strict();
export type RecommendBody = z.infer<typeof recommendBody>;

const distribution = z.record(z.string(), z.number()).describe('probability per label, summing to 1');

const why = z.union([
  z.object({
    kind: z.literal('match'),
    target: z.string(),
    probability: z.number().describe("the item's probability of the target"),
    tied_with: z.number().int().describe('items within the tie margin (0.02) when this one was picked, itself included'),
    diversity: z.number().optional().describe('when tied: JS distance to the nearest item picked before (the tie went to the largest)'),
    summary: z.string(),
  }),
  z.object({
    kind: z.literal('path'),
    target: z.string(),
    step: z.number().int(),
    steps: z.number().int(),
    progress: z.number().describe("0 = the detected mood, 1 = the catalog's most target-like item (the path's end)"),
    goal: distribution,
    distance: z.number().describe('Jensen–Shannon distance between goal and item (0 … 1)'),
    summary: z.string(),
  }),
]);

export const recommendResponse = z.object({
  model: z.string(),
  catalog: z.string(),
  mode: z.enum(['match', 'path']),
  target: z.string(),
  labels: z.array(z.string()),
  detected: z.object({ label: z.string(), distribution }).optional().describe('path mode: the emotion of from_text'),
  items: z.array(
    z.object({
      rank: z.number().int(),
      id: z.string(),
      title: z.string(),
      text: z.string(),
      creator: z.string().optional(),
      url: z.string().optional(),
      distribution,
      top_label: z.string(),
      score: z.number().describe('match: the target probability; path: 1 − the distance to the step goal'),
      why,
    }),
  ),
  catalog_scores: z.object({
    model_key: z.string().describe("sha256 of the model's manifest: the key its scores are stored under"),
    items: z.number().int(),
    scored: z.number().int().describe('texts the model scored for this request (0 once stored)'),
    reused: z.number().int().describe('texts whose stored scores were used'),
    new_items: z.number().int().describe('items whose id the last build of this catalog had not seen'),
    changed_items: z.number().int().describe('items whose text changed since the last build'),
    removed_items: z.number().int().describe('items of the last build that are gone'),
    pruned_scores: z.number().int().describe('stored scores dropped by this build: of texts no item has any more, and of superseded model keys'),
    pruned_models: z.number().int().describe('older keys of a retrained model dropped by this build (the 2 most recently used keys of each model name are kept)'),
  }),
});

export const catalogsResponse = z.object({
  catalogs: z.array(
    z.object({
      id: z.string(),
      file: z.string(),
      format: z.enum(['csv', 'sqlite']),
      title: z.string(),
      description: z.string().nullable(),
      suggested_model: z.string().nullable().describe('the model id the catalog was written for (from <id>.meta.json)'),
      items: z.number().int().nullable(),
      scored_with: z.array(z.string()).describe('names of models with stored scores for it'),
      error: z.string().optional().describe('why the catalog cannot be used'),
    }),
  ),
});
