import { DataError } from '../errors.js';
import type { Example } from './types.js';

/**
 * How utterances of a dialog become examples. `next_turn` forecasts the emotion of the reply: the
 * target of utterance t is the label of utterance t+1 of the same dialog, so the last utterance of
 * each dialog has no target. `context_turns` prepends up to that many previous utterances.
 */
export interface DialogTargets {
  target: 'same_turn' | 'next_turn';
  contextTurns: number;
  /** Joins context utterances and the current one into the model's input text. */
  contextSeparator: string;
  /**
   * Also repeat each context word tagged with its distance in turns (`p1_sorry`: "sorry" one turn
   * back), so the features tell the next speaker's own last turn (p1 in a two-party dialog) from
   * the turn they answer. Absent in models written before it existed: off.
   */
  contextTags?: boolean;
}

/** Why an utterance produced no example; counted, never silent. */
export const NO_NEXT_TURN = 'last turn of its dialog (no next turn to forecast)';

/**
 * Regroups a stream of utterances (in dialog order, each with `dialog` set) into examples as the
 * config says. Memory is one dialog at a time.
 */
export async function* dialogExamples(
  utterances: AsyncIterable<Example>,
  config: DialogTargets,
  dropped: Map<string, number>,
): AsyncGenerator<Example> {
  let current: Example[] = [];
  for await (const u of utterances) {
    if (u.dialog === undefined) {
      throw new DataError(u.source, 'dialog targets need a dialog reader (format dailydialog); this reader gives no dialog structure');
    }
    if (current.length > 0 && current[0].dialog!.id !== u.dialog.id) {
      yield* fromDialog(current, config, dropped);
      current = [];
    }
    current.push(u);
  }
  if (current.length > 0) yield* fromDialog(current, config, dropped);
}

function* fromDialog(turns: Example[], config: DialogTargets, dropped: Map<string, number>): Generator<Example> {
  const last = config.target === 'next_turn' ? turns.length - 1 : turns.length;
  const texts = turns.map((u) => u.text);
  for (let t = 0; t < last; t++) {
    const labels = config.target === 'next_turn' ? turns[t + 1].labels : turns[t].labels;
    yield { text: contextText(texts, config, t), labels, source: turns[t].source, dialog: turns[t].dialog };
  }
  if (last < turns.length) dropped.set(NO_NEXT_TURN, (dropped.get(NO_NEXT_TURN) ?? 0) + 1);
}

/**
 * The model's input text for utterance `current` of a dialog (default: the last one): up to
 * `contextTurns` previous utterances and that one, oldest first, joined by the separator. Training
 * targets and the forecast route (src/usecases/dialog) both build their text here, so what a model
 * is asked at serving time is exactly what it saw in training.
 */
export function contextText(texts: readonly string[], config: Pick<DialogTargets, 'contextTurns' | 'contextSeparator' | 'contextTags'>, current = texts.length - 1): string {
  const from = Math.max(0, current - config.contextTurns);
  if (from === current) return texts[current];
  if (!config.contextTags) return texts.slice(from, current + 1).join(config.contextSeparator);
  const parts: string[] = [];
  for (let t = from; t < current; t++) {
    const tagged = tagWords(texts[t], current - t);
    parts.push(tagged === '' ? texts[t] : `${texts[t]} ${tagged}`);
  }
  parts.push(texts[current]);
  return parts.join(config.contextSeparator);
}

/**
 * Letters/digits runs with inner apostrophes: the `word` token pattern (src/text/tokenize.ts)
 * without its `!`, `?` and emoji tokens, which a prefix would split off again.
 */
const TAGGABLE_WORD = /[\p{L}\p{M}\p{N}_]+(?:['’][\p{L}\p{M}\p{N}_]+)*/gu;

/** The words of a context turn, each prefixed with its distance: `p2_how p2_are p2_you`. */
export function tagWords(text: string, distance: number): string {
  const prefix = `p${distance}_`;
  const out: string[] = [];
  for (const m of text.matchAll(TAGGABLE_WORD)) out.push(prefix + m[0]);
  return out.join(' ');
}

/** How many previous utterances `contextText` puts before utterance `current`. */
export function contextTurnsUsed(config: Pick<DialogTargets, 'contextTurns'>, current: number): number {
  return Math.min(config.contextTurns, current);
}
