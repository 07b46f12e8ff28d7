import { parentPort, workerData } from 'node:worker_threads';
import type { ProgressFn } from '../models/classifier.js';
import { fitAndScoreFold } from './fold-fit.js';
import { serializeError, type FoldWorkerData, type FromFoldWorker, type ToFoldWorker } from './fold-protocol.js';

/**
 * One cross-validation fold thread (src/train/fold-pool.ts): it gets the rows and folds once,
 * then fits and scores one fold per message, one at a time, and posts the held-out scores back.
 */
const port = parentPort!;
const job = workerData as FoldWorkerData;

/** The progress bar redraws at most every 100 ms; posting more often only costs messages. */
const PROGRESS_INTERVAL_MS = 100;

function send(message: FromFoldWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function progressOf(fold: number): ProgressFn | undefined {
  if (!job.reportProgress) return undefined;
  let last = -Infinity;
  return (phase, done, total) => {
    const now = performance.now();
    if (now - last < PROGRESS_INTERVAL_MS && done < total) return;
    last = now;
    send({ type: 'progress', fold, phase, done, total });
  };
}

port.on('message', (message: ToFoldWorker) => {
  void runFold(message.fold);
});

async function runFold(fold: number): Promise<void> {
  try {
    const scored = await fitAndScoreFold(job.recipe, job.labels, job.examples, job.folds[fold], job.resolved, progressOf(fold));
    // Transfer a buffer that holds exactly these scores (a view into a larger one would move too much).
    const proba = scored.byteOffset === 0 && scored.byteLength === scored.buffer.byteLength ? scored : scored.slice();
    send({ type: 'scored', fold, proba }, [proba.buffer as ArrayBuffer]);
  } catch (e) {
    send({ type: 'failed', fold, error: serializeError(e) });
  }
}
