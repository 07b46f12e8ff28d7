/**
 * The output format of `textclass predict --output` (and of its distributed form, whose workers
 * format their chunks with the same function so the coordinator only copies bytes): CSV
 * `row,id,labels,<score per label>` with a header row, or one JSON object per row for .jsonl.
 * Models with a learnt rating map (recipe `rating:`) add the stars: CSV columns `stars,naive_stars`,
 * JSON `"rating": {"stars", "naive_stars"}`.
 */
import { decide } from '../eval/evaluate.js';
import type { LoadedModel } from '../persist/model-dir.js';
import { rateRow, ratingSectionOf } from '../usecases/rating/rating-section.js';
import { csvLine } from '../util/csv.js';

export type OutputFormat = 'csv' | 'jsonl';

export function outputFormatOf(output: string): OutputFormat {
  return /\.jsonl?$/i.test(output) ? 'jsonl' : 'csv';
}

/** The header line of a CSV output ('' for JSON lines, which have none); `rated`: the model has a rating map. */
export function outputHeader(format: OutputFormat, labels: readonly string[], rated = false): string {
  return format === 'jsonl' ? '' : csvLine(['row', 'id', 'labels', ...labels, ...(rated ? ['stars', 'naive_stars'] : [])]);
}

/**
 * Output lines of rows scored together: `proba` is their n × K scores; row `i` is input row
 * `rows[i]` with caller id `ids?.[i]`. Labels are chosen by the model's stored decision rule.
 */
export function formatScoredRows(model: LoadedModel, format: OutputFormat, proba: Float32Array, rows: ArrayLike<number>, ids?: readonly (string | null | undefined)[]): string {
  const labels = model.manifest.labels;
  const K = labels.length;
  const n = rows.length;
  const decision = model.manifest.decision;
  const chosen = decide(proba, n, K, decision);
  const rating = ratingSectionOf(model.manifest, model.dir);
  let text = '';
  for (let i = 0; i < n; i++) {
    const picked = decision.kind === 'argmax' ? (chosen[i] < 0 ? [] : [labels[chosen[i]]]) : labels.filter((_, k) => chosen[i * K + k] === 1);
    const scores = Array.from(proba.subarray(i * K, (i + 1) * K), (p) => Math.round(p * 1e6) / 1e6);
    const id = ids?.[i] ?? undefined;
    const stars = rating ? rateRow(rating, labels, proba.subarray(i * K, (i + 1) * K)) : undefined;
    if (format === 'jsonl') {
      const scoreMap: Record<string, number> = {};
      labels.forEach((l, k) => (scoreMap[l] = scores[k]));
      text += JSON.stringify({ row: rows[i], ...(id !== undefined ? { id } : {}), labels: picked, scores: scoreMap, ...(stars ? { rating: { stars: stars.stars, naive_stars: stars.naive_stars } } : {}) }) + '\n';
    } else {
      text += csvLine([String(rows[i]), id ?? '', picked.join('|'), ...scores.map(String), ...(stars ? [String(stars.stars), String(stars.naive_stars)] : [])]);
    }
  }
  return text;
}
