// DOM helpers and number formats shared by the page's modules. Text always goes in as text:
// el() sets attributes with setAttribute and appends strings as text nodes, never as markup.

/** @param {string} id */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
}

/**
 * Creates an element. Attributes go through setAttribute and children become text nodes when
 * they are strings, so nothing passed here is ever parsed as markup.
 * @param {string} tag
 * @param {Record<string, string | number | boolean | null | undefined>} [attrs]
 * @param {...(Node | string | number | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** @param {HTMLElement} node @param {string | null} message */
export function showAlert(node, message) {
  node.textContent = message ?? '';
  node.hidden = !message;
}

/** @param {number} x @param {number} [digits] */
export function formatNumber(x, digits = 4) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '—';
  return Number.isInteger(x) ? x.toLocaleString('en-US') : x.toFixed(digits);
}

/** @param {number} p */
export function formatPercent(p) {
  if (p === 1 || p === 0) return `${100 * p}%`;
  return `${(100 * p).toFixed(p >= 0.995 || p < 0.1 ? 1 : 0)}%`;
}

/** @param {number} bytes */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `macro_f1` → `macro F1`: metric keys as people read them. @param {string} key */
export function metricName(key) {
  return String(key)
    .replace(/_/g, ' ')
    .replace(/\b(f1|auc|roc|ece)\b/gi, (m) => m.toUpperCase());
}
