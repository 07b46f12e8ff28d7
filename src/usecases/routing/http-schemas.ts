import { z } from 'zod';

export const routeBody = z
  .object({
    model: z.string().min(1).max(100).describe('id of a routing model (trained from a recipe with a routing section; GET /v1/models lists models, GET /v1/route/{model} shows one\'s tiers and curve)'),
    tickets: z
      .array(z.object({ title: z.string().describe('may be empty'), body: z.string().describe('may be empty, but not both') }).strict())
      .min(1)
      .describe('tickets to route (1 … max_texts; title + body at most max_text_chars characters)'),
    threshold: z.number().min(0).max(1).optional().describe("confidence a tier needs; default the model's (tuned on dev)"),
  })
  .strict();
export type RouteBody = z.infer<typeof routeBody>;

export const routeModelParams = z.object({
  model: z.string().describe('id of a routing model'),
});

const tierAnswer = z.object({
  tier: z.number().int().describe('1-based'),
  name: z.string().describe('the tier\'s name, e.g. "category"'),
  label: z.string().describe("the node's own name at this tier"),
  path: z.string().describe('the path down to this tier, e.g. "4/2"'),
  confidence: z.number().describe('probability that the route down to this tier is right; never more than the tier above'),
  confident: z.boolean().describe('confidence ≥ threshold'),
});

const curvePoint = z.object({ threshold: z.number(), coverage: z.number(), precision: z.number(), tier1_precision: z.number(), mean_depth: z.number() });

/** Response shapes, for the OpenAPI document only. */
export const routeResponse = z.object({
  model: z.string(),
  threshold: z.number(),
  expected: curvePoint.optional().describe("coverage and precision the model's dev curve shows at this threshold"),
  results: z.array(
    z.object({
      path: z.string().describe('the most probable consistent path (each tier a child of the one above)'),
      tiers: z.array(tierAnswer),
      routed_to: z.string().describe('name of the deepest tier whose confidence reaches the threshold, or "person"'),
      routed_depth: z.number().int().describe('tiers the ticket is sent down (0: to a person)'),
      routed_path: z.string().nullable(),
    }),
  ),
});

export const routingInfoResponse = z.object({
  model: z.string(),
  routable: z.boolean().describe('false for a model without a routing section (then only "reason" follows)'),
  reason: z.string().optional(),
  strategy: z.enum(['per_tier', 'flat']).optional(),
  tier_names: z.array(z.string()).optional(),
  threshold: z.number().optional(),
  dev: z
    .object({
      n: z.number().int(),
      tiers: z.array(z.object({ tier: z.number().int(), name: z.string(), n: z.number().int(), accuracy: z.number(), macro_f1: z.number(), nodes: z.number().int() })),
      path_accuracy: z.number(),
      curve: z.array(curvePoint),
      threshold: z.object({ value: z.number(), chosen_by: z.string(), coverage: z.number(), precision: z.number() }).passthrough(),
    })
    .passthrough()
    .nullable()
    .optional()
    .describe('measured on the dev data at training; null without dev data'),
});
