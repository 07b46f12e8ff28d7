// Asking the server again every few seconds for a view that shows something still running (a
// sweep, the Runs list, a run's page): one request at a time, none while the tab is hidden (the
// view catches up at once when it shows again), and none after the view is left or what it shows
// has ended.
import { ApiError, explainError } from './api.js';

/** How often a view of something still running asks again. */
export const LIVE_POLL_MS = 3000;

/**
 * @typedef {{readonly stopped: boolean, stop(): void, refresh(): void}} Poll `refresh()` asks now
 *   instead of at the next interval (a Refresh button); nothing happens while a tick is in flight
 *   (its answer is on its way) or once the poll has stopped.
 * @typedef {(poll: Poll) => Promise<boolean>} PollTick one refresh; resolves true to be asked again
 *   after the interval, false when what it shows has ended. It checks `poll.stopped` after each
 *   await: a view that was left draws nothing.
 */

/**
 * Calls `tick` every `everyMs` (the first call after one interval: the caller has just drawn the
 * view; with `immediately`, at once: the tick draws the view itself) until it resolves false or
 * the poll is stopped. A tick due while the tab is hidden waits until the tab shows again, and
 * then runs at once. A tick that throws stops the poll (and the error reaches the console: that
 * is a bug, not a busy server).
 * @param {PollTick} tick @param {number} [everyMs] @param {{immediately?: boolean}} [options]
 * @returns {Poll}
 */
export function startPolling(tick, everyMs = LIVE_POLL_MS, { immediately = false } = {}) {
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  let paused = false;
  let stopped = false;
  let inFlight = false;
  /** @type {Poll} */
  const poll = {
    get stopped() {
      return stopped;
    },
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      document.removeEventListener('visibilitychange', resume);
    },
    refresh() {
      if (stopped || inFlight) return;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      void run();
    },
  };
  const run = async () => {
    if (stopped) return;
    if (document.hidden) {
      paused = true;
      return;
    }
    let again = false;
    inFlight = true;
    try {
      again = await tick(poll);
    } finally {
      inFlight = false;
      if (!again) poll.stop();
    }
    if (!stopped) schedule();
  };
  const schedule = () => {
    timer = setTimeout(() => {
      timer = null;
      void run();
    }, everyMs);
  };
  function resume() {
    if (!document.hidden && paused && !stopped) {
      paused = false;
      void run();
    }
  }
  document.addEventListener('visibilitychange', resume);
  if (immediately) void run();
  else schedule();
  return poll;
}

/**
 * Whether a refresh that failed with `error` is worth asking again: a server that is busy or
 * restarting is; a thing that is gone, or a key now refused, is not.
 * @param {unknown} error
 */
export function worthRetrying(error) {
  const status = error instanceof ApiError ? error.status : -1;
  return status === 0 || status === 429 || status >= 500;
}

/**
 * The sentence shown (politely announced) when a refresh failed.
 * @param {string} what "the sweep" @param {unknown} error @param {boolean} again @param {number} [everyMs]
 */
export function refreshFailedText(what, error, again, everyMs = LIVE_POLL_MS) {
  return `Could not refresh ${what}: ${explainError(error)} ${again ? `Trying again in ${everyMs / 1000} s.` : 'Refreshing stopped.'}`;
}
