// The ticket-routing page (/app/route): paste a ticket, POST /v1/route, show the route as
// breadcrumbs with a confidence per tier (or "send to a person"); draw the model's stored
// abstention curve (GET /v1/route/{model}) and move the threshold with a slider. See
// docs/usecases/routing.md.
import { requestJson } from './api.js';
import { setUpKeyBox } from './key-box.js';
import { byId, el, formatNumber, formatPercent, showAlert } from './dom.js';

/** @typedef {import('./types.js').ModelSummary} ModelSummary */
/**
 * @typedef {{threshold: number, coverage: number, precision: number, tier1_precision: number, mean_depth: number}} CurvePoint
 * @typedef {{tier: number, name: string, n: number, accuracy: number, macro_f1: number, nodes: number}} TierMetrics
 * @typedef {{n: number, tiers: TierMetrics[], path_accuracy: number, curve: CurvePoint[],
 *   threshold: {value: number, chosen_by: string, target_precision?: number, coverage: number, precision: number}}} RoutingDev
 * @typedef {{model: string, routable: true, strategy: string, tier_names: string[], threshold: number, dev: RoutingDev | null}} RoutingInfo
 * @typedef {{tier: number, name: string, label: string, path: string, confidence: number, confident: boolean}} TierAnswer
 * @typedef {{path: string, tiers: TierAnswer[], routed_to: string, routed_depth: number, routed_path: string | null}} TicketRoute
 * @typedef {{model: string, threshold: number, expected?: CurvePoint, results: TicketRoute[]}} RouteResponse
 */

/** @type {{models: RoutingInfo[], seq: number, last: {title: string, body: string} | null}} */
const state = { models: [], seq: 0, last: null };

const modelSelect = /** @type {HTMLSelectElement} */ (byId('rt-model'));
const titleBox = /** @type {HTMLInputElement} */ (byId('rt-title'));
const bodyBox = /** @type {HTMLTextAreaElement} */ (byId('rt-body'));
const routeButton = /** @type {HTMLButtonElement} */ (byId('rt-route'));
const slider = /** @type {HTMLInputElement} */ (byId('rt-threshold'));
const resetButton = /** @type {HTMLButtonElement} */ (byId('rt-threshold-reset'));
const errorBox = byId('rt-error');

// ---- the API key (stored by api.js; the same key the main page uses) ----

const { showError } = setUpKeyBox('rt', errorBox, () => void loadModels());

// ---- models: those with a routing section answer GET /v1/route/{id} ----

async function loadModels() {
  showAlert(errorBox, null);
  let listed;
  try {
    listed = /** @type {{models: ModelSummary[]}} */ (await requestJson('/v1/models'));
  } catch (error) {
    modelSelect.replaceChildren(el('option', { value: '' }, 'Models not loaded'));
    showError(error);
    return;
  }
  const infos = await Promise.all(
    listed.models
      .filter((m) => m.task === 'multiclass')
      .map((m) => requestJson(`/v1/route/${encodeURIComponent(m.id)}`).then((info) => /** @type {RoutingInfo | {routable: false}} */ (info), () => null)),
  );
  state.models = infos.filter((i) => i !== null && i.routable).map((i) => /** @type {RoutingInfo} */ (i));
  if (state.models.length === 0) {
    modelSelect.replaceChildren(el('option', { value: '' }, 'No routing model'));
    modelSelect.disabled = true;
    byId('rt-model-note').replaceChildren(
      "No loaded model routes tickets. Train one into the server's models folder: ",
      el('code', {}, 'textclass train recipes/tickets-routing.yaml --out models/tickets-routing --data-dir ../shared/datasets'),
      '. It appears here without a restart; reload the page.',
    );
    updateButtons();
    return;
  }
  modelSelect.replaceChildren(...state.models.map((m) => el('option', { value: m.model }, m.model)));
  const asked = new URLSearchParams(location.search).get('model');
  if (asked && state.models.some((m) => m.model === asked)) modelSelect.value = asked;
  modelSelect.disabled = false;
  onModelChange();
}

function currentModel() {
  return state.models.find((m) => m.model === modelSelect.value) ?? null;
}

function onModelChange() {
  const model = currentModel();
  updateButtons();
  if (!model) return;
  const tiers = model.tier_names.join(' → ');
  const dev = model.dev;
  byId('rt-model-note').textContent = dev
    ? `Routes ${tiers} (${model.strategy === 'per_tier' ? 'one model per tier' : 'one model on whole paths'}). On ${formatNumber(dev.n)} dev tickets: exact path right ${formatPercent(dev.path_accuracy)}, ${dev.tiers.map((t) => `${t.name} macro-F1 ${formatNumber(t.macro_f1, 3)}`).join(', ')}.`
    : `Routes ${tiers}. The model was trained without dev data, so there is no curve.`;
  slider.disabled = false;
  resetButton.disabled = false;
  setThreshold(model.threshold);
  renderTierTable(model);
  if (state.last) void route();
}

function updateButtons() {
  routeButton.disabled = currentModel() === null;
}

// ---- threshold and curve ----

/** @param {number} t */
function setThreshold(t) {
  slider.value = String(t);
  renderThreshold();
}

function threshold() {
  return Number(slider.value);
}

/** The stored curve point nearest the threshold. @param {CurvePoint[]} curve @param {number} t */
function pointAt(curve, t) {
  let best = curve[0];
  for (const p of curve) if (Math.abs(p.threshold - t) < Math.abs(best.threshold - t)) best = p;
  return best;
}

function renderThreshold() {
  const model = currentModel();
  const t = threshold();
  byId('rt-threshold-value').textContent = t.toFixed(2);
  const stats = byId('rt-threshold-stats');
  if (!model?.dev) {
    stats.textContent = '';
    byId('rt-curve').replaceChildren();
    return;
  }
  const p = pointAt(model.dev.curve, t);
  const chosen = model.threshold;
  stats.textContent = `At ${t.toFixed(2)}: ${formatPercent(p.coverage)} of tickets routed automatically, ${formatPercent(p.precision)} of those routed right (category right: ${formatPercent(p.tier1_precision)}); ${formatPercent(1 - p.coverage)} go to a person.${Math.abs(t - chosen) < 0.005 ? ' This is the model’s threshold.' : ` The model’s threshold is ${chosen.toFixed(2)}.`}`;
  byId('rt-curve').replaceChildren(curveSvg(model.dev.curve, p, pointAt(model.dev.curve, chosen)));
}

const SVG = 'http://www.w3.org/2000/svg';

/** @param {string} tag @param {Record<string, string | number>} attrs @param {...(Node | string)} children */
function svgEl(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c);
  return node;
}

/**
 * Precision (y) against coverage (x) of the stored curve, the current and the chosen point marked.
 * @param {CurvePoint[]} curve @param {CurvePoint} current @param {CurvePoint} chosen
 */
function curveSvg(curve, current, chosen) {
  const W = 420;
  const H = 260;
  const m = { l: 48, r: 16, t: 12, b: 40 };
  const pts = curve.filter((p) => p.coverage > 0);
  const yMin = Math.max(0, Math.floor(Math.min(...pts.map((p) => p.precision)) * 10) / 10);
  const x = (/** @type {number} */ c) => m.l + c * (W - m.l - m.r);
  const y = (/** @type {number} */ p) => H - m.b - ((p - yMin) / (1 - yMin || 1)) * (H - m.t - m.b);
  const desc = `Abstention curve: at the current threshold ${current.threshold.toFixed(2)}, ${formatPercent(current.coverage)} of tickets are routed with precision ${formatPercent(current.precision)}; the model's threshold ${chosen.threshold.toFixed(2)} routes ${formatPercent(chosen.coverage)} with precision ${formatPercent(chosen.precision)}.`;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': desc });
  svg.append(svgEl('title', {}, desc));
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(svgEl('line', { x1: x(tick), x2: x(tick), y1: m.t, y2: H - m.b, stroke: '#e3e7ec' }));
    svg.append(svgEl('text', { x: x(tick), y: H - m.b + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#555' }, `${Math.round(tick * 100)}%`));
  }
  for (let v = yMin; v <= 1.0001; v += (1 - yMin) / 4) {
    svg.append(svgEl('line', { x1: m.l, x2: W - m.r, y1: y(v), y2: y(v), stroke: '#e3e7ec' }));
    svg.append(svgEl('text', { x: m.l - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#555' }, v.toFixed(2)));
  }
  svg.append(svgEl('text', { x: (m.l + W - m.r) / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 12, fill: '#333' }, 'coverage (tickets routed automatically)'));
  svg.append(svgEl('text', { x: 12, y: (m.t + H - m.b) / 2, 'text-anchor': 'middle', 'font-size': 12, fill: '#333', transform: `rotate(-90 12 ${(m.t + H - m.b) / 2})` }, 'precision'));
  svg.append(svgEl('polyline', { points: pts.map((p) => `${x(p.coverage).toFixed(1)},${y(p.precision).toFixed(1)}`).join(' '), fill: 'none', stroke: '#2f6db5', 'stroke-width': 2 }));
  svg.append(svgEl('circle', { cx: x(chosen.coverage), cy: y(chosen.precision), r: 7, fill: 'none', stroke: '#b5432f', 'stroke-width': 2, 'data-point': 'chosen' }));
  if (current.coverage > 0) svg.append(svgEl('circle', { cx: x(current.coverage), cy: y(current.precision), r: 4.5, fill: '#1d3f6b', 'data-point': 'current' }));
  return svg;
}

/** @param {RoutingInfo} model */
function renderTierTable(model) {
  const holder = byId('rt-tiers');
  if (!model.dev) {
    holder.replaceChildren();
    return;
  }
  const dev = model.dev;
  holder.replaceChildren(
    el(
      'table',
      { class: 'rt-tiers-table' },
      el('caption', { class: 'hint' }, `Dev tickets (${formatNumber(dev.n)}), every ticket routed to its full path`),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'tier'), el('th', { scope: 'col' }, 'accuracy'), el('th', { scope: 'col' }, 'macro-F1'), el('th', { scope: 'col' }, 'classes'))),
      el(
        'tbody',
        {},
        ...dev.tiers.map((t) => el('tr', {}, el('th', { scope: 'row' }, `${t.tier}. ${t.name}`), el('td', {}, formatNumber(t.accuracy, 3)), el('td', {}, formatNumber(t.macro_f1, 3)), el('td', {}, String(t.nodes)))),
        el('tr', {}, el('th', { scope: 'row' }, 'exact path'), el('td', {}, formatNumber(dev.path_accuracy, 3)), el('td', {}, ''), el('td', {}, '')),
      ),
    ),
  );
}

// ---- routing a ticket ----

async function route() {
  const model = currentModel();
  if (!model) return;
  const ticket = { title: titleBox.value, body: bodyBox.value };
  if (ticket.title.trim() === '' && ticket.body.trim() === '') {
    showAlert(errorBox, 'Write a title or a body first: an empty ticket cannot be routed.');
    titleBox.focus();
    return;
  }
  showAlert(errorBox, null);
  state.last = ticket;
  const seq = ++state.seq;
  byId('rt-status').textContent = 'Routing…';
  routeButton.disabled = true;
  try {
    const response = /** @type {RouteResponse} */ (
      await requestJson('/v1/route', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: model.model, tickets: [ticket], threshold: threshold() }) })
    );
    if (seq !== state.seq) return;
    renderRoute(response.results[0], response.threshold);
    byId('rt-status').textContent = '';
  } catch (error) {
    if (seq !== state.seq) return;
    byId('rt-status').textContent = '';
    showError(error);
  } finally {
    updateButtons();
  }
}

/** @param {TicketRoute} r @param {number} t */
function renderRoute(r, t) {
  const verdict = byId('rt-verdict');
  verdict.classList.toggle('rt-person', r.routed_depth === 0);
  if (r.routed_depth === 0) {
    verdict.replaceChildren(el('span', { class: 'rt-person-badge' }, 'Send to a person'), ` — not even the ${r.tiers[0]?.name ?? 'first tier'} reaches ${t.toFixed(2)} confidence.`);
  } else {
    const last = r.tiers[r.routed_depth - 1];
    verdict.replaceChildren(`Route to ${last.name} `, el('strong', {}, r.routed_path ?? ''), r.routed_depth < r.tiers.length ? ` (deeper tiers below ${t.toFixed(2)} stay for that team to decide)` : '');
  }
  byId('rt-crumbs').replaceChildren(
    ...r.tiers.map((tier) =>
      el(
        'li',
        {},
        el(
          'span',
          { class: `rt-crumb${tier.confident ? '' : ' rt-below'}`, 'data-tier': tier.tier, 'aria-current': tier.tier === r.routed_depth ? 'step' : null },
          el('span', { class: 'rt-tier' }, tier.name),
          el('span', { class: 'rt-label' }, tier.label),
          el('span', { class: 'rt-conf' }, `${formatPercent(tier.confidence)}${tier.confident ? '' : ' — below threshold'}`),
        ),
      ),
    ),
  );
  byId('rt-path-note').textContent = `Most likely full path: ${r.path}. Each confidence is the probability that the route down to that tier is right.`;
  byId('rt-result').hidden = false;
}

// ---- wiring ----

modelSelect.addEventListener('change', onModelChange);
byId('rt-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void route();
});
bodyBox.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    void route();
  }
});
slider.addEventListener('input', renderThreshold);
slider.addEventListener('change', () => {
  if (state.last) void route();
});
resetButton.addEventListener('click', () => {
  const model = currentModel();
  if (!model) return;
  setThreshold(model.threshold);
  if (state.last) void route();
});
void loadModels();
