/**
 * Chunk scoring for workers: the output lines of `textclass predict --output`
 * (src/predict/output-lines.ts), produced in slices so a worker renews its job lock on time.
 */
import { scoreInBatches } from '../models/score-texts.js';
import type { LoadedModel } from '../persist/model-dir.js';
import { formatScoredRows, type OutputFormat } from '../predict/output-lines.js';

export { outputFormatOf, outputHeader, type OutputFormat } from '../predict/output-lines.js';

/**
 * Scores `texts` (input rows `firstRow`, `firstRow + 1`, …) and returns their output lines. Scores
 * in slices of `sliceRows` and yields to the event loop between slices (`pause`), so a worker
 * scoring a large chunk still renews its job lock on time.
 */
export async function scoreToLines(model: LoadedModel, format: OutputFormat, firstRow: number, texts: readonly string[], ids: readonly (string | null)[] | undefined, options: { sliceRows?: number; pause?: () => Promise<void> } = {}): Promise<string> {
  const sliceRows = options.sliceRows ?? 512;
  const parts: string[] = [];
  for (let start = 0; start < texts.length; start += sliceRows) {
    const slice = texts.slice(start, start + sliceRows);
    const proba = await scoreInBatches(model.classifier, slice, sliceRows);
    const rows = Int32Array.from(slice, (_, i) => firstRow + start + i);
    const text = formatScoredRows(model, format, proba, rows, ids?.slice(start, start + slice.length));
    parts.push(text);
    if (options.pause && start + sliceRows < texts.length) await options.pause();
  }
  return parts.join('');
}
