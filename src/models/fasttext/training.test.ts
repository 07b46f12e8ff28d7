import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_NORMALIZE } from '../../text/normalize.js';
import { loadStarter } from '../../test-support/starter-data.js';
import { DEFAULT_TRAINING_CONTROLS, type FitInput, type TrainingControls } from '../classifier.js';
import { validationMetric } from './early-stopping.js';
import { FasttextClassifier, fasttextModel, type FasttextOptions } from './index.js';
import { learningRate, type Schedule } from './schedule.js';
import { focalFactor, SliceTrainer, type LossKind, type TrainData, type TrainParams } from './train-core.js';

const SMALL: FasttextOptions = {
  normalize: DEFAULT_NORMALIZE,
  dim: 24,
  epoch: 30,
  lr: 0.5,
  wordNgrams: 2,
  minCount: 1,
  buckets: 100_000,
  minn: 0,
  maxn: 0,
  loss: 'softmax',
  threads: 1,
  classWeight: null,
};

const train = loadStarter('train');
const dev = loadStarter('dev');
const emotions = [...new Set(train.map((r) => r.emotion))].sort();
const targetsOf = (rows: typeof train) => ({ kind: 'single' as const, y: Int32Array.from(rows, (r) => emotions.indexOf(r.emotion)) });

function input(training: Partial<TrainingControls> = {}, seed = 7): FitInput {
  return {
    task: 'multiclass',
    labels: emotions,
    texts: train.map((r) => r.text),
    targets: targetsOf(train),
    seed,
    validation: { texts: dev.map((r) => r.text), targets: targetsOf(dev) },
    training: { ...DEFAULT_TRAINING_CONTROLS, ...training },
  };
}

async function weightsOf(fit: FitInput, options: FasttextOptions): Promise<{ input: Float32Array; output: Float32Array }> {
  const state = (await fasttextModel.fit(fit, options)).toState();
  return { input: state.arrays.input as Float32Array, output: state.arrays.output as Float32Array };
}

for (const loss of ['softmax', 'ova'] as const) {
  test(`focal loss with gamma 0 and no alpha is cross entropy, bit for bit (${loss})`, async () => {
    const options = { ...SMALL, epoch: 5, loss };
    const ce = await weightsOf(input(), options);
    const focal = await weightsOf(input({ loss: 'focal', focalGamma: 0, focalAlpha: null }), options);
    assert.deepEqual(focal.input, ce.input);
    assert.deepEqual(focal.output, ce.output);
    const gamma2 = await weightsOf(input({ loss: 'focal', focalGamma: 2 }), options);
    assert.notDeepEqual(gamma2.output, ce.output);
  });
}

// ---- Finite-difference check of one SGD step: Δθ = −lr · ∇FL(θ) ----

const DIM = 3;
const K = 3;

/** One example with one input row (so hidden = that row) and the given labels. */
function tinyData(labelIds: number[], alpha: Float32Array): TrainData {
  return {
    offsets: Int32Array.from([0, 1]),
    rows: Int32Array.from([0]),
    counts: Float32Array.from([1]),
    invNorm: Float32Array.from([1]),
    labelOffsets: Int32Array.from([0, labelIds.length]),
    labelIds: Int32Array.from(labelIds),
    weights: Float32Array.from([1]),
    outWeights: new Float32Array(2 * K).fill(1),
    focalAlpha: alpha,
    order: Int32Array.from([0]),
    pathOffsets: new Int32Array(1),
    pathNodes: new Int32Array(0),
    pathCodes: new Uint8Array(0),
  };
}

/** θ = [input row (DIM), output rows (K × DIM)], in float64. */
function focalObjective(theta: Float64Array, loss: LossKind, labelIds: number[], alpha: Float32Array, gamma: number): number {
  const h = theta.subarray(0, DIM);
  const z = Array.from({ length: K }, (_, k) => {
    let s = 0;
    for (let d = 0; d < DIM; d++) s += theta[DIM + k * DIM + d] * h[d];
    return s;
  });
  if (loss === 'softmax') {
    const t = labelIds[0];
    const max = Math.max(...z);
    const sum = z.reduce((a, v) => a + Math.exp(v - max), 0);
    const pt = Math.exp(z[t] - max) / sum;
    return -alpha[t * 2 + 1] * Math.pow(1 - pt, gamma) * Math.log(pt);
  }
  let total = 0;
  for (let k = 0; k < K; k++) {
    const positive = labelIds.includes(k) ? 1 : 0;
    const s = 1 / (1 + Math.exp(-z[k]));
    const pt = positive ? s : 1 - s;
    total += -alpha[k * 2 + positive] * Math.pow(1 - pt, gamma) * Math.log(pt);
  }
  return total;
}

for (const [loss, labelIds] of [['softmax', [1]], ['ova', [0, 2]]] as const) {
  for (const gamma of [0.5, 2]) {
    test(`focal gradient matches finite differences (${loss}, gamma ${gamma})`, () => {
      const alphaByLabel = [0.3, 0.6, 0.8];
      const alpha = new Float32Array(2 * K);
      alphaByLabel.forEach((a, k) => {
        alpha[k * 2] = 1 - a;
        alpha[k * 2 + 1] = a;
      });
      const theta0 = Float32Array.from([0.9, -0.4, 0.7, 0.5, -0.8, 0.3, -0.2, 0.6, 0.4, 0.7, 0.1, -0.9]);
      const w = { input: theta0.slice(0, DIM), output: theta0.slice(DIM) };
      const lr = 0.01;
      const schedule: Schedule = { kind: 'constant', lr, epochs: 1, warmupEpochs: 0, lrDecay: 0.5 };
      const params: TrainParams = { dim: DIM, numOutputs: K, loss, epochs: 1, numExamples: 1, schedule, objective: 'focal', focalGamma: gamma, weightDecay: 0, clipGradNorm: 0 };
      const stats = new SliceTrainer(tinyData([...labelIds], alpha), params, w, 0, 1, 1).epoch(0);
      const after = Float32Array.from([...w.input, ...w.output]);
      const theta = Float64Array.from(theta0);
      assert.ok(Math.abs(stats.lossSum - focalObjective(theta, loss, [...labelIds], alpha, gamma)) < 1e-5, 'reported loss');
      const eps = 1e-6;
      for (let i = 0; i < theta.length; i++) {
        const plus = Float64Array.from(theta);
        const minus = Float64Array.from(theta);
        plus[i] += eps;
        minus[i] -= eps;
        const numeric = (focalObjective(plus, loss, [...labelIds], alpha, gamma) - focalObjective(minus, loss, [...labelIds], alpha, gamma)) / (2 * eps);
        const step = (after[i] - theta0[i]) / -lr;
        assert.ok(Math.abs(step - numeric) < 1e-3 * Math.max(1, Math.abs(numeric)), `θ[${i}]: step gives ${step}, finite differences ${numeric}`);
      }
    });
  }
}

test('focalFactor: 1 at gamma 0, 0 at p = 1, finite near 1 for gamma < 1', () => {
  assert.equal(focalFactor(0.3, 0), 1);
  assert.equal(focalFactor(1, 2), 0);
  const near = focalFactor(1 - 1e-7, 0.5);
  assert.ok(Number.isFinite(near) && near >= 0 && near < 0.01, `${near}`);
});

// ---- Schedules ----

test('learning-rate schedules at a few progress points', () => {
  const base: Schedule = { kind: 'linear', lr: 1, epochs: 10, warmupEpochs: 0, lrDecay: 0.5 };
  const at = (s: Partial<Schedule>, p: number): number => learningRate({ ...base, ...s }, p);
  const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  // linear without warm-up is fastText's lr · (1 − progress), exactly.
  for (const p of [0, 0.123, 0.5, 0.9]) assert.equal(at({ lr: 0.3 }, p), 0.3 * (1 - p));
  for (const p of [0, 0.5, 0.99]) assert.equal(at({ kind: 'constant' }, p), 1);
  close(at({ kind: 'cosine' }, 0), 1);
  close(at({ kind: 'cosine' }, 0.5), 0.5);
  close(at({ kind: 'cosine' }, 1), 0);
  close(at({ kind: 'exponential' }, 0), 1);
  close(at({ kind: 'exponential' }, 0.1), 0.5);
  close(at({ kind: 'exponential', lrDecay: 0.8 }, 0.3), 0.8 ** 3);
  // Warm-up: 0 → lr over 2 of 10 epochs, then the schedule over the remaining 8.
  close(at({ warmupEpochs: 2 }, 0), 0);
  close(at({ warmupEpochs: 2 }, 0.1), 0.5);
  close(at({ warmupEpochs: 2 }, 0.2), 1);
  close(at({ warmupEpochs: 2 }, 0.6), 0.5);
  close(at({ kind: 'cosine', warmupEpochs: 2 }, 0.6), 0.5);
  close(at({ kind: 'exponential', warmupEpochs: 2 }, 0.3), 0.5);
  close(at({ kind: 'constant', warmupEpochs: 2 }, 0.05), 0.25);
});

test('the epoch curve reports the mean learning rate of each epoch', async () => {
  const model = (await fasttextModel.fit(input({ lrSchedule: 'constant' }), { ...SMALL, epoch: 3 })) as FasttextClassifier;
  assert.deepEqual(
    model.trace?.epochs.map((r) => r.lr),
    [0.5, 0.5, 0.5],
  );
  const linear = (await fasttextModel.fit(input(), { ...SMALL, epoch: 4 })) as FasttextClassifier;
  const lrs = linear.trace?.epochs.map((r) => r.lr) ?? [];
  assert.equal(lrs.length, 4);
  for (let e = 0; e < 4; e++) assert.ok(Math.abs(lrs[e] - 0.5 * (1 - (e + 0.5) / 4)) < 1e-3, `epoch ${e + 1}: ${lrs[e]}`);
  const losses = linear.trace?.epochs.map((r) => r.trainLoss) ?? [];
  assert.ok(losses[3] < losses[0], `train loss ${losses.join(', ')}`);
  assert.equal(linear.trace?.stoppedEarly, false);
  assert.equal(linear.trace?.bestEpoch, 4);
});

// ---- Early stopping ----

const devLoss = (m: FasttextClassifier): number => validationMetric('loss', 'multiclass', emotions, targetsOf(dev), m.predictProba(dev.map((r) => r.text)));
// A constant, high learning rate over many epochs: dev log loss bottoms out after a few epochs, then overfitting raises it.
const OVERFIT: FasttextOptions = { ...SMALL, epoch: 40, lr: 1 };
const overfitControls: Partial<TrainingControls> = { lrSchedule: 'constant', earlyStopping: { metric: 'loss', patience: 3, minDelta: 0 } };

/** `value` is epoch `epoch`'s dev value (1-based) up to rounding, and no other epoch's. */
function assertScoredAs(value: number, devs: number[], epoch: number): void {
  assert.ok(Math.abs(value - devs[epoch - 1]) < 1e-6, `${value} vs epoch ${epoch}'s ${devs[epoch - 1]}`);
  devs.forEach((d, e) => assert.ok(e === epoch - 1 || Math.abs(value - d) > 1e-6, `${value} is epoch ${e + 1}'s too`));
}

test('early stopping stops after patience epochs without improvement and restores the best epoch', async () => {
  const model = (await fasttextModel.fit(input(overfitControls), OVERFIT)) as FasttextClassifier;
  const trace = model.trace!;
  assert.equal(trace.stoppedEarly, true);
  assert.equal(trace.metric, 'loss');
  const devs = trace.epochs.map((r) => r.dev!);
  assert.ok(trace.epochs.length < OVERFIT.epoch, `ran ${trace.epochs.length} epochs`);
  const best = devs.indexOf(Math.min(...devs)) + 1;
  assert.equal(trace.bestEpoch, best);
  assert.equal(trace.epochs.length, best + 3, 'stops exactly patience epochs after the best');
  assert.ok(devs[devs.length - 1] > devs[best - 1]);
  // The returned weights are the best epoch's, not the last epoch's (the final model scores
  // through its per-row projections, equal to the in-training path up to float rounding).
  assertScoredAs(devLoss(model), devs, best);
  const restored = fasttextModel.fromState(structuredClone(model.toState())) as FasttextClassifier;
  assert.equal(devLoss(restored), devLoss(model));
});

test('early stopping on a metric to maximize; min_delta makes small gains not count', async () => {
  const acc = (await fasttextModel.fit(input({ ...overfitControls, earlyStopping: { metric: 'accuracy', patience: 2, minDelta: 0 } }), OVERFIT)) as FasttextClassifier;
  const devs = acc.trace!.epochs.map((r) => r.dev!);
  assert.equal(devs[acc.trace!.bestEpoch - 1], Math.max(...devs));
  const strict = (await fasttextModel.fit(input({ ...overfitControls, earlyStopping: { metric: 'accuracy', patience: 2, minDelta: 0.5 } }), OVERFIT)) as FasttextClassifier;
  // No epoch beats the first by 0.5 accuracy: epoch 1 is kept and training stops at epoch 3.
  assert.equal(strict.trace!.bestEpoch, 1);
  assert.equal(strict.trace!.epochs.length, 3);
});

test('threads 1 with early stopping is deterministic: same seed, identical weights and curve', async () => {
  const a = (await fasttextModel.fit(input(overfitControls), OVERFIT)) as FasttextClassifier;
  const b = (await fasttextModel.fit(input(overfitControls), OVERFIT)) as FasttextClassifier;
  assert.deepEqual(b.toState().arrays, a.toState().arrays);
  assert.deepEqual(b.trace, a.trace);
});

test('early stopping and curves work with Hogwild workers (threads 2)', async () => {
  const model = (await fasttextModel.fit(input(overfitControls), { ...OVERFIT, threads: 2 })) as FasttextClassifier;
  const trace = model.trace!;
  assert.equal(trace.stoppedEarly, true);
  const devs = trace.epochs.map((r) => r.dev!);
  assertScoredAs(devLoss(model), devs, trace.bestEpoch);
  for (const r of trace.epochs) assert.ok(Math.abs(r.lr - 1) < 1e-9 && Number.isFinite(r.trainLoss));
});

test('weight decay shrinks the weights; a clip norm larger than any gradient changes nothing', async () => {
  const plain = await weightsOf(input(), { ...SMALL, epoch: 5 });
  const decayed = await weightsOf(input({ weightDecay: 0.05 }), { ...SMALL, epoch: 5 });
  const norm = (a: Float32Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
  assert.ok(norm(decayed.output) < norm(plain.output), `${norm(decayed.output)} vs ${norm(plain.output)}`);
  const loose = await weightsOf(input({ clipGradNorm: 1e9 }), { ...SMALL, epoch: 5 });
  assert.deepEqual(loose.input, plain.input);
  const tight = await weightsOf(input({ clipGradNorm: 0.01 }), { ...SMALL, epoch: 5 });
  assert.notDeepEqual(tight.input, plain.input);
});

test('bad controls are rejected, naming the field', async () => {
  await assert.rejects(fasttextModel.fit(input({ loss: 'focal' }), { ...SMALL, loss: 'hs' }), /focal loss needs softmax or ova/);
  await assert.rejects(fasttextModel.fit(input({ loss: 'focal', focalAlpha: { nope: 0.5 } }), SMALL), /focal alpha for nope.*labels: anger/);
  await assert.rejects(fasttextModel.fit(input({ warmupEpochs: 30 }), SMALL), /warmupEpochs/);
  const { validation: _, ...withoutDev } = input(overfitControls);
  await assert.rejects(fasttextModel.fit(withoutDev, SMALL), /early stopping needs validation data/);
});
