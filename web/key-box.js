// The API-key box of the use-case pages (/app/<name>): the same key the main page stores (api.js),
// a field to save or forget it, and a failed call shown readably — a 401 also opens the field.
// A page's box uses the ids <prefix>-key-box, -key-state, -key-form, -api-key, -key-clear and
// -key-message.
import { ApiError, apiKey, explainError, storeKey } from './api.js';
import { byId, showAlert } from './dom.js';

/**
 * Wires the page's key box and returns how the page reports a failed call.
 * @param {string} prefix the page's id prefix, e.g. "dg"
 * @param {HTMLElement} errorBox where failures are shown
 * @param {() => void} onSaved called after a key is saved: draw afresh what the new key may see
 * @returns {{showError: (error: unknown) => void}}
 */
export function setUpKeyBox(prefix, errorBox, onSaved) {
  const box = /** @type {HTMLDetailsElement} */ (byId(`${prefix}-key-box`));
  const input = /** @type {HTMLInputElement} */ (byId(`${prefix}-api-key`));

  /** @param {string | null} [refusal] */
  const render = (refusal = null) => {
    const has = apiKey() !== '';
    byId(`${prefix}-key-state`).textContent = refusal ? (has ? 'API key refused' : 'API key needed') : has ? 'API key saved' : 'API key';
    byId(`${prefix}-key-message`).textContent = refusal ?? '';
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
  };

  byId(`${prefix}-key-form`).addEventListener('submit', (event) => {
    event.preventDefault();
    save(input.value.trim());
    box.open = false;
    onSaved();
  });
  byId(`${prefix}-key-clear`).addEventListener('click', () => save(''));
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
      if (error instanceof ApiError && error.status === 401) {
        render(apiKey() ? `The server refused this key: ${error.message}` : 'This server needs an API key.');
        box.open = true;
        input.focus();
      }
    },
  };
}
