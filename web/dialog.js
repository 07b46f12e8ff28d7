// The dialog page (/app/dialog): type a conversation turn by turn; after each turn the page asks
// POST /v1/dialog/forecast for the emotion of the other speaker's next turn and draws it as bars.
// Models come from GET /v1/models (those with dialog.target next_turn); see docs/usecases/dialog.md.
import { modelPath, requestJson } from './api.js';
import { setUpKeyBox } from './key-box.js';
import { byId, el, formatNumber, formatPercent, showAlert } from './dom.js';

/** @typedef {import('./types.js').ModelSummary} ModelSummary */
/**
 * @typedef {ModelSummary & {dialog?: {target: string, context_turns: number, context_tags?: boolean} | null}} DialogModel
 * @typedef {{balanced_accuracy: number, accuracy: number, macro_f1: number}} BaselineScores
 * @typedef {{majority_label: string, majority: BaselineScores, stratified: BaselineScores & {draws: number}}} Baselines
 * @typedef {{model: string, next: string, distribution: {label: string, probability: number}[], top: string[],
 *   not_sure?: boolean, context: {turns_used: number, context_turns: number, turns_given: number}}} Forecast
 */

/** @type {{models: DialogModel[], turns: string[], seq: number, usedFrom: number, editing: boolean}} */
const state = { models: [], turns: [], seq: 0, usedFrom: -1, editing: false };

const modelSelect = /** @type {HTMLSelectElement} */ (byId('dg-model'));
const turnBox = /** @type {HTMLInputElement} */ (byId('dg-turn'));
const addButton = /** @type {HTMLButtonElement} */ (byId('dg-add'));
const editButton = /** @type {HTMLButtonElement} */ (byId('dg-edit'));
const removeButton = /** @type {HTMLButtonElement} */ (byId('dg-remove'));
const resetButton = /** @type {HTMLButtonElement} */ (byId('dg-reset'));
const errorBox = byId('dg-error');

/** Speakers alternate, A first. @param {number} index 0-based turn */
function speakerOf(index) {
  return index % 2 === 0 ? 'A' : 'B';
}

// ---- the API key (stored by api.js; the same key the main page uses) ----

const { showError } = setUpKeyBox('dg', errorBox, () => void loadModels());

// ---- models ----

async function loadModels() {
  showAlert(errorBox, null);
  let listed;
  try {
    listed = /** @type {{models: DialogModel[]}} */ (await requestJson('/v1/models'));
  } catch (error) {
    modelSelect.replaceChildren(el('option', { value: '' }, 'Models not loaded'));
    showError(error);
    return;
  }
  state.models = listed.models.filter((m) => m.dialog?.target === 'next_turn' && m.task !== 'multilabel');
  if (state.models.length === 0) {
    modelSelect.replaceChildren(el('option', { value: '' }, 'No next-turn model'));
    modelSelect.disabled = true;
    byId('dg-model-note').replaceChildren(
      'No loaded model forecasts the next turn. Train one into the server\'s models folder: ',
      el('code', {}, 'textclass train recipes/dailydialog-next-tuned.yaml --out models/dailydialog-next --data-dir ../shared/datasets'),
      '. It appears here without a restart; reload the page.',
    );
    updateButtons();
    return;
  }
  const previous = modelSelect.value;
  modelSelect.replaceChildren(...state.models.map((m) => el('option', { value: m.id }, m.name === m.id ? m.id : `${m.name} (${m.id})`)));
  const asked = new URLSearchParams(location.search).get('model');
  for (const wanted of [previous, asked]) if (wanted && state.models.some((m) => m.id === wanted)) modelSelect.value = wanted;
  modelSelect.disabled = false;
  updateButtons();
  void onModelChange();
}

function currentModel() {
  return state.models.find((m) => m.id === modelSelect.value) ?? null;
}

/** The note under the picker: what the model reads, and how it measured against the baselines. */
async function onModelChange() {
  const model = currentModel();
  const note = byId('dg-model-note');
  if (!model) return;
  const n = model.dialog?.context_turns ?? 0;
  const reads = `Reads the last turn${n > 0 ? ` and up to ${n} turn${n === 1 ? '' : 's'} before it` : ' only'}.`;
  note.textContent = reads;
  if (state.turns.length > 0) void forecast();
  try {
    const detail = /** @type {{metrics_full?: Record<string, unknown>}} */ (await requestJson(modelPath(model.id)));
    if (currentModel() !== model) return;
    const dev = /** @type {{n?: number, balanced_accuracy?: number} | null} */ (detail.metrics_full?.dev ?? null);
    const baselines = /** @type {Baselines | undefined} */ (detail.metrics_full?.dev_baselines);
    if (dev && typeof dev.balanced_accuracy === 'number') {
      const against = baselines ? ` (always “${baselines.majority_label}”: ${formatNumber(baselines.majority.balanced_accuracy, 3)}; guessing by frequency: ${formatNumber(baselines.stratified.balanced_accuracy, 3)})` : '';
      note.textContent = `${reads} On ${formatNumber(dev.n ?? 0)} held-out turns its balanced accuracy was ${formatNumber(dev.balanced_accuracy, 3)}${against}.`;
    }
  } catch {
    // The note stays at what the list said; a failing forecast shows its own error.
  }
}

// ---- the dialog ----

function renderChat() {
  const chat = byId('dg-chat');
  chat.replaceChildren(
    ...state.turns.map((text, i) => {
      const speaker = speakerOf(i);
      const read = state.usedFrom >= 0 && i >= state.usedFrom;
      return el('li', { class: `dg-turn dg-speaker-${speaker.toLowerCase()}${read ? ' dg-read' : ''}`, 'data-turn': i + 1 },
        el('span', { class: 'dg-who' }, `Speaker ${speaker}`),
        el('span', { class: 'dg-text', dir: 'auto' }, text),
        read ? el('span', { class: 'visually-hidden' }, ' (read by the model)') : null,
      );
    }),
  );
  byId('dg-empty').hidden = state.turns.length > 0;
  const next = state.turns.length;
  byId('dg-turn-label').textContent = `Turn ${next + 1} — Speaker ${speakerOf(next)}${state.editing ? ' (editing)' : ''}`;
  addButton.textContent = state.editing ? 'Put turn back' : 'Add turn';
  updateButtons();
}

function updateButtons() {
  const have = state.turns.length > 0;
  addButton.disabled = currentModel() === null;
  editButton.disabled = !have;
  removeButton.disabled = !have;
  resetButton.disabled = !have && turnBox.value === '';
}

/** Asks for the forecast after the current last turn; answers to older requests are dropped. */
async function forecast() {
  const model = currentModel();
  if (!model || state.turns.length === 0) {
    state.usedFrom = -1;
    byId('dg-result').hidden = true;
    byId('dg-status').textContent = '';
    renderChat();
    return;
  }
  const seq = ++state.seq;
  const turns = [...state.turns];
  byId('dg-status').textContent = 'Forecasting…';
  showAlert(errorBox, null);
  let answer;
  try {
    answer = /** @type {Forecast} */ (await requestJson('/v1/dialog/forecast', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: model.id, turns, top_k: 3 }),
    }));
  } catch (error) {
    if (seq !== state.seq) return;
    byId('dg-status').textContent = '';
    byId('dg-result').hidden = true;
    state.usedFrom = -1;
    renderChat();
    showError(error);
    return;
  }
  if (seq !== state.seq) return;
  byId('dg-status').textContent = '';
  state.usedFrom = turns.length - 1 - answer.context.turns_used;
  renderChat();
  renderForecast(answer, speakerOf(turns.length));
}

/** @param {Forecast} f @param {string} speaker who speaks next */
function renderForecast(f, speaker) {
  byId('dg-next-speaker').textContent = speaker;
  const top = f.distribution[0];
  byId('dg-verdict').replaceChildren(
    `Speaker ${speaker} will most likely answer with `,
    el('strong', { dir: 'auto' }, f.next),
    ` (${formatPercent(top.probability)})`,
    f.not_sure ? ' — but the model is not sure (below its trained cut-off).' : '.',
  );
  const rows = f.distribution.map(({ label, probability }, index) => {
    const fill = el('span', { class: 'bar-fill' });
    // Geometry through the CSSOM, not style attributes: the page's Content-Security-Policy allows it.
    fill.style.width = `${(Math.max(0, Math.min(1, probability)) * 100).toFixed(2)}%`;
    return el('li', { class: index === 0 ? 'bar-row chosen' : 'bar-row', 'data-label': label, 'aria-label': `${label}: ${formatPercent(probability)}` },
      el('span', { class: 'bar-label', dir: 'auto', title: label }, label),
      el('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
      el('span', { class: 'bar-value', 'aria-hidden': 'true' }, formatNumber(probability, 3)),
    );
  });
  byId('dg-bars').replaceChildren(...rows);
  const c = f.context;
  byId('dg-context-note').textContent = c.turns_used === 0
    ? `The model read only the last turn${c.context_turns > 0 ? ` (it reads up to ${c.context_turns} before it once there are more)` : ''}. Probabilities add up to 1.`
    : `The model read the last turn and the ${c.turns_used} before it (marked in the dialog); earlier turns do not change the forecast. Probabilities add up to 1.`;
  byId('dg-result').hidden = false;
  const runnersUp = f.distribution.slice(1, 3).map((d) => `${d.label} ${formatPercent(d.probability)}`).join(', ');
  byId('dg-announce').textContent = `Forecast for Speaker ${speaker}: ${f.next} ${formatPercent(top.probability)}${runnersUp ? `, then ${runnersUp}` : ''}.`;
}

function addTurn() {
  const text = turnBox.value.trim();
  if (text === '') {
    showAlert(errorBox, 'Type what the speaker says first: a turn cannot be empty.');
    turnBox.focus();
    return;
  }
  state.turns.push(text);
  state.editing = false;
  turnBox.value = '';
  renderChat();
  turnBox.focus();
  void forecast();
}

/** The last turn goes back into the box to be changed; the forecast follows the shorter dialog. */
function editLast() {
  const last = state.turns.pop();
  if (last === undefined) return;
  turnBox.value = last;
  state.editing = true;
  renderChat();
  turnBox.focus();
  turnBox.select();
  void forecast();
}

function removeLast() {
  if (state.turns.pop() === undefined) return;
  state.editing = false;
  renderChat();
  if (state.turns.length === 0) byId('dg-announce').textContent = 'Removed the last turn: the dialog is empty.';
  void forecast();
  turnBox.focus();
}

function startOver() {
  state.turns = [];
  state.editing = false;
  state.seq++;
  state.usedFrom = -1;
  turnBox.value = '';
  byId('dg-result').hidden = true;
  showAlert(errorBox, null);
  renderChat();
  byId('dg-status').textContent = '';
  byId('dg-announce').textContent = 'Started over: the dialog is empty.';
  turnBox.focus();
}

function wire() {
  byId('dg-form').addEventListener('submit', (event) => {
    event.preventDefault();
    addTurn();
  });
  editButton.addEventListener('click', editLast);
  removeButton.addEventListener('click', removeLast);
  resetButton.addEventListener('click', startOver);
  turnBox.addEventListener('input', updateButtons);
  modelSelect.addEventListener('change', () => void onModelChange());
  renderChat();
  void loadModels();
}

wire();
