import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ModelFormatError } from '../errors.js';
import { DEFAULT_TFIDF } from '../features/tfidf.js';
import { tfidfLogreg } from '../models/tfidf-logreg.js';
import { DEFAULT_NORMALIZE } from '../text/normalize.js';
import { dataSpecOf, loadModel, saveModel, type ManifestBody } from './model-dir.js';

const body: ManifestBody = { name: 't', task: 'binary', labels: ['neg', 'pos'], reader: {}, decision: { kind: 'argmax' }, recipe: {}, metrics: {}, training: {} };

async function tinyModel() {
  return tfidfLogreg.fit(
    { task: 'binary', labels: ['neg', 'pos'], texts: ['good great fine', 'bad awful poor', 'great fun', 'poor bad'], targets: { kind: 'single', y: Int32Array.from([1, 0, 1, 0]) }, seed: 1 },
    { normalize: DEFAULT_NORMALIZE, tfidf: { ...DEFAULT_TFIDF, minDf: 1 }, logistic: { C: 1, maxIter: 50, tol: 1e-6 }, classWeight: null },
  );
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-md-'));
}

test('manifest records format, labels and a checksum per weight file', async () => {
  const dir = path.join(tmpDir(), 'm');
  const m = saveModel(dir, await tinyModel(), body, '0.0.0');
  const onDisk = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  assert.equal(onDisk.format, 'textclass-model');
  assert.equal(onDisk.formatVersion, 1);
  assert.deepEqual(onDisk.labels, ['neg', 'pos']);
  for (const wf of Object.values(m.files)) {
    assert.match(wf.sha256, /^[0-9a-f]{64}$/);
    assert.ok(fs.existsSync(path.join(dir, wf.file)));
  }
  // No temporary directories are left beside the model.
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['m']);
});

test('a modified weight file is refused with a clear message', async () => {
  const dir = path.join(tmpDir(), 'm');
  saveModel(dir, await tinyModel(), body, '0.0.0');
  const file = path.join(dir, 'weights.bin');
  const bytes = fs.readFileSync(file);
  bytes[0] ^= 0xff;
  fs.writeFileSync(file, bytes);
  assert.throws(() => loadModel(dir), (e: unknown) => e instanceof ModelFormatError && /weights\.bin does not match its checksum/.test(e.message));
});

test('a missing weight file, a wrong format version and a non-model folder are refused', async () => {
  const dir = path.join(tmpDir(), 'm');
  saveModel(dir, await tinyModel(), body, '0.0.0');
  const manifestPath = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  fs.writeFileSync(manifestPath, JSON.stringify({ ...manifest, formatVersion: 99 }));
  assert.throws(() => loadModel(dir), /format version 99 is not supported/);
  fs.writeFileSync(manifestPath, JSON.stringify(manifest));
  fs.rmSync(path.join(dir, 'idf.bin'));
  assert.throws(() => loadModel(dir), /idf\.bin is missing/);
  assert.throws(() => loadModel(tmpDir()), /no manifest\.json/);
  assert.throws(() => loadModel('/nonexistent/model'), /directory not found/);
});

test('saving over an existing model replaces it; a non-model folder is never overwritten', async () => {
  const root = tmpDir();
  const dir = path.join(root, 'm');
  saveModel(dir, await tinyModel(), { ...body, name: 'first' }, '0.0.0');
  saveModel(dir, await tinyModel(), { ...body, name: 'second' }, '0.0.0');
  assert.equal(loadModel(dir).manifest.name, 'second');
  assert.deepEqual(fs.readdirSync(root), ['m']);

  const precious = path.join(root, 'notes');
  fs.mkdirSync(precious);
  fs.writeFileSync(path.join(precious, 'todo.txt'), 'keep me');
  await assert.rejects(async () => saveModel(precious, await tinyModel(), body, '0.0.0'), /refusing to overwrite/);
  assert.equal(fs.readFileSync(path.join(precious, 'todo.txt'), 'utf8'), 'keep me');
  assert.deepEqual(fs.readdirSync(root).sort(), ['m', 'notes']);
});

test('dataSpecOf reads the reader of a 0.1.0 manifest (labelField) and the label rules of newer ones', () => {
  const base = { name: 'm', task: 'multiclass', labels: ['a', 'b'], decision: { kind: 'argmax' as const }, recipe: {}, metrics: {}, training: {} };
  const old = dataSpecOf({ ...base, reader: { format: 'csv', textFields: ['text'], labelField: 'label' } });
  assert.deepEqual(old.reader, { format: 'csv', textFields: ['text'], labelFields: ['label'] });
  const labelMap = { map: { c: 'b' }, known: ['a', 'b', 'c'] };
  const spec = dataSpecOf({ ...base, reader: { format: 'csv', textFields: ['text'], labelFields: ['label'] }, labelMap });
  assert.deepEqual(spec.labelMap, labelMap);
  assert.equal(spec.dialog, undefined);
});
