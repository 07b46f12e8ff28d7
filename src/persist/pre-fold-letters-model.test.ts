import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../test-support/starter-data.js';
import { loadModel } from './model-dir.js';

/**
 * Models saved before preprocessing.fold_letters existed (test/fixtures/pre-fold-letters-model,
 * written by make.mjs there with commit b8dd15e) have no normalize.foldLetters: they must fold
 * nothing and give, bit for bit, the probabilities they gave when they were written.
 */
const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'pre-fold-letters-model');
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as { probes: string[]; probabilities: Record<string, number[]> };

for (const name of ['tfidf-logreg', 'fasttext']) {
  test(`a ${name} model saved without foldLetters predicts exactly as when it was written`, () => {
    const model = loadModel(path.join(FIXTURE, name));
    const config = model.manifest.model.config.normalize as Record<string, unknown>;
    assert.equal('foldLetters' in config, false, 'the fixture predates the option');
    const p = model.classifier.predictProba(expected.probes);
    assert.deepEqual(Array.from(p), expected.probabilities[name].map((v) => Math.fround(v)));
    // Not folded: the Arabic-keyboard and the Persian-keyboard spelling still score differently.
    assert.notEqual(p[0], p[2]);
  });
}
