import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TFIDF, type TfidfConfig } from '../features/tfidf.js';
import { defaultFasttextOptions, fasttextModel } from '../models/fasttext/index.js';
import { NaiveBayesClassifier, naiveBayes } from '../models/naive-bayes.js';
import { TfidfLogregClassifier, tfidfLogreg } from '../models/tfidf-logreg.js';
import { loadStarter } from '../test-support/starter-data.js';
import { DEFAULT_NORMALIZE } from '../text/normalize.js';
import { topFeatures } from './index.js';

const train = loadStarter('train');
const labels = [...new Set(train.map((r) => r.emotion))].sort();
const multiclass = { task: 'multiclass' as const, labels, texts: train.map((r) => r.text), targets: { kind: 'single' as const, y: Int32Array.from(train, (r) => labels.indexOf(r.emotion)) }, seed: 7 };
const binaryRows = train.filter((r) => r.sentiment !== 'neutral');
const binary = {
  task: 'binary' as const,
  labels: ['negative', 'positive'],
  texts: binaryRows.map((r) => r.text),
  targets: { kind: 'single' as const, y: Int32Array.from(binaryRows, (r) => (r.sentiment === 'positive' ? 1 : 0)) },
  seed: 7,
};
const logistic = { C: 10, maxIter: 100, tol: 1e-4 };
const fitLogreg = (tfidf: TfidfConfig, data: typeof multiclass | typeof binary = multiclass) => tfidfLogreg.fit(data, { normalize: DEFAULT_NORMALIZE, tfidf, logistic, classWeight: null });

test('logistic regression: the k largest coefficients per label, by a full sort', async () => {
  const model = (await fitLogreg({ ...DEFAULT_TFIDF, minDf: 1 })) as TfidfLogregClassifier;
  const top = topFeatures(model, 10, { against: true });
  assert.ok(top.available);
  assert.equal(top.weight, 'coefficient');
  const K = labels.length;
  const F = model.vectorizer.numFeatures;
  for (let k = 0; k < K; k++) {
    const order = Array.from({ length: F }, (_, f) => f).sort((a, b) => model.linear.weights[b * K + k] - model.linear.weights[a * K + k] || a - b);
    assert.deepEqual(
      top.labels[k].toward.map((f) => f.feature),
      order.slice(0, 10),
    );
    assert.deepEqual(
      top.labels[k].against.map((f) => f.feature),
      order.slice(-10).reverse(),
    );
    assert.equal(top.labels[k].toward[0].name, model.vectorizer.featureName(order[0]));
    assert.equal(top.labels[k].toward[0].weight, model.linear.weights[order[0] * K + k]);
  }
  const joy = top.labels[labels.indexOf('joy')].toward.map((f) => f.name);
  assert.ok(joy.includes('happy') || joy.includes('great'), joy.join(', '));
});

test('binary logistic regression: one label is the mirror of the other', async () => {
  const top = topFeatures(await fitLogreg({ ...DEFAULT_TFIDF, minDf: 1 }, binary), 5, { against: true });
  assert.ok(top.available);
  assert.deepEqual(
    top.labels[0].toward.map((f) => [f.feature, f.weight]),
    top.labels[1].against.map((f) => [f.feature, -f.weight]),
  );
  const towardOnly = topFeatures(await fitLogreg({ ...DEFAULT_TFIDF, minDf: 1 }, binary), 5);
  assert.ok(towardOnly.available);
  assert.deepEqual(towardOnly.labels[1].against, [], 'against lists only when asked for');
});

test('naive Bayes: log P(f | label) against the mean over the other classes', async () => {
  const model = (await naiveBayes.fit(multiclass, { normalize: DEFAULT_NORMALIZE, tfidf: { ...DEFAULT_TFIDF, minDf: 1 }, variant: 'multinomial', alpha: 0.1, classWeight: null })) as NaiveBayesClassifier;
  const top = topFeatures(model, 3);
  assert.ok(top.available);
  assert.equal(top.weight, 'nb-log-prob-vs-others');
  const K = labels.length;
  const flp = model.weights.featureLogProb;
  const sadness = labels.indexOf('sadness');
  const best = top.labels[sadness].toward[0];
  let others = 0;
  for (let c = 0; c < K; c++) if (c !== sadness) others += flp[best.feature * K + c];
  assert.ok(Math.abs(best.weight - (flp[best.feature * K + sadness] - others / (K - 1))) < 1e-9);
  assert.ok(['sad', 'lonely', 'miss'].includes(best.name ?? ''), String(best.name));
});

test('character n-grams show spaces as ␣; hashed features have no name, only a bucket', async () => {
  const chars = topFeatures(await fitLogreg({ ...DEFAULT_TFIDF, analyzer: 'char_wb', ngramRange: [2, 4], minDf: 1 }), 20);
  assert.ok(chars.available);
  const names = chars.labels.flatMap((l) => l.toward.map((f) => f.name ?? ''));
  assert.ok(names.some((n) => n.includes('␣')) && names.every((n) => !n.includes(' ')), names.join(' | '));

  const hashedModel = (await fitLogreg({ ...DEFAULT_TFIDF, minDf: 1, hashBuckets: 1 << 12 })) as TfidfLogregClassifier;
  const hashed = topFeatures(hashedModel, 5);
  assert.ok(hashed.available && hashed.hashed);
  for (const f of hashed.labels[0].toward) {
    assert.equal(f.name, null);
    assert.equal(f.bucket, hashedModel.vectorizer.ngrams[f.feature * 3]);
  }
});

test('words + characters: character n-grams are named ⟨char⟩…, with ␣ for spaces, and marked block char', async () => {
  const model = await fitLogreg({ ...DEFAULT_TFIDF, minDf: 1, charNgrams: { analyzer: 'char_wb', ngramRange: [2, 4], weight: 1 } });
  const top = topFeatures(model, 200);
  assert.ok(top.available);
  const features = top.labels.flatMap((l) => l.toward);
  const chars = features.filter((f) => f.block === 'char');
  const words = features.filter((f) => f.block === undefined);
  assert.ok(chars.length > 0 && words.length > 0);
  for (const f of chars) assert.match(f.name ?? '', /^⟨char⟩\S+$/);
  assert.ok(chars.some((f) => f.name?.includes('␣')));
  for (const f of words) assert.ok(!f.name?.startsWith('⟨char⟩') && !f.name?.includes('␣'), f.name ?? '');

  const hashed = topFeatures(await fitLogreg({ ...DEFAULT_TFIDF, minDf: 1, hashBuckets: 1 << 12, charNgrams: { analyzer: 'char', ngramRange: [1, 3], weight: 1 } }), 100);
  assert.ok(hashed.available);
  const hashedChars = hashed.labels.flatMap((l) => l.toward).filter((f) => f.block === 'char');
  assert.ok(hashedChars.length > 0 && hashedChars.every((f) => f.name === null && typeof f.bucket === 'number'));
});

test('fastText: top features are not available, and the reason says why', async () => {
  const model = await fasttextModel.fit(multiclass, { ...defaultFasttextOptions('multiclass'), dim: 8, epoch: 2, buckets: 10_000, threads: 1 });
  const top = topFeatures(model, 5);
  assert.equal(top.available, false);
  assert.match(top.available ? '' : top.reason, /fasttext model has no per-feature weights.*occlusion/);
  assert.throws(() => topFeatures(model, 0), /positive integer/);
});
