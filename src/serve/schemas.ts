import { z } from 'zod';

/**
 * One zod schema per route input: the handlers validate with it and /openapi.json is generated
 * from it, so the documentation cannot drift from what the server accepts.
 */
export const modelIdParams = z.object({
  id: z.string().describe('model id: the name of its directory under the models folder'),
});

export const jobIdParams = z.object({
  id: z.string().describe('job id returned by the batch upload'),
});

export const predictBody = z
  .object({
    texts: z.array(z.string()).min(1).describe('texts to label (1 … max_texts, each at most max_text_chars characters)'),
    top_k: z.number().int().min(1).optional().describe('multilabel: at most this many labels; single-label: return the k best labels'),
    threshold: z.number().gt(0).lt(1).optional().describe("overrides the model's thresholds (multilabel) or its abstain cut-off (single-label)"),
    explain: z.boolean().optional().describe('also return token contributions to the first chosen label'),
    group: z.string().min(1).max(40).optional().describe('also show the chosen labels through one of the model\'s groupings (e.g. "ekman", "sentiment"; GET /v1/models/{id} lists them)'),
  })
  .strict();
export type PredictBody = z.infer<typeof predictBody>;

export const batchQuery = z
  .object({
    text_field: z.string().min(1).max(200).optional().describe('column (CSV) or field (JSONL) holding the text; default "text"'),
  })
  .strict();

export const feedbackBody = z
  .object({
    model: z.string().min(1).max(100).describe('model id the feedback is about'),
    text: z.string().min(1).max(100_000).describe('the text as it was classified'),
    labels: z.array(z.string().min(1).max(200)).max(1000).describe('the correct labels (empty: none applies)'),
    predicted: z.array(z.string().max(200)).max(1000).optional().describe('what the model said'),
    comment: z.string().max(2000).optional(),
  })
  .strict();
export type FeedbackBody = z.infer<typeof feedbackBody>;

/** Response shapes, for the OpenAPI document only (responses are built by typed code). */
export const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), request_id: z.string() }),
});

export const modelSummary = z.object({
  id: z.string(),
  name: z.string(),
  task: z.enum(['binary', 'multiclass', 'multilabel']),
  labels: z.array(z.string()),
  model_type: z.string(),
  created_at: z.string(),
  metrics: z.record(z.string(), z.number()),
  decision: z.record(z.string(), z.unknown()),
  calibration: z.enum(['temperature', 'isotonic']).nullable(),
  has_report: z.boolean(),
  dialog: z.object({ target: z.string(), context_turns: z.number().int(), context_tags: z.boolean() }).nullable().describe('dialog models: target same_turn or next_turn (POST /v1/dialog/forecast), previous turns read, whether their words are tagged by distance'),
  groupings: z.array(z.string()).describe('groupings the labels can be shown through (predict `group`)'),
});

export const modelDetail = modelSummary.extend({
  recipe: z.record(z.string(), z.unknown()),
  grouping_detail: z.array(z.object({ name: z.string(), groups: z.array(z.object({ name: z.string(), members: z.array(z.string()) })), unmapped: z.enum(['keep', 'drop']) })),
  metrics_full: z.record(z.string(), z.unknown()),
  training: z.record(z.string(), z.unknown()),
  card: z.string(),
});

export const predictResponse = z.object({
  model: z.string(),
  results: z.array(
    z.object({
      labels: z.array(z.string()),
      scores: z.record(z.string(), z.number()),
      not_sure: z.literal(true).optional(),
      tokens: z.array(z.object({ start: z.number().int(), end: z.number().int(), text: z.string(), contribution: z.number() })).optional(),
      groups: z.array(z.object({ group: z.string(), score: z.number(), labels: z.array(z.string()) })).optional().describe('with `group`: the chosen labels\' groups, best first'),
      group_scores: z.record(z.string(), z.number()).optional().describe('with `group`: every group\'s score (multilabel: its best member\'s; single-label: the members\' sum)'),
      rating: z.object({ stars: z.number().int().min(1).max(10), naive_stars: z.number().int().min(1).max(10), positive_probability: z.number() }).optional().describe('models with a learnt rating map (recipe rating:): 1-10 stars from the map, the naive rule clamp(round(10p), 1, 10), and p'),
    }),
  ),
});

export const jobResponse = z.object({
  id: z.string(),
  model: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  processed: z.number().int(),
  total: z.number().int().nullable(),
  error: z.string().optional(),
  created_at: z.string(),
  finished_at: z.string().optional(),
  result_url: z.string().optional(),
});

export const batchResponse = z.object({ job_id: z.string(), status_url: z.string(), result_url: z.string() });
export const reloadResponse = z.object({ loaded: z.array(z.string()), refused: z.array(z.object({ id: z.string(), reason: z.string() })) });

/** The first problem of a failed parse as one sentence naming the field: `texts[3]: expected string`. */
export function describeIssue(error: z.ZodError, where: string): string {
  const issue = error.issues[0];
  let field = '';
  for (const p of issue.path) field += typeof p === 'number' ? `[${p}]` : field === '' ? String(p) : `.${String(p)}`;
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys: string[] }).keys;
    return `${where}${field ? ` ${field}` : ''}: unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`;
  }
  const message = issue.message.replace(/^Invalid input: /, '');
  return `${where} ${field || '(root)'}: ${message}`;
}

/** The runs database (experiment tracking): list filters, a run id, and the response shapes. */
export const runsQuery = z
  .object({
    command: z.enum(['train', 'tune', 'eval', 'cv']).optional().describe('only runs of this command'),
    recipe: z.string().min(1).max(200).optional().describe('only runs of this recipe name'),
    limit: z.coerce.number().int().min(1).max(1000).optional().describe('at most this many runs, newest first (default 50)'),
  })
  .strict();

export const runIdParams = z.object({
  id: z.string().describe('run id: the number `textclass runs` shows'),
});

export const runSummary = z.object({
  id: z.number().int(),
  command: z.enum(['train', 'tune', 'eval', 'cv']),
  recipe: z.string().nullable(),
  status: z.enum(['running', 'ok', 'failed']),
  started_at: z.string(),
  seconds: z.number().nullable(),
  commit: z.string(),
  seed: z.number().int().nullable(),
  headline_metrics: z.record(z.string(), z.number()).describe('the few metrics a list shows (best and baseline of a sweep; accuracy, balanced accuracy, macro F1 otherwise)'),
  sweep_url: z.string().optional().describe('present for tune runs that name a trial journal'),
});

export const runDetail = runSummary.extend({
  metrics: z.record(z.string(), z.number()),
  recipe_summary: z.object({ name: z.string().nullable(), description: z.string().nullable(), task: z.string().nullable(), model_type: z.string().nullable() }),
  resolved_recipe: z.unknown().describe('the resolved recipe (defaults filled in); absolute paths are shown as file names'),
  argv: z.array(z.string()),
  data: z.array(z.object({ role: z.string(), file: z.string(), sha256: z.string(), bytes: z.number().int(), files: z.number().int() })),
  steps: z.array(z.object({ step: z.number().int(), name: z.string(), value: z.number() })),
  artifacts: z.record(z.string(), z.string()).describe('artifact name → file name (never a full path)'),
  error: z.string().nullable(),
});

export const sweepResponse = z.object({
  run_id: z.number().int(),
  status: z.enum(['running', 'ok', 'failed']).describe("the run's status: while `running`, the trials journaled so far (more are coming; ask again)"),
  journal: z.string().describe('the journal file name'),
  study: z.string(),
  recipe: z.string(),
  metric: z.string(),
  direction: z.enum(['maximize', 'minimize']),
  baseline: z.boolean().describe('trial 0 is the recipe as written'),
  planned_trials: z
    .number()
    .int()
    .nullable()
    .describe('the trials the sweep plans, the baseline included (tune.trials or --trials, or the grid size when a grid sweep has fewer points), recorded when it started; null for runs recorded without it. Finished, pruned and failed trials count as done.'),
  trials: z.array(
    z.object({
      number: z.number().int(),
      params: z.record(z.string(), z.unknown()),
      value: z.number().nullable().describe('the metric on dev (complete) or at the pruning fraction (pruned)'),
      status: z.enum(['running', 'complete', 'pruned', 'failed']),
      seconds: z.number().nullable(),
      error: z.string().optional(),
    }),
  ),
  best: z.object({ number: z.number().int(), value: z.number(), params: z.record(z.string(), z.unknown()) }).nullable(),
  importance: z.array(z.object({ parameter: z.string(), importance: z.number() })).describe('share of the metric spread each parameter explains, largest first; sums to 1 when any is known'),
});
