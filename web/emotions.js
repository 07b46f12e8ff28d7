// The multi-label emotions page (/app/emotions): a text's emotions, chosen by each emotion's own
// tuned threshold, optionally grouped (Ekman's basic emotions, positive/negative/ambiguous) through
// the groupings stored in the model. Speaks POST /v1/models/{id}/predict with "group" (docs/api.md).
import { ApiError, explainError, modelPath, requestJson } from './api.js';
import { byId, el, formatNumber, showAlert } from './dom.js';

/** @typedef {import('./types.js').ModelSummary & {groupings?: string[]}} EmotionModel */
/**
 * @typedef {{name: string, groups: {name: string, members: string[]}[], unmapped: 'keep'|'drop'}} GroupingDetail
 * @typedef {EmotionModel & {grouping_detail?: GroupingDetail[], metrics_full?: Record<string, unknown>}} EmotionModelDetail
 * @typedef {{group: string, score: number, labels: string[]}} GroupResult
 * @typedef {{labels: string[], scores: Record<string, number>, groups?: GroupResult[], group_scores?: Record<string, number>}} EmotionResult
 */

/** @type {{models: EmotionModel[], detail: EmotionModelDetail | null, seq: number}} */
const state = { models: [], detail: null, seq: 0 };

const select = /** @type {HTMLSelectElement} */ (byId('emotion-model'));
const textBox = /** @type {HTMLTextAreaElement} */ (byId('emotion-text'));
const button = /** @type {HTMLButtonElement} */ (byId('emotion-button'));

/** Multilabel models first (this page is about them), then any model with a grouping. @param {EmotionModel[]} models */
function usable(models) {
  return models
    .filter((m) => m.task === 'multilabel' || (m.groupings?.length ?? 0) > 0)
    .sort((a, b) => Number(b.task === 'multilabel') - Number(a.task === 'multilabel') || (b.groupings?.length ?? 0) - (a.groupings?.length ?? 0) || a.id.localeCompare(b.id));
}

async function loadModels() {
  try {
    const body = /** @type {{models: EmotionModel[]}} */ (await requestJson('/v1/models'));
    state.models = usable(body.models);
  } catch (error) {
    showAlert(byId('emotion-error'), explainError(error));
    select.replaceChildren(el('option', { value: '' }, 'No models'));
    return;
  }
  if (state.models.length === 0) {
    select.replaceChildren(el('option', { value: '' }, 'No multi-label model'));
    showAlert(byId('emotion-error'), 'This server has no multi-label model. Train one, e.g. `textclass train recipes/goemotions.yaml --out models/goemotions --data-dir ../shared/datasets`, and reload.');
    return;
  }
  select.replaceChildren(...state.models.map((m) => el('option', { value: m.id }, `${m.name} (${m.labels.length} labels${m.groupings?.length ? `, grouped: ${m.groupings.join(', ')}` : ''})`)));
  const wanted = new URLSearchParams(location.search).get('model');
  if (wanted && state.models.some((m) => m.id === wanted)) select.value = wanted;
  select.disabled = false;
  await chooseModel(select.value);
}

/** @param {string} id */
async function chooseModel(id) {
  const seq = ++state.seq;
  button.disabled = true;
  byId('emotion-result').hidden = true;
  try {
    const detail = /** @type {EmotionModelDetail} */ (await requestJson(modelPath(id)));
    if (seq !== state.seq) return;
    state.detail = detail;
    showAlert(byId('emotion-error'), null);
  } catch (error) {
    if (seq !== state.seq) return;
    showAlert(byId('emotion-error'), explainError(error));
    return;
  }
  renderGroupingOptions(state.detail);
  renderQuality(state.detail);
  button.disabled = false;
}

/** "Each emotion" plus one radio button per grouping the model has. @param {EmotionModelDetail} model */
function renderGroupingOptions(model) {
  const names = model.groupings ?? [];
  const fieldset = byId('grouping-choice');
  fieldset.hidden = names.length === 0;
  const option = (/** @type {string} */ value, /** @type {string} */ text, /** @type {boolean} */ checked) =>
    el('label', {}, el('input', { type: 'radio', name: 'grouping', value, checked }), text);
  byId('grouping-options').replaceChildren(option('', 'each emotion', true), ...names.map((n) => option(n, groupingTitle(n), false)));
}

/** @param {string} name */
function groupingTitle(name) {
  if (name === 'ekman') return 'grouped into Ekman’s basic emotions';
  if (name === 'sentiment') return 'grouped into positive / negative / ambiguous';
  return `grouped by “${name}”`;
}

function chosenGrouping() {
  const checked = /** @type {HTMLInputElement | null} */ (document.querySelector('input[name=grouping]:checked'));
  return checked && checked.value ? checked.value : null;
}

/** The model's dev metrics, fine-grained and through each grouping, as one table. @param {EmotionModelDetail} model */
function renderQuality(model) {
  const metrics = /** @type {Record<string, any>} */ (model.metrics_full ?? {});
  const dev = metrics.dev;
  const grouped = /** @type {Record<string, any>} */ (metrics.dev_grouped ?? {});
  const box = byId('emotion-quality');
  if (!dev) {
    box.replaceChildren(el('p', { class: 'hint' }, 'This model was trained without dev data, so nothing was measured.'));
    return;
  }
  const keys = ['micro_f1', 'macro_f1', 'samples_f1', 'accuracy'];
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Seen as'), el('th', { scope: 'col' }, 'labels'), ...keys.map((k) => el('th', { scope: 'col' }, k === 'accuracy' ? (model.task === 'multilabel' ? 'exact match' : 'accuracy') : k.replace('_f1', ' F1'))));
  /** @param {string} title @param {any} report */
  const row = (title, report) => el('tr', {}, el('th', { scope: 'row' }, title), el('td', { class: 'num' }, String(report.labels?.length ?? '')), ...keys.map((k) => el('td', { class: 'num' }, typeof report[k] === 'number' ? formatNumber(report[k], 3) : '—')));
  const rows = [row('each emotion', dev), ...Object.entries(grouped).map(([name, report]) => row(name, report))];
  const decision = model.decision;
  const how = decision.kind === 'thresholds'
    ? `Labels are chosen by ${decision.scope === 'global' ? 'one global threshold' : 'a threshold per label'}${decision.tunedOn && decision.tunedOn !== 'none' ? `, tuned on ${decision.tunedOn === 'cv' ? 'cross-validation of the training data' : 'the dev data'} for ${decision.metric ?? 'F1'}` : ''}${decision.topK ? `, at most ${decision.topK} per text` : ''}.`
    : 'The top label is chosen.';
  box.replaceChildren(
    el('p', {}, `Measured on ${metrics.dev?.n ?? 'the'} held-out dev texts. ${how} A group counts as chosen when one of its emotions is.`),
    el('table', { class: 'quality-table' }, el('thead', {}, head), el('tbody', {}, ...rows)),
  );
}

async function predict() {
  const model = state.detail;
  const text = textBox.value;
  if (!model) return;
  if (!text.trim()) {
    showAlert(byId('emotion-error'), 'Type or paste a text first.');
    textBox.focus();
    return;
  }
  const group = chosenGrouping();
  const seq = ++state.seq;
  button.disabled = true;
  byId('emotion-status').textContent = 'Reading…';
  try {
    const body = /** @type {{results: EmotionResult[]}} */ (await requestJson(`${modelPath(model.id)}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ texts: [text], ...(group ? { group } : {}) }),
    }));
    if (seq !== state.seq) return;
    showAlert(byId('emotion-error'), null);
    renderResult(model, body.results[0], group);
    byId('emotion-status').textContent = '';
  } catch (error) {
    if (seq !== state.seq) return;
    byId('emotion-status').textContent = '';
    showAlert(byId('emotion-error'), error instanceof ApiError && error.status === 422 ? `The server refused the request: ${error.message}` : explainError(error));
  } finally {
    if (seq === state.seq) button.disabled = false;
  }
}

/** @param {EmotionModelDetail} model @param {EmotionResult} result @param {string | null} group */
function renderResult(model, result, group) {
  const chosen = new Set(result.labels);
  const groups = group && Array.isArray(result.groups) ? result.groups : null;
  const headline = groups ? groups.map((g) => g.group) : result.labels;
  byId('emotion-chosen').replaceChildren(...(headline.length > 0 ? headline.map((l) => el('span', { class: 'chip chosen', dir: 'auto' }, l)) : [el('span', { class: 'chip' }, 'none above its threshold')]));
  const groupBox = byId('emotion-groups');
  groupBox.hidden = !groups;
  if (groups && group) {
    byId('emotion-groups-title').textContent = `Groups (${group})`;
    byId('emotion-group-list').replaceChildren(...groups.map((g) => el('li', { 'data-group': g.group },
      el('span', { class: 'group-name', dir: 'auto' }, g.group),
      el('span', { class: 'group-members', dir: 'auto' }, `from ${g.labels.join(', ')}`),
    )));
    const scores = Object.entries(result.group_scores ?? {}).sort((a, b) => b[1] - a[1]);
    byId('emotion-group-bars').replaceChildren(...scores.map(([name, score]) => barRow(name, score, groups.some((g) => g.group === name), null)));
    byId('emotion-group-note').textContent = model.task === 'multilabel'
      ? 'A group’s score is its most likely emotion’s score.'
      : 'A group’s score is the sum of its labels’ probabilities.';
  }
  const decision = model.decision;
  const thresholds = decision.kind === 'thresholds' ? decision.thresholds : null;
  const ranked = Object.entries(result.scores).sort((a, b) => b[1] - a[1]);
  byId('emotion-bars').replaceChildren(...ranked.map(([label, score]) => {
    const i = model.labels.indexOf(label);
    return barRow(label, score, chosen.has(label), thresholds && i >= 0 ? thresholds[i] : null);
  }));
  byId('emotion-bars-note').textContent = thresholds ? 'The black line on each bar is that emotion’s threshold: it is chosen when its bar reaches the line.' : '';
  byId('emotion-result').hidden = false;
  byId('emotion-announce').textContent = headline.length > 0 ? `Emotions: ${headline.join(', ')}.` : 'No emotion above its threshold.';
}

/** @param {string} label @param {number} score @param {boolean} isChosen @param {number | null} threshold */
function barRow(label, score, isChosen, threshold) {
  const fill = el('span', { class: 'bar-fill' });
  fill.style.width = `${(Math.max(0, Math.min(1, score)) * 100).toFixed(2)}%`;
  const track = el('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill);
  if (threshold !== null) {
    const line = el('span', { class: 'bar-threshold', title: `threshold ${formatNumber(threshold, 3)}` });
    line.style.left = `${(Math.max(0, Math.min(1, threshold)) * 100).toFixed(2)}%`;
    track.append(line);
  }
  const spoken = `${label}: ${formatNumber(score, 3)}${isChosen ? ', chosen' : ''}${threshold !== null ? `, threshold ${formatNumber(threshold, 3)}` : ''}`;
  return el('li', { class: isChosen ? 'bar-row chosen' : 'bar-row', 'data-label': label, 'aria-label': spoken },
    el('span', { class: 'bar-label', dir: 'auto', title: label }, label),
    track,
    el('span', { class: 'bar-value' }, formatNumber(score, 3)),
  );
}

select.addEventListener('change', () => {
  const url = new URL(location.href);
  url.searchParams.set('model', select.value);
  history.replaceState(null, '', url);
  void chooseModel(select.value);
});
byId('emotion-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void predict();
});
textBox.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    if (!button.disabled) void predict();
  }
});
byId('grouping-options').addEventListener('change', () => {
  if (!byId('emotion-result').hidden && !button.disabled) void predict();
});
void loadModels();
