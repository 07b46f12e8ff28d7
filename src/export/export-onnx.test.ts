import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fitCalibration, type CalibrationMethod } from '../calibration/calibrator.js';
import { CalibratedClassifier } from '../calibration/calibrated-classifier.js';
import type { Targets, Task } from '../data/targets.js';
import { DEFAULT_TFIDF, type TfidfConfig } from '../features/tfidf.js';
import type { Classifier } from '../models/classifier.js';
import { defaultFasttextOptions, fasttextModel, type FasttextOptions } from '../models/fasttext/index.js';
import { naiveBayes } from '../models/naive-bayes.js';
import { nbsvm } from '../models/nbsvm.js';
import { tfidfLogreg } from '../models/tfidf-logreg.js';
import { DEFAULT_SVM_CALIBRATION, DEFAULT_SVM_OPTIONS, tfidfSvm } from '../models/tfidf-svm.js';
import { loadModel, saveModel, type Decision } from '../persist/model-dir.js';
import { arabicKeyboard, PERSIAN_TRAIN, RUSSIAN_TRAIN, withHarakat, withTatweel } from '../test-support/fold-letters-texts.js';
import { loadStarter, SHARED_DATASETS } from '../test-support/starter-data.js';
import { DEFAULT_NORMALIZE, type NormalizeConfig } from '../text/normalize.js';
import { exportOnnx, FEATURIZER_FILE, ONNX_FILE, writeOnnxExport } from './export-onnx.js';
import { OnnxFeaturizer } from './featurize-for-onnx.js';
import { parseFeaturizerSpec } from './featurizer-spec.js';
import { runExported, tryLoadOrt } from './onnx-session.js';
import { portableFeaturizer } from './portable-featurizer.js';

/**
 * Every exportable model type, trained on the starter data, exported, run in onnxruntime-node on
 * the same texts as our own predictProba: the largest absolute difference must be ≤ 1e-5.
 */
const TOLERANCE = 1e-5;
const ort = tryLoadOrt();
const skip = ort === null && !process.env.CI ? 'onnxruntime-node is not installed' : false;

const train = loadStarter('train');
const dev = loadStarter('dev');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-onnx-export-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** Real IMDB reviews (long, with HTML line breaks) when the shared datasets are there. */
function imdbReviews(count: number): string[] {
  const dir = path.join(SHARED_DATASETS, 'imdb', 'aclImdb', 'train', 'pos');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).sort().slice(0, count).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

/** ~50 texts: starter dev texts and the awkward cases. */
const PROBE = [
  ...dev.slice(0, 30).map((r) => r.text),
  '',
  '   ',
  'zzqx qwfpgj unseenword',
  'I miss you so much already',
  'NOT GOOD. not good at all!!! 😡😡',
  'Привет, как дела? Я очень рад тебя видеть',
  '我今天很高兴，谢谢你的礼物',
  'مرحبا، أنا سعيد جدا اليوم',
  'こんにちは、とても嬉しいです',
  'Great<br /><br />movie &amp; great cast, see https://example.com or mail me@example.org, 10/10',
  '@friend thanks 1,000 times!',
  'ﬁne ｆｕｌｌｗｉｄｔｈ text',
  'happy '.repeat(3000),
  Array.from({ length: 400 }, (_, i) => dev[i % dev.length].text).join(' '),
  ...imdbReviews(6),
];

interface Case {
  name: string;
  task: Task;
  fit: (task: Task, labels: string[], texts: string[], targets: Targets) => Promise<Classifier>;
  calibration?: CalibrationMethod;
}

const normalize: NormalizeConfig = DEFAULT_NORMALIZE;
const tfidf: TfidfConfig = { ...DEFAULT_TFIDF, minDf: 1 };
const logistic = { C: 10, maxIter: 200, tol: 1e-4 };
const fasttextOptions = (task: Task, extra: Partial<FasttextOptions> = {}): FasttextOptions => ({ ...defaultFasttextOptions(task), dim: 16, epoch: 15, lr: 0.5, buckets: 50_000, ...extra });

const logreg = (t: TfidfConfig = tfidf, n: NormalizeConfig = normalize): Case['fit'] => (task, labels, texts, targets) => tfidfLogreg.fit({ task, labels, texts, targets, seed: 7 }, { normalize: n, tfidf: t, logistic, classWeight: null });
const svm: Case['fit'] = (task, labels, texts, targets) => tfidfSvm.fit({ task, labels, texts, targets, seed: 7 }, { normalize, tfidf, svm: DEFAULT_SVM_OPTIONS, calibration: DEFAULT_SVM_CALIBRATION, classWeight: null });
const nb = (variant: 'multinomial' | 'complement'): Case['fit'] => (task, labels, texts, targets) => naiveBayes.fit({ task, labels, texts, targets, seed: 7 }, { normalize, tfidf, variant, alpha: 0.5, classWeight: null });
const nbsvmFit = (binarize: boolean, t: TfidfConfig = tfidf): Case['fit'] => (task, labels, texts, targets) => nbsvm.fit({ task, labels, texts, targets, seed: 7 }, { normalize, tfidf: t, alpha: 1, binarize, C: 1, maxIter: 200, tol: 1e-4, classWeight: null });
const nbWith = (t: TfidfConfig): Case['fit'] => (task, labels, texts, targets) => naiveBayes.fit({ task, labels, texts, targets, seed: 7 }, { normalize, tfidf: t, variant: 'multinomial', alpha: 0.5, classWeight: null });
const svmWith = (t: TfidfConfig): Case['fit'] => (task, labels, texts, targets) => tfidfSvm.fit({ task, labels, texts, targets, seed: 7 }, { normalize, tfidf: t, svm: DEFAULT_SVM_OPTIONS, calibration: DEFAULT_SVM_CALIBRATION, classWeight: null });
/** Word n-grams plus a character block (TfidfConfig.charNgrams). */
const withChars = (analyzer: 'char' | 'char_wb', ngramRange: [number, number], weight: number, extra: Partial<TfidfConfig> = {}): TfidfConfig => ({ ...tfidf, ...extra, charNgrams: { analyzer, ngramRange, weight } });
const fasttext = (extra: Partial<FasttextOptions> = {}): Case['fit'] => (task, labels, texts, targets) => fasttextModel.fit({ task, labels, texts, targets, seed: 7 }, fasttextOptions(task, extra));

const CASES: Case[] = [
  { name: 'tfidf-logreg binary', task: 'binary', fit: logreg() },
  { name: 'tfidf-logreg multiclass', task: 'multiclass', fit: logreg() },
  { name: 'tfidf-logreg multilabel', task: 'multilabel', fit: logreg() },
  { name: 'tfidf-logreg multiclass + temperature', task: 'multiclass', fit: logreg(), calibration: 'temperature' },
  { name: 'tfidf-logreg binary + temperature', task: 'binary', fit: logreg(), calibration: 'temperature' },
  { name: 'tfidf-logreg multilabel + temperature', task: 'multilabel', fit: logreg(), calibration: 'temperature' },
  { name: 'tfidf-logreg binary + isotonic', task: 'binary', fit: logreg(), calibration: 'isotonic' },
  { name: 'tfidf-logreg multiclass + isotonic', task: 'multiclass', fit: logreg(), calibration: 'isotonic' },
  { name: 'tfidf-logreg multilabel + isotonic', task: 'multilabel', fit: logreg(), calibration: 'isotonic' },
  { name: 'tfidf-logreg, hashed 1-3-grams', task: 'multiclass', fit: logreg({ ...tfidf, hashBuckets: 4096, ngramRange: [1, 3] }) },
  { name: 'tfidf-logreg, char_wb 2-4-grams', task: 'multiclass', fit: logreg({ ...tfidf, analyzer: 'char_wb', ngramRange: [2, 4] }) },
  { name: 'tfidf-logreg, char 1-3-grams, no idf, no norm', task: 'multiclass', fit: logreg({ ...tfidf, analyzer: 'char', ngramRange: [1, 3], useIdf: false, norm: 'none', sublinearTf: false }) },
  { name: 'tfidf-logreg, stop words + stemming, segmented', task: 'multiclass', fit: logreg({ ...tfidf, tokenPattern: 'segmented', stopWords: 'en', stem: 'en' }) },
  { name: 'tfidf-logreg, placeholders', task: 'multiclass', fit: logreg(tfidf, { ...normalize, urls: true, emails: true, mentions: true, numbers: true }) },
  { name: 'tfidf-svm binary', task: 'binary', fit: svm },
  { name: 'tfidf-svm multiclass', task: 'multiclass', fit: svm },
  { name: 'tfidf-svm multilabel', task: 'multilabel', fit: svm },
  { name: 'tfidf-nb multinomial binary', task: 'binary', fit: nb('multinomial') },
  { name: 'tfidf-nb multinomial multiclass', task: 'multiclass', fit: nb('multinomial') },
  { name: 'tfidf-nb complement multiclass', task: 'multiclass', fit: nb('complement') },
  { name: 'tfidf-nb multinomial multilabel', task: 'multilabel', fit: nb('multinomial') },
  { name: 'nbsvm binary, binarized', task: 'binary', fit: nbsvmFit(true) },
  { name: 'nbsvm multiclass', task: 'multiclass', fit: nbsvmFit(false) },
  { name: 'nbsvm multilabel', task: 'multilabel', fit: nbsvmFit(false) },
  { name: 'nbsvm binary + isotonic', task: 'binary', fit: nbsvmFit(true), calibration: 'isotonic' },
  { name: 'tfidf-logreg, words 1-2 + char_wb 2-5 (weight 0.7)', task: 'multiclass', fit: logreg(withChars('char_wb', [2, 5], 0.7)) },
  { name: 'tfidf-logreg binary, words + char 1-3, stop words, max_features', task: 'binary', fit: logreg(withChars('char', [1, 3], 1, { stopWords: 'en', maxFeatures: 3000 })) },
  { name: 'tfidf-logreg, hashed words 1-3 + char_wb 2-4', task: 'multiclass', fit: logreg(withChars('char_wb', [2, 4], 1.5, { hashBuckets: 4096, ngramRange: [1, 3] })) },
  { name: 'tfidf-logreg multilabel, words + char 2-3, no idf, no norm', task: 'multilabel', fit: logreg(withChars('char', [2, 3], 0.5, { useIdf: false, norm: 'none', sublinearTf: false })) },
  { name: 'tfidf-svm multiclass, words + char_wb 2-5', task: 'multiclass', fit: svmWith(withChars('char_wb', [2, 5], 1)) },
  { name: 'tfidf-nb multinomial, words + char_wb 2-4', task: 'multiclass', fit: nbWith(withChars('char_wb', [2, 4], 1)) },
  { name: 'nbsvm multiclass, words + char_wb 2-5', task: 'multiclass', fit: nbsvmFit(false, withChars('char_wb', [2, 5], 1)) },
  { name: 'nbsvm binary, binarized, hashed words + char 1-3', task: 'binary', fit: nbsvmFit(true, withChars('char', [1, 3], 1, { hashBuckets: 8192 })) },
  { name: 'fasttext softmax multiclass', task: 'multiclass', fit: fasttext() },
  { name: 'fasttext softmax binary, char n-grams', task: 'binary', fit: fasttext({ minn: 2, maxn: 4 }) },
  { name: 'fasttext ova multilabel', task: 'multilabel', fit: fasttext() },
  { name: 'fasttext ova multiclass', task: 'multiclass', fit: fasttext({ loss: 'ova' }) },
  { name: 'fasttext hierarchical softmax multiclass', task: 'multiclass', fit: fasttext({ loss: 'hs' }) },
  { name: 'fasttext softmax multiclass + temperature', task: 'multiclass', fit: fasttext(), calibration: 'temperature' },
];

/** Labels and targets of the starter data for a task (multilabel: emotion and sentiment of each row). */
function dataFor(task: Task, rows: typeof train, labelsFrom: typeof train = train): { labels: string[]; texts: string[]; targets: Targets } {
  if (task === 'binary') {
    const kept = rows.filter((r) => r.sentiment !== 'neutral');
    return { labels: ['negative', 'positive'], texts: kept.map((r) => r.text), targets: { kind: 'single', y: Int32Array.from(kept, (r) => (r.sentiment === 'positive' ? 1 : 0)) } };
  }
  if (task === 'multiclass') {
    const labels = [...new Set(labelsFrom.map((r) => r.emotion))].sort();
    return { labels, texts: rows.map((r) => r.text), targets: { kind: 'single', y: Int32Array.from(rows, (r) => labels.indexOf(r.emotion)) } };
  }
  const labels = [...new Set([...labelsFrom.map((r) => r.emotion), ...labelsFrom.map((r) => r.sentiment)])].sort();
  const K = labels.length;
  const y = new Uint8Array(rows.length * K);
  rows.forEach((r, i) => {
    y[i * K + labels.indexOf(r.emotion)] = 1;
    y[i * K + labels.indexOf(r.sentiment)] = 1;
  });
  return { labels, texts: rows.map((r) => r.text), targets: { kind: 'multi', y, numLabels: K } };
}

/** Trains, calibrates on dev when asked, and saves a real model directory. */
async function trainModel(c: Case, dir: string): Promise<void> {
  const d = dataFor(c.task, train);
  let classifier = await c.fit(c.task, d.labels, d.texts, d.targets);
  let calibration;
  if (c.calibration) {
    const h = dataFor(c.task, dev);
    const state = fitCalibration(c.calibration, c.task, classifier.predictProba(h.texts), h.targets, h.texts.length, d.labels.length);
    classifier = new CalibratedClassifier(classifier, state);
    calibration = { ...state, fittedOn: 'dev' as const };
  }
  const decision: Decision = c.task === 'multilabel' ? { kind: 'thresholds', thresholds: d.labels.map(() => 0.5), tunedOn: 'none' } : { kind: 'argmax' };
  saveModel(dir, classifier, { name: c.name, task: c.task, labels: d.labels, reader: {}, decision, ...(calibration ? { calibration } : {}), recipe: {}, metrics: {}, training: {} }, 'test');
}

const measured: string[] = [];

for (const c of CASES) {
  test(`ONNX export matches predictProba to ${TOLERANCE}: ${c.name}`, { skip, timeout: 120_000 }, async () => {
    const modelDir = path.join(work, c.name.replace(/\W+/g, '-'));
    await trainModel(c, modelDir);
    await assertExportMatches(c.name, modelDir, PROBE);
  });
}

/**
 * Exports the model in `modelDir`, runs it in onnxruntime-node on `probe` (batched and one text at
 * a time) and checks it against predictProba, and the portable featurizer against ours.
 */
async function assertExportMatches(name: string, modelDir: string, probe: string[]): Promise<void> {
  assert.ok(ort);
  const outDir = `${modelDir}-onnx`;
  const written = writeOnnxExport(modelDir, outDir);
  assert.deepEqual(fs.readdirSync(outDir).sort(), [FEATURIZER_FILE, ONNX_FILE]);
  assert.ok(written.files.every((f) => f.bytes > 0));

  const model = loadModel(modelDir);
  const ours = model.classifier.predictProba(probe);
  // The featurizer is rebuilt from featurizer.json alone: the file must be complete.
  const featurizer = OnnxFeaturizer.load(outDir);
  const session = await ort.InferenceSession.create(path.join(outDir, ONNX_FILE));
  const K = model.manifest.labels.length;
  assert.deepEqual(session.outputNames, ['probabilities']);
  assert.deepEqual([...session.inputNames].sort(), ['feature_ids', 'feature_values']);

  const batched = await runExported(ort, session, featurizer.featurize(probe));
  assert.equal(batched.length, probe.length * K);
  let max = 0;
  for (let i = 0; i < ours.length; i++) max = Math.max(max, Math.abs(ours[i] - batched[i]));
  // One text at a time (no padding) must give the same numbers as the padded batch.
  for (const i of [0, Math.min(30, probe.length - 1), probe.length - 1]) {
    const single = await runExported(ort, session, featurizer.featurize([probe[i]]));
    for (let k = 0; k < K; k++) max = Math.max(max, Math.abs(single[k] - ours[i * K + k]));
  }
  // The recipe in featurizer.json, reimplemented step by step from docs/export.md, gives the same inputs.
  if (!(featurizer.spec.features.kind === 'tfidf' && featurizer.spec.features.stem)) {
    const portable = portableFeaturizer(featurizer.spec);
    const reference = featurizer.sparse(probe);
    assert.ok(reference.indices.length > probe.length, 'the probe texts have features');
    probe.forEach((text, i) => {
      const row = portable(text);
      const start = reference.indptr[i];
      const end = reference.indptr[i + 1];
      assert.deepEqual(row.ids, Array.from(reference.indices.subarray(start, end)), `ids of text ${i}`);
      assert.deepEqual(row.values, Array.from(reference.data.subarray(start, end)), `values of text ${i}`);
    });
  }
  measured.push(`${name}: ${max.toExponential(2)}`);
  assert.ok(max <= TOLERANCE, `max |p_onnx − p_ours| = ${max}`);
  // Not a vacuous match: the model separates texts, and the scores are probabilities.
  assert.ok(ours.some((v, i) => Math.abs(v - ours[i % K]) > 1e-3), 'the model gives every text the same scores');
  for (const v of batched) assert.ok(v >= 0 && v <= 1);
}

/** Persian (mixed Arabic/Persian keyboards, tatweel, harakat, three sets of digits) and Russian (ё) texts. */
const FOLD_ROWS = [...PERSIAN_TRAIN, ...RUSSIAN_TRAIN];
const FOLD_PROBE = [
  ...FOLD_ROWS.map((r) => r.text),
  ...PERSIAN_TRAIN.map((r) => arabicKeyboard(withTatweel(withHarakat(r.text)))),
  'كتاب خيلـــــي خوبِ بود، قیمت ۱۲۰ و ٣٤٥ تومان',
  'مُحَمَّدٌ هٰذا عَلى مصطفى \ufed9\ufef2 آب \u0627\u0653ب',
  'ЁЛКА ещё Всё ВСЁ hello 2024',
  'Great movie, 10/10',
  '',
];
const foldNormalize: NormalizeConfig = { ...normalize, numbers: true, foldLetters: true };
const FOLD_CASES: { name: string; fit: Case['fit'] }[] = [
  { name: 'tfidf-logreg, fold_letters, Persian + Russian', fit: logreg(tfidf, foldNormalize) },
  { name: 'tfidf-logreg, fold_letters, char_wb 1-4, hashed', fit: logreg({ ...tfidf, analyzer: 'char_wb', ngramRange: [1, 4], hashBuckets: 4096 }, foldNormalize) },
  {
    name: 'fasttext, fold_letters, char n-grams',
    fit: (task, labels, texts, targets) => fasttextModel.fit({ task, labels, texts, targets, seed: 7 }, { ...fasttextOptions(task, { minn: 2, maxn: 4 }), normalize: foldNormalize }),
  },
];

for (const c of FOLD_CASES) {
  test(`ONNX export matches predictProba to ${TOLERANCE}: ${c.name}`, { skip, timeout: 120_000 }, async () => {
    const labels = ['negative', 'positive'];
    const texts = FOLD_ROWS.map((r) => r.text);
    const classifier = await c.fit('binary', labels, texts, { kind: 'single', y: Int32Array.from(FOLD_ROWS, (r) => labels.indexOf(r.label)) });
    const modelDir = path.join(work, c.name.replace(/\W+/g, '-'));
    saveModel(modelDir, classifier, { name: c.name, task: 'binary', labels, reader: {}, decision: { kind: 'argmax' }, recipe: {}, metrics: {}, training: {} }, 'test');
    await assertExportMatches(c.name, modelDir, FOLD_PROBE);
    // The file names the step and carries its table; only such files are version 2.
    const spec = OnnxFeaturizer.load(`${modelDir}-onnx`).spec;
    assert.equal(spec.formatVersion, 2);
    assert.equal(spec.normalize.config.foldLetters, true);
    assert.equal(spec.normalize.foldedLetters?.['\u0643'], '\u06a9');
    assert.equal(spec.normalize.foldedLetters?.['\u0640'], '');
    assert.ok(spec.normalize.steps.some((step) => step.startsWith('foldLetters:')));
    // Folding works: an Arabic-keyboard text with tatweel and vowel marks scores as its Persian spelling.
    const persian = PERSIAN_TRAIN[1].text;
    const p = loadModel(modelDir).classifier.predictProba([persian, arabicKeyboard(withTatweel(withHarakat(persian)))]);
    assert.deepEqual(Array.from(p.subarray(2)), Array.from(p.subarray(0, 2)));
  });
}

test('a featurizer.json that folds letters without the table, or under version 1, is refused', { skip }, async () => {
  const modelDir = path.join(work, 'fold-refused');
  const labels = ['negative', 'positive'];
  const classifier = await logreg(tfidf, foldNormalize)('binary', labels, FOLD_ROWS.map((r) => r.text), { kind: 'single', y: Int32Array.from(FOLD_ROWS, (r) => labels.indexOf(r.label)) });
  saveModel(modelDir, classifier, { name: 'fold', task: 'binary', labels, reader: {}, decision: { kind: 'argmax' }, recipe: {}, metrics: {}, training: {} }, 'test');
  const { featurizer } = exportOnnx(loadModel(modelDir));
  const { foldedLetters: _, ...withoutTable } = featurizer.normalize;
  assert.throws(() => parseFeaturizerSpec(JSON.stringify({ ...featurizer, normalize: withoutTable }), 'f.json'), /normalize\.foldedLetters.*required when normalize\.config\.foldLetters is true/);
  assert.throws(() => parseFeaturizerSpec(JSON.stringify({ ...featurizer, formatVersion: 1 }), 'f.json'), /"formatVersion": 1, but a featurizer that folds letters is version 2/);
  // A table other than this version's: our featurizer would not match it, so it says so.
  const other = { ...featurizer, normalize: { ...featurizer.normalize, foldedLetters: { ...featurizer.normalize.foldedLetters, '\u0629': '\u0647' } } };
  assert.throws(() => OnnxFeaturizer.fromSpec(parseFeaturizerSpec(JSON.stringify(other), 'f.json')), /foldedLetters differs from the letter folding of this textclass version/);
  // A model without the step stays at version 1, with no table.
  const plainDir = path.join(work, 'fold-absent');
  await trainModel(CASES[1], plainDir);
  const plain = exportOnnx(loadModel(plainDir)).featurizer;
  assert.equal(plain.formatVersion, 1);
  assert.equal(plain.normalize.foldedLetters, undefined);
});

test('featurizer.json describes the pipeline, labels and decision rule', { skip }, async () => {
  const modelDir = path.join(work, 'spec');
  await trainModel(CASES[1], modelDir);
  const { featurizer } = exportOnnx(loadModel(modelDir));
  assert.equal(featurizer.format, 'textclass-onnx-featurizer');
  assert.deepEqual(featurizer.model.labels, [...new Set(train.map((r) => r.emotion))].sort());
  assert.equal(featurizer.model.decision.kind, 'argmax');
  assert.equal(featurizer.features.kind, 'tfidf');
  if (featurizer.features.kind !== 'tfidf') return;
  assert.equal(featurizer.features.idf.length, featurizer.features.features?.length);
  assert.ok(featurizer.pipeline.some((s) => s.startsWith('l2')));
  // The token regex in the file is the one the vectorizer uses.
  const re = new RegExp(featurizer.features.tokenRegex.source, featurizer.features.tokenRegex.flags);
  assert.deepEqual("don't stop 😡!".match(re), ["don't", 'stop', '😡', '!']);
});

test('featurizer.json of a word + character model describes the character block', { skip }, async () => {
  const c = CASES.find((x) => x.name.startsWith('tfidf-logreg, words 1-2 + char_wb'));
  assert.ok(c);
  const modelDir = path.join(work, 'spec-chars');
  await trainModel(c, modelDir);
  const { featurizer } = exportOnnx(loadModel(modelDir));
  assert.equal(featurizer.features.kind, 'tfidf');
  if (featurizer.features.kind !== 'tfidf') return;
  const { charBlock, features, idf } = featurizer.features;
  assert.ok(charBlock && features);
  assert.deepEqual({ ...charBlock, firstFeature: 0 }, { analyzer: 'char_wb', ngramRange: [2, 5], weight: 0.7, firstFeature: 0 });
  assert.ok(charBlock.firstFeature > 0 && charBlock.firstFeature < idf.length);
  // Character features are single n-grams of 2–5 code points; word features come before them.
  for (const f of features.slice(charBlock.firstFeature)) assert.ok(f.length === 1 && [...f[0]].length >= 2 && [...f[0]].length <= 5, JSON.stringify(f));
  assert.ok(features.slice(0, charBlock.firstFeature).some((f) => f.length === 2), 'word bigrams');
  assert.ok(featurizer.pipeline.some((s) => s.startsWith('character block (charBlock)')));
  assert.ok(featurizer.pipeline.some((s) => s.startsWith('l2 per block')));
  // A featurizer.json written before the character block (no charBlock field) still reads, as none.
  const { charBlock: _, ...older } = featurizer.features;
  const parsed = parseFeaturizerSpec(JSON.stringify({ ...featurizer, features: { ...older, config: { ...older.config, charNgrams: undefined } } }), 'older.json');
  assert.ok(parsed.features.kind === 'tfidf' && parsed.features.charBlock === null);
});

test('a featurizer.json that is not one is refused with the field named', () => {
  const dir = path.join(work, 'broken');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, FEATURIZER_FILE), JSON.stringify({ format: 'textclass-onnx-featurizer', formatVersion: 1 }));
  assert.throws(() => OnnxFeaturizer.load(dir), /featurizer\.json: field "model"/);
  fs.writeFileSync(path.join(dir, FEATURIZER_FILE), '{not json');
  assert.throws(() => OnnxFeaturizer.load(dir), /not valid JSON/);
  assert.throws(() => OnnxFeaturizer.load(path.join(work, 'nowhere')), /no featurizer\.json/);
});

test('a model type without an ONNX graph is refused by name', async () => {
  const modelDir = path.join(work, 'unknown-type');
  await trainModel(CASES[1], modelDir);
  const model = loadModel(modelDir);
  const raw = model.rawClassifier;
  // As a transformer (onnx-classifier) model directory would look: its weights are an ONNX file already.
  const foreign: Classifier = { type: 'onnx-classifier', task: raw.task, labels: raw.labels, predictProba: () => new Float32Array(0), toState: () => assert.fail('toState must not be called') };
  const manifest = { ...model.manifest, model: { ...model.manifest.model, type: 'onnx-classifier' } };
  assert.throws(() => exportOnnx({ ...model, manifest, rawClassifier: foreign, classifier: foreign }), /model type "onnx-classifier" cannot be exported to ONNX; exportable types: tfidf-logreg, tfidf-svm, tfidf-nb, nbsvm, fasttext/);
});

test('the export refuses to replace a directory that is not an export', async () => {
  const modelDir = path.join(work, 'refuse');
  await trainModel(CASES[0], modelDir);
  const out = path.join(work, 'refuse-out');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'notes.txt'), 'keep me');
  assert.throws(() => writeOnnxExport(modelDir, out), /not an earlier export/);
  assert.equal(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8'), 'keep me');
  // An earlier export is replaced whole.
  const again = path.join(work, 'refuse-again');
  writeOnnxExport(modelDir, again);
  fs.writeFileSync(path.join(again, 'stale.txt'), 'x');
  writeOnnxExport(modelDir, again);
  assert.deepEqual(fs.readdirSync(again).sort(), [FEATURIZER_FILE, ONNX_FILE]);
});

test('measured differences', { skip }, () => {
  process.stdout.write(`# max |p_onnx − p_ours| per case:\n${measured.map((m) => `#   ${m}`).join('\n')}\n`);
});
