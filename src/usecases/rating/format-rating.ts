import type { RatingScore } from './rating-metrics.js';
import type { RatingEvaluation, RatingSection } from './rating-section.js';

function f(x: number | null): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(3);
}

function score(s: RatingScore): string {
  return `MAE ${f(s.mae)}, Spearman ${f(s.spearman)}`;
}

/**
 * What `train` and `eval` print about the stars of one held-out set: the learnt map against the
 * naive rule (and, after training, every candidate method), one line each.
 */
export function ratingLines(section: Pick<RatingSection, 'method'>, ev: RatingEvaluation, where: string): string {
  const gain = ev.naive.mae - ev.learnt.mae;
  const lines = [
    `${where} stars (${ev.n} reviews, true stars from file names): learnt ${section.method} ${score(ev.learnt)} | naive round(10p) ${score(ev.naive)} | ${gain >= 0 ? `learnt MAE ${f(gain)} lower` : `learnt MAE ${f(-gain)} HIGHER`}; Spearman of the probability itself ${f(ev.score_spearman)}`,
  ];
  if (ev.by_method) {
    const parts = Object.entries(ev.by_method).map(([m, s]) => `${m} ${f(s.mae)}`);
    lines.push(`${where} stars MAE by method (each fitted on the same out-of-fold scores): ${parts.join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

/** How the map was chosen, for `train`: candidates' cross-validated MAE on the fitting rows. */
export function selectionLine(section: RatingSection): string {
  const parts = section.selection.candidates.map((c) => `${c.method} ${f(c.mae)}`);
  return `stars map: ${section.method} (${section.map.cuts.length} cuts), chosen by ${section.selection.folds}-fold cross-validated MAE on ${section.fitted_rows} out-of-fold training scores: ${parts.join(', ')}\n`;
}

/** The map as a person reads it: each star and the probability range that gives it. */
export function mapTable(section: Pick<RatingSection, 'map'>): string {
  const { cuts, stars } = section.map;
  const rows = stars.map((s, j) => {
    const from = j === 0 ? 0 : cuts[j - 1];
    const to = j === cuts.length ? 1 : cuts[j];
    return `  ${String(s).padStart(2)} stars  p from ${from.toFixed(4)} to ${to.toFixed(4)}`;
  });
  return rows.join('\n') + '\n';
}

/** Everything `train` prints about a learnt rating map. */
export function ratingSummary(section: RatingSection): string {
  let text = selectionLine(section);
  if (section.metrics.dev) text += ratingLines(section, section.metrics.dev, 'dev');
  if (section.metrics.test) text += ratingLines(section, section.metrics.test, 'test');
  if (!section.metrics.dev && !section.metrics.test) text += 'stars: no dev or test rows to measure the map on (set data.dev_split)\n';
  return text;
}
