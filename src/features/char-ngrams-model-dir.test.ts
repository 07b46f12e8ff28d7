import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Classifier } from '../models/classifier.js';
import { nbsvm } from '../models/nbsvm.js';
import { tfidfLogreg } from '../models/tfidf-logreg.js';
import { loadModel, saveModel } from '../persist/model-dir.js';
import { loadStarter } from '../test-support/starter-data.js';
import { DEFAULT_NORMALIZE } from '../text/normalize.js';
import { DEFAULT_TFIDF, type TfidfConfig } from './tfidf.js';

/** Word + character models through a real model directory, and models written before the block existed. */

const train = loadStarter('train');
const dev = loadStarter('dev');
const labels = [...new Set(train.map((r) => r.emotion))].sort();
const input = { task: 'multiclass' as const, labels, texts: train.map((r) => r.text), targets: { kind: 'single' as const, y: Int32Array.from(train, (r) => labels.indexOf(r.emotion)) }, seed: 3 };
const probe = [...dev.map((r) => r.text), '', 'zzz qqq', 'Ünïcödé 😡 text, with punctuation!'];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-char-ngrams-dir-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function save(dir: string, classifier: Classifier): void {
  saveModel(dir, classifier, { name: path.basename(dir), task: 'multiclass', labels, reader: {}, decision: { kind: 'argmax' }, recipe: {}, metrics: {}, training: {} }, 'test');
}

const combined = (extra: Partial<TfidfConfig> = {}): TfidfConfig => ({ ...DEFAULT_TFIDF, minDf: 1, ...extra, charNgrams: { analyzer: 'char_wb', ngramRange: [2, 5], weight: 0.8 } });

test('a word + character model saves and loads with identical probabilities (vocabulary, hashing, NB-SVM)', async () => {
  const fits: [string, () => Promise<Classifier>][] = [
    ['logreg', () => tfidfLogreg.fit(input, { normalize: DEFAULT_NORMALIZE, tfidf: combined(), logistic: { C: 10, maxIter: 100, tol: 1e-4 }, classWeight: null })],
    ['logreg-hashed', () => tfidfLogreg.fit(input, { normalize: DEFAULT_NORMALIZE, tfidf: combined({ hashBuckets: 1 << 14 }), logistic: { C: 10, maxIter: 100, tol: 1e-4 }, classWeight: null })],
    ['nbsvm', () => nbsvm.fit(input, { normalize: DEFAULT_NORMALIZE, tfidf: combined(), alpha: 1, binarize: false, C: 1, maxIter: 100, tol: 1e-4, classWeight: null })],
  ];
  for (const [name, fit] of fits) {
    const classifier = await fit();
    const dir = path.join(work, name);
    save(dir, classifier);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { model: { config: { tfidf: TfidfConfig } } };
    assert.deepEqual(manifest.model.config.tfidf.charNgrams, { analyzer: 'char_wb', ngramRange: [2, 5], weight: 0.8 });
    const loaded = loadModel(dir);
    assert.deepEqual(loaded.classifier.predictProba(probe), classifier.predictProba(probe), name);
  }
});

test('a model written before char_ngrams (no charNgrams in its config) loads and predicts as before', async () => {
  const classifier = await tfidfLogreg.fit(input, { normalize: DEFAULT_NORMALIZE, tfidf: { ...DEFAULT_TFIDF, minDf: 1, charNgrams: null }, logistic: { C: 10, maxIter: 100, tol: 1e-4 }, classWeight: null });
  const dir = path.join(work, 'old');
  save(dir, classifier);
  const file = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { model: { config: { tfidf: Record<string, unknown> } } };
  assert.equal(manifest.model.config.tfidf.charNgrams, null);
  delete manifest.model.config.tfidf.charNgrams;
  fs.writeFileSync(file, JSON.stringify(manifest));
  assert.deepEqual(loadModel(dir).classifier.predictProba(probe), classifier.predictProba(probe));
});

test('a character-block model whose config lost charNgrams is refused at load, naming the problem', async () => {
  const classifier = await tfidfLogreg.fit(input, { normalize: DEFAULT_NORMALIZE, tfidf: combined(), logistic: { C: 10, maxIter: 50, tol: 1e-4 }, classWeight: null });
  const dir = path.join(work, 'edited');
  save(dir, classifier);
  const file = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { model: { config: { tfidf: Record<string, unknown> } } };
  manifest.model.config.tfidf.charNgrams = null;
  fs.writeFileSync(file, JSON.stringify(manifest));
  assert.throws(() => loadModel(dir), /character n-gram features from \d+ on, but the config has no charNgrams/);
});
