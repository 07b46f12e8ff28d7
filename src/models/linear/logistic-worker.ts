import { workerData, type MessagePort } from 'node:worker_threads';

import type { CsrMatrix } from '../../features/csr.js';
import type { LogisticOptions, OutputFit } from './logistic.js';

/** One worker's share of a one-vs-rest fit; every typed array is over a SharedArrayBuffer. */
export interface OvrJob {
  X: CsrMatrix;
  /** n × K 0/1 targets, row-major. */
  y: Uint8Array;
  K: number;
  options: LogisticOptions;
  sampleWeights: Float32Array | undefined;
  outputClassWeights: Float64Array | undefined;
  /** Output: feature-major D × K weights and K intercepts; each worker writes only its own columns. */
  weights: Float32Array;
  bias: Float32Array;
  /** [NEXT, SIGNAL] of logistic.ts: the next unclaimed output, and a counter bumped per message. */
  control: Int32Array;
  /** The main thread blocks in Atomics.wait, so it reads this port with receiveMessageOnPort. */
  port: MessagePort;
  /** Whether anyone listens to per-iteration losses (otherwise they are not sent). */
  reportIterations: boolean;
}

/** Worker → main thread. */
export type OvrMessage =
  | { kind: 'iteration'; k: number; loss: number }
  | { kind: 'output'; k: number; fit: OutputFit }
  | { kind: 'finished' }
  | { kind: 'error'; message: string };

const job = workerData as OvrJob;

function send(msg: OvrMessage): void {
  job.port.postMessage(msg);
  // The message is queued before the counter moves, so the main thread never wakes up to an empty port.
  Atomics.add(job.control, 1, 1);
  Atomics.notify(job.control, 1);
}

try {
  // Imported here rather than statically so that even a failure to load the module is reported:
  // the main thread is blocked and would otherwise wait forever.
  const { fitOutput, NEXT } = await import('./logistic.js');
  const column = new Uint8Array(job.X.rows);
  const out = { weights: job.weights, bias: job.bias };
  for (let k = Atomics.add(job.control, NEXT, 1); k < job.K; k = Atomics.add(job.control, NEXT, 1)) {
    const onIteration = job.reportIterations ? (_it: number, loss: number): void => send({ kind: 'iteration', k, loss }) : () => {};
    const fit = fitOutput(job.X, job.y, job.K, k, job.options, job.sampleWeights, job.outputClassWeights, column, out, onIteration);
    send({ kind: 'output', k, fit });
  }
  send({ kind: 'finished' });
} catch (e) {
  send({ kind: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
// No need to close the port: with no listener it keeps nothing alive, and the thread's exit closes it.
