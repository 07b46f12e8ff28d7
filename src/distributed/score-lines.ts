/**
 * The output lines of scored rows, byte for byte the format of `textclass predict --output`
 * (src/predict/score-file.ts): CSV `row,id,labels,<score per label>` with a header, or one JSON
 * object per row for .jsonl outputs. Workers format their chunk so the coordinator only copies
 * bytes. (score-file.ts keeps its formatter private; the e2e test compares both outputs so the
 * two cannot drift apart unnoticed.)
 */
import { decide } from '../eval/evaluate.js';
import type { LoadedModel } from '../persist/model-dir.js';

export type OutputFormat = 'csv' | 'jsonl';

export function outputFormatOf(output: string): OutputFormat {
  return /\.jsonl?$/i.test(output) ? 'jsonl' : 'csv';
}

/** The header line of a CSV output ('' for JSON lines, which have none). */
export function outputHeader(format: OutputFormat, labels: readonly string[]): string {
  return format === 'jsonl' ? '' : csvLine(['row', 'id', 'labels', ...labels]);
}

/**
 * Scores `texts` (input rows `firstRow`, `firstRow + 1`, …) and returns their output lines. Scores
 * in slices of `sliceRows` and yields to the event loop between slices (`pause`), so a worker
 * scoring a large chunk still renews its job lock on time.
 */
export async function scoreToLines(model: LoadedModel, format: OutputFormat, firstRow: number, texts: readonly string[], ids: readonly (string | null)[] | undefined, options: { sliceRows?: number; pause?: () => Promise<void> } = {}): Promise<string> {
  const labels = model.manifest.labels;
  const K = labels.length;
  const decision = model.manifest.decision;
  const sliceRows = options.sliceRows ?? 512;
  const parts: string[] = [];
  for (let start = 0; start < texts.length; start += sliceRows) {
    const slice = texts.slice(start, start + sliceRows);
    const proba = model.classifier.predictProba(slice);
    const chosen = decide(proba, slice.length, K, decision);
    let text = '';
    for (let i = 0; i < slice.length; i++) {
      const picked = decision.kind === 'argmax' ? (chosen[i] < 0 ? [] : [labels[chosen[i]]]) : labels.filter((_, k) => chosen[i * K + k] === 1);
      const scores = Array.from(proba.subarray(i * K, (i + 1) * K), (p) => Math.round(p * 1e6) / 1e6);
      const row = firstRow + start + i;
      const id = ids?.[start + i] ?? undefined;
      if (format === 'jsonl') {
        const scoreMap: Record<string, number> = {};
        labels.forEach((l, k) => (scoreMap[l] = scores[k]));
        text += JSON.stringify({ row, ...(id !== undefined ? { id } : {}), labels: picked, scores: scoreMap }) + '\n';
      } else {
        text += csvLine([String(row), id ?? '', picked.join('|'), ...scores.map(String)]);
      }
    }
    parts.push(text);
    if (options.pause && start + sliceRows < texts.length) await options.pause();
  }
  return parts.join('');
}

/** One RFC 4180 CSV line; a cell starting with =, +, - or @ gets a ' so spreadsheets do not run it (as score-file.ts). */
function csvLine(cells: readonly string[]): string {
  return (
    cells
      .map((c) => {
        const safe = /^[=+\-@]/.test(c) && !/^-?\d/.test(c) ? `'${c}` : c;
        return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
      })
      .join(',') + '\n'
  );
}
