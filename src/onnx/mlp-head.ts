import type { Targets, Task } from '../data/targets.js';
import type { EpochRecord, EpochTrace, TrainingControls } from '../models/classifier.js';
import { validationMetric } from '../models/fasttext/early-stopping.js';
import { learningRate } from '../models/fasttext/schedule.js';
import { focalFactor, focalLoss } from '../models/fasttext/train-core.js';
import { createRng, shuffleInPlace } from '../util/random.js';

/**
 * A one-hidden-layer perceptron over dense embeddings: the trainable head of encoder_head models
 * when a linear one is not enough. Trained by per-example SGD with the recipe's `training`
 * controls (cross entropy or focal loss, learning-rate schedule and warm-up, weight decay,
 * gradient clipping, early stopping on dev), as the fastText trainer does.
 */

export interface MlpOptions {
  hidden: number;
  epochs: number;
  lr: number;
  seed: number;
}

export interface MlpWeights {
  inputDim: number;
  hidden: number;
  outputs: number;
  /** softmax over the outputs (binary and multiclass) or independent sigmoids (multilabel). */
  link: 'softmax' | 'sigmoid';
  /** inputDim × hidden, row-major by input. */
  w1: Float32Array;
  b1: Float32Array;
  /** hidden × outputs, row-major by hidden unit. */
  w2: Float32Array;
  b2: Float32Array;
}

export interface MlpFitInput {
  task: Task;
  labels: readonly string[];
  /** n × inputDim, row-major. */
  X: Float32Array;
  targets: Targets;
  sampleWeights?: Float32Array;
  validation?: { X: Float32Array; targets: Targets };
  onEpoch?: (r: EpochRecord) => void;
}

export function fitMlp(input: MlpFitInput, options: MlpOptions, controls: TrainingControls): { weights: MlpWeights; trace: EpochTrace } {
  const K = input.labels.length;
  const n = input.targets.kind === 'single' ? input.targets.y.length : input.targets.y.length / input.targets.numLabels;
  const D = input.X.length / Math.max(1, n);
  const H = options.hidden;
  const link = input.task === 'multilabel' ? 'sigmoid' : 'softmax';
  const rng = createRng(options.seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const w: MlpWeights = {
    inputDim: D,
    hidden: H,
    outputs: K,
    link,
    w1: Float32Array.from({ length: D * H }, () => gaussian() * Math.sqrt(2 / D)),
    b1: new Float32Array(H),
    w2: Float32Array.from({ length: H * K }, () => gaussian() * Math.sqrt(1 / H)),
    b2: new Float32Array(K),
  };
  const alpha = focalAlphaPairs(controls, input.labels);
  const schedule = { kind: controls.lrSchedule, lr: options.lr, epochs: options.epochs, warmupEpochs: controls.warmupEpochs, lrDecay: controls.lrDecay };
  const es = controls.earlyStopping;
  const trace: EpochTrace = { epochs: [], metric: es?.metric ?? null, bestEpoch: options.epochs, stoppedEarly: false };
  let best: { epoch: number; value: number; copy: MlpWeights } | null = null;
  let sinceBest = 0;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const h = new Float32Array(H);
  const p = new Float32Array(K);
  const g = new Float32Array(K);
  const dh = new Float32Array(H);

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffleInPlace(order, rng);
    let lossSum = 0;
    let lrSum = 0;
    for (let step = 0; step < n; step++) {
      const i = order[step];
      const lr = learningRate(schedule, (epoch + step / n) / options.epochs);
      lrSum += lr;
      const x = input.X.subarray(i * D, (i + 1) * D);
      forward(w, x, h, p);
      const sw = input.sampleWeights ? input.sampleWeights[i] : 1;
      // Output gradient of the loss wrt the logits: cross entropy's (p − y), scaled by α_t and
      // the focal factor (see focalFactor), and by the row's weight.
      if (input.targets.kind === 'single') {
        const y = input.targets.y[i];
        const pt = p[y];
        const a = alpha[y * 2 + 1];
        const scale = sw * a * (controls.loss === 'focal' ? focalFactor(pt, controls.focalGamma) : 1);
        lossSum += sw * focalLoss(pt, controls.loss === 'focal' ? controls.focalGamma : 0, a);
        for (let k = 0; k < K; k++) g[k] = scale * (p[k] - (k === y ? 1 : 0));
      } else {
        for (let k = 0; k < K; k++) {
          const y = input.targets.y[i * K + k];
          const pt = y === 1 ? p[k] : 1 - p[k];
          const a = alpha[k * 2 + y];
          const scale = sw * a * (controls.loss === 'focal' ? focalFactor(pt, controls.focalGamma) : 1);
          lossSum += (sw * focalLoss(pt, controls.loss === 'focal' ? controls.focalGamma : 0, a)) / K;
          g[k] = scale * (p[k] - y);
        }
      }
      // Backward: hidden gradient through W2 and the ReLU, clipped when asked.
      let norm = 0;
      for (let j = 0; j < H; j++) {
        if (h[j] <= 0) {
          dh[j] = 0;
          continue;
        }
        let s = 0;
        for (let k = 0; k < K; k++) s += w.w2[j * K + k] * g[k];
        dh[j] = s;
        norm += s * s;
      }
      if (controls.clipGradNorm !== null && norm > controls.clipGradNorm * controls.clipGradNorm) {
        const c = controls.clipGradNorm / Math.sqrt(norm);
        for (let j = 0; j < H; j++) dh[j] *= c;
      }
      const decay = 1 - lr * controls.weightDecay;
      for (let j = 0; j < H; j++) {
        const hj = h[j];
        for (let k = 0; k < K; k++) w.w2[j * K + k] = w.w2[j * K + k] * decay - lr * hj * g[k];
      }
      for (let k = 0; k < K; k++) w.b2[k] -= lr * g[k];
      for (let d = 0; d < D; d++) {
        const xd = x[d];
        const row = d * H;
        for (let j = 0; j < H; j++) w.w1[row + j] = w.w1[row + j] * decay - lr * xd * dh[j];
      }
      for (let j = 0; j < H; j++) w.b1[j] -= lr * dh[j];
    }
    const record: EpochRecord = { epoch: epoch + 1, trainLoss: lossSum / Math.max(1, n), lr: lrSum / Math.max(1, n) };
    if (es && input.validation) {
      const value = validationMetric(es.metric, input.task, input.labels, input.validation.targets, mlpProba(w, input.validation.X));
      record.dev = value;
      const better = best === null || (es.metric === 'loss' ? value < best.value - es.minDelta : value > best.value + es.minDelta);
      if (better) {
        best = { epoch: epoch + 1, value, copy: cloneWeights(w) };
        sinceBest = 0;
      } else {
        sinceBest++;
      }
    }
    trace.epochs.push(record);
    input.onEpoch?.(record);
    if (es && sinceBest >= es.patience) {
      trace.stoppedEarly = true;
      break;
    }
  }
  if (best) {
    trace.bestEpoch = best.epoch;
    return { weights: best.copy, trace };
  }
  trace.bestEpoch = trace.epochs.length;
  return { weights: w, trace };
}

/** Probabilities of the rows of X (n × inputDim): softmax rows sum to 1; sigmoids are independent. */
export function mlpProba(w: MlpWeights, X: Float32Array): Float32Array {
  const n = X.length / w.inputDim;
  const out = new Float32Array(n * w.outputs);
  const h = new Float32Array(w.hidden);
  const p = new Float32Array(w.outputs);
  for (let i = 0; i < n; i++) {
    forward(w, X.subarray(i * w.inputDim, (i + 1) * w.inputDim), h, p);
    out.set(p, i * w.outputs);
  }
  return out;
}

function forward(w: MlpWeights, x: Float32Array, h: Float32Array, p: Float32Array): void {
  const { inputDim: D, hidden: H, outputs: K } = w;
  h.set(w.b1);
  for (let d = 0; d < D; d++) {
    const xd = x[d];
    if (xd === 0) continue;
    const row = d * H;
    for (let j = 0; j < H; j++) h[j] += xd * w.w1[row + j];
  }
  for (let j = 0; j < H; j++) if (h[j] < 0) h[j] = 0;
  for (let k = 0; k < K; k++) {
    let s = w.b2[k];
    for (let j = 0; j < H; j++) s += h[j] * w.w2[j * K + k];
    p[k] = s;
  }
  if (w.link === 'sigmoid') {
    for (let k = 0; k < K; k++) p[k] = p[k] >= 0 ? 1 / (1 + Math.exp(-p[k])) : Math.exp(p[k]) / (1 + Math.exp(p[k]));
    return;
  }
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (p[k] > max) max = p[k];
  let sum = 0;
  for (let k = 0; k < K; k++) {
    p[k] = Math.exp(p[k] - max);
    sum += p[k];
  }
  for (let k = 0; k < K; k++) p[k] /= sum;
}

function cloneWeights(w: MlpWeights): MlpWeights {
  return { ...w, w1: w.w1.slice(), b1: w.b1.slice(), w2: w.w2.slice(), b2: w.b2.slice() };
}

/** Focal α per label as [negative side, positive side] (all ones without focal α), as the fastText trainer uses it. */
function focalAlphaPairs(c: TrainingControls, labels: readonly string[]): Float32Array {
  const out = new Float32Array(2 * labels.length).fill(1);
  if (c.loss !== 'focal' || c.focalAlpha === null) return out;
  const alpha = c.focalAlpha;
  labels.forEach((label, k) => {
    const a = typeof alpha === 'number' ? alpha : (alpha[label] ?? 0.5);
    out[k * 2] = 1 - a;
    out[k * 2 + 1] = a;
  });
  return out;
}
