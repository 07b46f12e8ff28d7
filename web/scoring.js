// Pure functions behind what the result shows (no DOM, so Node can test them too): which
// binary models get stars and how many, which token spans are highlighted and how strongly.

/** @typedef {import('./types.js').ModelSummary} ModelSummary */
/** @typedef {import('./types.js').TokenContribution} TokenContribution */

/** Token highlight intensity steps; style.css defines mark.tp1…tp5 and tn1…tn5. */
export const HIGHLIGHT_LEVELS = 5;
/** Contributions below this share of the text's strongest one stay unmarked (noise). */
const MIN_RELATIVE_CONTRIBUTION = 0.06;

/**
 * The label whose probability reads as "positive" in a binary sentiment model, or null when the
 * model is not one. Training stores the positive class second unless told otherwise, so a
 * binary model whose labels do not say which is positive uses the second.
 * @param {ModelSummary} model
 */
export function sentimentPositiveLabel(model) {
  if (model.task !== 'binary' || model.labels.length !== 2) return null;
  const named = model.labels.find((l) => /^(pos|positive|good|happy|1|yes|true)$/i.test(l.trim()));
  const negativeNamed = model.labels.some((l) => /^(neg|negative|bad|unhappy|0|no|false)$/i.test(l.trim()));
  const aboutSentiment = /sentiment|review|polarity|opinion|imdb/i.test(`${model.id} ${model.name}`);
  if (named && (negativeNamed || aboutSentiment)) return named;
  if (aboutSentiment) return model.labels[1];
  return null;
}

/** Stars 1–10 from the positive probability p: round(1 + 9p). @param {number} p */
export function starRating(p) {
  return Math.min(10, Math.max(1, Math.round(1 + 9 * p)));
}

/**
 * The learnt rating the server sends for models trained with a rating map (the `rating` field of
 * a predict result, docs/usecases/rating.md), or null when the result has none or it is malformed.
 * @param {unknown} rating
 * @returns {{stars: number, naive_stars: number, positive_probability: number} | null}
 */
export function learntRating(rating) {
  if (rating === null || typeof rating !== 'object') return null;
  const r = /** @type {Record<string, unknown>} */ (rating);
  const whole = (/** @type {unknown} */ v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 10;
  if (!whole(r.stars) || !whole(r.naive_stars) || typeof r.positive_probability !== 'number') return null;
  return { stars: /** @type {number} */ (r.stars), naive_stars: /** @type {number} */ (r.naive_stars), positive_probability: r.positive_probability };
}

/**
 * Token spans that can be drawn: inside the text, not splitting a surrogate pair, not
 * overlapping (where tokens overlap the stronger one wins), in text order.
 * @param {string} text
 * @param {TokenContribution[]} tokens
 * @returns {Array<{start: number, end: number, contribution: number}>}
 */
export function usableSpans(text, tokens) {
  const candidates = [];
  for (const t of tokens) {
    if (!t || !Number.isFinite(t.start) || !Number.isFinite(t.end) || !Number.isFinite(t.contribution) || t.contribution === 0) continue;
    const start = snapToCodePoint(text, Math.max(0, Math.floor(t.start)), -1);
    const end = snapToCodePoint(text, Math.min(text.length, Math.floor(t.end)), 1);
    if (end > start) candidates.push({ start, end, contribution: t.contribution });
  }
  candidates.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.start - b.start);
  const taken = new Uint8Array(text.length);
  const kept = [];
  for (const c of candidates) {
    let free = true;
    for (let i = c.start; i < c.end && free; i++) free = taken[i] === 0;
    if (!free) continue;
    taken.fill(1, c.start, c.end);
    kept.push(c);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Moves an index off the middle of a surrogate pair. @param {string} text @param {number} index @param {-1 | 1} direction */
function snapToCodePoint(text, index, direction) {
  const low = text.charCodeAt(index);
  const high = text.charCodeAt(index - 1);
  if (index > 0 && index < text.length && low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff) return index + direction;
  return index;
}

/**
 * The highlight class of a token: `tp1`…`tp5` towards the explained label, `tn1`…`tn5` against
 * it, stronger with a larger share of the text's strongest contribution; '' for noise.
 * @param {number} contribution
 * @param {number} strongest the largest |contribution| in the text
 */
export function highlightClass(contribution, strongest) {
  const relative = strongest > 0 ? Math.abs(contribution) / strongest : 0;
  if (!(relative >= MIN_RELATIVE_CONTRIBUTION)) return '';
  const level = Math.min(HIGHLIGHT_LEVELS, Math.max(1, Math.ceil(relative * HIGHLIGHT_LEVELS)));
  return `t${contribution > 0 ? 'p' : 'n'}${level}`;
}

/**
 * The `k` tokens that pushed hardest towards and against the label. A word that occurs more
 * than once counts once, with its pushes summed.
 * @param {TokenContribution[]} tokens
 * @param {number} k
 * @returns {{towards: Array<[string, number]>, against: Array<[string, number]>}}
 */
export function strongestTokens(tokens, k) {
  /** @type {Map<string, number>} */
  const byText = new Map();
  for (const t of tokens) {
    if (!t || typeof t.text !== 'string' || !Number.isFinite(t.contribution)) continue;
    byText.set(t.text, (byText.get(t.text) ?? 0) + t.contribution);
  }
  const entries = [...byText.entries()];
  return {
    towards: entries.filter(([, c]) => c > 0).sort((a, b) => b[1] - a[1]).slice(0, k),
    against: entries.filter(([, c]) => c < 0).sort((a, b) => a[1] - b[1]).slice(0, k),
  };
}
