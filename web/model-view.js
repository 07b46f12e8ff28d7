// The chosen model on screen: the summary beside the work area (task, labels, headline dev
// metrics) and the details section (decision rule, calibration, metric tables, model card,
// training facts, recipe and the model's HTML report).
import { apiKey, explainError, modelPath, request } from './api.js';
import { byId, el, formatNumber, formatPercent, metricName } from './dom.js';

/** @typedef {import('./types.js').ModelSummary} ModelSummary */
/** @typedef {import('./types.js').ModelDetail} ModelDetail */
/** @typedef {import('./types.js').Decision} Decision */

/** Metrics shown first on the summary cards, when the model has them. */
const HEADLINE_ORDER = ['accuracy', 'macro_f1', 'micro_f1', 'samples_f1', 'balanced_accuracy', 'roc_auc', 'weighted_f1'];
/** How many metric cards the summary shows; the details section has them all. */
const HEADLINE_CARDS = 4;

/** @param {ModelSummary | null} model */
export function renderSummary(model) {
  byId('summary-title').textContent = model ? model.name || model.id : 'No model';
  byId('summary-description').textContent = '';
  const meta = byId('summary-meta');
  const labels = byId('summary-labels');
  const cards = byId('summary-metrics');
  if (!model) {
    meta.replaceChildren();
    labels.replaceChildren();
    cards.replaceChildren();
    return;
  }
  /** @param {string} term @param {string} value */
  const item = (term, value) => el('div', {}, el('dt', {}, term), el('dd', { dir: 'auto' }, value));
  meta.replaceChildren(
    item('id', model.id),
    item('task', model.task),
    item('model type', model.model_type),
    item('labels', String(model.labels.length)),
  );
  labels.replaceChildren(...model.labels.map((label) => el('span', { class: 'chip', dir: 'auto', title: label }, label)));
  cards.replaceChildren(...headlineMetrics(model.metrics ?? {}).map(([key, value]) =>
    el('div', { class: 'card' }, el('div', { class: 'k' }, `dev ${metricName(key)}`), el('div', { class: 'v' }, formatNumber(value))),
  ));
}

/** @param {Record<string, number>} metrics */
function headlineMetrics(metrics) {
  const numeric = Object.entries(metrics).filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
  const ranked = [
    ...HEADLINE_ORDER.flatMap((key) => numeric.filter(([k]) => k === key)),
    ...numeric.filter(([k]) => !HEADLINE_ORDER.includes(k) && k !== 'n'),
  ];
  return ranked.slice(0, HEADLINE_CARDS);
}

/**
 * The model section: decision rule, calibration, metrics per split, per-label tables, the
 * model card, the recipe and the embedded HTML report.
 * @param {ModelDetail} detail
 * @returns {Node[]}
 */
export function renderDetails(detail) {
  const nodes = [];
  nodes.push(el('h3', {}, 'Decision rule'), el('p', { class: 'decision' }, describeDecision(detail.decision)));
  const thresholdTable = thresholdsTable(detail);
  if (thresholdTable) nodes.push(thresholdTable);
  nodes.push(el('h3', {}, 'Calibration'), el('p', { class: 'decision' }, describeCalibration(detail.calibration)));

  const splits = metricSplits(detail.metrics_full ?? {});
  if (splits.length > 0) {
    // The headline table beside the first split's per-label table; other splits fold away.
    const [first, ...others] = splits;
    const firstPerClass = perClassTable(first[0], first[1]);
    nodes.push(el('h3', {}, 'Metrics'), el('div', { class: 'tables' }, metricsTable(splits), firstPerClass));
    for (const [split, metrics] of others) {
      const perClass = perClassTable(split, metrics);
      if (perClass) nodes.push(el('details', { class: 'more' }, el('summary', {}, `Per label on ${split.replace(/_/g, ' ')}`), perClass));
    }
  } else {
    nodes.push(el('h3', {}, 'Metrics'), el('p', { class: 'hint' }, 'This model was trained without dev or test data, so it has no metrics.'));
  }

  if (detail.card) nodes.push(el('h3', {}, 'Model card'), renderMarkdown(detail.card));
  const training = trainingFacts(detail.training);
  if (training) nodes.push(el('h3', {}, 'Training'), training);
  if (detail.recipe && typeof detail.recipe === 'object') {
    nodes.push(el('details', { class: 'more' }, el('summary', {}, 'Recipe'), keyValueTable(detail.recipe, 'Recipe fields')));
  }
  nodes.push(el('h3', {}, 'Evaluation report'));
  nodes.push(...reportEmbed(detail));
  return nodes;
}

/** @param {Decision} decision */
function describeDecision(decision) {
  if (!decision || typeof decision !== 'object') return 'Unknown.';
  if (decision.kind === 'argmax') {
    let text = 'The label with the highest probability.';
    if (typeof decision.abstainBelow === 'number') {
      text += ` The model answers “not sure” when that probability is below ${formatNumber(decision.abstainBelow, 3)}`;
      text += typeof decision.abstainTarget === 'number' ? `, a cut-off tuned for ${formatPercent(decision.abstainTarget)} accuracy on the texts it answers.` : '.';
    }
    return text;
  }
  if (decision.kind === 'thresholds') {
    const parts = ['Every label whose probability reaches its threshold; a text where none does gets its single most likely label.'];
    const tuned = decision.tunedOn && decision.tunedOn !== 'none'
      ? `Thresholds tuned on ${decision.tunedOn === 'cv' ? 'cross-validated training scores' : 'dev'}${decision.metric ? ` for ${metricName(decision.metric)}` : ''}${decision.scope ? ` (${decision.scope.replace('_', ' ')})` : ''}.`
      : 'Thresholds were not tuned.';
    parts.push(tuned);
    if (typeof decision.topK === 'number') parts.push(`At most ${decision.topK} labels per text.`);
    return parts.join(' ');
  }
  return `Decision rule “${String(/** @type {{kind?: unknown}} */ (decision).kind)}”.`;
}

/** @param {ModelDetail} detail */
function thresholdsTable(detail) {
  const decision = detail.decision;
  if (!decision || decision.kind !== 'thresholds' || !Array.isArray(decision.thresholds)) return null;
  const rows = detail.labels.map((label, i) => el('tr', {}, el('th', { scope: 'row', dir: 'auto' }, label), el('td', { class: 'num' }, formatNumber(decision.thresholds[i], 3))));
  const table = el('table', {}, el('caption', {}, 'Threshold per label'), el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'label'), el('th', { scope: 'col', class: 'num' }, 'threshold'))), el('tbody', {}, ...rows));
  return el('details', { class: 'more' }, el('summary', {}, `Thresholds of the ${detail.labels.length} labels`), el('div', { class: 'table-wrap' }, table));
}

/** @param {ModelSummary['calibration']} calibration */
function describeCalibration(calibration) {
  if (calibration === 'temperature') return 'Probabilities are calibrated with temperature scaling fitted on held-out data.';
  if (calibration === 'isotonic') return 'Probabilities are calibrated with isotonic regression fitted on held-out data.';
  return 'None: probabilities are the model’s own.';
}

/**
 * The splits of `metrics_full` that carry metrics (dev, test, …), as [name, metrics] pairs.
 * @param {Record<string, unknown>} full
 * @returns {Array<[string, Record<string, unknown>]>}
 */
function metricSplits(full) {
  /** @type {Array<[string, Record<string, unknown>]>} */
  const splits = [];
  for (const [name, value] of Object.entries(full)) {
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).some((v) => typeof v === 'number')) {
      splits.push([name, /** @type {Record<string, unknown>} */ (value)]);
    }
  }
  return splits;
}

/** One row per metric, one column per split. @param {Array<[string, Record<string, unknown>]>} splits */
function metricsTable(splits) {
  /** @type {string[]} */
  const names = [];
  for (const [, metrics] of splits) {
    for (const [key, value] of Object.entries(metrics)) if (typeof value === 'number' && !names.includes(key)) names.push(key);
  }
  // Rows first, then the headline metrics in their usual order, then the rest as given.
  names.sort((a, b) => rank(a) - rank(b));
  const head = el('tr', {}, el('th', { scope: 'col' }, 'metric'), ...splits.map(([split]) => el('th', { scope: 'col', class: 'num' }, split.replace(/_/g, ' '))));
  const rows = names.map((key) => el('tr', {},
    el('th', { scope: 'row' }, key === 'n' ? 'rows' : metricName(key)),
    ...splits.map(([, metrics]) => el('td', { class: 'num' }, typeof metrics[key] === 'number' ? formatNumber(/** @type {number} */ (metrics[key])) : '—')),
  ));
  return el('div', { class: 'table-wrap' }, el('table', { class: 'metrics-table' }, el('caption', {}, 'Headline metrics'), el('thead', {}, head), el('tbody', {}, ...rows)));
}

/** @param {string} key */
function rank(key) {
  if (key === 'n') return -1;
  const i = HEADLINE_ORDER.indexOf(key);
  return i >= 0 ? i : HEADLINE_ORDER.length;
}

/** @param {string} split @param {Record<string, unknown>} metrics */
function perClassTable(split, metrics) {
  const perClass = metrics.per_class;
  if (!perClass || typeof perClass !== 'object') return null;
  const columns = ['precision', 'recall', 'f1', 'support'];
  const rows = Object.entries(perClass).map(([label, values]) => el('tr', {},
    el('th', { scope: 'row', dir: 'auto' }, label),
    ...columns.map((c) => el('td', { class: 'num' }, values && typeof values[c] === 'number' ? (c === 'support' ? formatNumber(values[c], 0) : formatNumber(values[c], 3)) : '—')),
  ));
  return el('div', { class: 'table-wrap' }, el('table', { class: 'per-label' },
    el('caption', {}, `Per label on ${split}`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'label'), ...columns.map((c) => el('th', { scope: 'col', class: 'num' }, c === 'f1' ? 'F1' : c)))),
    el('tbody', {}, ...rows),
  ));
}

/** Plain numbers and strings of `training` (rows, seconds, …); curves are left to the report. @param {unknown} training */
function trainingFacts(training) {
  if (!training || typeof training !== 'object') return null;
  const items = Object.entries(training).filter(([, v]) => typeof v === 'number' || typeof v === 'string');
  if (items.length === 0) return null;
  return el('dl', { class: 'meta' }, ...items.map(([k, v]) => el('div', {}, el('dt', {}, k.replace(/_/g, ' ')), el('dd', { dir: 'auto' }, typeof v === 'number' ? formatNumber(v, 3) : v))));
}

/** @param {Record<string, unknown>} object @param {string} caption */
function keyValueTable(object, caption) {
  const rows = Object.entries(object).map(([key, value]) => el('tr', {},
    el('th', { scope: 'row' }, key),
    el('td', { dir: 'auto' }, typeof value === 'string' ? value : JSON.stringify(value)),
  ));
  return el('div', { class: 'table-wrap' }, el('table', {}, el('caption', {}, caption), el('tbody', {}, ...rows)));
}

/**
 * The few Markdown constructs a model card uses (headings, bullet lists, paragraphs, **bold**,
 * `code`), built as DOM nodes; anything else stays literal text.
 * @param {string} markdown
 */
function renderMarkdown(markdown) {
  const root = el('div', { class: 'card-text', dir: 'auto' });
  /** @type {HTMLElement | null} */
  let list = null;
  /** @type {string[]} */
  let paragraph = [];
  const flush = () => {
    if (paragraph.length > 0) root.append(el('p', {}, ...inlineMarkdown(paragraph.join(' '))));
    paragraph = [];
  };
  const lines = String(markdown).split(/\r?\n/);
  // The card opens with the model's name as its title; the page shows that already.
  if (/^#\s/.test(lines[0] ?? '')) lines.shift();
  for (const raw of lines) {
    const line = raw.trim();
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    const bullet = /^[-*]\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      list = null;
      root.append(el('h4', {}, ...inlineMarkdown(heading[1])));
    } else if (bullet) {
      flush();
      if (!list) root.append((list = el('ul')));
      list.append(el('li', {}, ...inlineMarkdown(bullet[1])));
    } else if (line === '') {
      flush();
      list = null;
    } else {
      list = null;
      paragraph.push(line);
    }
  }
  flush();
  return root;
}

/** @param {string} text @returns {Array<Node | string>} */
function inlineMarkdown(text) {
  /** @type {Array<Node | string>} */
  const out = [];
  const pattern = /\*\*([^*]+)\*\*|`([^`]+)`/g;
  let last = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(m[1] !== undefined ? el('strong', {}, m[1]) : el('code', {}, m[2]));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/**
 * The model's HTML report in a sandboxed frame. Without a key the frame loads the report's own
 * URL (its PNG buttons work). A frame cannot send a key, so with one the page fetches the report
 * and shows a copy: the copy runs under this page's Content-Security-Policy, which refuses inline
 * scripts, so its scripts and PNG buttons are taken out first (the charts are inline SVG and need
 * none) and the full report is offered as a download instead.
 * @param {ModelDetail} detail
 * @returns {Node[]}
 */
function reportEmbed(detail) {
  if (!detail.has_report) {
    return [el('p', { class: 'hint' }, 'This model has no HTML report yet. Make one with ', el('code', {}, `textclass report models/${detail.id} --out models/${detail.id}/report.html`), '.')];
  }
  const url = `${modelPath(detail.id)}/report`;
  const title = `Evaluation report of ${detail.name || detail.id}`;
  const note = el('p', { class: 'hint' });
  if (!apiKey()) {
    const frame = el('iframe', { class: 'report-frame', title, src: url, sandbox: 'allow-scripts allow-downloads allow-popups' });
    note.append(el('a', { href: url, target: '_blank', rel: 'noopener' }, 'Open the report in a new tab'), ' — every chart has a PNG button for slides.');
    return [note, frame];
  }
  const frame = /** @type {HTMLIFrameElement} */ (el('iframe', { class: 'report-frame', title, sandbox: '' }));
  note.textContent = 'Loading the report…';
  request(url).then((r) => r.text()).then(
    (html) => {
      const copy = new DOMParser().parseFromString(html, 'text/html'); // inert: nothing in it runs
      for (const node of copy.querySelectorAll('script, .chart-tools')) node.remove();
      frame.srcdoc = `<!doctype html>${copy.documentElement.outerHTML}`;
      const file = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
      note.replaceChildren(el('a', { href: file, download: `${detail.id}-report.html` }, 'Download the report'), ' to use its PNG buttons.');
    },
    (error) => {
      note.textContent = explainError(error);
      frame.hidden = true;
    },
  );
  return [note, frame];
}
