// The textclass web page: pick a model, classify a text, label a file, read the model's metrics.
// Plain ES2022 modules, no build step, no dependencies, nothing loaded from elsewhere; they speak
// the HTTP API of docs/api.md. Every piece of text that comes from a model or a user is put on
// the page as text (dom.js), never parsed as HTML: labels may contain markup.
//
// This module holds the page state and wires the parts together: the API key, the model list,
// the text box and its prediction; result.js, model-view.js and batch.js draw the rest.
import { ApiError, explainError, modelPath, requestJson } from './api.js';
import { setUpBatch, updateBatchButton } from './batch.js';
import { byId, el, showAlert } from './dom.js';
import { setUpKeyBox } from './key-box.js';
import { renderDetails, renderSummary } from './model-view.js';
import { renderResult, setUpFeedback } from './result.js';
import { setUpRuns } from './runs.js';

/** @typedef {import('./types.js').ModelSummary} ModelSummary */
/** @typedef {import('./types.js').ModelDetail} ModelDetail */
/** @typedef {import('./types.js').PredictResult} PredictResult */

const MODEL_STORAGE = 'textclass.model';

/** @type {{models: ModelSummary[], model: ModelSummary | null, detail: ModelDetail | null, predictSeq: number, detailSeq: number}} */
const state = { models: [], model: null, detail: null, predictSeq: 0, detailSeq: 0 };

/** The key box (key-box.js), once start() has drawn it. @type {ReturnType<typeof setUpKeyBox>} */
let keyBox;

/**
 * Fetches the model list and keeps the current choice when it is still served. The server
 * hot-reloads models, so the list is fetched again whenever the page comes back into view; a
 * new version of the chosen model refreshes its summary, an unchanged one keeps the result shown.
 */
async function loadModels() {
  const select = /** @type {HTMLSelectElement} */ (byId('model-select'));
  const globalError = byId('global-error');
  try {
    /** @type {{models: ModelSummary[]}} */
    const body = await requestJson('/v1/models');
    state.models = Array.isArray(body.models) ? body.models : [];
    showAlert(globalError, null);
    keyBox.refresh();
  } catch (error) {
    state.models = [];
    select.replaceChildren(el('option', { value: '' }, '—'));
    select.disabled = true;
    showAlert(globalError, explainError(error));
    if (error instanceof ApiError && error.status === 401) keyBox.askForKey(error);
    selectModel(null);
    return;
  }
  if (state.models.length === 0) {
    select.replaceChildren(el('option', { value: '' }, 'No models'));
    select.disabled = true;
    showAlert(globalError, 'No models are loaded. Train one into the models folder (textclass train <recipe> --out models/<name>); it is picked up without a restart.');
    selectModel(null);
    return;
  }
  select.replaceChildren(
    ...state.models.map((m) => el('option', { value: m.id }, m.name && m.name !== m.id ? `${m.id} — ${m.task}, ${m.name}` : `${m.id} — ${m.task}`)),
  );
  select.disabled = false;
  const wanted = state.model?.id ?? new URLSearchParams(location.search).get('model') ?? storedModel();
  const chosen = state.models.find((m) => m.id === wanted) ?? state.models[0];
  select.value = chosen.id;
  if (state.model && state.model.id === chosen.id && state.model.created_at === chosen.created_at) {
    state.model = chosen; // same version: keep what is on screen
    return;
  }
  selectModel(chosen);
}

function storedModel() {
  try {
    return localStorage.getItem(MODEL_STORAGE);
  } catch {
    return null;
  }
}

/** @param {ModelSummary | null} model */
function selectModel(model) {
  state.model = model;
  state.detail = null;
  state.predictSeq++; // a prediction still in flight belongs to the previous model
  if (model) {
    try {
      localStorage.setItem(MODEL_STORAGE, model.id);
    } catch {
      // not remembered; harmless
    }
    // The address names the model, so a link or a reload opens the same one.
    const url = new URL(location.href);
    url.searchParams.set('model', model.id);
    history.replaceState(null, '', url);
  }
  renderSummary(model);
  byId('result').hidden = true;
  showAlert(byId('predict-error'), null);
  byId('predict-status').textContent = '';
  /** @type {HTMLButtonElement} */ (byId('predict-button')).disabled = model === null;
  updateBatchButton();
  void loadDetails(model);
}

/** @param {ModelSummary | null} model */
async function loadDetails(model) {
  const body = byId('details-body');
  const seq = ++state.detailSeq;
  if (!model) {
    body.replaceChildren(el('p', { class: 'hint' }, 'Choose a model to see its metrics.'));
    return;
  }
  body.replaceChildren(el('p', { class: 'hint' }, 'Loading…'));
  try {
    /** @type {ModelDetail} */
    const detail = await requestJson(modelPath(model.id));
    if (seq !== state.detailSeq) return;
    state.detail = detail;
    const description = detail.recipe && typeof detail.recipe.description === 'string' ? detail.recipe.description : '';
    byId('summary-description').textContent = description;
    body.replaceChildren(...renderDetails(detail));
  } catch (error) {
    if (seq !== state.detailSeq) return;
    body.replaceChildren(el('p', { class: 'alert', role: 'alert' }, explainError(error)));
  }
}

function setUpPredict() {
  const form = byId('predict-form');
  const input = /** @type {HTMLTextAreaElement} */ (byId('text-input'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void predict();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void predict();
    }
  });
}

async function predict() {
  const model = state.model;
  const input = /** @type {HTMLTextAreaElement} */ (byId('text-input'));
  const status = byId('predict-status');
  const errorBox = byId('predict-error');
  const button = /** @type {HTMLButtonElement} */ (byId('predict-button'));
  if (!model) return;
  const text = input.value;
  if (text.trim() === '') {
    showAlert(errorBox, 'Type or paste a text first.');
    input.focus();
    return;
  }
  const seq = ++state.predictSeq;
  showAlert(errorBox, null);
  status.textContent = 'Predicting…';
  button.disabled = true;
  try {
    /** @type {{results: PredictResult[]}} */
    const body = await requestJson(`${modelPath(model.id)}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ texts: [text], explain: true }),
    });
    if (seq !== state.predictSeq) return;
    const result = body.results?.[0];
    if (!result || typeof result.scores !== 'object') throw new Error('the server sent no result');
    renderResult(model, text, result);
    status.textContent = '';
  } catch (error) {
    if (seq !== state.predictSeq) return;
    status.textContent = '';
    showAlert(errorBox, explainError(error));
    if (error instanceof ApiError && error.status === 401) keyBox.askForKey(error);
  } finally {
    if (seq === state.predictSeq) button.disabled = false;
  }
}

function start() {
  keyBox = setUpKeyBox('', byId('global-error'), () => {
    state.model = null; // what the new key may see is drawn afresh
    void loadModels();
  });
  setUpPredict();
  setUpFeedback();
  setUpBatch(() => state.model);
  setUpRuns();
  byId('model-select').addEventListener('change', (event) => {
    const id = /** @type {HTMLSelectElement} */ (event.target).value;
    selectModel(state.models.find((m) => m.id === id) ?? null);
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void loadModels();
  });
  void loadModels();
}

start();
