import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_NORMALIZE } from '../../text/normalize.js';
import { loadStarter } from '../../test-support/starter-data.js';
import type { Classifier, FitInput } from '../classifier.js';
import { classifierConformance } from '../conformance.js';
import { restoreClassifier } from '../registry.js';
import { fnv1a } from './hash.js';
import { buildLabelTree } from './huffman.js';
import { balancedSideWeights, FasttextClassifier, fasttextModel, MAX_WEIGHTED_RATE, type FasttextOptions } from './index.js';
import { BucketRanks, bucketRowMap } from './features.js';
import { projectRows } from './project.js';

// Small and hot: the starter set has 560 short texts, so few dimensions, many epochs, high lr.
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

/** classifierConformance restores through the registry; until `fasttext` is registered there, it cannot run. */
function registered(): boolean {
  try {
    restoreClassifier({ type: fasttextModel.type, config: {}, arrays: {} }, 'probe');
    return true;
  } catch (e) {
    return !(e instanceof Error && e.message.includes('unknown model type'));
  }
}

if (registered()) {
  classifierConformance(fasttextModel, SMALL);
  classifierConformance(fasttextModel, { ...SMALL, loss: 'ova', minn: 2, maxn: 4, classWeight: 'balanced' });
} else {
  test('fasttext conformance suite', { skip: 'fasttext is not in models/registry.ts yet' }, () => {});
}

const train = loadStarter('train');
const dev = loadStarter('dev');
const emotions = [...new Set(train.map((r) => r.emotion))].sort();

function emotionInput(seed = 7): FitInput {
  return { task: 'multiclass', labels: emotions, texts: train.map((r) => r.text), targets: { kind: 'single', y: Int32Array.from(train, (r) => emotions.indexOf(r.emotion)) }, seed };
}

function multilabelInput(): FitInput {
  const labels = [...emotions, 'negative', 'neutral', 'positive'];
  const K = labels.length;
  const y = new Uint8Array(train.length * K);
  train.forEach((r, i) => {
    y[i * K + labels.indexOf(r.emotion)] = 1;
    y[i * K + labels.indexOf(r.sentiment)] = 1;
  });
  return { task: 'multilabel', labels, texts: train.map((r) => r.text), targets: { kind: 'multi', y, numLabels: K }, seed: 7 };
}

function devAccuracy(model: Classifier): number {
  const K = emotions.length;
  const p = model.predictProba(dev.map((r) => r.text));
  let hits = 0;
  dev.forEach((r, i) => {
    let best = 0;
    for (let k = 1; k < K; k++) if (p[i * K + k] > p[i * K + best]) best = k;
    hits += Number(emotions[best] === r.emotion);
  });
  return hits / dev.length;
}

function assertProbabilities(p: Float32Array, n: number, K: number, sumToOne: boolean): void {
  assert.equal(p.length, n * K);
  for (const v of p) assert.ok(Number.isFinite(v) && v >= 0 && v <= 1, `score ${v}`);
  if (!sumToOne) return;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += p[i * K + k];
    assert.ok(Math.abs(s - 1) < 1e-5, `row ${i} sums to ${s}`);
  }
}

const probe = [...dev.slice(0, 10).map((r) => r.text), '', 'zzqx unseenword', '🙂🙂', '漢字のテキスト', 'a'.repeat(5000)];

test('fasttext: hash is fastText FNV-1a with sign-extended bytes', () => {
  // Values from fastText's Dictionary::hash (uint32, int8_t casts), computed by hand for ASCII and checked for non-ASCII.
  assert.equal(fnv1a(''), 2166136261);
  assert.equal(fnv1a('a'), 0xe40c292c);
  assert.notEqual(fnv1a('é'), fnv1a('e'));
});

test('fasttext: Huffman paths give frequent labels shorter codes and distinct leaves', () => {
  const t = buildLabelTree([100, 1, 1, 1, 50]);
  const depth = (k: number): number => t.pathOffsets[k + 1] - t.pathOffsets[k];
  assert.ok(depth(0) <= depth(1));
  assert.ok(depth(4) <= depth(2));
  const codes = new Set([0, 1, 2, 3, 4].map((k) => Array.from(t.pathCodes.subarray(t.pathOffsets[k], t.pathOffsets[k + 1])).join('')));
  assert.equal(codes.size, 5);
});

test('fasttext: threads 1 is deterministic: same seed, identical weights; another seed differs', async () => {
  const a = (await fasttextModel.fit(emotionInput(), SMALL)).toState();
  const b = (await fasttextModel.fit(emotionInput(), SMALL)).toState();
  for (const name of Object.keys(a.arrays)) assert.deepEqual(b.arrays[name], a.arrays[name], `array ${name} differs`);
  const c = (await fasttextModel.fit(emotionInput(8), SMALL)).toState();
  assert.notDeepEqual(c.arrays.input, a.arrays.input);
});

for (const loss of ['softmax', 'ova', 'hs'] as const) {
  test(`fasttext: ${loss} on multiclass gives probabilities, learns, and restores from state`, async () => {
    const model = await fasttextModel.fit(emotionInput(), { ...SMALL, loss });
    assertProbabilities(model.predictProba(probe), probe.length, emotions.length, true);
    assert.equal(model.predictProba([]).length, 0);
    assert.ok(devAccuracy(model) > 2 / emotions.length, `dev accuracy ${devAccuracy(model)}`);
    const restored = fasttextModel.fromState(structuredClone(model.toState()));
    assert.deepEqual(restored.predictProba(probe), model.predictProba(probe));
  });
}

for (const loss of ['softmax', 'ova', 'hs'] as const) {
  test(`fasttext: ${loss}: the cached-projection path of a final model scores as the plain embedding path`, async () => {
    // dim 64 with 7 labels (6 tree nodes for hs): few enough outputs for the projected path.
    const model = await fasttextModel.fit(emotionInput(), { ...SMALL, dim: 64, loss });
    const state = model.toState();
    const c = state.config as unknown as ConstructorParameters<typeof FasttextClassifier>[0];
    const a = state.arrays;
    const tree = loss === 'hs' ? { pathOffsets: a.treeOffsets as Int32Array, pathNodes: a.treeNodes as Int32Array, pathCodes: a.treeCodes as Uint8Array } : null;
    const words = new TextDecoder().decode(a.words as Uint8Array).split('\n');
    // Not frozen: what training sees between epochs, the mean embedding times the output matrix.
    const plain = new FasttextClassifier(c, words, a.buckets as Int32Array, a.input as Float32Array, a.output as Float32Array, tree);
    const texts = [...probe, ...dev.map((r) => r.text)];
    const cold = model.predictProba(texts);
    const warm = model.predictProba(texts);
    assert.deepEqual(warm, cold, 'a row projected earlier gives the same numbers');
    const expected = plain.predictProba(texts);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - cold[i]));
    assert.ok(worst < 1e-5, `largest difference ${worst}`);
  });
}

test('fasttext: ova multilabel gives independent sigmoids; char n-grams and balanced weights work', async () => {
  const input = multilabelInput();
  const model = await fasttextModel.fit(input, { ...SMALL, loss: 'ova', minn: 2, maxn: 4, classWeight: 'balanced' });
  assertProbabilities(model.predictProba(probe), probe.length, input.labels.length, false);
  const restored = fasttextModel.fromState(structuredClone(model.toState()));
  assert.deepEqual(restored.predictProba(probe), model.predictProba(probe));
});

test('fasttext: only buckets seen in training are kept, sorted', async () => {
  const state = (await fasttextModel.fit(emotionInput(), SMALL)).toState();
  const buckets = state.arrays.buckets as Int32Array;
  assert.ok(buckets.length > 0 && buckets.length < SMALL.buckets);
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i] > buckets[i - 1]);
  const rows = (state.config.numWords as number) + buckets.length;
  assert.equal(state.arrays.input.length, rows * SMALL.dim);
});

test('fasttext: threads 2 (Hogwild workers) trains and reaches similar accuracy', async () => {
  const one = devAccuracy(await fasttextModel.fit(emotionInput(), SMALL));
  const model = await fasttextModel.fit(emotionInput(), { ...SMALL, threads: 2 });
  assertProbabilities(model.predictProba(probe), probe.length, emotions.length, true);
  const two = devAccuracy(model);
  assert.ok(two > one - 0.1, `threads 2 dev accuracy ${two} vs threads 1 ${one}`);
  const restored = fasttextModel.fromState(structuredClone(model.toState()));
  assert.deepEqual(restored.predictProba(probe), model.predictProba(probe));
});

test('fasttext: rejects bad options, naming the field', async () => {
  await assert.rejects(fasttextModel.fit(emotionInput(), { ...SMALL, dim: 0 }), /dim/);
  await assert.rejects(fasttextModel.fit(emotionInput(), { ...SMALL, minn: 5, maxn: 3 }), /minn/);
});

test('balanced class weights on skewed data: examples are drawn by weight, so a hot learning rate stays stable', async () => {
  // 95% "common", 5% "rare": weights of 10x, which as learning-rate multipliers at lr 1 diverge.
  const texts: string[] = [];
  const y: number[] = [];
  for (let i = 0; i < 400; i++) {
    const rare = i % 20 === 0;
    texts.push(rare ? `alarm fire smoke ${i % 7}` : `lunch coffee meeting ${i % 11}`);
    y.push(rare ? 1 : 0);
  }
  const input: FitInput = { task: 'multiclass', labels: ['common', 'rare'], texts, targets: { kind: 'single', y: Int32Array.from(y) }, seed: 3 };
  const model = await fasttextModel.fit(input, { ...SMALL, lr: 1, epoch: 10, classWeight: 'balanced' });
  const p = model.predictProba(['fire alarm again', 'coffee after lunch']);
  assert.ok(p.every(Number.isFinite), 'no NaN from a diverged fit');
  assert.ok(p[1] > 0.5 && p[2] > 0.5, `rare ${p[1]}, common ${p[2]}`);
  const again = await fasttextModel.fit(input, { ...SMALL, lr: 1, epoch: 10, classWeight: 'balanced' });
  assert.deepEqual(again.predictProba(['fire alarm again']), model.predictProba(['fire alarm again']), 'weighted draws are seeded');
});

test('balanced ova weights are capped at MAX_WEIGHTED_RATE / lr: a rare label pulls harder without diverging', async () => {
  // 1 positive in 200: its balanced weight is 100; at lr 0.5 that is a step of 50 (the cap makes it 2).
  const w = balancedSideWeights(Float64Array.from([1, 100, 199]), 200, MAX_WEIGHTED_RATE / 0.5);
  // [neg, pos] per label: 200 / (2 · negatives) and 200 / (2 · positives), at most 2.
  assert.deepEqual(Array.from(w), [200 / 398, 2, 1, 1, 2, 200 / 398].map((v) => Math.fround(v)));
  const texts: string[] = [];
  const labels = ['rare', 'common', 'other'];
  const y = new Uint8Array(600 * 3);
  for (let i = 0; i < 600; i++) {
    const rare = i % 200 === 7;
    texts.push(rare ? `fire alarm smoke ${i % 13}` : i % 2 === 0 ? `lunch coffee meeting ${i % 11}` : `weather rain cloud ${i % 5}`);
    if (rare) y[i * 3] = 1;
    y[i * 3 + (i % 2 === 0 ? 1 : 2)] = 1;
  }
  const input: FitInput = { task: 'multilabel', labels, texts, targets: { kind: 'multi', y, numLabels: 3 }, seed: 5 };
  const model = (await fasttextModel.fit(input, { ...SMALL, loss: 'ova', epoch: 10, classWeight: 'balanced' })) as FasttextClassifier;
  const losses = model.trace!.epochs.map((r) => r.trainLoss);
  // Summed log loss of 3 sigmoids: a diverged fit sits near 3 × 34.5 (saturated wrong scores).
  assert.ok(losses.every((l) => Number.isFinite(l) && l < 3), `train losses ${losses.join(', ')}`);
  const p = model.predictProba(['fire alarm', 'coffee at lunch']);
  assert.ok(p[0] > 0.5 && p[3] < 0.5, `rare: ${p[0]} for the alarm, ${p[3]} for lunch`);
});

test('projectRows: every row · every output row, as plain dot products (odd row and output counts)', () => {
  const dim = 7;
  for (const [rows, O] of [[5, 9], [4, 4], [1, 3], [0, 2]] as const) {
    const input = Float32Array.from({ length: rows * dim }, (_, i) => Math.sin(i + 1));
    const output = Float32Array.from({ length: O * dim }, (_, i) => Math.cos(i * 0.7));
    const p = projectRows(input, output, rows, O, dim);
    assert.equal(p.length, rows * O);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < O; o++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += input[r * dim + d] * output[o * dim + d];
        assert.ok(Math.abs(p[r * O + o] - s) < 1e-6, `row ${r} output ${o}: ${p[r * O + o]} vs ${s}`);
      }
    }
  }
});

for (const loss of ['softmax', 'ova', 'hs'] as const) {
  test(`fasttext: ${loss}: a trained model keeps every row's projection; a model saved without them (before) predicts the same`, async () => {
    const model = await fasttextModel.fit(emotionInput(), { ...SMALL, dim: 64, loss });
    const state = model.toState();
    const c = state.config as unknown as { numWords: number; numUsedBuckets: number; numOutputs: number };
    assert.equal(state.arrays.projected.length, (c.numWords + c.numUsedBuckets) * c.numOutputs);
    assert.deepEqual(state.arrays.projected, projectRows(state.arrays.input as Float32Array, state.arrays.output as Float32Array, c.numWords + c.numUsedBuckets, c.numOutputs, 64));
    const texts = [...probe, ...dev.map((r) => r.text)];
    const withTable = fasttextModel.fromState(structuredClone(state)).predictProba(texts);
    assert.deepEqual(withTable, model.predictProba(texts));
    const { projected: _dropped, ...older } = state.arrays;
    const without = fasttextModel.fromState({ ...structuredClone(state), arrays: structuredClone(older) });
    const p = without.predictProba(texts);
    let worst = 0;
    for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i] - withTable[i]));
    assert.ok(worst < 1e-5, `largest difference ${worst}`);
    assert.equal(without.toState().arrays.projected, undefined, 'a model restored without the table is saved without it');
  });
}

test('fasttext: threads 2: the workers project the final rows, each its share, as one thread would', async () => {
  const state = (await fasttextModel.fit(emotionInput(), { ...SMALL, dim: 64, threads: 2 })).toState();
  const c = state.config as unknown as { numWords: number; numUsedBuckets: number; numOutputs: number };
  const rows = c.numWords + c.numUsedBuckets;
  assert.deepEqual(Array.from(state.arrays.projected), Array.from(projectRows(state.arrays.input as Float32Array, state.arrays.output as Float32Array, rows, c.numOutputs, 64)));
});

test('fasttext: many outputs for the dimension (numOutputs > dim / 2): no table is kept', async () => {
  const model = await fasttextModel.fit(emotionInput(), { ...SMALL, dim: 8 });
  assert.equal(model.toState().arrays.projected, undefined);
  const restored = fasttextModel.fromState(structuredClone(model.toState()));
  assert.deepEqual(restored.predictProba(probe), model.predictProba(probe));
});

test('fasttext: a projection table of the wrong size is refused at load', async () => {
  const state = (await fasttextModel.fit(emotionInput(), { ...SMALL, dim: 64 })).toState();
  assert.throws(() => fasttextModel.fromState({ ...state, arrays: { ...state.arrays, projected: new Float32Array(5) } }), /projected has 5 values/);
});

test('BucketRanks: the rows of bucketRowMap, from the used list or from the map; a map with gaps is refused', () => {
  for (const [buckets, numWords, used] of [
    [1000, 17, [0, 1, 2, 31, 32, 33, 63, 64, 500, 998, 999]],
    [64, 0, Array.from({ length: 64 }, (_, i) => i)],
    [100, 5, []],
    [70, 3, [69]],
  ] as const) {
    const usedBuckets = Int32Array.from(used);
    const map = bucketRowMap(usedBuckets, buckets, numWords);
    for (const ranks of [BucketRanks.fromUsed(usedBuckets, buckets, numWords), BucketRanks.fromMap(map)]) {
      for (let b = 0; b < buckets; b++) assert.equal(ranks.row(b), map[b], `bucket ${b}`);
    }
  }
  const gap = bucketRowMap(Int32Array.from([3, 9]), 16, 2);
  gap[9] = 7;
  assert.throws(() => BucketRanks.fromMap(gap), /bucket 9 maps to row 7, expected 3/);
});
