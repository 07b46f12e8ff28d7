import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TFIDF } from '../features/tfidf.js';
import type { Classifier } from '../models/classifier.js';
import { defaultFasttextOptions, fasttextModel } from '../models/fasttext/index.js';
import { tfidfLogreg } from '../models/tfidf-logreg.js';
import { loadStarter } from '../test-support/starter-data.js';
import { DEFAULT_NORMALIZE } from '../text/normalize.js';
import { explainText, rankTokens, wordSpans, type OcclusionExplanation } from './index.js';

const train = loadStarter('train');
const labels = [...new Set(train.map((r) => r.emotion))].sort();
const input = { task: 'multiclass' as const, labels, texts: train.map((r) => r.text), targets: { kind: 'single' as const, y: Int32Array.from(train, (r) => labels.indexOf(r.emotion)) }, seed: 7 };

/** Wraps a classifier and records every batch predictProba is called with. */
function counting(inner: Classifier): Classifier & { batches: number[] } {
  const batches: number[] = [];
  return {
    type: inner.type,
    task: inner.task,
    labels: inner.labels,
    batches,
    predictProba(texts) {
      batches.push(texts.length);
      return inner.predictProba(texts);
    },
    toState: () => inner.toState(),
  };
}

test('wordSpans finds word tokens, emoji and !/? in the original text, and splits Chinese into words', () => {
  const text = "I can't — 🙂 wait!? 我今天很开心";
  const spans = wordSpans(text);
  const tokens: string[] = [];
  for (let i = 0; i < spans.length; i += 2) tokens.push(text.slice(spans[i], spans[i + 1]));
  assert.deepEqual(tokens.slice(0, 6), ['I', "can't", '🙂', 'wait', '!', '?']);
  assert.ok(tokens.length > 7, `Chinese run split into words: ${tokens.join('|')}`);
  assert.equal(tokens.slice(6).join(''), '我今天很开心');
});

test('occlusion: each token gets the probability drop of the text without it', async () => {
  const model = await tfidfLogreg.fit(input, { normalize: DEFAULT_NORMALIZE, tfidf: { ...DEFAULT_TFIDF, minDf: 1 }, logistic: { C: 10, maxIter: 100, tol: 1e-4 }, classWeight: null });
  const text = 'I am so scared about the exam tomorrow';
  const e = explainText(model, text, { method: 'occlusion' }) as OcclusionExplanation;
  assert.equal(e.method, 'occlusion');
  assert.equal(e.window, 1);
  assert.equal(e.variants, 8);
  assert.deepEqual(
    e.tokens.map((t) => t.text),
    ['I', 'am', 'so', 'scared', 'about', 'the', 'exam', 'tomorrow'],
  );
  const base = model.predictProba([text]);
  const without = model.predictProba(['I am so   about the exam tomorrow']);
  const fear = labels.indexOf('fear');
  assert.ok(Math.abs(e.tokens[3].contributions[fear] - (base[fear] - without[fear])) < 1e-7);
  assert.equal(rankTokens(e, fear, 1).positive[0].text, 'scared');
});

test('occlusion: long texts are occluded in windows within the cap, in batches', async () => {
  const model = await tfidfLogreg.fit(input, { normalize: DEFAULT_NORMALIZE, tfidf: { ...DEFAULT_TFIDF, minDf: 1 }, logistic: { C: 10, maxIter: 50, tol: 1e-4 }, classWeight: null });
  const text = train
    .slice(0, 60)
    .map((r) => r.text)
    .join(' ');
  const numTokens = wordSpans(text).length / 2;
  assert.ok(numTokens > 500);
  const wrapped = counting(model);
  const e = explainText(wrapped, text, { maxVariants: 100, batchSize: 16 }) as OcclusionExplanation;
  assert.equal(e.tokens.length, numTokens);
  assert.equal(e.window, Math.ceil(numTokens / 100));
  assert.ok(e.variants <= 100);
  // The text itself, then the variants in batches of at most 16.
  assert.equal(wrapped.batches[0], 1);
  assert.equal(
    wrapped.batches.slice(1).reduce((a, b) => a + b, 0),
    e.variants,
  );
  assert.ok(wrapped.batches.slice(1).every((b) => b <= 16));
  // Tokens of one window share its drop equally.
  const w = e.window;
  for (let k = 0; k < labels.length; k++) assert.equal(e.tokens[0].contributions[k], e.tokens[w - 1].contributions[k]);
});

test('fastText models are explained by occlusion', async () => {
  const model = await fasttextModel.fit(input, { ...defaultFasttextOptions('multiclass'), dim: 16, epoch: 15, lr: 0.5, buckets: 20_000, threads: 1 });
  const text = 'I miss you so much already';
  const e = explainText(model, text);
  assert.equal(e.method, 'occlusion');
  assert.equal(e.tokens.length, 6);
  assert.deepEqual(e.probabilities, Array.from(model.predictProba([text])));
  for (const t of e.tokens) for (const c of t.contributions) assert.ok(Number.isFinite(c) && Math.abs(c) <= 1);
  // Empty and token-less texts explain to no tokens.
  assert.equal(explainText(model, '').tokens.length, 0);
  assert.equal(explainText(model, '  ...  ').tokens.length, 0);
});
