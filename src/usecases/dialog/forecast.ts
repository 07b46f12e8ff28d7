import { contextText, contextTurnsUsed } from '../../data/dialog-targets.js';
import { TextclassError } from '../../errors.js';
import { scoreInBatches } from '../../models/score-texts.js';
import type { LoadedModel } from '../../persist/model-dir.js';
import type { ForecastSettings } from './settings.js';

/** A turn that cannot be forecast from (empty after trimming); `index` is 0-based. */
export class TurnError extends TextclassError {
  constructor(
    readonly index: number,
    readonly problem: string,
  ) {
    super(`turn ${index + 1}: ${problem}`);
  }
}

export interface LabelProbability {
  label: string;
  probability: number;
}

export interface Forecast {
  /** The most likely emotion of the next speaker's turn. */
  next: string;
  /** Every label with its probability, most likely first. */
  distribution: LabelProbability[];
  /** The `topK` most likely labels (1 unless asked). */
  top: string[];
  /** The model's "not sure" cut-off (recipe evaluation.abstain_*) is above the top probability. */
  not_sure?: true;
  context: {
    /** Previous turns the model read besides the last one. */
    turns_used: number;
    /** The most previous turns the model reads (its recipe's dialog.context_turns). */
    context_turns: number;
    /** Turns given, the last one included. */
    turns_given: number;
  };
}

/**
 * One turn as the DailyDialog reader stores an utterance: trimmed, never empty. The reader trims
 * every utterance (src/data/readers/dailydialog.ts), so the forecast does the same.
 */
export function turnText(raw: string, index: number): string {
  const text = raw.trim();
  if (text === '') throw new TurnError(index, 'is empty; every turn needs some text (leave out turns nobody said)');
  return text;
}

/**
 * The model's input after the last of `turns`: the same text training built for the turn whose
 * next turn was the target (contextText, shared with src/data/dialog-targets.ts).
 */
export function forecastInput(turns: readonly string[], settings: ForecastSettings): { text: string; turnsUsed: number } {
  if (turns.length === 0) throw new TurnError(0, 'no turns given; a forecast needs at least one turn');
  const texts = turns.map(turnText);
  return { text: contextText(texts, settings), turnsUsed: contextTurnsUsed(settings, texts.length - 1) };
}

/**
 * Forecasts the next speaker's label for each dialog, in one scoring call (asynchronous for the
 * models that score so, ONNX). The scores are the model's own (calibrated when it was trained
 * with calibration).
 */
export async function forecastDialogs(model: LoadedModel, settings: ForecastSettings, dialogs: readonly (readonly string[])[], topK = 1): Promise<Forecast[]> {
  const inputs = dialogs.map((turns) => forecastInput(turns, settings));
  if (inputs.length === 0) return [];
  const labels = model.classifier.labels;
  const K = labels.length;
  const proba = await scoreInBatches(model.classifier, inputs.map((i) => i.text), inputs.length);
  const decision = model.manifest.decision;
  const abstainBelow = decision.kind === 'argmax' ? decision.abstainBelow : undefined;
  return inputs.map((input, d) => {
    const order = Array.from({ length: K }, (_, k) => k).sort((a, b) => proba[d * K + b] - proba[d * K + a] || a - b);
    const distribution = order.map((k) => ({ label: labels[k], probability: Math.round(proba[d * K + k] * 1e6) / 1e6 }));
    const f: Forecast = {
      next: labels[order[0]],
      distribution,
      top: order.slice(0, Math.max(1, Math.min(topK, K))).map((k) => labels[k]),
      context: { turns_used: input.turnsUsed, context_turns: settings.contextTurns, turns_given: dialogs[d].length },
    };
    if (abstainBelow !== undefined && proba[d * K + order[0]] < abstainBelow) f.not_sure = true;
    return f;
  });
}
