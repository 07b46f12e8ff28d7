// The rating page (/app/rating): paste a review, get 1-10 stars from the model's learnt map next to
// the naive rule, with each one's measured error from the model's manifest. Speaks GET /v1/models,
// GET /v1/rating/models and POST /v1/rating/rate (docs/usecases/rating.md).
import { requestJson } from './api.js';
import { setUpKeyBox } from './key-box.js';
import { byId, el, formatNumber, showAlert } from './dom.js';

/** @typedef {import('./types.js').ModelSummary} ModelSummary */
/**
 * @typedef {{mae: number, spearman: number|null}} RatingScore
 * @typedef {{n: number, naive: RatingScore, learnt: RatingScore, score_spearman: number|null, by_method?: Record<string, RatingScore>}} RatingEvaluation
 * @typedef {{id: string, name: string, positive_label: string, method: string, naive_rule: string, fitted_on: string,
 *   fitted_rows: number, map: {cuts: number[], stars: number[]}, metrics: {dev?: RatingEvaluation, test?: RatingEvaluation}}} RatingModel
 * @typedef {{max_texts: number, max_text_chars: number, long_texts: 'refuse'|'window'}} Limits
 * @typedef {{stars: number, naive_stars: number, positive_probability: number, chars: number, windows: number}} Rated
 */

/** @type {{models: RatingModel[], limits: Limits | null, busy: boolean}} */
const state = { models: [], limits: null, busy: false };

const modelSelect = /** @type {HTMLSelectElement} */ (byId('rt-model'));
const textBox = /** @type {HTMLTextAreaElement} */ (byId('rt-text'));
const button = /** @type {HTMLButtonElement} */ (byId('rt-button'));
const errorBox = byId('rt-error');

// ---- the API key (stored by api.js; the same key the main page uses) ----

const { showError } = setUpKeyBox('rt', errorBox, () => void load());

// ---- models ----

async function load() {
  showAlert(errorBox, null);
  let listed;
  let rating;
  try {
    [listed, rating] = await Promise.all([requestJson('/v1/models'), requestJson('/v1/rating/models')]);
  } catch (error) {
    showError(error);
    return;
  }
  const served = /** @type {{models: ModelSummary[]}} */ (listed).models;
  const answer = /** @type {{models: RatingModel[], limits: Limits}} */ (rating);
  state.limits = answer.limits;
  // The served models, in the server's order, that carry a learnt rating map.
  state.models = served.map((m) => answer.models.find((r) => r.id === m.id)).filter((r) => r !== undefined);
  if (state.models.length === 0) {
    modelSelect.replaceChildren(el('option', { value: '' }, 'No rating model'));
    modelSelect.disabled = true;
    button.disabled = true;
    byId('rt-model-note').replaceChildren('No loaded model has a learnt rating map. Train one into the server\'s models folder: ', el('code', {}, 'textclass train recipes/imdb-rating.yaml --out models/imdb-rating --data-dir ../shared/datasets'), '. It appears here without a restart; reload the page.');
    return;
  }
  modelSelect.replaceChildren(...state.models.map((m) => el('option', { value: m.id }, `${m.name} (${m.method})`)));
  const asked = new URLSearchParams(location.search).get('model');
  if (asked && state.models.some((m) => m.id === asked)) modelSelect.value = asked;
  modelSelect.disabled = false;
  button.disabled = false;
  onModelChange();
  onTextChange();
}

function currentModel() {
  return state.models.find((m) => m.id === modelSelect.value) ?? null;
}

/** Dev metrics when the model was measured on dev, else test. @param {RatingModel} model */
function measured(model) {
  if (model.metrics.dev) return { where: 'dev', evaluation: model.metrics.dev };
  if (model.metrics.test) return { where: 'test', evaluation: model.metrics.test };
  return null;
}

function onModelChange() {
  const model = currentModel();
  byId('rt-result').hidden = true;
  if (!model) return;
  const m = measured(model);
  byId('rt-model-note').textContent = `Learnt map: ${model.method}, fitted on ${formatNumber(model.fitted_rows)} out-of-fold training scores. `
    + (m ? `On ${formatNumber(m.evaluation.n)} held-out ${m.where} reviews its mean error was ${formatNumber(m.evaluation.learnt.mae, 2)} stars, the naive rule's ${formatNumber(m.evaluation.naive.mae, 2)}.` : 'It was not measured (the recipe held out no dev or test reviews).');
  renderMap(model);
}

/** The map as a table: which probabilities give which stars. @param {RatingModel} model */
function renderMap(model) {
  const { cuts, stars } = model.map;
  const rows = stars.map((s, j) => el('tr', {},
    el('th', { scope: 'row' }, `${s} ★`),
    el('td', { class: 'num' }, formatNumber(j === 0 ? 0 : cuts[j - 1], 3)),
    el('td', { class: 'num' }, formatNumber(j === cuts.length ? 1 : cuts[j], 3)),
  ));
  byId('rt-map').replaceChildren(el('table', {},
    el('caption', {}, `The learnt map of ${model.name}: P(`, el('bdi', {}, model.positive_label), ') from … to … gives'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Stars'), el('th', { scope: 'col' }, 'from'), el('th', { scope: 'col' }, 'below'))),
    el('tbody', {}, ...rows),
  ));
}

/** Says, before sending, what the server will do with a review longer than it reads at once. */
function onTextChange() {
  const limits = state.limits;
  const n = textBox.value.length;
  const long = byId('rt-long');
  if (!limits) return;
  byId('rt-length').textContent = `${formatNumber(n)} characters; this server reads up to ${formatNumber(limits.max_text_chars)} at once.`;
  if (n <= limits.max_text_chars) {
    long.hidden = true;
    long.textContent = '';
    return;
  }
  long.textContent = limits.long_texts === 'window'
    ? `This review is longer than ${formatNumber(limits.max_text_chars)} characters: the server will score it as overlapping windows of that length and average their probabilities, so every part of it counts.`
    : `This review is longer than ${formatNumber(limits.max_text_chars)} characters and this server refuses longer texts. Shorten it, or start the server with --long-texts window (scores long reviews as overlapping windows) or a larger --max-text-chars.`;
  long.hidden = false;
}

// ---- rating ----

async function rate() {
  const model = currentModel();
  if (!model || state.busy) return;
  const text = textBox.value;
  if (text.trim() === '') {
    showAlert(errorBox, 'Paste a review first.');
    textBox.focus();
    return;
  }
  showAlert(errorBox, null);
  state.busy = true;
  button.disabled = true;
  byId('rt-status').textContent = 'Rating…';
  try {
    const answer = /** @type {{model: string, method: string, results: Rated[]}} */ (await requestJson('/v1/rating/rate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: model.id, texts: [text] }),
    }));
    render(model, answer.results[0]);
    byId('rt-status').textContent = '';
  } catch (error) {
    byId('rt-status').textContent = '';
    byId('rt-announce').textContent = 'The review could not be rated.';
    showError(error);
  } finally {
    state.busy = false;
    button.disabled = false;
  }
}

/** @param {RatingModel} model @param {Rated} r */
function render(model, r) {
  const stars = el('span', { class: 'stars', 'aria-hidden': 'true' });
  for (let i = 1; i <= 10; i++) stars.append(el('span', { class: i <= r.stars ? 'on' : null }, '★'));
  byId('rt-stars').replaceChildren(
    el('span', { class: 'rating', role: 'img', 'aria-label': `Rating: ${r.stars} out of 10 stars`, 'data-rating': r.stars }, stars),
    el('span', { class: 'stars-number', 'aria-hidden': 'true' }, String(r.stars), el('small', {}, ' / 10')),
    el('span', { class: 'hint' }, `learnt map (${model.method})`),
  );
  byId('rt-probability').replaceChildren('P(', el('bdi', {}, model.positive_label), `) = ${formatNumber(r.positive_probability, 3)}`);
  const windows = byId('rt-windows');
  windows.hidden = r.windows <= 1;
  windows.textContent = r.windows > 1
    ? `This review has ${formatNumber(r.chars)} characters, more than the server reads at once (${formatNumber(state.limits?.max_text_chars ?? NaN)}): it was scored as ${r.windows} overlapping windows whose probabilities were averaged. The map was learnt on whole reviews, so treat these stars as a little less certain.`
    : '';
  const m = measured(model);
  const learntBetter = m !== null && m.evaluation.learnt.mae < m.evaluation.naive.mae;
  const row = (/** @type {string} */ name, /** @type {number} */ s, /** @type {RatingScore | undefined} */ score, /** @type {string} */ key, /** @type {boolean} */ better) =>
    el('tr', { 'data-rule': key, class: better ? 'rt-better' : null },
      el('th', { scope: 'row' }, name),
      el('td', { class: 'num', 'data-stars': s }, `${s} / 10`),
      el('td', { class: 'num' }, score ? `${formatNumber(score.mae, 3)} stars` : '—'),
      el('td', { class: 'num' }, score ? formatNumber(score.spearman ?? NaN, 3) : '—'),
    );
  byId('rt-compare-body').replaceChildren(
    row(`Learnt map (${model.method})`, r.stars, m?.evaluation.learnt, 'learnt', learntBetter),
    row('Naive rule: round(10 × p)', r.naive_stars, m?.evaluation.naive, 'naive', m !== null && !learntBetter),
  );
  byId('rt-compare-caption').textContent = m
    ? `Naive rule and learnt map side by side; errors measured on ${formatNumber(m.evaluation.n)} held-out ${m.where} reviews (from the model's manifest)`
    : 'Naive rule and learnt map side by side (the model was not measured on held-out reviews)';
  byId('rt-compare-note').textContent = m
    ? `Mean absolute error: how many stars off a rating was on average (lower is better). Spearman ρ: how well the ratings order the reviews (higher is better; the probability itself reaches ${formatNumber(m.evaluation.score_spearman ?? NaN, 3)}).`
    : '';
  byId('rt-result').hidden = false;
  byId('rt-announce').textContent = `Rating: ${r.stars} out of 10 stars from the learnt map; the naive rule gives ${r.naive_stars}. Probability positive ${formatNumber(r.positive_probability, 2)}.${r.windows > 1 ? ` The review was scored as ${r.windows} windows.` : ''}`;
}

modelSelect.addEventListener('change', onModelChange);
textBox.addEventListener('input', onTextChange);
textBox.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    void rate();
  }
});
byId('rt-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void rate();
});
void load();
