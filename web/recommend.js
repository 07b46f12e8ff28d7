// The recommendations page (/app/recommend): choose a catalog and a model, then an emotion to
// match or a text saying how you feel plus where you want to go; shows the picked items with why
// each was picked. Speaks GET /v1/catalogs, GET /v1/models and POST /v1/recommend (docs/api.md).
import { requestJson } from './api.js';
import { setUpKeyBox } from './key-box.js';
import { byId, el, showAlert } from './dom.js';

/** @typedef {import('./types.js').ModelSummary} ModelSummary */
/**
 * @typedef {{id: string, file: string, format: 'csv'|'sqlite', title: string, description: string|null,
 *   suggested_model: string|null, items: number|null, scored_with: string[], error?: string}} CatalogListing
 * @typedef {{kind: 'match', target: string, probability: number, tied_with: number, diversity?: number, summary: string}
 *   | {kind: 'path', target: string, step: number, steps: number, progress: number, goal: Record<string, number>, distance: number, summary: string}} Why
 * @typedef {{rank: number, id: string, title: string, text: string, creator?: string, url?: string,
 *   distribution: Record<string, number>, top_label: string, score: number, why: Why}} RecommendedItem
 * @typedef {{model: string, catalog: string, mode: 'match'|'path', target: string, labels: string[],
 *   detected?: {label: string, distribution: Record<string, number>}, items: RecommendedItem[],
 *   catalog_scores: {model_key: string, items: number, scored: number, reused: number}}} RecommendAnswer
 */

/** @type {{catalogs: CatalogListing[], models: ModelSummary[], busy: boolean}} */
const state = { catalogs: [], models: [], busy: false };

const catalogSelect = /** @type {HTMLSelectElement} */ (byId('rec-catalog'));
const modelSelect = /** @type {HTMLSelectElement} */ (byId('rec-model'));
const targetSelect = /** @type {HTMLSelectElement} */ (byId('rec-target'));
const feeling = /** @type {HTMLTextAreaElement} */ (byId('rec-feeling'));
const countInput = /** @type {HTMLInputElement} */ (byId('rec-n'));
const button = /** @type {HTMLButtonElement} */ (byId('rec-button'));
const errorBox = byId('rec-error');

function mode() {
  return /** @type {HTMLInputElement} */ (byId('rec-mode-path')).checked ? 'path' : 'match';
}

// ---- the API key (stored by api.js; the same key the main page uses) ----

const { showError } = setUpKeyBox('rec', errorBox, () => void load());

// ---- catalogs, models, targets ----

async function load() {
  showAlert(errorBox, null);
  let catalogs;
  let models;
  try {
    [catalogs, models] = await Promise.all([requestJson('/v1/catalogs'), requestJson('/v1/models')]);
  } catch (error) {
    showError(error);
    return;
  }
  state.catalogs = /** @type {{catalogs: CatalogListing[]}} */ (catalogs).catalogs;
  state.models = /** @type {{models: ModelSummary[]}} */ (models).models;
  if (state.catalogs.length === 0) {
    catalogSelect.replaceChildren(el('option', { value: '' }, 'No catalogs'));
    showAlert(errorBox, 'This server has no catalog. Put a CSV file (id,title,text) in its catalogs folder (serve --catalogs <dir>, default ./data/catalog) and reload.');
  } else {
    catalogSelect.replaceChildren(...state.catalogs.map((c) => el('option', { value: c.id, disabled: c.items === null }, `${c.title}${c.items !== null ? ` (${c.items} items)` : ' (unreadable)'}`)));
    const usable = state.catalogs.find((c) => c.items !== null);
    if (usable) catalogSelect.value = usable.id;
    catalogSelect.disabled = false;
  }
  if (state.models.length === 0) {
    modelSelect.replaceChildren(el('option', { value: '' }, 'No models'));
    showAlert(errorBox, 'This server has no model loaded. Train one into its models folder and reload.');
  } else {
    modelSelect.replaceChildren(...state.models.map((m) => el('option', { value: m.id }, `${m.name} (${m.labels.length} emotions)`)));
    modelSelect.disabled = false;
  }
  const wanted = new URLSearchParams(location.search);
  const askedCatalog = wanted.get('catalog');
  if (askedCatalog && state.catalogs.some((c) => c.id === askedCatalog)) catalogSelect.value = askedCatalog;
  onCatalogChange();
  const askedModel = wanted.get('model');
  if (askedModel && state.models.some((m) => m.id === askedModel)) {
    modelSelect.value = askedModel;
    onModelChange();
  }
}

/** Describes the catalog and picks the model it was written for when the server has it. */
function onCatalogChange() {
  const catalog = state.catalogs.find((c) => c.id === catalogSelect.value);
  const note = byId('rec-catalog-note');
  const modelNote = byId('rec-model-note');
  modelNote.textContent = '';
  if (!catalog) {
    note.textContent = '';
    onModelChange();
    return;
  }
  note.textContent = catalog.error ?? catalog.description ?? '';
  if (catalog.suggested_model) {
    if (state.models.some((m) => m.id === catalog.suggested_model)) modelSelect.value = catalog.suggested_model;
    else modelNote.textContent = `This catalog was written for the model “${catalog.suggested_model}”, which this server has not loaded; another model's emotions may not fit its language.`;
  }
  onModelChange();
}

/** The target choices are the chosen model's labels. */
function onModelChange() {
  const model = state.models.find((m) => m.id === modelSelect.value);
  const previous = targetSelect.value;
  targetSelect.replaceChildren(...(model ? model.labels.map((l) => el('option', { value: l }, l)) : []));
  if (model && model.labels.includes(previous)) targetSelect.value = previous;
  targetSelect.disabled = !model;
  updateButton();
}

function onModeChange() {
  const path = mode() === 'path';
  byId('rec-feeling-block').hidden = !path;
  byId('rec-target-label').textContent = path ? 'Where you want to go' : 'Emotion';
  updateButton();
}

function updateButton() {
  const ready = catalogSelect.value !== '' && modelSelect.value !== '' && targetSelect.value !== '';
  button.disabled = state.busy || !ready;
}

// ---- asking and showing ----

async function submit() {
  if (button.disabled) return;
  const n = Number(countInput.value);
  if (!Number.isInteger(n) || n < 1 || n > 20) {
    showAlert(errorBox, 'Items: give a whole number from 1 to 20.');
    countInput.focus();
    return;
  }
  /** @type {Record<string, unknown>} */
  const body = { model: modelSelect.value, catalog: catalogSelect.value, target: targetSelect.value, n };
  if (mode() === 'path') {
    const text = feeling.value.trim();
    if (text === '') {
      showAlert(errorBox, 'Say how you feel first: the list starts from the emotion of that text.');
      feeling.focus();
      return;
    }
    body.from_text = text;
  }
  state.busy = true;
  updateButton();
  showAlert(errorBox, null);
  byId('rec-status').textContent = 'Picking…';
  try {
    const answer = /** @type {RecommendAnswer} */ (await requestJson('/v1/recommend', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    render(answer);
    byId('rec-status').textContent = '';
  } catch (error) {
    byId('rec-status').textContent = '';
    showError(error);
  } finally {
    state.busy = false;
    updateButton();
  }
}

/**
 * One bar per label, the target's highlighted.
 * @param {string[]} labels @param {Record<string, number>} distribution @param {string} target
 */
function bars(labels, distribution, target) {
  return el(
    'ol',
    { class: 'bars rec-bars' },
    ...labels.map((label) => {
      const p = distribution[label] ?? 0;
      const fill = el('span', { class: 'bar-fill', style: `width: ${(100 * p).toFixed(1)}%` });
      return el(
        'li',
        { class: `bar-row${label === target ? ' is-target' : ''}` },
        el('span', { class: 'bar-label', dir: 'auto' }, label),
        el('span', { class: 'bar-track', role: 'img', 'aria-label': `${label}: ${(100 * p).toFixed(0)}%` }, fill),
        el('span', { class: 'bar-value' }, p.toFixed(2)),
      );
    }),
  );
}

/** @param {RecommendAnswer} answer */
function render(answer) {
  const result = byId('rec-result');
  const title = answer.mode === 'path' && answer.detected ? `From ${answer.detected.label} toward ${answer.target}: ${answer.items.length} items` : `${answer.items.length} items for ${answer.target}`;
  byId('rec-result-title').textContent = title;
  const detected = byId('rec-detected');
  detected.hidden = !answer.detected;
  if (answer.detected) byId('rec-detected-bars').replaceWith(Object.assign(bars(answer.labels, answer.detected.distribution, answer.detected.label), { id: 'rec-detected-bars' }));
  byId('rec-items').replaceChildren(
    ...answer.items.map((item) => {
      const head = el(
        'div',
        { class: 'rec-item-head' },
        el('span', { class: 'rec-rank' }, `${item.rank}.`),
        el('h3', { class: 'rec-item-title', dir: 'auto' }, item.url ? el('a', { href: item.url, rel: 'noopener noreferrer', target: '_blank' }, item.title) : item.title),
        item.creator ? el('span', { class: 'rec-creator', dir: 'auto' }, item.creator) : null,
        el('span', { class: 'rec-score', title: answer.mode === 'path' ? '1 − distance to the step goal' : `probability of ${answer.target}` }, `score ${item.score.toFixed(3)}`),
      );
      return el(
        'li',
        { class: 'rec-item', 'data-id': item.id },
        head,
        el('blockquote', { class: 'rec-text', dir: 'auto' }, item.text),
        bars(answer.labels, item.distribution, item.why.target),
        el('p', { class: 'rec-why' }, el('span', { class: 'rec-why-label' }, 'Why: '), item.why.summary),
      );
    }),
  );
  const cs = answer.catalog_scores;
  byId('rec-build').textContent = `Catalog of ${cs.items} items: ${cs.scored} scored by the model for this request, ${cs.reused} stored scores reused.`;
  result.hidden = false;
  byId('rec-announce').textContent = `${title}. First: ${answer.items[0]?.title ?? 'none'}.`;
}

// ---- wiring ----

catalogSelect.addEventListener('change', onCatalogChange);
modelSelect.addEventListener('change', onModelChange);
targetSelect.addEventListener('change', updateButton);
for (const radio of document.querySelectorAll('input[name="rec-mode"]')) radio.addEventListener('change', onModeChange);
byId('rec-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void submit();
});
feeling.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    void submit();
  }
});
onModeChange();
void load();
