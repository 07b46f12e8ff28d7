// A tune run's sweep: how far a running one has got (trials done of those planned, as a progress
// bar), the metric over trials as an SVG chart (a dot per trial, pruned and failed ones grey, the
// running best as a step line), the parameter importance as bars, and a table of trials that
// sorts by any column. Everything is drawn with DOM calls; trial parameters come from
// a recipe and may hold any text, so they only ever become text nodes.
import { el, formatNumber, formatPercent, metricName } from './dom.js';

/** @typedef {import('./types.js').Sweep} Sweep */
/** @typedef {import('./types.js').SweepTrial} SweepTrial */

const SVG = 'http://www.w3.org/2000/svg';

/**
 * @param {string} tag
 * @param {Record<string, string | number>} [attrs]
 * @param {...(Node | string)} children
 * @returns {SVGElement}
 */
function svg(tag, attrs = {}, ...children) {
  const node = /** @type {SVGElement} */ (document.createElementNS(SVG, tag));
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child);
  return node;
}

/** A parameter value as one short line: numbers rounded, objects as compact JSON. @param {unknown} v */
export function paramText(v) {
  if (v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Math.abs(v) < 0.001 || Math.abs(v) >= 1e5 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/**
 * The best value so far after each trial (complete trials only), in trial order: the line of
 * the chart. Null until the first complete trial.
 * @param {SweepTrial[]} trials @param {'maximize'|'minimize'} direction
 * @returns {(number | null)[]}
 */
export function runningBest(trials, direction) {
  const sign = direction === 'maximize' ? 1 : -1;
  /** @type {number | null} */
  let best = null;
  return trials.map((t) => {
    if (t.status === 'complete' && typeof t.value === 'number' && (best === null || sign * t.value > sign * best)) best = t.value;
    return best;
  });
}

/**
 * How far a sweep has got: its trials done (complete, pruned or failed) and in progress, of the
 * `planned` it recorded when it started (null: not recorded). Trials that a journal kept from a
 * longer, earlier sweep of the same study (numbered from `planned` on) are not this run's work.
 * @param {Sweep} sweep
 * @returns {{done: number, inProgress: number, planned: number | null}}
 */
export function sweepProgress(sweep) {
  const planned = typeof sweep.planned_trials === 'number' ? sweep.planned_trials : null;
  const own = planned === null ? sweep.trials : sweep.trials.filter((t) => t.number < planned);
  const inProgress = own.filter((t) => t.status === 'running').length;
  return { done: own.length - inProgress, inProgress, planned };
}

/**
 * A running sweep's progress bar, "7 of 13 trials done" as its accessible name; null when the
 * sweep has ended or did not record how many trials it plans.
 * @param {Sweep} sweep
 * @returns {HTMLElement | null}
 */
export function sweepProgressBar(sweep) {
  const p = sweepProgress(sweep);
  if (sweep.status !== 'running' || p.planned === null) return null;
  const max = Math.max(1, p.planned);
  return el('progress', { class: 'sweep-progress', max: String(max), value: String(Math.min(p.done, max)), 'aria-label': `Sweep progress: ${p.done} of ${p.planned} trials done` });
}

/** "Nice" tick values covering [lo, hi]. @param {number} lo @param {number} hi @param {number} count */
function ticks(lo, hi, count) {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * The metric over trials. Trials without a value (failed, still running) sit on the bottom edge as
 * hollow grey marks, so the chart has exactly one mark per trial.
 * @param {Sweep} sweep
 */
export function sweepChart(sweep) {
  const width = 760;
  const height = 280;
  const m = { top: 16, right: 18, bottom: 40, left: 58 };
  const trials = sweep.trials;
  const values = trials.map((t) => t.value).filter((v) => typeof v === 'number');
  let lo = values.length ? Math.min(...values) : 0;
  let hi = values.length ? Math.max(...values) : 1;
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 0.05;
  lo -= pad;
  hi += pad;
  const numbers = trials.map((t) => t.number);
  const first = numbers.length ? Math.min(...numbers) : 0;
  const last = numbers.length ? Math.max(...numbers) : 1;
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const x = (/** @type {number} */ n) => m.left + (last === first ? plotW / 2 : ((n - first) / (last - first)) * plotW);
  const y = (/** @type {number} */ v) => m.top + (1 - (v - lo) / (hi - lo)) * plotH;
  const bottom = m.top + plotH;

  const best = sweep.best;
  const label = `${metricName(sweep.metric)} over ${trials.length} trials (${sweep.direction}); best ${best ? `${formatNumber(best.value)} at trial ${best.number}` : 'not yet known'}`;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'sweep-chart', role: 'img', 'aria-label': label, preserveAspectRatio: 'xMidYMid meet' });

  const axes = svg('g', { class: 'axes' });
  for (const v of ticks(lo, hi, 5)) {
    if (v < lo || v > hi) continue;
    axes.append(svg('line', { x1: m.left, x2: width - m.right, y1: y(v), y2: y(v), class: 'grid' }));
    axes.append(svg('text', { x: m.left - 8, y: y(v) + 4, 'text-anchor': 'end' }, formatNumber(v, 3)));
  }
  const xTicks = last - first <= 12 ? numbers : ticks(first, last, 8).filter((v) => Number.isInteger(v));
  for (const n of new Set(xTicks)) axes.append(svg('text', { x: x(n), y: bottom + 16, 'text-anchor': 'middle' }, String(n)));
  axes.append(svg('line', { x1: m.left, x2: width - m.right, y1: bottom, y2: bottom, class: 'axis' }));
  axes.append(svg('text', { x: m.left + plotW / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-title' }, 'trial'));
  axes.append(svg('text', { x: 14, y: m.top + plotH / 2, 'text-anchor': 'middle', class: 'axis-title', transform: `rotate(-90 14 ${m.top + plotH / 2})` }, metricName(sweep.metric)));
  chart.append(axes);

  // The running best as a step line: flat until a trial improves on it.
  const bestSoFar = runningBest(trials, sweep.direction);
  /** @type {string[]} */
  const points = [];
  trials.forEach((t, i) => {
    const b = bestSoFar[i];
    if (b === null) return;
    if (points.length) points.push(`${x(t.number).toFixed(1)},${y(/** @type {number} */ (bestSoFar[i - 1] ?? b)).toFixed(1)}`);
    points.push(`${x(t.number).toFixed(1)},${y(b).toFixed(1)}`);
  });
  if (points.length) chart.append(svg('polyline', { points: points.join(' '), class: 'best-line' }));

  const marks = svg('g', { class: 'marks' });
  for (const t of trials) {
    const hasValue = typeof t.value === 'number';
    const isBest = best !== null && t.number === best.number;
    const cls = `trial-mark ${t.status}${isBest ? ' best' : ''}${hasValue ? '' : ' no-value'}`;
    const title = svg('title', {}, `trial ${t.number}: ${t.status}${hasValue ? `, ${metricName(sweep.metric)} ${formatNumber(/** @type {number} */ (t.value))}${t.status === 'pruned' ? ' (at the pruning point)' : ''}` : ''}`);
    marks.append(svg('circle', { cx: x(t.number).toFixed(1), cy: (hasValue ? y(/** @type {number} */ (t.value)) : bottom).toFixed(1), r: isBest ? 6 : 4.5, class: cls, 'data-trial': t.number }, title));
  }
  chart.append(marks);

  const legend = el(
    'p',
    { class: 'key sweep-key' },
    el('span', { class: 'swatch complete' }),
    'complete',
    el('span', { class: 'swatch pruned' }),
    'pruned',
    el('span', { class: 'swatch failed' }),
    'failed or running (no value)',
    el('span', { class: 'swatch line' }),
    `best so far (${sweep.direction === 'maximize' ? 'higher' : 'lower'} is better)`,
  );
  return el('figure', { class: 'sweep-figure' }, chart, legend);
}

/** The parameter importance as bars, largest first. @param {Sweep} sweep */
export function importanceBars(sweep) {
  if (sweep.importance.length === 0) return el('p', { class: 'hint' }, 'No parameter varied over the complete trials yet.');
  const list = el('ol', { class: 'bars importance', 'aria-label': 'Parameter importance' });
  for (const { parameter, importance } of sweep.importance) {
    const share = Math.max(0, Math.min(1, importance));
    const fill = el('span', { class: 'bar-fill' });
    fill.style.width = `${(100 * share).toFixed(1)}%`;
    list.append(
      el(
        'li',
        { class: 'bar-row importance-bar' },
        el('span', { class: 'bar-label', title: parameter }, parameter),
        el('span', { class: 'bar-track', role: 'presentation' }, fill),
        el('span', { class: 'bar-value' }, formatPercent(share)),
      ),
    );
  }
  return el('div', {}, list, el('p', { class: 'hint' }, 'Share of the spread of the metric over complete trials that each parameter explains (grouping trials by its value). A parameter seen in fewer than 3 complete trials gets 0.'));
}

/** @typedef {{key: string, ascending: boolean}} TrialsSort */

/**
 * The trials as a table; each column header is a button that sorts by it (again: the other way).
 * @param {Sweep} sweep
 * @param {TrialsSort} [sort] the order to show and to keep the reader's choices in: a live sweep
 *   passes the same object to each redraw, so a refresh keeps the order the reader chose
 */
export function trialsTable(sweep, sort = { key: 'number', ascending: true }) {
  const params = [...new Set(sweep.trials.flatMap((t) => Object.keys(t.params)))];
  /** @type {{key: string, label: string, num: boolean, get: (t: SweepTrial) => number | string | null}[]} */
  const columns = [
    { key: 'number', label: 'Trial', num: true, get: (t) => t.number },
    { key: 'status', label: 'Status', num: false, get: (t) => t.status },
    { key: 'value', label: metricName(sweep.metric), num: true, get: (t) => t.value },
    { key: 'seconds', label: 'Seconds', num: true, get: (t) => t.seconds },
    ...params.map((p) => ({ key: `param:${p}`, label: p, num: false, get: (/** @type {SweepTrial} */ t) => (p in t.params ? paramText(t.params[p]) : null) })),
  ];
  const tbody = el('tbody');
  const headRow = el('tr');
  const table = el('table', { class: 'trials-table' }, el('caption', {}, 'Trials (choose a column heading to sort)'), el('thead', {}, headRow), tbody);
  const bestNumber = sweep.best?.number ?? null;

  const draw = () => {
    const column = columns.find((c) => c.key === sort.key) ?? columns[0];
    const dir = sort.ascending ? 1 : -1;
    const rows = [...sweep.trials].sort((a, b) => {
      const va = column.get(a);
      const vb = column.get(b);
      // Missing values last, whichever the direction.
      if (va === null || vb === null) return va === null ? (vb === null ? a.number - b.number : 1) : -1;
      const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), undefined, { numeric: true });
      return c * dir || a.number - b.number;
    });
    headRow.replaceChildren(
      ...columns.map((c) => {
        const active = c.key === sort.key;
        const button = el('button', { type: 'button', class: 'sort' }, c.label, el('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (sort.ascending ? ' ▲' : ' ▼') : ''));
        button.addEventListener('click', () => {
          sort.ascending = sort.key === c.key ? !sort.ascending : c.key !== 'value' || sweep.direction === 'minimize';
          sort.key = c.key;
          draw();
          /** @type {HTMLElement | null} */ (headRow.querySelector(`[data-key="${CSS.escape(c.key)}"] button`))?.focus();
        });
        return el('th', { scope: 'col', class: c.num ? 'num' : null, 'data-key': c.key, 'aria-sort': active ? (sort.ascending ? 'ascending' : 'descending') : null }, button);
      }),
    );
    tbody.replaceChildren(
      ...rows.map((t) =>
        el(
          'tr',
          { class: `trial-row ${t.status}${t.number === bestNumber ? ' best' : ''}`, 'data-trial': t.number },
          ...columns.map((c) => {
            const v = c.get(t);
            const text = v === null ? '—' : typeof v === 'number' ? (c.key === 'number' ? String(v) : formatNumber(v, c.key === 'seconds' ? 1 : 4)) : v;
            const cell = el(c.key === 'number' ? 'th' : 'td', { class: c.num ? 'num' : null, scope: c.key === 'number' ? 'row' : null, title: c.key === 'status' && t.error ? t.error : null }, text);
            if (c.key === 'number' && t.number === bestNumber) cell.append(el('span', { class: 'best-tag' }, ' best'));
            return cell;
          }),
        ),
      ),
    );
  };
  draw();
  return el('div', { class: 'table-wrap' }, table);
}
