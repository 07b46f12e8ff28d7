import { Worker } from 'node:worker_threads';
import type { EpochStats, TrainData, TrainParams, Weights } from './train-core.js';
import type { WorkerCommand, WorkerJob, WorkerReply } from './worker.js';

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

/** One worker and the replies it has sent that nobody has asked for yet. */
class WorkerLink {
  private readonly inbox: WorkerReply[] = [];
  private waiting: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  /** Settles when the worker thread has exited, for whatever reason. */
  readonly exited: Promise<void>;

  constructor(
    readonly worker: Worker,
    thread: number,
  ) {
    worker.on('message', (r: WorkerReply) => {
      if (this.waiting) {
        this.waiting.resolve(r);
        this.waiting = null;
      } else this.inbox.push(r);
    });
    const fail = (e: Error): void => {
      this.failure ??= e;
      this.waiting?.reject(e);
      this.waiting = null;
    };
    worker.on('error', fail);
    this.exited = new Promise((resolve) =>
      worker.on('exit', (code) => {
        fail(new Error(`fasttext training worker ${thread} exited with code ${code}`));
        resolve();
      }),
    );
  }

  next(): Promise<WorkerReply> {
    const r = this.inbox.shift();
    if (r) return Promise.resolve(r);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  send(cmd: WorkerCommand): void {
    this.worker.postMessage(cmd);
  }
}

/**
 * Hogwild (Recht et al. 2011), as fastText trains: `threads` workers update the same shared
 * weights without locks, each on its own slice of every epoch. Races lose an occasional update,
 * which SGD tolerates; the result is not bit-reproducible, unlike the in-process single thread.
 * The workers live for the whole run and train one epoch per command, so the main thread can
 * score dev data between epochs (early stopping) while the schedule stays global.
 * `weights` and every array of `data` must be over SharedArrayBuffers (see `shared`); the workers
 * initialize the input matrix themselves, in parallel (train-core initUniform).
 */
export class HogwildPool {
  private constructor(private readonly links: WorkerLink[]) {}

  static async start(data: TrainData, params: TrainParams, weights: Weights, threads: number, seed: number): Promise<HogwildPool> {
    const url = new URL('./worker.js', import.meta.url);
    const links = Array.from({ length: threads }, (_, thread) => {
      const job: WorkerJob = { data, params, weights, thread, threads, seed };
      return new WorkerLink(new Worker(url, { workerData: job }), thread);
    });
    const pool = new HogwildPool(links);
    try {
      // No thread trains before every thread has initialized its part of the input matrix.
      await Promise.all(links.map((l) => l.next()));
    } catch (e) {
      await pool.terminate();
      throw e;
    }
    return pool;
  }

  /** Runs epoch `e` on every worker at once; returns the summed statistics. */
  async epoch(e: number): Promise<EpochStats> {
    for (const l of this.links) l.send({ kind: 'epoch', epoch: e });
    const replies = await Promise.all(this.links.map((l) => l.next()));
    const sum: EpochStats = { lossSum: 0, lrSum: 0, examples: 0 };
    for (const r of replies) {
      if (r.kind !== 'epoch' || r.epoch !== e) throw new Error(`fasttext worker answered ${JSON.stringify(r)} to epoch ${e}`);
      sum.lossSum += r.lossSum;
      sum.lrSum += r.lrSum;
      sum.examples += r.examples;
    }
    return sum;
  }

  /** Every worker projects its share of the input rows into `table` (over a SharedArrayBuffer; project.ts). */
  async project(table: Float32Array, numOutputs: number): Promise<void> {
    for (const l of this.links) l.send({ kind: 'project', table, numOutputs });
    const replies = await Promise.all(this.links.map((l) => l.next()));
    for (const r of replies) if (r.kind !== 'projected') throw new Error(`fasttext worker answered ${JSON.stringify(r)} to project`);
  }

  /** Lets the workers finish and waits until they have exited. */
  async close(): Promise<void> {
    for (const l of this.links) l.send({ kind: 'stop' });
    await Promise.all(this.links.map((l) => l.exited));
  }

  /** After a failure: stop every worker now. */
  async terminate(): Promise<void> {
    await Promise.all(this.links.map((l) => l.worker.terminate()));
  }
}
