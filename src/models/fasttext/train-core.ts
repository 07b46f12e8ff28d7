/**
 * The SGD inner loop of fastText's supervised mode, shared by the in-process trainer and the
 * Hogwild workers. Everything it touches is a typed array (possibly over a SharedArrayBuffer),
 * so workers run it on the very arrays the main thread allocated, without locks, like fastText.
 */
export type LossKind = 'softmax' | 'ova' | 'hs';

/** The encoded training set; read-only during training. */
export interface TrainData {
  /** CSR over examples: distinct input rows and their multiplicities. */
  offsets: Int32Array;
  rows: Int32Array;
  counts: Float32Array;
  invNorm: Float32Array;
  /** CSR over examples: the label indices of each example (exactly one for single-label tasks). */
  labelOffsets: Int32Array;
  labelIds: Int32Array;
  /** Per-example weight (sample weight × class weight), multiplying the learning rate. */
  weights: Float32Array;
  /** ova only: per label [negative weight, positive weight] (balanced class weights); else ones. */
  outWeights: Float32Array;
  /** Visiting order: `epochs` concatenated permutations of the examples. */
  order: Int32Array;
  /** hs only: CSR over labels of the tree path (internal node = output row) and the branch codes. */
  pathOffsets: Int32Array;
  pathNodes: Int32Array;
  pathCodes: Uint8Array;
}

export interface TrainParams {
  dim: number;
  /** Output rows: labels (softmax, ova) or internal tree nodes (hs). */
  numOutputs: number;
  loss: LossKind;
  lr: number;
  epochs: number;
  numExamples: number;
}

export interface Weights {
  input: Float32Array;
  output: Float32Array;
}

/**
 * Trains on this thread's contiguous slice of each epoch's permutation. The learning rate decays
 * linearly to 0 over the thread's own progress, which tracks fastText's shared token counter
 * closely when slices are equal. `onEpoch` is called after each epoch.
 */
export function trainSlice(data: TrainData, p: TrainParams, w: Weights, thread: number, threads: number, seed: number, onEpoch?: (epoch: number) => void): void {
  const { dim, numOutputs, loss, epochs, numExamples: n } = p;
  const start = Math.floor((n * thread) / threads);
  const end = Math.floor((n * (thread + 1)) / threads);
  const len = end - start;
  const total = epochs * len;
  const hidden = new Float32Array(dim);
  const grad = new Float32Array(dim);
  const scores = new Float32Array(Math.max(1, numOutputs));
  const rng = { state: (seed ^ Math.imul(thread + 1, 0x9e3779b9)) >>> 0 };
  for (let e = 0; e < epochs; e++) {
    const base = e * n;
    for (let j = start; j < end; j++) {
      const ex = data.order[base + j];
      const lr = p.lr * (1 - (e * len + (j - start)) / total);
      trainExample(data, p, w, ex, lr * data.weights[ex], hidden, grad, scores, rng, loss, dim);
    }
    onEpoch?.(e);
  }
}

function trainExample(
  data: TrainData,
  p: TrainParams,
  w: Weights,
  ex: number,
  lr: number,
  hidden: Float32Array,
  grad: Float32Array,
  scores: Float32Array,
  rng: { state: number },
  loss: LossKind,
  dim: number,
): void {
  const lo = data.offsets[ex];
  const hi = data.offsets[ex + 1];
  const labLo = data.labelOffsets[ex];
  const labHi = data.labelOffsets[ex + 1];
  if (lo === hi || labLo === labHi || lr === 0) return;
  const input = w.input;
  const inv = data.invNorm[ex];
  computeHidden(input, data.rows, data.counts, lo, hi, inv, hidden, dim);
  grad.fill(0);
  if (loss === 'ova') {
    ovaStep(w.output, hidden, grad, data, labLo, labHi, lr, p.numOutputs, dim);
  } else {
    // Several labels with a single-label loss: one of them, at random (fastText does the same).
    const target = data.labelIds[labLo + (labHi - labLo > 1 ? Math.floor(nextRandom(rng) * (labHi - labLo)) : 0)];
    if (loss === 'softmax') softmaxStep(w.output, hidden, grad, scores, target, lr, p.numOutputs, dim);
    else hsStep(w.output, hidden, grad, data, target, lr, dim);
  }
  // fastText normalizes the gradient by the number of inputs, then adds it to every input row.
  const rows = data.rows;
  const counts = data.counts;
  for (let i = lo; i < hi; i++) addScaled(input, rows[i] * dim, grad, counts[i] * inv, dim);
}

/**
 * m[at..at+dim) += c · v. The loops over a row are unrolled by four by hand: V8 does not
 * vectorize, and the unrolled form measured ~30% faster on the training hot path.
 */
export function addScaled(m: Float32Array, at: number, v: Float32Array, c: number, dim: number): void {
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    const q = at + d;
    m[q] += c * v[d];
    m[q + 1] += c * v[d + 1];
    m[q + 2] += c * v[d + 2];
    m[q + 3] += c * v[d + 3];
  }
  for (; d < dim; d++) m[at + d] += c * v[d];
}

/** h += m[at..at+dim) (unrolled, see addScaled). */
export function addRow(h: Float32Array, m: Float32Array, at: number, dim: number): void {
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    const q = at + d;
    h[d] += m[q];
    h[d + 1] += m[q + 1];
    h[d + 2] += m[q + 2];
    h[d + 3] += m[q + 3];
  }
  for (; d < dim; d++) h[d] += m[at + d];
}

/** hidden = mean of the example's input rows (repeats counted). */
export function computeHidden(input: Float32Array, rows: Int32Array, counts: Float32Array, lo: number, hi: number, inv: number, hidden: Float32Array, dim: number): void {
  hidden.fill(0);
  for (let i = lo; i < hi; i++) {
    const c = counts[i];
    const r = rows[i] * dim;
    if (c === 1) addRow(hidden, input, r, dim);
    else addScaledRow(hidden, input, r, c, dim);
  }
  for (let d = 0; d < dim; d++) hidden[d] *= inv;
}

/** h += c · m[at..at+dim) (unrolled, see addScaled). */
function addScaledRow(h: Float32Array, m: Float32Array, at: number, c: number, dim: number): void {
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    const q = at + d;
    h[d] += c * m[q];
    h[d + 1] += c * m[q + 1];
    h[d + 2] += c * m[q + 2];
    h[d + 3] += c * m[q + 3];
  }
  for (; d < dim; d++) h[d] += c * m[at + d];
}

export function dotRow(m: Float32Array, row: number, v: Float32Array, dim: number): number {
  const r = row * dim;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    const q = r + d;
    s0 += m[q] * v[d];
    s1 += m[q + 1] * v[d + 1];
    s2 += m[q + 2] * v[d + 2];
    s3 += m[q + 3] * v[d + 3];
  }
  for (; d < dim; d++) s0 += m[r + d] * v[d];
  return s0 + s1 + s2 + s3;
}

/** grad += alpha · output[row]; output[row] += alpha · hidden (the order fastText uses). */
function updateOutput(output: Float32Array, row: number, hidden: Float32Array, grad: Float32Array, alpha: number, dim: number): void {
  const r = row * dim;
  let d = 0;
  for (; d + 1 < dim; d += 2) {
    const q = r + d;
    const o0 = output[q];
    const o1 = output[q + 1];
    grad[d] += alpha * o0;
    grad[d + 1] += alpha * o1;
    output[q] = o0 + alpha * hidden[d];
    output[q + 1] = o1 + alpha * hidden[d + 1];
  }
  for (; d < dim; d++) {
    grad[d] += alpha * output[r + d];
    output[r + d] += alpha * hidden[d];
  }
}

function softmaxStep(output: Float32Array, hidden: Float32Array, grad: Float32Array, scores: Float32Array, target: number, lr: number, K: number, dim: number): void {
  softmaxScores(output, hidden, scores, K, dim);
  for (let k = 0; k < K; k++) {
    const alpha = lr * ((k === target ? 1 : 0) - scores[k]);
    updateOutput(output, k, hidden, grad, alpha, dim);
  }
}

/** scores[k] = softmax over the K rows of `output` · hidden. */
export function softmaxScores(output: Float32Array, hidden: Float32Array, scores: Float32Array, K: number, dim: number): void {
  let max = -Infinity;
  for (let k = 0; k < K; k++) {
    const s = dotRow(output, k, hidden, dim);
    scores[k] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(scores[k] - max);
    scores[k] = e;
    sum += e;
  }
  for (let k = 0; k < K; k++) scores[k] /= sum;
}

function ovaStep(output: Float32Array, hidden: Float32Array, grad: Float32Array, data: TrainData, labLo: number, labHi: number, lr: number, K: number, dim: number): void {
  for (let k = 0; k < K; k++) {
    let positive = 0;
    for (let i = labLo; i < labHi; i++) if (data.labelIds[i] === k) positive = 1;
    const score = sigmoid(dotRow(output, k, hidden, dim));
    const alpha = lr * data.outWeights[k * 2 + positive] * (positive - score);
    updateOutput(output, k, hidden, grad, alpha, dim);
  }
}

function hsStep(output: Float32Array, hidden: Float32Array, grad: Float32Array, data: TrainData, target: number, lr: number, dim: number): void {
  for (let i = data.pathOffsets[target]; i < data.pathOffsets[target + 1]; i++) {
    const node = data.pathNodes[i];
    const score = sigmoid(dotRow(output, node, hidden, dim));
    updateOutput(output, node, hidden, grad, lr * (data.pathCodes[i] - score), dim);
  }
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * Uniform(-bound, bound) init of elements [from, to) of `m`, fastText's input initialization.
 * Each value is a hash of (seed, index) rather than a PRNG stream, so threads can each fill a
 * part of the shared matrix in parallel and still produce exactly the single-thread values.
 */
export function initUniform(m: Float32Array, from: number, to: number, bound: number, seed: number): void {
  const s = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1);
  const scale = (2 * bound) / 4294967296;
  for (let i = from; i < to; i++) {
    let x = Math.imul(i ^ s, 0x85ebca6b);
    x ^= x >>> 13;
    x = Math.imul(x, 0xc2b2ae35);
    x ^= x >>> 16;
    m[i] = (x >>> 0) * scale - bound;
  }
}

/** mulberry32, inline: each thread its own stream. */
function nextRandom(rng: { state: number }): number {
  const a = (rng.state = (rng.state + 0x6d2b79f5) >>> 0);
  let t = Math.imul(a ^ (a >>> 15), a | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
