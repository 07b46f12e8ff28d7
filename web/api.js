// The HTTP API of docs/api.md as the page uses it: the saved API key, requests that turn error
// responses into ApiError with the server's own sentence, and what to tell a person about them.

const KEY_STORAGE = 'textclass.apiKey';

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message @param {string | null} requestId */
  constructor(status, code, message, requestId) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

export function apiKey() {
  try {
    return localStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return ''; // storage disabled (privacy mode): the page works without a saved key
  }
}

/** Saves the key in this browser, or forgets it when empty; throws where storage is disabled. @param {string} key */
export function storeKey(key) {
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
}

/** @param {HeadersInit} [extra] */
function authHeaders(extra = {}) {
  const headers = new Headers(extra);
  const key = apiKey();
  if (key) headers.set('authorization', `Bearer ${key}`);
  return headers;
}

/**
 * Calls the API and returns the response once it is a success; any other status becomes an
 * ApiError carrying the server's own error message (docs/api.md: `{"error": {...}}`).
 * @param {string} path
 * @param {RequestInit} [init]
 */
export async function request(path, init = {}) {
  let response;
  try {
    response = await fetch(path, { ...init, headers: authHeaders(init.headers) });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Is textclass serve still running?', null);
  }
  if (response.ok) return response;
  let code = 'http_' + response.status;
  let message = response.statusText || `HTTP ${response.status}`;
  let requestId = response.headers.get('x-request-id');
  try {
    const body = await response.json();
    if (body && typeof body.error === 'object' && body.error !== null) {
      code = String(body.error.code ?? code);
      message = String(body.error.message ?? message);
      requestId = body.error.request_id ? String(body.error.request_id) : requestId;
    }
  } catch {
    // not JSON (a proxy's error page): the status line has to do
  }
  const error = new ApiError(response.status, code, message, requestId);
  if (response.status === 429) {
    const retry = response.headers.get('retry-after');
    if (retry) error.message += ` Try again in ${retry} s.`;
  }
  throw error;
}

/** @param {string} path @param {RequestInit} [init] */
export async function requestJson(path, init) {
  return (await request(path, init)).json();
}

/** @param {string} id */
export function modelPath(id) {
  return `/v1/models/${encodeURIComponent(id)}`;
}

/**
 * What to tell a person about a failed call, by status; the server's sentence says the rest.
 * @param {unknown} error
 * @param {'read' | 'upload'} [need]
 */
export function explainError(error, need = 'read') {
  if (!(error instanceof ApiError)) return `Something went wrong: ${error instanceof Error ? error.message : String(error)}`;
  const detail = error.message;
  switch (error.status) {
    case 0:
      return detail;
    case 401:
      if (need === 'upload') return `This needs an admin key: enter one under “API key” at the top. (${detail})`;
      return apiKey()
        ? `The API key was refused: ${detail} Check it under “API key” at the top.`
        : `This server needs an API key: enter one under “API key” at the top. (${detail})`;
    case 403:
      return need === 'upload'
        ? `This needs an admin key: the saved key may only read. (${detail})`
        : `This key may not do that: ${detail}`;
    case 413:
      return need === 'upload'
        ? `The file is larger than this server accepts (413). Split it, or raise the server's --upload-limit. (${detail})`
        : `The text is too long for this server (413): ${detail}`;
    case 415:
      return `The server does not accept this kind of file (415): use a .csv or .jsonl file. (${detail})`;
    case 429:
      return `Too many requests (429): ${detail}`;
    default:
      return `${detail}${error.status >= 500 ? ` (HTTP ${error.status}${error.requestId ? `, request ${error.requestId}` : ''})` : ''}`;
  }
}
