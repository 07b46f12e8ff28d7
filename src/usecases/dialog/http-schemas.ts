import { z } from 'zod';

/** A turn as plain text, or as an object with its text (chat clients keep turns as objects). */
const turn = z.union([z.string(), z.object({ text: z.string() }).strict()], { error: 'expected a turn: a text, or an object {"text": …}' });

export const forecastBody = z
  .object({
    model: z.string().min(1).max(100).describe('id of a model trained with dialog: {target: next_turn} (GET /v1/models shows "dialog" per model)'),
    turns: z
      .array(turn)
      .min(1)
      .describe('the dialog so far, oldest first, speakers alternating: texts, or objects {"text": …}; the forecast is for the turn after the last one (1 … max_texts turns, each at most max_text_chars characters)'),
    top_k: z.number().int().min(1).max(1000).optional().describe('also list the k most likely labels in "top" (default 1)'),
  })
  .strict();
export type ForecastBody = z.infer<typeof forecastBody>;

/** Response shape, for the OpenAPI document only. */
export const forecastResponse = z.object({
  model: z.string(),
  next: z.string().describe('the most likely emotion of the next speaker'),
  distribution: z.array(z.object({ label: z.string(), probability: z.number() })).describe('every label with its probability, most likely first; probabilities add up to 1'),
  top: z.array(z.string()).describe('the top_k most likely labels'),
  not_sure: z.literal(true).optional().describe("the top probability is below the model's trained \"not sure\" cut-off"),
  context: z.object({
    turns_used: z.number().int().describe('previous turns the model read besides the last one'),
    context_turns: z.number().int().describe("the most previous turns the model reads (its recipe's dialog.context_turns)"),
    turns_given: z.number().int(),
  }),
});
