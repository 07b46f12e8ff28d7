// The API-key box of every page: the key the pages share (api.js), a field to save or forget it,
// and a failed call shown readably — a 401 also opens the field. A page holds only an empty
// `<details class="key-box" id="<prefix>-key-box" hidden>` where the box goes; this module draws
// its button and form (ids <prefix>-key-state, -key-form, -api-key, -key-clear, -key-message; the
// main page's prefix is '' and its ids have none) and shows it.
import { ApiError, apiKey, explainError, storeKey } from './api.js';
import { byId, el, showAlert } from './dom.js';

/**
 * Draws and wires the page's key box.
 * @param {string} prefix the page's id prefix, e.g. "dg"; '' for the main page
 * @param {HTMLElement} errorBox where failures are shown
 * @param {() => void} onChange called after a key is saved or forgotten: draw afresh what the page may now see
 * @returns {{showError: (error: unknown) => void, askForKey: (error: ApiError) => void, refresh: () => void}}
 */
export function setUpKeyBox(prefix, errorBox, onChange) {
  /** @param {string} name */
  const id = (name) => (prefix ? `${prefix}-${name}` : name);
  const box = /** @type {HTMLDetailsElement} */ (byId(id('key-box')));
  const state = el('span', { id: id('key-state') }, 'API key');
  const input = /** @type {HTMLInputElement} */ (el('input', { id: id('api-key'), name: 'api-key', type: 'password', spellcheck: 'false', autocomplete: 'off', placeholder: 'paste a key' }));
  const clear = el('button', { type: 'button', id: id('key-clear'), class: 'quiet' }, 'Forget');
  const message = el('p', { id: id('key-message'), class: 'key-message', role: 'status' });
  const form = el(
    'form',
    { id: id('key-form'), class: 'key-form', autocomplete: 'off' },
    el('label', { for: id('api-key') }, 'API key ', el('span', { class: 'hint' }, '(kept in this browser only, sent as a Bearer token)')),
    el('div', { class: 'row' }, input, el('button', { type: 'submit' }, 'Save'), clear),
    message,
  );
  box.replaceChildren(el('summary', {}, state), form);
  box.hidden = false;

  /** The button says whether a key is saved and whether the server last refused it. @param {string | null} [refusal] */
  const render = (refusal = null) => {
    const has = apiKey() !== '';
    box.toggleAttribute('data-has-key', has && !refusal);
    box.toggleAttribute('data-refused', Boolean(refusal));
    state.textContent = refusal ? (has ? 'API key refused' : 'API key needed') : has ? 'API key saved' : 'API key';
    message.textContent = refusal ?? '';
    input.value = apiKey();
  };
  /** @param {string} key */
  const save = (key) => {
    try {
      storeKey(key);
    } catch {
      showAlert(errorBox, 'This browser does not allow storing the key (private mode?).');
    }
    render();
    onChange();
  };
  /** @param {ApiError} error */
  const askForKey = (error) => {
    render(apiKey() ? `The server refused this key: ${error.message}` : 'This server needs an API key.');
    box.open = true;
    input.focus();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    box.open = false;
    save(input.value.trim());
  });
  clear.addEventListener('click', () => save(''));
  // Escape closes the field and gives focus back to its button, as a menu would.
  box.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && box.open) {
      box.open = false;
      box.querySelector('summary')?.focus();
    }
  });
  render();

  return {
    showError(error) {
      showAlert(errorBox, explainError(error));
      if (error instanceof ApiError && error.status === 401) askForKey(error);
    },
    askForKey,
    refresh: () => render(),
  };
}
