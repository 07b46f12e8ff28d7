// Distributed runs on the queue (GET /v1/distributed/runs): batch scoring (`predict --queue`) and
// sweeps (`tune --queue`), with chunks or trials done of the total, rows, the workers seen,
// retries, elapsed time and the time left. Shown above the tracked runs in the Runs list; while a
// run is in progress it refreshes itself every 1.5 s through poll.js like the other live views (one
// request at a time, none while the tab is hidden), and stops once every run has ended or the
// list is left (a Refresh button looks again). Names come from Redis and are shown as text only.
import { explainError, requestJson } from './api.js';
import { el, formatNumber, metricName } from './dom.js';
import { refreshFailedText, startPolling, worthRetrying } from './poll.js';

/** @typedef {import('./poll.js').Poll} Poll */

/**
 * @typedef {{
 *   id: string, kind: 'batch' | 'sweep', name: string, state: 'running' | 'stalled' | 'done' | 'failed',
 *   started_at: string, updated_at: string, elapsed_seconds: number, eta_seconds: number | null,
 *   unit: 'chunks' | 'trials', done: number, total: number | null, rows_done: number | null, rows_total: number | null,
 *   workers: string[], retries: number, input?: string, output?: string, metric?: string, best?: number | null,
 *   trials?: { complete: number, pruned: number, failed: number }, error?: string
 * }} DistributedRun
 */
/** @typedef {{ enabled: boolean, queue: string | null, message?: string, runs: DistributedRun[] }} DistributedRuns */

export const POLL_MS = 1500;

/**
 * The panel's poll while the Runs list shows it: stopped when the list is left or nothing runs.
 * @type {Poll | null}
 */
let live = null;

const status = el('p', { class: 'hint distributed-status', role: 'status', 'aria-live': 'polite' });
const refresh = el('button', { type: 'button', class: 'secondary distributed-refresh' }, 'Refresh');
const body = el('div', { class: 'distributed-body' });
const panel = el(
  'section',
  { class: 'distributed-runs', id: 'distributed-runs', 'aria-labelledby': 'distributed-title', style: 'margin-bottom: 18px' },
  el('h3', { id: 'distributed-title', style: 'margin-bottom: 4px' }, 'Distributed runs'),
  el('div', { class: 'row', style: 'gap: 10px; align-items: center; flex-wrap: wrap' }, status, refresh),
  body,
);
refresh.addEventListener('click', () => startDistributed());

/** @param {number | null} seconds */
export function formatSeconds(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds - 60 * m)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "7 / 20 chunks", or "7 chunks so far" while the total is not known. @param {DistributedRun} r */
export function progressText(r) {
  return r.total === null ? `${r.done} ${r.unit} so far` : `${r.done} / ${r.total} ${r.unit}`;
}

/** @param {DistributedRun} r */
function stateChip(r) {
  // A finished run wears the colours of a successful tracked run.
  return el('span', { class: `run-status status-${r.state === 'done' ? 'ok' : r.state}` }, r.state);
}

/** What to do about a run whose coordinator went silent. @param {DistributedRun} r */
function stalledAdvice(r) {
  const again = r.kind === 'batch' ? 'rerun the same `textclass predict … --queue` command with --resume' : 'rerun the same `textclass tune … --queue` command';
  return `Its coordinator has not checked in for over a minute (stopped or killed?): ${again} to continue.`;
}

/** @param {DistributedRun} r */
function progressCell(r) {
  const label = progressText(r);
  const bar = r.total === null ? el('progress', { 'aria-label': `${r.kind} ${r.id}: ${label}` }) : el('progress', { max: String(Math.max(1, r.total)), value: String(r.done), 'aria-label': `${r.kind} ${r.id}: ${label}` });
  return el('td', { class: 'distributed-progress', style: 'min-width: 160px' }, bar, el('div', { class: 'progress-text' }, label));
}

/** @param {DistributedRun} r */
function detailText(r) {
  if (r.kind === 'batch') return `${r.input ?? '?'} → ${r.output ?? '?'}`;
  const t = r.trials;
  const best = typeof r.best === 'number' ? `best ${metricName(r.metric ?? 'metric')} ${formatNumber(r.best)}` : 'no complete trial yet';
  return t ? `${best}; ${t.complete} complete, ${t.pruned} pruned, ${t.failed} failed` : best;
}

/** @param {DistributedRun[]} runs */
function runsTable(runs) {
  const head = ['Run', 'Kind', 'Name', 'State', 'Progress', 'Rows', 'Workers', 'Retries', 'Elapsed', 'Left', 'Details'].map((h) =>
    el('th', { scope: 'col', class: ['Rows', 'Workers', 'Retries', 'Elapsed', 'Left'].includes(h) ? 'num' : null }, h),
  );
  const rows = runs.map((r) =>
    el(
      'tr',
      { 'data-distributed-run': r.id, 'data-state': r.state },
      el('th', { scope: 'row' }, el('code', { title: r.id }, r.id.slice(0, 12))),
      el('td', {}, r.kind === 'batch' ? 'batch scoring' : 'sweep'),
      el('td', { dir: 'auto' }, r.name || '—'),
      el('td', {}, stateChip(r)),
      progressCell(r),
      el('td', { class: 'num distributed-rows' }, r.rows_done === null ? '—' : r.rows_total === null ? `${r.rows_done}` : `${r.rows_done} / ${r.rows_total}`),
      el('td', { class: 'num', title: r.workers.join(', ') }, String(r.workers.length)),
      el('td', { class: 'num' }, String(r.retries)),
      el('td', { class: 'num nowrap' }, formatSeconds(r.elapsed_seconds)),
      el('td', { class: 'num nowrap' }, r.state === 'running' ? formatSeconds(r.eta_seconds) : '—'),
      el('td', { dir: 'auto' }, detailText(r), r.error ? el('div', { class: 'alert', role: 'note' }, r.error) : '', r.state === 'stalled' ? el('div', { class: 'hint distributed-stalled' }, stalledAdvice(r)) : ''),
    ),
  );
  return el('div', { class: 'table-wrap' }, el('table', { class: 'distributed-table' }, el('caption', {}, `${runs.length} distributed run${runs.length === 1 ? '' : 's'}, newest first`), el('thead', {}, el('tr', {}, ...head)), el('tbody', {}, ...rows)));
}

/** @param {string} text */
function setStatus(text) {
  // Screen readers hear a change, not the same sentence every 1.5 s.
  if (status.textContent !== text) status.textContent = text;
}

/**
 * Shows `node` in the panel's body; a table that was scrolled sideways keeps its place (the
 * Refresh button, outside the body, keeps the focus).
 * @param {Node} node
 */
function showBody(node) {
  const scrolled = body.querySelector('.table-wrap')?.scrollLeft ?? 0;
  body.replaceChildren(node);
  const wrap = body.querySelector('.table-wrap');
  if (wrap && scrolled) wrap.scrollLeft = scrolled;
}

/**
 * One refresh of the panel; true while a run is in progress (ask again), as poll.js expects.
 * @param {Poll} poll
 */
async function refreshPanel(poll) {
  /** @type {DistributedRuns} */
  let answer;
  try {
    answer = await requestJson('/v1/distributed/runs');
  } catch (e) {
    if (poll.stopped) return false;
    const again = worthRetrying(e);
    // A busy or restarting server: the last progress stays on screen until the next answer.
    if (!again || body.childElementCount === 0) showBody(el('p', { class: 'alert', role: 'alert' }, explainError(e)));
    setStatus(refreshFailedText('the progress', e, again, POLL_MS));
    return again;
  }
  if (poll.stopped) return false;
  if (!answer.enabled) {
    showBody(el('p', { class: 'hint distributed-off' }, answer.message ?? 'Distributed progress is off: start the server with --queue redis://host:port.'));
    setStatus('');
    refresh.hidden = true;
    return false;
  }
  refresh.hidden = false;
  const running = answer.runs.filter((r) => r.state === 'running').length;
  showBody(answer.runs.length ? runsTable(answer.runs) : el('p', { class: 'hint' }, `No distributed run on ${answer.queue} yet: start one with \`textclass predict … --queue ${answer.queue}\` or \`textclass tune … --queue ${answer.queue}\`.`));
  setStatus(running > 0 ? `${running} run${running === 1 ? '' : 's'} in progress on ${answer.queue}; refreshing every ${POLL_MS / 1000} s.` : `No run in progress on ${answer.queue}; refreshing stopped.`);
  return running > 0;
}

/**
 * The panel for the Runs list, refreshed now: a poll that is still going is asked at once (no
 * second request beside one in flight), else a new one starts.
 */
export function startDistributed() {
  if (live !== null && !live.stopped) live.refresh();
  else live = startPolling(refreshPanel, POLL_MS, { immediately: true });
  return panel;
}

/** Stops refreshing (the list was left); an answer still on its way is dropped. */
export function stopDistributed() {
  live?.stop();
  live = null;
}

/** Whether the panel is still following its runs (for tests). */
export function isPolling() {
  return live !== null && !live.stopped;
}
