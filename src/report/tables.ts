/** HTML fragments of the report that are tables or lists rather than charts. */
import type { ClassMetrics } from '../eval/metrics.js';
import { escapeMarkup } from './escape.js';
import { formatCount, formatMetric } from './format.js';
import { highlightTokens } from './highlight.js';
import { REPORT_LIMITS, type ComparisonTable, type LabelIssue, type Mistake } from './report-data.js';

/** Metric keys are snake_case (as `eval --json` prints them); shown with spaces. */
export function metricName(key: string): string {
  return key.replace(/_/g, ' ');
}

/** Counts (n, support) print as integers, everything else with 4 digits. */
function metricValue(key: string, value: number): string {
  return Number.isInteger(value) && (Math.abs(value) > 1 || /^(n|rows|support|count)$/i.test(key)) ? formatCount(value) : formatMetric(value, 4);
}

export function headlineCards(headline: Record<string, number>): string {
  const cards = Object.entries(headline)
    .map(([key, value]) => `<div class="card"><div class="k" title="${escapeMarkup(key)}">${escapeMarkup(metricName(key))}</div><div class="v">${escapeMarkup(metricValue(key, value))}</div></div>`)
    .join('');
  return cards === '' ? '' : `<div class="cards">${cards}</div>`;
}

function bar(share: number): string {
  const width = Number.isFinite(share) ? Math.round(Math.min(1, Math.max(0, share)) * 100) : 0;
  return `<span class="bar" aria-hidden="true"><i style="width:${width}%"></i></span>`;
}

/** Per-label precision, recall, F1 (with a bar) and support, in `order` (then any others). */
export function perClassTable(perClass: Record<string, ClassMetrics>, order: readonly string[]): string {
  const labels = [...new Set([...order.filter((l) => l in perClass), ...Object.keys(perClass)])];
  if (labels.length === 0) return '';
  const rows = labels
    .map((label) => {
      const m = perClass[label];
      return `<tr><td dir="auto">${escapeMarkup(label)}</td><td class="num">${formatMetric(m.precision)}</td><td class="num">${formatMetric(m.recall)}</td><td class="num">${formatMetric(m.f1)}${bar(m.f1)}</td><td class="num">${formatCount(m.support)}</td></tr>`;
    })
    .join('');
  return `<div class="table-wrap"><table class="per-class"><thead><tr><th>label</th><th class="num">precision</th><th class="num">recall</th><th class="num">F1</th><th class="num">support</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

const LOWER_IS_BETTER = /ece|loss|brier|error/i;

/** A comparison table; deltas against the first row, the best value per column in bold. */
export function comparisonTable(table: ComparisonTable): string {
  const metrics = [...new Set(table.rows.flatMap((r) => Object.keys(r.metrics)))];
  const lowerIsBetter = (m: string) => (table.lowerIsBetter ? table.lowerIsBetter.includes(m) : LOWER_IS_BETTER.test(m));
  const best = new Map<string, number>();
  for (const m of metrics) {
    const values = table.rows.map((r) => r.metrics[m]).filter(Number.isFinite);
    if (values.length > 1) best.set(m, lowerIsBetter(m) ? Math.min(...values) : Math.max(...values));
  }
  const baseline = table.rows[0]?.metrics ?? {};
  const body = table.rows
    .map((row, r) => {
      const cells = metrics
        .map((m) => {
          const v = row.metrics[m];
          if (!Number.isFinite(v)) return `<td class="num">–</td>`;
          const isBest = best.get(m) === v;
          let delta = '';
          if (r > 0 && Number.isFinite(baseline[m]) && v !== baseline[m]) {
            const d = v - baseline[m];
            const better = lowerIsBetter(m) ? d < 0 : d > 0;
            delta = `<span class="delta ${better ? 'better' : 'worse'}" title="${better ? 'better' : 'worse'} than ${escapeMarkup(table.rows[0].name)}">${better ? '▲' : '▼'} ${d > 0 ? '+' : ''}${formatMetric(d, 4)}</span>`;
          }
          return `<td class="num"><span${isBest ? ' class="best"' : ''}>${formatMetric(v, 4)}</span>${delta}</td>`;
        })
        .join('');
      return `<tr><td dir="auto">${escapeMarkup(row.name)}</td>${cells}</tr>`;
    })
    .join('');
  const head = metrics.map((m) => `<th class="num" title="${lowerIsBetter(m) ? 'lower is better' : 'higher is better'}">${escapeMarkup(metricName(m))} ${lowerIsBetter(m) ? '↓' : '↑'}</th>`).join('');
  const note = table.note ? `<p class="note">${escapeMarkup(table.note)}</p>` : '';
  return `<h3>${escapeMarkup(table.title)}</h3><div class="table-wrap"><table class="comparison"><thead><tr><th>setting</th>${head}</tr></thead><tbody>${body}</tbody></table></div>${note}`;
}

function chips(labels: readonly string[], kind: 'true' | 'pred'): string {
  if (labels.length === 0) return '<span class="chip">none</span>';
  return labels.map((l) => `<span class="chip ${kind}" dir="auto">${escapeMarkup(l)}</span>`).join('');
}

function leftOut(shown: number, total: number, what: string): string {
  return total > shown ? `<p class="more">Showing ${formatCount(shown)} of ${formatCount(total)} ${what}.</p>` : '';
}

export function mistakesList(mistakes: readonly Mistake[]): string {
  const shown = mistakes.slice(0, REPORT_LIMITS.mistakes);
  const items = shown
    .map((m, i) => {
      const explained = m.explainedLabel ?? m.predictedLabels[0];
      const about = m.tokens && m.tokens.length > 0 && explained !== undefined ? `<span>highlights: contribution to <span class="chip pred" dir="auto">${escapeMarkup(explained)}</span></span>` : '';
      return (
        `<article class="mistake"><div class="head"><span><b>#${i + 1}</b>${m.row !== undefined ? ` · row ${formatCount(m.row)}` : ''}</span>` +
        `<span>true ${chips(m.trueLabels, 'true')}</span><span>predicted ${chips(m.predictedLabels, 'pred')}</span>` +
        `<span>confidence <b>${formatMetric(m.confidence)}</b></span>${about}</div>` +
        `<div class="text" dir="auto">${highlightTokens(m.text, m.tokens, REPORT_LIMITS.textChars)}</div></article>`
      );
    })
    .join('');
  return items + leftOut(shown.length, mistakes.length, 'mistakes');
}

function labelList(labels: string | string[]): string {
  return Array.isArray(labels) ? labels.map((l) => `<span class="chip" dir="auto">${escapeMarkup(l)}</span>`).join('') || '–' : `<span class="chip" dir="auto">${escapeMarkup(labels)}</span>`;
}

export function labelIssuesTable(issues: readonly LabelIssue[]): string {
  const shown = issues.slice(0, REPORT_LIMITS.labelIssues);
  const maxScore = shown.reduce((m, i) => (Number.isFinite(i.score) ? Math.max(m, i.score) : m), 0);
  const rows = shown
    .map(
      (issue) =>
        `<tr><td class="num">${formatCount(issue.row)}</td><td><div class="issue-text" dir="auto">${highlightTokens(issue.text, [], 400)}</div></td>` +
        `<td>${labelList(issue.given)}</td><td>${labelList(issue.suggested)}</td><td class="num">${formatMetric(issue.score)}${bar(maxScore > 0 ? issue.score / maxScore : 0)}</td></tr>`,
    )
    .join('');
  return (
    `<div class="table-wrap"><table class="label-issues"><thead><tr><th class="num">row</th><th>text</th><th>given</th><th>suggested</th><th class="num">score</th></tr></thead><tbody>${rows}</tbody></table></div>` +
    leftOut(shown.length, issues.length, 'suspected label errors')
  );
}
