import fs from 'node:fs';
import os from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

import type { CsrMatrix } from '../../features/csr.js';
import { minimizeLbfgs } from '../../optim/lbfgs.js';
import type { OvrJob, OvrMessage } from './logistic-worker.js';

/**
 * L2-regularized logistic regression on a sparse matrix, solved with L-BFGS.
 *
 * The objective is scikit-learn's, divided by the total sample weight S:
 *   (1/S) Σ sᵢ·loss(xᵢ) + 1/(2·C·S) ‖W‖²   (intercepts are not penalized)
 * so the same C gives the same model as `LogisticRegression(C=…)`.
 *
 * - `softmax`: one multinomial model over K classes (targets are class indices).
 * - `sigmoid`: K independent binary models (one-vs-rest; targets are an n × K 0/1 matrix).
 *   Binary classification is `sigmoid` with K = 1, as scikit-learn does it.
 */
export type LinkFunction = 'softmax' | 'sigmoid';

export interface LogisticOptions {
  C: number;
  maxIter: number;
  /** Stop when the largest gradient entry of the scaled objective is at most this. */
  tol: number;
  /**
   * Worker threads for one-vs-rest fits (sigmoid link, several outputs); default min(2, available
   * cores). Softmax is one joint problem and always runs on the calling thread.
   */
  threads?: number;
  /**
   * Below this many stored entries in X the one-vs-rest outputs are fitted on the calling thread:
   * starting workers and copying X to shared memory costs more than the fits save. Default 200 000.
   */
  minParallelNnz?: number;
}

/** The default of LogisticOptions.minParallelNnz; cross-validation (src/train/fold-threads.ts) plans around it too. */
export const DEFAULT_MIN_PARALLEL_NNZ = 200_000;

/** Weights laid out feature-major (`weights[j * K + k]`) so a row's K scores read contiguously. */
export interface LinearWeights {
  numFeatures: number;
  numOutputs: number;
  link: LinkFunction;
  weights: Float32Array;
  bias: Float32Array;
}

export type LogisticTargets = { link: 'softmax'; y: Int32Array; numClasses: number } | { link: 'sigmoid'; y: Uint8Array; numOutputs: number };

export interface FitReport {
  iterations: number;
  converged: boolean;
  finalLoss: number;
}

export function fitLogistic(
  X: CsrMatrix,
  targets: LogisticTargets,
  options: LogisticOptions,
  sampleWeights?: Float32Array,
  onIteration?: (iteration: number, loss: number) => void,
  /**
   * Sigmoid link only: per-output weights of negative and positive rows, `[neg₀, pos₀, neg₁, …]`,
   * i.e. scikit-learn's class_weight applied to each one-vs-rest problem.
   */
  outputClassWeights?: Float64Array,
): { model: LinearWeights; report: FitReport } {
  if (targets.link === 'softmax') return fitSoftmax(X, targets.y, targets.numClasses, options, sampleWeights, onIteration);

  // One-vs-rest problems share nothing but X, so each is solved on its own: a joint solve would
  // let the slowest label set the step sizes and iteration count of all of them.
  const threads = oneVsRestThreads(X, targets.numOutputs, options);
  // Without the compiled worker next to this module (e.g. a partial copy) the same fit runs here.
  if (threads > 1 && fs.existsSync(WORKER_URL)) return fitOneVsRestParallel(X, targets, options, sampleWeights, onIteration, outputClassWeights, threads);
  return fitOneVsRestSequential(X, targets, options, sampleWeights, onIteration, outputClassWeights);
}

/** How many threads the one-vs-rest fit uses: 1 (the calling thread) unless workers pay off. */
function oneVsRestThreads(X: CsrMatrix, K: number, options: LogisticOptions): number {
  if (K < 2 || X.indptr[X.rows] < (options.minParallelNnz ?? DEFAULT_MIN_PARALLEL_NNZ)) return 1;
  const wanted = options.threads ?? Math.min(2, os.availableParallelism());
  return Math.max(1, Math.min(Math.floor(wanted), K));
}

/** Summary of one output's fit, as the trace records it. */
export interface OutputFit {
  iterations: number;
  converged: boolean;
  loss: number;
}

/**
 * Fits one-vs-rest output k and stores it in column k of `weights` / `bias`. The sequential loop
 * and the workers both go through here, so threaded and single-threaded models agree bit for bit.
 * `column` is scratch space of length n.
 */
export function fitOutput(
  X: CsrMatrix,
  y: Uint8Array,
  K: number,
  k: number,
  options: LogisticOptions,
  sampleWeights: Float32Array | undefined,
  outputClassWeights: Float64Array | undefined,
  column: Uint8Array,
  out: { weights: Float32Array; bias: Float32Array },
  onIteration: (iteration: number, loss: number) => void,
): OutputFit {
  const D = X.cols;
  for (let i = 0; i < X.rows; i++) column[i] = y[i * K + k];
  const cw = outputClassWeights ? ([outputClassWeights[k * 2], outputClassWeights[k * 2 + 1]] as const) : ([1, 1] as const);
  const r = fitBinary(X, column, options, sampleWeights, cw, onIteration);
  for (let j = 0; j < D; j++) out.weights[j * K + k] = r.w[j];
  out.bias[k] = r.b;
  return { iterations: r.iterations, converged: r.converged, loss: r.loss };
}

/** The report of a one-vs-rest fit, summed in output order (so the float sum never depends on timing). */
function ovrReport(fits: readonly OutputFit[]): FitReport {
  const report: FitReport = { iterations: 0, converged: true, finalLoss: 0 };
  for (const r of fits) {
    report.iterations = Math.max(report.iterations, r.iterations);
    report.converged &&= r.converged;
    report.finalLoss += r.loss;
  }
  return report;
}

function fitOneVsRestSequential(
  X: CsrMatrix,
  targets: { y: Uint8Array; numOutputs: number },
  options: LogisticOptions,
  sampleWeights: Float32Array | undefined,
  onIteration: ((iteration: number, loss: number) => void) | undefined,
  outputClassWeights: Float64Array | undefined,
): { model: LinearWeights; report: FitReport } {
  const K = targets.numOutputs;
  const D = X.cols;
  const out = { weights: new Float32Array(D * K), bias: new Float32Array(K) };
  const column = new Uint8Array(X.rows);
  const fits: OutputFit[] = [];
  let done = 0;
  for (let k = 0; k < K; k++) {
    const r = fitOutput(X, targets.y, K, k, options, sampleWeights, outputClassWeights, column, out, (it, loss) => onIteration?.(done + it, loss));
    done += r.iterations;
    fits.push(r);
  }
  return { model: { numFeatures: D, numOutputs: K, link: 'sigmoid', ...out }, report: ovrReport(fits) };
}

// Compiled next to this module (dist/models/linear/).
const WORKER_URL = new URL('./logistic-worker.js', import.meta.url);

type Shareable = Int32Array | Uint8Array | Float32Array | Float64Array;

/** `a` itself if it already lies in shared memory, else a copy that does; workers then read it without copying. */
function shared<T extends Shareable>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const ctor = a.constructor as new (buf: SharedArrayBuffer) => T;
  const out = new ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/**
 * Replays the workers' per-iteration reports to `onIteration` in output order, exactly as the
 * sequential loop calls it (so loss curves and progress are the same): output k's iterations are
 * held back until every output before k has finished.
 */
class OrderedProgress {
  private readonly losses: number[][];
  private readonly fits: (OutputFit | undefined)[];
  private cursor = 0;
  private emitted = 0;
  private done = 0;

  constructor(
    K: number,
    private readonly onIteration: ((iteration: number, loss: number) => void) | undefined,
  ) {
    this.losses = Array.from({ length: K }, () => []);
    this.fits = new Array<OutputFit | undefined>(K);
  }

  iteration(k: number, loss: number): void {
    if (this.onIteration) this.losses[k].push(loss);
  }

  finished(k: number, fit: OutputFit): void {
    this.fits[k] = fit;
  }

  /** Emits whatever can be emitted in order now. */
  flush(): void {
    while (this.cursor < this.fits.length) {
      const pending = this.losses[this.cursor];
      for (; this.emitted < pending.length; this.emitted++) this.onIteration?.(this.done + this.emitted + 1, pending[this.emitted]);
      const fit = this.fits[this.cursor];
      if (!fit) return;
      this.losses[this.cursor] = [];
      this.done += fit.iterations;
      this.emitted = 0;
      this.cursor++;
    }
  }

  /** Every output's fit, in output order; only once all have finished. */
  all(): OutputFit[] {
    return this.fits.map((f, k) => {
      if (!f) throw new Error(`logistic worker never reported output ${k}`);
      return f;
    });
  }
}

/**
 * One-vs-rest on `threads` worker threads. X, targets and weights go to the workers once, in
 * shared memory; each worker takes the next unfitted output from a shared counter (outputs differ
 * widely in cost, so a fixed split would leave one thread idle) and writes it into shared weights.
 * fitLogistic is synchronous, so the calling thread blocks on Atomics.wait and drains the workers'
 * messages with receiveMessageOnPort instead of waiting on its event loop.
 */
function fitOneVsRestParallel(
  X: CsrMatrix,
  targets: { y: Uint8Array; numOutputs: number },
  options: LogisticOptions,
  sampleWeights: Float32Array | undefined,
  onIteration: ((iteration: number, loss: number) => void) | undefined,
  outputClassWeights: Float64Array | undefined,
  threads: number,
): { model: LinearWeights; report: FitReport } {
  const K = targets.numOutputs;
  const D = X.cols;
  const control = new Int32Array(new SharedArrayBuffer(2 * 4));
  const base: Omit<OvrJob, 'port'> = {
    X: { rows: X.rows, cols: D, indptr: shared(X.indptr), indices: shared(X.indices), data: shared(X.data) },
    y: shared(targets.y),
    K,
    options: { C: options.C, maxIter: options.maxIter, tol: options.tol },
    sampleWeights: sampleWeights && shared(sampleWeights),
    outputClassWeights: outputClassWeights && shared(outputClassWeights),
    weights: new Float32Array(new SharedArrayBuffer(D * K * 4)),
    bias: new Float32Array(new SharedArrayBuffer(K * 4)),
    control,
    reportIterations: onIteration !== undefined,
  };
  const progress = new OrderedProgress(K, onIteration);
  const workers: Worker[] = [];
  const ports: MessagePort[] = [];
  try {
    for (let t = 0; t < threads; t++) {
      const { port1, port2 } = new MessageChannel();
      const job: OvrJob = { ...base, port: port2 };
      const worker = new Worker(WORKER_URL, { workerData: job, transferList: [port2] });
      worker.unref();
      workers.push(worker);
      ports.push(port1);
    }
    awaitWorkers(ports, control, progress);
  } finally {
    for (const p of ports) p.close();
    // Normally they have already returned; after a failure this stops the others.
    for (const w of workers) void w.terminate();
  }
  const model: LinearWeights = { numFeatures: D, numOutputs: K, link: 'sigmoid', weights: new Float32Array(base.weights), bias: new Float32Array(base.bias) };
  return { model, report: ovrReport(progress.all()) };
}

/**
 * Blocks until every worker has said it is finished, handing their messages to `progress` as they
 * come. Workers bump control[SIGNAL] after each message; reading it before draining the ports
 * means a message posted meanwhile makes Atomics.wait return at once instead of being missed.
 * A worker reports its own errors (logistic-worker catches everything); one killed from outside
 * without a word would leave this waiting, which is why the worker file must exist to get here.
 */
function awaitWorkers(ports: readonly MessagePort[], control: Int32Array, progress: OrderedProgress): void {
  let finished = 0;
  while (finished < ports.length) {
    const seen = Atomics.load(control, SIGNAL);
    for (const port of ports) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const msg = m.message as OvrMessage;
        if (msg.kind === 'iteration') progress.iteration(msg.k, msg.loss);
        else if (msg.kind === 'output') progress.finished(msg.k, msg.fit);
        else if (msg.kind === 'finished') finished++;
        else throw new Error(`logistic worker failed: ${msg.message}`);
      }
    }
    progress.flush();
    if (finished < ports.length) Atomics.wait(control, SIGNAL, seen);
  }
}

/** Slots of the shared control array: the next output to fit, and the message counter. */
export const NEXT = 0;
export const SIGNAL = 1;

/** One binary logistic regression: weights w (length D) and intercept b. */
function fitBinary(
  X: CsrMatrix,
  y: Uint8Array,
  options: LogisticOptions,
  sampleWeights: Float32Array | undefined,
  classWeight: readonly [number, number],
  onIteration: (iteration: number, loss: number) => void,
): { w: Float64Array; b: number; iterations: number; converged: boolean; loss: number } {
  const D = X.cols;
  const n = X.rows;
  const { indptr, indices, data } = X;
  const rowWeight = new Float64Array(n);
  let S = 0;
  for (let i = 0; i < n; i++) {
    rowWeight[i] = (sampleWeights ? sampleWeights[i] : 1) * classWeight[y[i]];
    S += sampleWeights ? sampleWeights[i] : 1;
  }
  const lambda = 1 / (options.C * S);
  const invS = 1 / S;

  const objective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    const b = w[D];
    let loss = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const start = indptr[i];
      const end = indptr[i + 1];
      let z = b;
      for (let p = start; p < end; p++) z += data[p] * w[indices[p]];
      const s = rowWeight[i];
      const yi = y[i];
      loss += s * ((z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - yi * z);
      const r = s * (sigmoid(z) - yi);
      for (let p = start; p < end; p++) grad[indices[p]] += data[p] * r;
      gb += r;
    }
    let reg = 0;
    for (let j = 0; j < D; j++) {
      reg += w[j] * w[j];
      grad[j] = grad[j] * invS + lambda * w[j];
    }
    grad[D] = gb * invS;
    return loss * invS + 0.5 * lambda * reg;
  };

  const result = minimizeLbfgs(objective, new Float64Array(D + 1), { maxIter: options.maxIter, gradTol: options.tol, onIteration: (it, value) => onIteration(it, value) });
  return { w: result.x.subarray(0, D), b: result.x[D], iterations: result.iterations, converged: result.converged, loss: result.value };
}

/** Multinomial logistic regression over K classes. */
function fitSoftmax(
  X: CsrMatrix,
  y: Int32Array,
  K: number,
  options: LogisticOptions,
  sampleWeights: Float32Array | undefined,
  onIteration: ((iteration: number, loss: number) => void) | undefined,
): { model: LinearWeights; report: FitReport } {
  const D = X.cols;
  const n = X.rows;
  let S = 0;
  for (let i = 0; i < n; i++) S += sampleWeights ? sampleWeights[i] : 1;
  const lambda = 1 / (options.C * S);
  const z = new Float64Array(K);
  const r = new Float64Array(K);
  const { indptr, indices, data } = X;

  const objective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    const biasOffset = D * K;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const s = sampleWeights ? sampleWeights[i] : 1;
      const start = indptr[i];
      const end = indptr[i + 1];
      for (let k = 0; k < K; k++) z[k] = w[biasOffset + k];
      for (let p = start; p < end; p++) {
        const v = data[p];
        const base = indices[p] * K;
        for (let k = 0; k < K; k++) z[k] += v * w[base + k];
      }
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (z[k] > max) max = z[k];
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(z[k] - max);
      const lse = max + Math.log(sum);
      const yi = y[i];
      loss += s * (lse - z[yi]);
      for (let k = 0; k < K; k++) r[k] = s * Math.exp(z[k] - lse);
      r[yi] -= s;
      for (let p = start; p < end; p++) {
        const v = data[p];
        const base = indices[p] * K;
        for (let k = 0; k < K; k++) grad[base + k] += v * r[k];
      }
      for (let k = 0; k < K; k++) grad[biasOffset + k] += r[k];
    }
    const invS = 1 / S;
    let reg = 0;
    for (let j = 0; j < biasOffset; j++) {
      reg += w[j] * w[j];
      grad[j] = grad[j] * invS + lambda * w[j];
    }
    for (let k = 0; k < K; k++) grad[biasOffset + k] *= invS;
    return loss * invS + 0.5 * lambda * reg;
  };

  const result = minimizeLbfgs(objective, new Float64Array(D * K + K), {
    maxIter: options.maxIter,
    gradTol: options.tol,
    onIteration: onIteration ? (it, value) => onIteration(it, value) : undefined,
  });
  const model: LinearWeights = {
    numFeatures: D,
    numOutputs: K,
    link: 'softmax',
    weights: Float32Array.from(result.x.subarray(0, D * K)),
    bias: Float32Array.from(result.x.subarray(D * K)),
  };
  return { model, report: { iterations: result.iterations, converged: result.converged, finalLoss: result.value } };
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Raw scores X·W + b, row-major n × K. */
export function linearScores(X: CsrMatrix, m: LinearWeights): Float64Array {
  const K = m.numOutputs;
  const out = new Float64Array(X.rows * K);
  for (let i = 0; i < X.rows; i++) {
    const row = i * K;
    for (let k = 0; k < K; k++) out[row + k] = m.bias[k];
    for (let p = X.indptr[i]; p < X.indptr[i + 1]; p++) {
      const v = X.data[p];
      const base = X.indices[p] * K;
      for (let k = 0; k < K; k++) out[row + k] += v * m.weights[base + k];
    }
  }
  return out;
}

/**
 * Probabilities, row-major. Softmax rows sum to 1; sigmoid outputs are independent, except that a
 * single sigmoid output (binary task) is expanded to the two columns [1 - p, p].
 */
export function linearProba(X: CsrMatrix, m: LinearWeights): Float32Array {
  const K = m.numOutputs;
  const scores = linearScores(X, m);
  if (m.link === 'sigmoid' && K === 1) {
    const out = new Float32Array(X.rows * 2);
    for (let i = 0; i < X.rows; i++) {
      const p = sigmoid(scores[i]);
      out[i * 2] = 1 - p;
      out[i * 2 + 1] = p;
    }
    return out;
  }
  const out = new Float32Array(X.rows * K);
  for (let i = 0; i < X.rows; i++) {
    const row = i * K;
    if (m.link === 'sigmoid') {
      for (let k = 0; k < K; k++) out[row + k] = sigmoid(scores[row + k]);
      continue;
    }
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (scores[row + k] > max) max = scores[row + k];
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(scores[row + k] - max);
    for (let k = 0; k < K; k++) out[row + k] = Math.exp(scores[row + k] - max) / sum;
  }
  return out;
}
