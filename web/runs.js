// The Runs view: tracked train/tune/eval/cv runs (GET /v1/runs), one run (GET /v1/runs/{id}) and
// a tune run's sweep (GET /v1/runs/{id}/sweep). It lives at #runs, #runs/<id> and
// #runs/<id>/sweep, so links, reloads and the Back button work; any other address shows the
// model sections again. The list while it shows a running run, the page of a running run and the
// sweep of a running tune run refresh themselves in place until the run ends (poll.js). Text from
// the runs database is put on the page as text only (dom.js).
import { explainError, requestJson } from './api.js';
import { byId, el, formatBytes, formatNumber, metricName } from './dom.js';
import { startDistributed, stopDistributed } from './distributed-view.js';
import { LIVE_POLL_MS, refreshFailedText, startPolling, worthRetrying } from './poll.js';
import { importanceBars, sweepChart, sweepProgress, sweepProgressBar, trialsTable } from './sweep-view.js';

/** @typedef {import('./types.js').RunSummary} RunSummary */
/** @typedef {import('./types.js').RunDetail} RunDetail */
/** @typedef {import('./types.js').Sweep} Sweep */
/** @typedef {import('./poll.js').Poll} Poll */

/** Requests answer in any order: only the latest navigation draws. */
let drawSeq = 0;

/** Which view an address asks for. @param {string} hash */
export function parseRunsHash(hash) {
  const m = /^#runs(?:\/([1-9][0-9]*)(\/sweep)?)?\/?$/.exec(hash);
  if (!m) return null;
  if (!m[1]) return /** @type {const} */ ({ view: 'list' });
  return { view: m[2] ? /** @type {const} */ ('sweep') : /** @type {const} */ ('run'), id: Number(m[1]) };
}

/** @param {number} seconds */
function formatDuration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds - 60 * m)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** @param {string} iso */
function formatStarted(iso) {
  return typeof iso === 'string' ? iso.replace('T', ' ').slice(0, 19) + ' UTC' : '—';
}

/** @param {Record<string, number>} metrics */
function metricChips(metrics) {
  const entries = Object.entries(metrics ?? {});
  if (entries.length === 0) return el('span', { class: 'hint' }, '—');
  return el('span', { class: 'run-metrics' }, ...entries.map(([k, v]) => el('span', { class: 'chip' }, `${metricName(k)} ${formatNumber(v)}`)));
}

/** @param {string} status */
function statusChip(status) {
  return el('span', { class: `run-status status-${status}` }, status);
}

/** @param {string} title @param {...(Node | string)} rest */
function heading(title, ...rest) {
  return el('h3', { class: 'runs-heading', tabindex: '-1' }, title, ...rest);
}

/** @param {[string, Node | string][]} pairs */
function metaList(pairs) {
  return el('dl', { class: 'meta run-meta' }, ...pairs.map(([k, v]) => el('div', {}, el('dt', {}, k), el('dd', {}, v))));
}

/** @param {Record<string, number>} metrics */
function metricsTable(metrics) {
  const rows = Object.entries(metrics);
  if (rows.length === 0) return el('p', { class: 'hint' }, 'No metrics recorded.');
  return el(
    'div',
    { class: 'table-wrap' },
    el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Metric'), el('th', { scope: 'col', class: 'num' }, 'Value'))), el('tbody', {}, ...rows.map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, metricName(k)), el('td', { class: 'num' }, formatNumber(v)))))),
  );
}

/**
 * What a live view polls with: one at a time, stopped whenever the route changes.
 * @type {Poll | null}
 */
let live = null;

function stopLive() {
  live?.stop();
  live = null;
}

/** @param {HTMLElement} node @param {string} text */
function setText(node, text) {
  // Screen readers hear a change, not the same sentence on every refresh.
  if (node.textContent !== text) node.textContent = text;
}

/** @param {number} n */
const runsWord = (n) => `${n} run${n === 1 ? '' : 's'}`;

/**
 * The sentence announced when a run that was running on screen has ended.
 * @param {RunSummary} run
 */
export function runFinishedText(run) {
  return `Run ${run.id} (${run.command}${run.recipe ? ` ${run.recipe}` : ''}) finished: ${run.status}.`;
}

/**
 * The list's status line: the runs that ended most recently, and how many still run.
 * @param {string} finished @param {number} running
 */
export function listLiveText(finished, running) {
  const still = running ? `${runsWord(running)} ${finished ? 'still ' : ''}running; this list refreshes every ${LIVE_POLL_MS / 1000} s.` : '';
  return [finished, still].filter(Boolean).join(' ');
}

/**
 * The index path from `root` down to `node` (children positions), to find the same place in a
 * fresh copy of `root`.
 * @param {Node} root @param {Node} node
 */
function pathTo(root, node) {
  /** @type {number[]} */
  const path = [];
  for (let at = node; at !== root; at = /** @type {Node} */ (at.parentNode)) path.unshift(Array.prototype.indexOf.call(/** @type {Node} */ (at.parentNode).childNodes, at));
  return path;
}

/**
 * Puts `fresh` where `old` is. When the focus was inside `old`, the element at the same place in
 * `fresh` takes it (a link, a summary).
 * @param {Element} old @param {Element} fresh
 */
function swapKeepingFocus(old, fresh) {
  const active = document.activeElement;
  const path = active && old.contains(active) ? pathTo(old, active) : null;
  old.replaceWith(fresh);
  if (path === null) return;
  /** @type {Node | undefined} */
  let target = fresh;
  for (const i of path) target = target?.childNodes[i];
  if (target instanceof HTMLElement) target.focus({ preventScroll: true });
}

/**
 * Replaces `old` by `fresh` only when they differ; a `<details>` the reader opened stays open.
 * @param {Element} old @param {Element} fresh
 */
function patchWhole(old, fresh) {
  if (old instanceof HTMLDetailsElement && fresh instanceof HTMLDetailsElement) fresh.open = old.open;
  if (!old.isEqualNode(fresh)) swapKeepingFocus(old, fresh);
}

/** Replaces only the cells of a table row that differ. @param {Element} old @param {Element} fresh */
function patchCells(old, fresh) {
  const cells = [...old.children];
  const next = [...fresh.children];
  if (cells.length !== next.length) return patchWhole(old, fresh);
  next.forEach((cell, i) => patchWhole(cells[i], cell));
}

/**
 * Makes the children of `parent` those of `fresh` (elements keyed by the attribute `key`): a child
 * whose key is kept stays the same node, patched by `patch` and moved only when the order changed;
 * new ones are added and gone ones removed. What did not change is not touched, so focus, scroll
 * and a screen reader's place stay.
 * @param {Element} parent @param {Element[]} fresh @param {string} key
 * @param {(old: Element, fresh: Element) => void} patch
 */
function reconcile(parent, fresh, key, patch) {
  const existing = new Map([...parent.children].map((child) => [child.getAttribute(key), child]));
  let cursor = parent.firstElementChild;
  for (const next of fresh) {
    const name = next.getAttribute(key);
    const old = existing.get(name);
    existing.delete(name);
    if (old === undefined) {
      parent.insertBefore(next, cursor);
      continue;
    }
    if (old === cursor) cursor = cursor.nextElementSibling;
    else parent.insertBefore(old, cursor);
    patch(old, next);
  }
  for (const gone of existing.values()) gone.remove();
}

/** @param {RunSummary} r */
function runRow(r) {
  return el(
    'tr',
    { 'data-run': r.id },
    el('th', { scope: 'row', class: 'num' }, el('a', { href: `#runs/${r.id}`, 'aria-label': `Run ${r.id}` }, String(r.id))),
    el('td', {}, r.command),
    el('td', { dir: 'auto' }, r.recipe ?? '—'),
    el('td', {}, statusChip(r.status)),
    el('td', { class: 'nowrap' }, formatStarted(r.started_at)),
    el('td', { class: 'num' }, r.seconds === null ? '—' : formatDuration(r.seconds)),
    el('td', {}, el('code', {}, r.commit.slice(0, 8))),
    el('td', {}, metricChips(r.headline_metrics)),
    el('td', {}, r.sweep_url ? el('a', { href: `#runs/${r.id}/sweep`, class: 'sweep-link' }, 'Sweep') : ''),
  );
}

/** @param {number} n */
const listCaption = (n) => `${runsWord(n)}, newest first`;

/** A status line that says how things stand as they change (politely: it waits for the reader). */
function liveLine() {
  return el('p', { class: 'runs-live', role: 'status', 'aria-live': 'polite' });
}

/**
 * @typedef {{url: string, tbody: HTMLElement, caption: HTMLElement, line: HTMLElement,
 *   statuses: Map<number, RunSummary['status']>, finished: string}} LiveList
 */

/**
 * Asks for the list again and patches the rows that changed; announces the runs that ended.
 * @param {LiveList} view @param {Poll} poll
 */
async function refreshList(view, poll) {
  /** @type {RunSummary[]} */
  let runs;
  try {
    ({ runs } = await requestJson(view.url));
  } catch (e) {
    if (poll.stopped) return false;
    const again = worthRetrying(e);
    setText(view.line, refreshFailedText('the list of runs', e, again));
    return again;
  }
  if (poll.stopped) return false;
  const ended = runs.filter((r) => r.status !== 'running' && view.statuses.get(r.id) === 'running');
  reconcile(view.tbody, runs.map(runRow), 'data-run', patchCells);
  setText(view.caption, listCaption(runs.length));
  view.statuses = new Map(runs.map((r) => [r.id, r.status]));
  if (ended.length) view.finished = ended.map(runFinishedText).join(' ');
  const running = runs.filter((r) => r.status === 'running').length;
  setText(view.line, listLiveText(view.finished, running));
  return running > 0;
}

/** @param {HTMLElement} body */
async function drawList(body) {
  const seq = ++drawSeq;
  const form = /** @type {HTMLFormElement} */ (byId('runs-filter'));
  form.hidden = false;
  const params = new URLSearchParams();
  const command = /** @type {HTMLSelectElement} */ (byId('runs-command')).value;
  const recipe = /** @type {HTMLInputElement} */ (byId('runs-recipe')).value.trim();
  if (command) params.set('command', command);
  if (recipe) params.set('recipe', recipe);
  params.set('limit', '200');
  // Distributed runs on the queue come first: they are the ones that change while you look.
  const distributed = startDistributed();
  body.replaceChildren(distributed, el('p', { class: 'hint' }, 'Loading runs…'));
  const url = `/v1/runs?${params}`;
  /** @type {{runs: RunSummary[]}} */
  const { runs } = await requestJson(url);
  if (seq !== drawSeq) return;
  if (!runs.length) {
    body.replaceChildren(
      distributed,
      el('p', { class: 'hint runs-empty' }, command || recipe ? 'No run matches these filters.' : 'No runs recorded yet. textclass train, tune, eval and cv record each run in the runs database (--runs-db).'),
    );
    return;
  }
  const head = ['Run', 'Command', 'Recipe', 'Status', 'Started', 'Took', 'Commit', 'Metrics', ''].map((h, i) => el('th', { scope: 'col', class: i === 0 || i === 5 ? 'num' : null }, h || el('span', { class: 'visually-hidden' }, 'Sweep')));
  const tbody = el('tbody', {}, ...runs.map(runRow));
  const caption = el('caption', {}, listCaption(runs.length));
  const line = liveLine();
  body.replaceChildren(distributed, el('h3', { class: 'runs-tracked-title' }, 'Tracked runs'), line, el('div', { class: 'table-wrap' }, el('table', { class: 'runs-table' }, caption, el('thead', {}, el('tr', {}, ...head)), tbody)));
  const running = runs.filter((r) => r.status === 'running').length;
  if (running === 0) return;
  setText(line, listLiveText('', running));
  /** @type {LiveList} */
  const view = { url, tbody, caption, line, statuses: new Map(runs.map((r) => [r.id, r.status])), finished: '' };
  live = startPolling((poll) => refreshList(view, poll));
}

/** @param {string} key @param {HTMLElement} node */
function keyed(key, node) {
  node.setAttribute('data-part', key);
  return node;
}

/**
 * A run page's parts below its heading, each keyed (data-part) so that a refresh replaces only
 * the parts that changed.
 * @param {RunDetail} run
 * @returns {HTMLElement[]}
 */
function runParts(run) {
  const r = run.recipe_summary;
  /** @type {(HTMLElement | null)[]} */
  const parts = [
    r.description ? el('p', { class: 'lead', dir: 'auto', 'data-part': 'description' }, r.description) : null,
    keyed('meta', metaList([
      ['Started', formatStarted(run.started_at)],
      ['Took', run.seconds === null ? '—' : formatDuration(run.seconds)],
      ['Commit', el('code', { title: run.commit }, run.commit.slice(0, 12))],
      ['Seed', run.seed === null ? '—' : String(run.seed)],
      ['Task', r.task ?? '—'],
      ['Model', r.model_type ?? '—'],
    ])),
    run.error ? el('p', { class: 'alert run-error', role: 'note', 'data-part': 'error' }, run.error) : null,
    run.sweep_url
      ? el('p', { 'data-part': 'sweep' }, el('a', { href: `#runs/${run.id}/sweep`, class: 'download sweep-link' }, run.status === 'running' ? 'Watch the sweep as it runs: trials so far, the running best and parameter importance' : 'Open the sweep: metric over trials and parameter importance'))
      : null,
    el('h4', { 'data-part': 'metrics-title' }, 'Metrics'),
    keyed('metrics', metricsTable(run.metrics)),
  ];
  if (run.data.length) {
    parts.push(
      el('h4', { 'data-part': 'data-title' }, 'Data'),
      el(
        'div',
        { class: 'table-wrap', 'data-part': 'data' },
        el(
          'table',
          {},
          el('thead', {}, el('tr', {}, ...['Role', 'File', 'SHA-256', 'Size'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, ...run.data.map((d) => el('tr', {}, el('td', {}, d.role), el('td', { dir: 'auto' }, d.file + (d.files > 1 ? ` (${d.files} files)` : '')), el('td', {}, el('code', { title: d.sha256 }, d.sha256.slice(0, 16) + '…')), el('td', { class: 'num' }, formatBytes(d.bytes))))),
        ),
      ),
    );
  }
  const artifacts = Object.entries(run.artifacts);
  if (artifacts.length) {
    parts.push(el('h4', { 'data-part': 'artifacts-title' }, 'Artifacts'), keyed('artifacts', metaList(artifacts.map(([k, v]) => [k.replace(/_/g, ' '), el('code', { dir: 'auto' }, v)]))));
  }
  if (run.steps.length) {
    parts.push(
      el(
        'details',
        { class: 'more', 'data-part': 'steps' },
        el('summary', {}, `Values per step (${run.steps.length})`),
        el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, el('tr', {}, ...['Name', 'Step', 'Value'].map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, ...run.steps.map((s) => el('tr', {}, el('td', {}, s.name), el('td', { class: 'num' }, String(s.step)), el('td', { class: 'num' }, formatNumber(s.value))))))),
      ),
    );
  }
  parts.push(el('details', { class: 'more', 'data-part': 'command' }, el('summary', {}, 'Command line and recipe'), el('pre', { class: 'recipe-json' }, `textclass ${run.command} ${run.argv.join(' ')}\n\n${JSON.stringify(run.resolved_recipe, null, 2)}`)));
  return parts.filter((p) => p !== null);
}

/**
 * @typedef {{id: number, heading: HTMLElement, line: HTMLElement, parts: HTMLElement, shown: string}} LiveRun
 */

/**
 * Draws `run` into the run page; nothing is touched when it is what is shown already, and only
 * the parts that changed otherwise.
 * @param {LiveRun} view @param {RunDetail} run @param {boolean} watched the reader saw it running on this page
 */
function fillRun(view, run, watched) {
  const now = JSON.stringify(run);
  if (now === view.shown) return;
  view.shown = now;
  // The heading keeps its node (it may have the focus); only its text and chip change.
  const title = heading(`Run ${run.id}: ${run.command}${run.recipe ? ` of ${run.recipe}` : ''} `, statusChip(run.status));
  if (!view.heading.isEqualNode(title)) view.heading.replaceChildren(...title.childNodes);
  setText(view.line, run.status === 'running' ? `Running — this page refreshes every ${LIVE_POLL_MS / 1000} s.` : watched ? runFinishedText(run) : '');
  reconcile(view.parts, runParts(run), 'data-part', patchWhole);
}

/** @param {LiveRun} view @param {Poll} poll */
async function refreshRun(view, poll) {
  /** @type {RunDetail} */
  let run;
  try {
    run = await requestJson(`/v1/runs/${view.id}`);
  } catch (e) {
    if (poll.stopped) return false;
    const again = worthRetrying(e);
    setText(view.line, refreshFailedText(`run ${view.id}`, e, again));
    return again;
  }
  if (poll.stopped) return false;
  fillRun(view, run, true);
  return run.status === 'running';
}

/** @param {HTMLElement} body @param {number} id */
async function drawRun(body, id) {
  const seq = ++drawSeq;
  stopDistributed();
  byId('runs-filter').hidden = true;
  body.replaceChildren(el('p', { class: 'hint' }, 'Loading…'));
  /** @type {RunDetail} */
  const run = await requestJson(`/v1/runs/${id}`);
  if (seq !== drawSeq) return;
  /** @type {LiveRun} */
  const view = { id, heading: heading(''), line: liveLine(), parts: el('div', { class: 'run-parts' }), shown: '' };
  body.replaceChildren(el('p', { class: 'crumbs' }, el('a', { href: '#runs' }, '← All runs')), view.heading, view.line, view.parts);
  fillRun(view, run, false);
  if (run.status === 'running') live = startPolling((poll) => refreshRun(view, poll));
}

/** How often the page asks again for a sweep whose run is still running. */
export const SWEEP_POLL_MS = LIVE_POLL_MS;

/**
 * @typedef {{heading: HTMLElement, lead: HTMLElement, live: HTMLElement, progress: HTMLElement, cards: HTMLElement, bestParams: HTMLElement,
 *   chartTitle: HTMLElement, chart: HTMLElement, importance: HTMLElement, trials: HTMLElement,
 *   sort: import('./sweep-view.js').TrialsSort}} SweepSlots
 * @typedef {{id: number, slots: SweepSlots, shown: string}} LiveSweep the sweep on screen while its
 *   run is running: asked again every SWEEP_POLL_MS (see poll.js) until the run ends (its final
 *   view is drawn once more) or the reader goes elsewhere
 */

/** @param {Sweep} sweep */
function trialCounts(sweep) {
  const count = (/** @type {string} */ s) => sweep.trials.filter((t) => t.status === s).length;
  const complete = count('complete');
  const pruned = count('pruned');
  const failed = count('failed');
  return { complete, pruned, failed, finished: complete + pruned + failed, inProgress: count('running') };
}

/** @param {number} n */
const trialsWord = (n) => `${n} trial${n === 1 ? '' : 's'}`;

/**
 * The line announced (politely) about a sweep: how far a running one is, or how it ended.
 * @param {Sweep} sweep @param {boolean} watched the reader saw it running on this page
 */
export function sweepStateText(sweep, watched) {
  const c = trialCounts(sweep);
  if (sweep.status === 'running') {
    // "N of M trials" once the run recorded how many it plans; runs recorded without it keep "N trials so far".
    const p = sweepProgress(sweep);
    const count = p.planned === null ? `${trialsWord(c.finished)} so far` : `${p.done} of ${trialsWord(p.planned)}`;
    return `Running — ${count}${c.inProgress ? `, ${c.inProgress} in progress` : ''}. This view refreshes every ${SWEEP_POLL_MS / 1000} s.`;
  }
  if (sweep.status === 'failed') {
    const planned = sweepProgress(sweep).planned;
    return `The run failed after ${planned === null ? trialsWord(c.finished) : `${c.finished} of ${trialsWord(planned)}`}; these are the trials it finished.`;
  }
  return watched ? `Finished — ${trialsWord(sweep.trials.length)} (${c.complete} complete, ${c.pruned} pruned, ${c.failed} failed). This is the final view.` : '';
}

/** The sweep page's parts, empty: a refresh fills them again in place, so focus and the reader's place stay. */
function sweepSlots() {
  return /** @type {SweepSlots} */ ({
    heading: heading(''),
    lead: el('p', { class: 'lead' }),
    live: el('p', { class: 'sweep-live', role: 'status', 'aria-live': 'polite' }),
    progress: el('div', { class: 'sweep-progress-slot' }),
    cards: el('div', { class: 'cards' }),
    bestParams: el('div', { class: 'best-params-slot' }),
    chartTitle: el('h4'),
    chart: el('div', { class: 'sweep-chart-slot' }),
    importance: el('div'),
    trials: el('div', { class: 'sweep-trials' }),
    sort: { key: 'number', ascending: true },
  });
}

/**
 * Puts `node` in `slot` in place of what was there; a sort button that had the focus has it again
 * afterwards, and the table keeps its sideways scroll.
 * @param {HTMLElement} slot @param {Node} node
 */
function replaceKeepingFocus(slot, node) {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && slot.contains(active) ? (active.closest('[data-key]')?.getAttribute('data-key') ?? null) : null;
  const scrolled = slot.querySelector('.table-wrap')?.scrollLeft ?? 0;
  slot.replaceChildren(node);
  const wrap = slot.querySelector('.table-wrap');
  if (wrap && scrolled) wrap.scrollLeft = scrolled;
  if (key !== null) /** @type {HTMLElement | null} */ (slot.querySelector(`[data-key="${CSS.escape(key)}"] button`))?.focus({ preventScroll: true });
}

/**
 * Draws `sweep` into the slots; nothing is touched when it is what is shown already.
 * @param {SweepSlots} slots @param {Sweep} sweep @param {boolean} watched
 * @returns {string} what is shown now (to compare the next answer with)
 */
function fillSweep(slots, sweep, watched, shown = '') {
  const now = JSON.stringify(sweep);
  if (now === shown) return shown;
  const c = trialCounts(sweep);
  const baseline = sweep.baseline ? sweep.trials.find((t) => t.number === 0) : undefined;
  const cards = [
    ['Best ' + metricName(sweep.metric), sweep.best ? formatNumber(sweep.best.value) : '—'],
    ['Best trial', sweep.best ? String(sweep.best.number) : '—'],
    ...(baseline && typeof baseline.value === 'number' ? [['Baseline (trial 0)', formatNumber(baseline.value)]] : []),
    ['Trials', typeof sweep.planned_trials === 'number' && sweep.status !== 'ok' ? `${sweep.trials.length} of ${sweep.planned_trials}` : String(sweep.trials.length)],
    ['Complete', String(c.complete)],
    ['Pruned', String(c.pruned)],
    ['Failed', String(c.failed)],
  ];
  // The heading keeps its node (it may have the focus); only its text and chip change.
  slots.heading.replaceChildren(`Sweep of ${sweep.recipe} (run ${sweep.run_id}) `, statusChip(sweep.status));
  setText(slots.lead, `${sweep.direction === 'maximize' ? 'Maximizing' : 'Minimizing'} ${metricName(sweep.metric)} on dev. Journal ${sweep.journal}, study ${sweep.study || 'not journaled yet'}.`);
  const state = sweepStateText(sweep, watched);
  setText(slots.live, state);
  slots.live.hidden = state === '';
  const bar = sweepProgressBar(sweep);
  slots.progress.replaceChildren(...(bar ? [bar] : []));
  slots.cards.replaceChildren(...cards.map(([k, v]) => el('div', { class: 'card' }, el('div', { class: 'k' }, k), el('div', { class: 'v' }, v))));
  slots.bestParams.replaceChildren(
    ...(sweep.best && Object.keys(sweep.best.params).length
      ? [el('p', { class: 'best-params' }, 'Best values: ', ...Object.entries(sweep.best.params).map(([k, v]) => el('span', { class: 'chip' }, `${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`)))]
      : []),
  );
  setText(slots.chartTitle, `${metricName(sweep.metric)} over trials`);
  if (sweep.trials.length === 0) slots.chart.replaceChildren(el('p', { class: 'hint sweep-waiting' }, 'No trial has been journaled yet: the first one shows here once it starts.'));
  else slots.chart.replaceChildren(sweepChart(sweep));
  slots.importance.replaceChildren(importanceBars(sweep));
  replaceKeepingFocus(slots.trials, trialsTable(sweep, slots.sort));
  return now;
}

/** @param {LiveSweep} view @param {Poll} poll */
async function refreshSweep(view, poll) {
  /** @type {Sweep} */
  let sweep;
  try {
    sweep = await requestJson(`/v1/runs/${view.id}/sweep`);
  } catch (e) {
    if (poll.stopped) return false;
    const again = worthRetrying(e);
    setText(view.slots.live, refreshFailedText('the sweep', e, again, SWEEP_POLL_MS));
    view.slots.live.hidden = false;
    return again;
  }
  if (poll.stopped) return false;
  view.shown = fillSweep(view.slots, sweep, true, view.shown);
  return sweep.status === 'running';
}

/** @param {HTMLElement} body @param {number} id */
async function drawSweep(body, id) {
  const seq = ++drawSeq;
  stopDistributed();
  byId('runs-filter').hidden = true;
  body.replaceChildren(el('p', { class: 'hint' }, 'Loading the sweep…'));
  /** @type {Sweep} */
  const sweep = await requestJson(`/v1/runs/${id}/sweep`);
  if (seq !== drawSeq) return;
  const slots = sweepSlots();
  body.replaceChildren(
    el('p', { class: 'crumbs' }, el('a', { href: '#runs' }, '← All runs'), ' · ', el('a', { href: `#runs/${id}` }, `Run ${id}`)),
    slots.heading,
    slots.lead,
    slots.live,
    slots.progress,
    slots.cards,
    slots.bestParams,
    slots.chartTitle,
    slots.chart,
    el('h4', {}, 'Parameter importance'),
    slots.importance,
    el('h4', {}, 'Trials'),
    slots.trials,
  );
  const shown = fillSweep(slots, sweep, false);
  if (sweep.status === 'running') {
    /** @type {LiveSweep} */
    const view = { id, slots, shown };
    live = startPolling((poll) => refreshSweep(view, poll), SWEEP_POLL_MS);
  }
}

/**
 * Shows the Runs view or the model sections, as the address says, and draws the view.
 * @param {boolean} moveFocus after a navigation, focus goes to the new view's heading (not after a filter change: the filter keeps it)
 */
async function route(moveFocus) {
  const where = parseRunsHash(location.hash);
  const section = byId('runs');
  const inRuns = where !== null;
  const wasRuns = document.body.dataset.view === 'runs';
  document.body.dataset.view = inRuns ? 'runs' : 'models';
  section.hidden = !inRuns;
  if (!inRuns) {
    drawSeq++;
    stopDistributed();
    stopLive();
    // The section linked to was hidden when the browser looked for it: scroll to it now.
    if (wasRuns && location.hash.length > 1) document.getElementById(location.hash.slice(1))?.scrollIntoView();
    return;
  }
  const body = byId('runs-body');
  const error = byId('runs-error');
  error.hidden = true;
  stopLive();
  try {
    if (where.view === 'list') await drawList(body);
    else if (where.view === 'run') await drawRun(body, where.id);
    else await drawSweep(body, where.id);
    // Keyboard and screen-reader users land on what was just drawn.
    if (moveFocus) /** @type {HTMLElement} */ (body.querySelector('.runs-heading') ?? byId('runs-title')).focus({ preventScroll: true });
  } catch (e) {
    body.replaceChildren(el('p', {}, el('a', { href: '#runs' }, '← All runs')));
    error.textContent = explainError(e);
    error.hidden = false;
  }
}

/** Wires the Runs view: the address decides what is shown; the filters redraw the list. */
export function setUpRuns() {
  byId('runs-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    if (location.hash !== '#runs') location.hash = '#runs';
    else void route(false);
  });
  byId('runs-command').addEventListener('change', () => void route(false));
  window.addEventListener('hashchange', () => void route(true));
  void route(false);
}
