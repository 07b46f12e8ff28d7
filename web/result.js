// A prediction on screen: the verdict ("not sure" included), the star rating of sentiment
// models, one bar per label with thresholds, the text with its tokens highlighted by
// contribution, and the form that sends a corrected label back as feedback.
import { explainError, requestJson } from './api.js';
import { byId, el, formatNumber } from './dom.js';
import { highlightClass, learntRating, sentimentPositiveLabel, starRating, strongestTokens, usableSpans } from './scoring.js';

/** @typedef {import('./types.js').ModelSummary} ModelSummary */
/** @typedef {import('./types.js').PredictResult} PredictResult */
/** @typedef {import('./types.js').TokenContribution} TokenContribution */

/** How many tokens the "pushed towards / against" lists show. */
const DRIVERS_SHOWN = 5;

/** With more labels than this (plus two), the lower bars fold behind a "show all" button. */
const BARS_SHOWN = 10;

/**
 * @param {ModelSummary} model
 * @param {string} text
 * @param {PredictResult} result
 */
export function renderResult(model, text, result) {
  const chosen = new Set(Array.isArray(result.labels) ? result.labels : []);
  const ranked = Object.entries(result.scores)
    .filter(([, score]) => typeof score === 'number')
    .sort((a, b) => b[1] - a[1]);
  const notSure = result.not_sure === true || chosen.size === 0;

  // The verdict: chosen labels, or "not sure" with the best guess.
  const verdict = byId('verdict');
  if (notSure) {
    const [topLabel, topScore] = ranked[0] ?? ['—', NaN];
    verdict.replaceChildren(
      el('span', { class: 'chip unsure' }, 'Not sure'),
      el('span', { class: 'hint' }, 'best guess ', el('bdi', {}, topLabel), ` (${formatNumber(topScore, 3)})`, ' is below the model’s confidence cut-off'),
    );
  } else {
    verdict.replaceChildren(
      el('span', { class: 'status' }, chosen.size > 1 ? 'Labels' : 'Label'),
      ...[...chosen].map((label) => el('span', { class: 'chip chosen', dir: 'auto' }, label, ` ${formatNumber(result.scores[label], 2)}`)),
    );
  }

  const rating = renderStars(model, result);
  renderBars(model, ranked, chosen);
  renderExplanation(text, result, ranked[0]?.[0]);
  renderFeedbackForm(model, text, [...chosen]);
  byId('result').hidden = false;
  // One short sentence for screen readers; the bars and highlights are there to explore.
  const said = notSure
    ? `Not sure. Best guess ${ranked[0]?.[0] ?? ''}, ${formatNumber(ranked[0]?.[1] ?? NaN, 2)}.`
    : `${[...chosen].map((l) => `${l}, ${formatNumber(result.scores[l], 2)}`).join('; ')}.`;
  byId('result-announce').textContent = `Result: ${said}${rating === null ? '' : ` ${rating} out of 10 stars.`}`;
}

/** @param {ModelSummary} model @param {PredictResult} result @returns {number | null} the rating shown */
function renderStars(model, result) {
  const block = byId('stars');
  // A model with a learnt rating map (docs/usecases/rating.md) sends its stars; others get round(1 + 9p).
  const learnt = learntRating(/** @type {{rating?: unknown}} */ (result).rating);
  const positive = sentimentPositiveLabel(model) ?? (learnt && model.labels.length === 2 ? model.labels[1] : null);
  const p = learnt ? learnt.positive_probability : positive === null ? undefined : result.scores[positive];
  if (typeof p !== 'number') {
    block.hidden = true;
    block.replaceChildren();
    return null;
  }
  const rating = learnt ? learnt.stars : starRating(p);
  const stars = el('span', { class: 'stars', 'aria-hidden': 'true' });
  for (let i = 1; i <= 10; i++) stars.append(el('span', { class: i <= rating ? 'on' : null }, '★'));
  block.replaceChildren(
    el('span', { class: 'rating', role: 'img', 'aria-label': `Rating: ${rating} out of 10 stars`, 'data-rating': rating }, stars),
    el('span', { class: 'stars-number', 'aria-hidden': 'true' }, String(rating), el('small', {}, ' / 10')),
    el('span', { class: 'hint' }, `${learnt ? 'learnt from star-rated reviews, ' : ''}from P(`, el('bdi', {}, positive ?? ''), `) = ${formatNumber(p, 3)}`, learnt ? ` (naive rule: ${learnt.naive_stars})` : ''),
  );
  block.hidden = false;
  return rating;
}

/**
 * One bar per label, best first; chosen labels are filled in the accent colour and ticked, and
 * the model's threshold (multilabel) or "not sure" cut-off (single-label) is drawn as a line.
 * @param {ModelSummary} model
 * @param {Array<[string, number]>} ranked
 * @param {Set<string>} chosen
 */
function renderBars(model, ranked, chosen) {
  const decision = model.decision;
  const thresholds = decision?.kind === 'thresholds' && Array.isArray(decision.thresholds) ? decision.thresholds : null;
  const abstain = decision?.kind === 'argmax' && typeof decision.abstainBelow === 'number' ? decision.abstainBelow : null;
  const rows = ranked.map(([label, score], index) => {
    const i = model.labels.indexOf(label);
    const threshold = thresholds && i >= 0 ? thresholds[i] : index === 0 ? abstain : null;
    const width = Math.max(0, Math.min(1, score)) * 100;
    // Geometry through the CSSOM, not style attributes: a strict Content-Security-Policy allows it.
    const fill = el('span', { class: 'bar-fill' });
    fill.style.width = `${width.toFixed(2)}%`;
    const track = el('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill);
    if (typeof threshold === 'number') {
      const line = el('span', {
        class: 'bar-threshold',
        title: thresholds ? `threshold ${formatNumber(threshold, 3)}` : `not sure below ${formatNumber(threshold, 3)}`,
      });
      line.style.left = `${(Math.max(0, Math.min(1, threshold)) * 100).toFixed(2)}%`;
      track.append(line);
    }
    const isChosen = chosen.has(label);
    const spoken = `${label}: ${formatNumber(score, 3)}${isChosen ? ', chosen' : ''}${typeof threshold === 'number' ? `, ${thresholds ? 'threshold' : 'cut-off'} ${formatNumber(threshold, 3)}` : ''}`;
    return el('li', { class: isChosen ? 'bar-row chosen' : 'bar-row', 'data-label': label, 'aria-label': spoken },
      el('span', { class: 'bar-label', dir: 'auto', title: label }, label),
      track,
      el('span', { class: 'bar-value' }, formatNumber(score, 3)),
    );
  });
  // Many labels: the best few (and every chosen one) first, the rest one click away.
  const list = byId('bars');
  list.replaceChildren(...rows);
  const hidden = rows.filter((row, index) => index >= BARS_SHOWN && !row.classList.contains('chosen'));
  if (rows.length > BARS_SHOWN + 2 && hidden.length > 0) {
    for (const row of hidden) row.hidden = true;
    const more = el('button', { type: 'button', class: 'quiet show-all', 'aria-expanded': 'false', 'aria-controls': 'bars' }, `Show all ${rows.length} labels`);
    more.addEventListener('click', () => {
      const expand = more.getAttribute('aria-expanded') !== 'true';
      for (const row of hidden) row.hidden = !expand;
      more.setAttribute('aria-expanded', String(expand));
      more.textContent = expand ? `Show the top ${rows.length - hidden.length} only` : `Show all ${rows.length} labels`;
    });
    list.append(el('li', { class: 'bar-more' }, more));
  }
  const note = byId('bars-note');
  if (thresholds) note.textContent = 'The black line on each bar is that label’s threshold: a label is chosen when its bar reaches it.';
  else if (abstain !== null) note.textContent = `The line on the top bar is the “not sure” cut-off (${formatNumber(abstain, 3)}).`;
  else note.textContent = model.task === 'multilabel' ? '' : 'Probabilities add up to 1; the highest is chosen.';
}

/**
 * The text with each token's background showing its contribution to the explained label
 * (the first chosen label, or the top one): bluish green towards it, vermillion against it.
 * @param {string} text
 * @param {PredictResult} result
 * @param {string | undefined} topLabel
 */
function renderExplanation(text, result, topLabel) {
  const section = byId('explanation');
  const tokens = Array.isArray(result.tokens) ? result.tokens : [];
  if (tokens.length === 0) {
    section.hidden = true;
    return;
  }
  const label = result.labels?.[0] ?? topLabel ?? '';
  byId('explain-title').replaceChildren('Why ', el('bdi', {}, label), ': each word’s contribution');
  const spans = usableSpans(text, tokens);
  const strongest = spans.reduce((m, s) => Math.max(m, Math.abs(s.contribution)), 0);
  const container = byId('explained-text');
  /** @type {Array<Node | string>} */
  const parts = [];
  let at = 0;
  for (const span of spans) {
    const cls = highlightClass(span.contribution, strongest);
    if (!cls) continue;
    if (span.start > at) parts.push(text.slice(at, span.start));
    const value = `${span.contribution > 0 ? '+' : '−'}${Math.abs(span.contribution).toFixed(3)}`;
    parts.push(el('mark', {
      class: cls,
      title: `${value} ${span.contribution > 0 ? 'towards' : 'against'} ${label}`,
      'data-contribution': span.contribution,
    }, text.slice(span.start, span.end)));
    at = span.end;
  }
  if (at < text.length) parts.push(text.slice(at));
  container.replaceChildren(...parts);
  renderDrivers(tokens, label);
  section.hidden = false;
}

/** The strongest tokens for and against, as lists a screen reader and a keyboard user can read. @param {TokenContribution[]} tokens @param {string} label */
function renderDrivers(tokens, label) {
  const { towards, against } = strongestTokens(tokens, DRIVERS_SHOWN);
  /** @param {string} title @param {Array<[string, number]>} items @param {string} cls */
  const list = (title, items, cls) => el('div', { class: cls },
    el('h4', {}, title, ' ', el('bdi', {}, label)),
    items.length === 0
      ? el('p', { class: 'hint' }, 'none')
      : el('ol', {}, ...items.map(([word, c]) => el('li', {}, el('bdi', {}, word), el('span', { class: 'num' }, `${c > 0 ? '+' : '−'}${Math.abs(c).toFixed(3)}`)))),
  );
  byId('drivers').replaceChildren(list('Pushed towards', towards, 'towards'), list('Pushed against', against, 'against'));
}

/** @type {{model: string, text: string, predicted: string[]} | null} */
let feedbackFor = null;

/** One radio button per label (checkboxes for multilabel), the prediction preselected. @param {ModelSummary} model @param {string} text @param {string[]} predicted */
function renderFeedbackForm(model, text, predicted) {
  feedbackFor = { model: model.id, text, predicted };
  const multi = model.task === 'multilabel';
  byId('feedback-choices').replaceChildren(...model.labels.map((label) => el('label', { dir: 'auto' },
    el('input', { type: multi ? 'checkbox' : 'radio', name: 'feedback-label', value: label, checked: predicted.includes(label) }),
    label,
  )));
  byId('feedback-status').textContent = '';
  /** @type {HTMLDetailsElement} */ (byId('feedback')).open = false;
}

export function setUpFeedback() {
  byId('feedback-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void sendFeedback();
  });
}

async function sendFeedback() {
  const status = byId('feedback-status');
  if (!feedbackFor) return;
  const labels = [...byId('feedback-choices').querySelectorAll('input:checked')].map((input) => /** @type {HTMLInputElement} */ (input).value);
  if (labels.length === 0) {
    status.textContent = 'Choose the right label first.';
    return;
  }
  status.textContent = 'Sending…';
  try {
    await requestJson('/v1/feedback', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: feedbackFor.model, text: feedbackFor.text, labels, predicted: feedbackFor.predicted }),
    });
    status.textContent = 'Thank you: saved for the next training run.';
  } catch (error) {
    status.textContent = explainError(error);
  }
}
