import { Worker } from 'node:worker_threads';
import type { TrainData, TrainParams, Weights } from './train-core.js';
import type { WorkerJob } from './worker.js';

type Typed = Int32Array | Float32Array | Uint8Array;

/** A copy of `a` over a SharedArrayBuffer, so workers see it without copying it again. */
export function shared<T extends Typed>(a: T): T {
  const ctor = a.constructor as new (buf: SharedArrayBuffer) => T;
  const out = new ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/** A zeroed Float32Array over a SharedArrayBuffer. */
export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

/**
 * Hogwild (Recht et al. 2011), as fastText trains: `threads` workers update the same shared
 * weights without locks, each on its own slice of every epoch. Races lose an occasional update,
 * which SGD tolerates; the result is not bit-reproducible, unlike the in-process single thread.
 * `weights` and every array of `data` must be over SharedArrayBuffers (see `shared`); the workers
 * initialize the input matrix themselves, in parallel (train-core initUniform).
 */
export async function trainHogwild(data: TrainData, params: TrainParams, weights: Weights, threads: number, seed: number, onEpoch?: (done: number, total: number) => void): Promise<void> {
  const url = new URL('./worker.js', import.meta.url);
  let epochsDone = 0;
  const barrier = new Int32Array(new SharedArrayBuffer(4));
  const runs = Array.from({ length: threads }, (_, thread) => {
    const job: WorkerJob = { data, params, weights, thread, threads, seed, barrier };
    return new Promise<void>((resolve, reject) => {
      const worker = new Worker(url, { workerData: job });
      worker.on('message', () => onEpoch?.(++epochsDone, params.epochs * threads));
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`fasttext training worker ${thread} exited with code ${code}`))));
    });
  });
  await Promise.all(runs);
}
