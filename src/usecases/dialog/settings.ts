import { z } from 'zod';
import type { DialogTargets } from '../../data/dialog-targets.js';
import type { ManifestBody } from '../../persist/model-dir.js';

/** What the forecast needs from a model: how its training text was built from the turns. */
export type ForecastSettings = Pick<DialogTargets, 'contextTurns' | 'contextSeparator' | 'contextTags'>;

export type ForecastSupport = { ok: true; settings: ForecastSettings } | { ok: false; reason: string };

/** `manifest.dialog` as training writes it (src/train/train.ts stores the DataSpec's dialog targets). */
const manifestDialog = z.object({
  target: z.enum(['same_turn', 'next_turn']),
  contextTurns: z.number().int().min(0),
  contextSeparator: z.string(),
  contextTags: z.boolean().optional(),
});

const HOW = 'train one with a recipe that has `dialog: {target: next_turn, context_turns: N}`, e.g. recipes/dailydialog-next-tuned.yaml';

/**
 * Whether a model forecasts the next turn's label, and with which context settings. Only a
 * single-label model trained on `next_turn` targets answers "what will the next speaker feel":
 * a `same_turn` model labels the turn it reads, and other models never saw a dialog.
 */
export function forecastSupport(manifest: Pick<ManifestBody, 'name' | 'task' | 'dialog'>): ForecastSupport {
  if (manifest.dialog === undefined) {
    return { ok: false, reason: `model "${manifest.name}" was not trained for next-turn forecasting (its recipe has no dialog section); ${HOW}` };
  }
  const parsed = manifestDialog.safeParse(manifest.dialog);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `model "${manifest.name}": manifest.json field "dialog.${issue.path.join('.')}" is malformed (${issue.message}); retrain the model` };
  }
  if (parsed.data.target !== 'next_turn') {
    return { ok: false, reason: `model "${manifest.name}" was trained with dialog target ${parsed.data.target}: it labels the turn it reads, not the next one; ${HOW}` };
  }
  if (manifest.task === 'multilabel') {
    return { ok: false, reason: `model "${manifest.name}" is multilabel; a forecast is one distribution over exclusive labels, so it needs a binary or multiclass next-turn model` };
  }
  const { contextTurns, contextSeparator, contextTags } = parsed.data;
  return { ok: true, settings: { contextTurns, contextSeparator, ...(contextTags ? { contextTags } : {}) } };
}
