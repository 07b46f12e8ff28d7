import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ModelFormatError } from '../errors.js';
import type { Classifier } from '../models/classifier.js';
import { scoreInBatches } from '../models/score-texts.js';
import { loadStarter, REPO_ROOT } from '../test-support/starter-data.js';
import { AsyncOnlyModelError, OnnxEncoderHeadClassifier, OnnxReadyClassifier } from './classifiers.js';
import { EncoderRef, type EncoderSettings } from './encoder-ref.js';
import { fitOnnxModel, type OnnxModelSection } from './fit.js';
import { OnnxTextModel } from './text-model.js';
import { windowCount } from './windows.js';

/**
 * The real loading path, offline: transformers.js and onnxruntime-node on the committed tiny BERT
 * fixtures (scripts/fixtures/make_tiny_bert.py). Their weights are random: these tests check
 * mechanics (labels, score ranges, windows, cache, determinism), not accuracy.
 */
const CLASSIFIER = path.join(REPO_ROOT, 'test', 'fixtures', 'tiny-bert-classifier');
const ENCODER = path.join(REPO_ROOT, 'test', 'fixtures', 'tiny-bert-encoder');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-onnx-'));
const opened: Classifier[] = [];
after(async () => {
  for (const c of opened) if (c instanceof OnnxEncoderHeadClassifier) await c.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const starter = loadStarter('train');
const texts = starter.slice(0, 24).map((r) => r.text);
const sentiments = ['negative', 'neutral', 'positive'];
/** A text of about 200 word-piece tokens: three windows and more at max length 64. */
const longText = starter.slice(0, 12).map((r) => r.text).join(' ');

function section(over: Partial<OnnxModelSection>): OnnxModelSection {
  return {
    type: 'onnx',
    path: CLASSIFIER,
    mode: 'classifier',
    window: { aggregate: 'mean' },
    batch_size: 8,
    threads: 1,
    quantized: false,
    device: 'cpu',
    allow_remote: false,
    cache_dir: path.join(work, 'cache'),
    embedding_cache: true,
    head: { type: 'logistic_regression', C: 1, max_iter: 300, tol: 1e-4, hidden: 16, epochs: 10, lr: 0.01 },
    combine_tfidf: 'none',
    class_weight: null,
    ...over,
  };
}

function fitInput(labels: string[], rows = starter, field: 'sentiment' | 'emotion' = 'sentiment') {
  const y = Int32Array.from(rows, (r) => labels.indexOf(r[field]));
  return { task: 'multiclass' as const, labels, texts: rows.map((r) => r.text), targets: { kind: 'single' as const, y }, seed: 1 };
}

const pipeline = { normalize: { unicode: 'NFKC', lowercase: true, stripHtml: true, urls: true, emails: true, mentions: true, numbers: false }, tfidf: undefined } as never;

async function ready(over: Partial<OnnxModelSection> = {}): Promise<OnnxReadyClassifier> {
  const c = (await fitOnnxModel(section({ label_map: { NEGATIVE: 'negative', NEUTRAL: 'neutral', POSITIVE: 'positive' }, ...over }), fitInput(sentiments, starter.slice(0, 4)), pipeline, null)) as OnnxReadyClassifier;
  opened.push(c);
  return c;
}

test('ready classifier: labels mapped from config.json id2label, probabilities in [0, 1] summing to 1, deterministic', async () => {
  const c = await ready();
  assert.deepEqual(c.modelLabels, ['NEGATIVE', 'NEUTRAL', 'POSITIVE']);
  assert.deepEqual(c.labels, sentiments);
  const p = await c.predictProbaAsync(texts);
  assert.equal(p.length, texts.length * 3);
  for (let i = 0; i < texts.length; i++) {
    const row = Array.from(p.subarray(i * 3, i * 3 + 3));
    for (const v of row) assert.ok(v >= 0 && v <= 1, `score ${v}`);
    assert.ok(Math.abs(row[0] + row[1] + row[2] - 1) < 1e-5, `row sums to ${row[0] + row[1] + row[2]}`);
  }
  // Random weights, but not degenerate: the texts do not all get the same scores.
  assert.ok(new Set(Array.from({ length: texts.length }, (_, i) => p[i * 3 + 2].toFixed(4))).size > 5);
  assert.deepEqual(await c.predictProbaAsync(texts), p, 'same texts, same scores');
  assert.throws(() => c.predictProba(texts), AsyncOnlyModelError);
  assert.deepEqual(await scoreInBatches(c, texts, 5), p, 'batching at another size changes nothing');
});

test('batched, length-sorted, dynamically padded scoring equals one text at a time', async () => {
  const c = await ready();
  const batched = await c.predictProbaAsync(texts);
  for (let i = 0; i < texts.length; i += 5) {
    const single = await c.predictProbaAsync([texts[i]]);
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(single[k] - batched[i * 3 + k]) < 1e-5, `text ${i} label ${k}: ${single[k]} vs ${batched[i * 3 + k]}`);
  }
});

test('label_map: a model label mapped to nothing is left out and the rest renormalized; bad maps are refused', async () => {
  const two = (await fitOnnxModel(section({ label_map: { NEGATIVE: 'negative', POSITIVE: 'positive' } }), fitInput(['negative', 'positive'], starter.filter((r) => r.sentiment !== 'neutral').slice(0, 4)), pipeline, null)) as OnnxReadyClassifier;
  opened.push(two);
  assert.deepEqual(two.mapping, [0, -1, 1]);
  const three = await ready();
  const p2 = await two.predictProbaAsync(texts.slice(0, 3));
  const p3 = await three.predictProbaAsync(texts.slice(0, 3));
  for (let i = 0; i < 3; i++) {
    const rest = p3[i * 3] + p3[i * 3 + 2];
    assert.ok(Math.abs(p2[i * 2] - p3[i * 3] / rest) < 1e-5);
    assert.ok(Math.abs(p2[i * 2] + p2[i * 2 + 1] - 1) < 1e-5);
  }
  // NEUTRAL is not named, so it feeds the recipe label of the same name (case aside); "mixed" gets nothing.
  await assert.rejects(fitOnnxModel(section({ label_map: { NEGATIVE: 'negative', POSITIVE: 'positive' } }), fitInput([...sentiments, 'mixed'], starter.slice(0, 4)), pipeline, null), /no label of the ONNX model maps to "mixed"/);
  await assert.rejects(fitOnnxModel(section({ label_map: { NEGATIVE: 'sad' } }), fitInput(sentiments, starter.slice(0, 4)), pipeline, null), /NEGATIVE → "sad": not a label of the data/);
  await assert.rejects(fitOnnxModel(section({ label_map: { ANGRY: 'negative' } }), fitInput(sentiments, starter.slice(0, 4)), pipeline, null), /"ANGRY" is not a label of the ONNX model \(its labels: NEGATIVE, NEUTRAL, POSITIVE\)/);
});

test('long texts become several windows, none dropped; mean and max aggregation differ as they should', async () => {
  const model = await OnnxTextModel.load({ source: { kind: 'local', dir: CLASSIFIER }, output: 'logits', cacheDir: path.join(work, 'cache'), allowRemote: false, quantized: false, batchSize: 4, threads: 1, device: 'cpu' });
  try {
    assert.equal(model.maxLength, 64);
    assert.deepEqual(model.plan, { capacity: 62, stride: 31 });
    const tokens = model.tokenize([longText, 'hello'])[0];
    assert.ok(tokens.length > 150, `${tokens.length} tokens`);
    const { sequences, owner } = model.windows([tokens, [7]]);
    const expected = windowCount(tokens.length, model.plan);
    assert.ok(expected >= 4);
    assert.equal(sequences.length, expected + 1);
    assert.deepEqual(Array.from(owner), [...Array(expected).fill(0), 1]);
    for (const s of sequences) assert.ok(s.length <= 64 && s[0] === 2 && s.at(-1) === 3, 'every window is [CLS] … [SEP] within the max length');
    // The windows' text tokens, put back together, are the whole text.
    const covered = new Set<number>();
    sequences.slice(0, expected).forEach((s, w) => {
      const start = Math.min(w * 31, tokens.length - 62);
      s.slice(1, -1).forEach((id, j) => {
        assert.equal(id, tokens[start + j]);
        covered.add(start + j);
      });
    });
    assert.equal(covered.size, tokens.length);

    const mean = await model.scoreTexts([longText, texts[0]], 'mean');
    const max = await model.scoreTexts([longText, texts[0]], 'max');
    assert.equal(mean.windows, expected + 1);
    const perWindow = await model.run(sequences.slice(0, expected));
    for (let k = 0; k < 3; k++) {
      const column = Array.from({ length: expected }, (_, w) => perWindow.values[w * 3 + k]);
      assert.ok(Math.abs(max.values[k] - Math.max(...column)) < 1e-5);
      assert.ok(Math.abs(mean.values[k] - column.reduce((a, b) => a + b, 0) / expected) < 1e-4);
      assert.ok(max.values[k] >= mean.values[k] - 1e-6);
    }
    assert.notDeepEqual(Array.from(mean.values.subarray(0, 3)), Array.from(max.values.subarray(0, 3)), 'windows disagree, so mean and max differ');
    // A text that fits is one window: mean and max are the same.
    assert.deepEqual(Array.from(mean.values.subarray(3, 6)), Array.from(max.values.subarray(3, 6)));
  } finally {
    await model.dispose();
  }
  const viaMax = await ready({ window: { aggregate: 'max' } });
  const viaMean = await ready();
  const a = await viaMax.predictProbaAsync([longText]);
  const b = await viaMean.predictProbaAsync([longText]);
  assert.ok(Math.abs(a[0] + a[1] + a[2] - 1) < 1e-5);
  assert.notDeepEqual(a, b);
});

test('quantized weights: model_quantized.onnx loads and scores close to the float model', async () => {
  const q = await ready({ quantized: true });
  assert.match(q.encoder.onnxPath, /model_quantized\.onnx$/);
  const pq = await q.predictProbaAsync(texts);
  const pf = await (await ready()).predictProbaAsync(texts);
  let maxDiff = 0;
  for (let j = 0; j < pf.length; j++) maxDiff = Math.max(maxDiff, Math.abs(pq[j] - pf[j]));
  assert.ok(maxDiff > 0, 'a different file gives (slightly) different scores');
  assert.ok(maxDiff < 0.2, `int8 weights moved a probability by ${maxDiff}`);
});

test('encoder + head: embeddings are cached on disk; a second run reads every text from the cache', async () => {
  const cacheDir = path.join(work, 'cache-head');
  const m = section({ path: ENCODER, mode: 'encoder_head', cache_dir: cacheDir });
  const emotions = [...new Set(starter.map((r) => r.emotion))].sort();
  const rows = starter.slice(0, 60);
  const first = (await fitOnnxModel(m, fitInput(emotions, rows, 'emotion'), pipeline, null)) as OnnxEncoderHeadClassifier;
  opened.push(first);
  const distinct = new Set(rows.map((r) => r.text)).size;
  assert.deepEqual(await first.cacheStats(), { hits: 0, misses: rows.length });
  const p1 = await first.predictProbaAsync(texts);
  // The texts scored are among the training rows: all hits.
  assert.deepEqual(await first.cacheStats(), { hits: texts.length, misses: rows.length });

  // A new process would start here: a fresh classifier over the same cache file.
  const second = (await fitOnnxModel(m, fitInput(emotions, rows, 'emotion'), pipeline, null)) as OnnxEncoderHeadClassifier;
  opened.push(second);
  assert.deepEqual(await second.cacheStats(), { hits: rows.length, misses: 0 });
  assert.deepEqual(await second.predictProbaAsync(texts), p1, 'the same head from cached embeddings');
  assert.ok(distinct > 50);
  for (let i = 0; i < texts.length; i++) {
    const row = p1.subarray(i * emotions.length, (i + 1) * emotions.length);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  }
  // Without the cache the vectors come straight from the encoder: same scores.
  const uncached = (await fitOnnxModel({ ...m, embedding_cache: false }, fitInput(emotions, rows, 'emotion'), pipeline, null)) as OnnxEncoderHeadClassifier;
  assert.equal(await uncached.cacheStats(), null);
  const p3 = await uncached.predictProbaAsync(texts);
  for (let j = 0; j < p1.length; j++) assert.ok(Math.abs(p3[j] - p1[j]) < 1e-6);
});

const settings: EncoderSettings = { quantized: false, maxLength: null, stride: null, aggregate: 'mean', batchSize: 8, threads: 1, device: 'cpu', allowRemote: false, cacheDir: path.join(work, 'cache'), embeddingCache: false };

test('clear errors: missing model folder, missing onnx file, hub id without allow_remote, changed ONNX file', async () => {
  assert.throws(() => EncoderRef.fromRecipe(path.join(work, 'nope'), settings), (e: unknown) => e instanceof ModelFormatError && /ONNX model folder not found \(expected config\.json, tokenizer\.json and onnx\/model\.onnx\)/.test(e.message));
  assert.throws(() => EncoderRef.fromRecipe('someone/some-model', settings), /set model\.allow_remote: true/);

  const broken = path.join(work, 'no-onnx');
  fs.mkdirSync(broken);
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(CLASSIFIER, f), path.join(broken, f));
  await assert.rejects(fitOnnxModel(section({ path: broken }), fitInput(sentiments, starter.slice(0, 4)), pipeline, null), (e: unknown) => e instanceof ModelFormatError && /onnx\/model\.onnx not found/.test(e.message));
  fs.mkdirSync(path.join(broken, 'onnx'));
  fs.copyFileSync(path.join(CLASSIFIER, 'onnx', 'model_quantized.onnx'), path.join(broken, 'onnx', 'model_quantized.onnx'));
  await assert.rejects(fitOnnxModel(section({ path: broken }), fitInput(sentiments, starter.slice(0, 4)), pipeline, null), /the folder has onnx\/model_quantized\.onnx: set model\.quantized: true/);

  // A saved model whose encoder file was replaced is refused at load, before any prediction.
  const copy = path.join(work, 'copy');
  fs.cpSync(CLASSIFIER, copy, { recursive: true });
  const c = await ready({ path: copy });
  const state = c.toState(path.join(work, 'model-dir'));
  assert.equal((state.config.encoder as { path: string }).path, '../copy', 'beside the model folder: stored relative');
  assert.equal((c.toState(path.join(work, 'a', 'model-dir')).config.encoder as { path: string }).path, copy, 'elsewhere: stored absolute');
  assert.throws(() => c.toState(work), /inside the output folder, which saving replaces/);
  fs.appendFileSync(path.join(copy, 'onnx', 'model.onnx'), Buffer.from([0]));
  const { readyFromState } = await import('./classifiers.js');
  assert.throws(() => readyFromState(state, path.join(work, 'model-dir')), /changed since this model was trained/);
  fs.rmSync(copy, { recursive: true });
  assert.throws(() => readyFromState(state, path.join(work, 'model-dir')), /ONNX model folder .* is missing/);
});
