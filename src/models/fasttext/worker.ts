import { parentPort, workerData } from 'node:worker_threads';
import { initUniform, trainSlice, type TrainData, type TrainParams, type Weights } from './train-core.js';

/** One Hogwild thread's job; every array is over a SharedArrayBuffer. */
export interface WorkerJob {
  data: TrainData;
  params: TrainParams;
  weights: Weights;
  thread: number;
  threads: number;
  seed: number;
  /** [threads done initializing]: no thread trains before the whole input matrix is initialized. */
  barrier: Int32Array;
}

const job = workerData as WorkerJob;
const { input } = job.weights;
const rowsTotal = input.length / job.params.dim;
const from = Math.floor((rowsTotal * job.thread) / job.threads) * job.params.dim;
const to = Math.floor((rowsTotal * (job.thread + 1)) / job.threads) * job.params.dim;
initUniform(input, from, to, 1 / job.params.dim, job.seed);
waitForAll(job.barrier, job.threads);
trainSlice(job.data, job.params, job.weights, job.thread, job.threads, job.seed, (epoch) => parentPort?.postMessage({ epoch }));

function waitForAll(barrier: Int32Array, threads: number): void {
  if (Atomics.add(barrier, 0, 1) + 1 === threads) {
    Atomics.notify(barrier, 0);
    return;
  }
  for (let seen = Atomics.load(barrier, 0); seen < threads; seen = Atomics.load(barrier, 0)) Atomics.wait(barrier, 0, seen);
}
