import { parentPort, workerData } from 'node:worker_threads';
import { projectRowsInto, rowShare } from './project.js';
import { initUniform, SliceTrainer, type TrainData, type TrainParams, type Weights } from './train-core.js';

/** One Hogwild thread's job; every array is over a SharedArrayBuffer. */
export interface WorkerJob {
  data: TrainData;
  params: TrainParams;
  weights: Weights;
  thread: number;
  threads: number;
  seed: number;
}

/** Main thread → worker: train this epoch, project its share of the final rows into `table` (shared), or finish. */
export type WorkerCommand = { kind: 'epoch'; epoch: number } | { kind: 'project'; table: Float32Array; numOutputs: number } | { kind: 'stop' };

/** Worker → main thread: initialized (its part of the input matrix), one epoch's sums, or its rows projected. */
export type WorkerReply = { kind: 'ready' } | { kind: 'epoch'; epoch: number; lossSum: number; lrSum: number; examples: number } | { kind: 'projected' };

const job = workerData as WorkerJob;
const port = parentPort;
if (!port) throw new Error('fasttext worker.ts must run as a worker thread');
const { input } = job.weights;
const rowsTotal = input.length / job.params.dim;
const from = Math.floor((rowsTotal * job.thread) / job.threads) * job.params.dim;
const to = Math.floor((rowsTotal * (job.thread + 1)) / job.threads) * job.params.dim;
initUniform(input, from, to, 1 / job.params.dim, job.seed);
// One trainer for the whole run: its random state and slice carry over between epochs.
const trainer = new SliceTrainer(job.data, job.params, job.weights, job.thread, job.threads, job.seed);
port.on('message', (cmd: WorkerCommand) => {
  if (cmd.kind === 'stop') {
    port.close();
    return;
  }
  if (cmd.kind === 'project') {
    const { from, to } = rowShare(rowsTotal, job.thread, job.threads);
    projectRowsInto(input, job.weights.output, cmd.table, from, to, cmd.numOutputs, job.params.dim);
    port.postMessage({ kind: 'projected' } satisfies WorkerReply);
    return;
  }
  const stats = trainer.epoch(cmd.epoch);
  port.postMessage({ kind: 'epoch', epoch: cmd.epoch, ...stats } satisfies WorkerReply);
});
port.postMessage({ kind: 'ready' } satisfies WorkerReply);
