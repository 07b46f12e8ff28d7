import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ProgressFn } from '../models/classifier.js';
import { reviveError, type FoldWorkerData, type FromFoldWorker, type ToFoldWorker } from './fold-protocol.js';

// Compiled next to this module (dist/train/).
const WORKER_URL = new URL('./fold-worker.js', import.meta.url);

/** False when the compiled worker is not beside this module (e.g. a partial copy): folds then run on the calling thread. */
export function foldWorkerAvailable(): boolean {
  return fs.existsSync(WORKER_URL);
}

let running = 0;

/** Fold threads started and not yet exited, in this process (tests check that none outlive a run). */
export function liveFoldWorkers(): number {
  return running;
}

export interface FoldPoolHooks {
  /** Called as each fold is handed to a thread, in fold order. */
  onFold?: (fold: number, k: number) => void;
  progress?: ProgressFn;
}

/**
 * Fits and scores every fold of `data.folds` on `threads` worker threads and returns the held-out
 * scores of each fold, in fold order. Folds are handed out in order, so when one fails the error
 * thrown is the one the sequential loop would throw: the lowest-numbered failing fold's, after every
 * fold before it has finished. Every worker is terminated before this settles, either way.
 */
export async function scoreFoldsInWorkers(data: FoldWorkerData, threads: number, hooks: FoldPoolHooks = {}): Promise<Float32Array[]> {
  const k = data.folds.length;
  const scores: Float32Array[] = new Array<Float32Array>(k);
  const failures = new Map<number, Error>();
  /** The fold each busy worker is fitting. */
  const busy = new Map<Worker, number>();
  const workers: Worker[] = [];
  let next = 0;
  let scored = 0;

  try {
    return await new Promise<Float32Array[]>((resolve, reject) => {
      const lowestFailure = (): number => Math.min(...failures.keys());

      const settle = (): void => {
        if (failures.size > 0) {
          const first = lowestFailure();
          // A fold before the failing one may still fail first; wait for those, never for later ones.
          if ([...busy.values()].every((f) => f > first)) reject(failures.get(first));
          return;
        }
        if (scored === k) resolve(scores);
      };

      const handOut = (worker: Worker): void => {
        if (failures.size > 0 || next >= k) {
          // Nothing left for it: free its copy of the rows now rather than when the last fold ends.
          void worker.terminate();
          return;
        }
        const fold = next++;
        busy.set(worker, fold);
        hooks.onFold?.(fold, k);
        worker.postMessage({ type: 'fold', fold } satisfies ToFoldWorker);
      };

      const fail = (worker: Worker, error: Error): void => {
        const fold = busy.get(worker);
        busy.delete(worker);
        // A worker that dies between folds has no fold to blame: count it against the next one.
        failures.set(fold ?? next, error);
        settle();
      };

      for (let t = 0; t < Math.min(threads, k); t++) {
        const worker = new Worker(WORKER_URL, { workerData: data });
        workers.push(worker);
        running++;
        worker.on('message', (message: FromFoldWorker) => {
          if (message.type === 'progress') {
            // One bar for the whole run: it follows the lowest fold still being fitted.
            if (message.fold === Math.min(...busy.values())) hooks.progress?.(message.phase, message.done, message.total);
            return;
          }
          busy.delete(worker);
          if (message.type === 'failed') {
            failures.set(message.fold, reviveError(message.error));
          } else {
            scores[message.fold] = message.proba;
            scored++;
            handOut(worker);
          }
          settle();
        });
        // Uncaught in the worker (not a fold's own exception, which arrives as a 'failed' message).
        worker.on('error', (error) => fail(worker, error));
        worker.on('exit', (code) => {
          running--;
          if (busy.has(worker)) fail(worker, new Error(`cross-validation: the thread fitting fold ${busy.get(worker)! + 1} stopped (exit code ${code})`));
        });
        handOut(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
