import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createRng } from '../util/random.js';
import { parameterImportance, readSweep } from './importance.js';
import { TuneJournal } from './journal.js';

test('the parameter the metric depends on gets most of the importance', () => {
  const rng = createRng(5);
  const trials = Array.from({ length: 40 }, () => {
    const alpha = Math.exp(-3 + 6 * rng());
    const norm = rng() < 0.5 ? 'l2' : 'none';
    const ngrams = [[1, 1], [1, 2]][Math.floor(rng() * 2)];
    return { params: { 'model.alpha': alpha, 'features.norm': norm, 'features.ngram_range': ngrams }, state: 'complete' as const, value: -Math.abs(Math.log(alpha)) + 0.01 * rng() };
  });
  const imp = parameterImportance(trials);
  assert.deepEqual(Object.keys(imp)[0], 'model.alpha');
  assert.ok(imp['model.alpha'] > 0.6, JSON.stringify(imp));
  assert.ok(Math.abs(Object.values(imp).reduce((a, b) => a + b, 0) - 1) < 1e-9);
});

test('pruned trials and parameters seen in fewer than 3 complete trials do not count', () => {
  const imp = parameterImportance([
    { params: { a: 1, rare: 1 }, state: 'complete', value: 0.1 },
    { params: { a: 2 }, state: 'complete', value: 0.5 },
    { params: { a: 3 }, state: 'complete', value: 0.9 },
    { params: { a: 1, rare: 2 }, state: 'pruned', value: 0.0 },
  ]);
  assert.deepEqual(imp, { a: 1, rare: 0 });
});

test('readSweep returns each study of a journal with its trials and importance', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-sweep-')), 'j.sqlite');
  const j = new TuneJournal(file);
  j.ensureStudy('s1', 'starter', { strategy: 'tpe' });
  for (let n = 0; n < 4; n++) {
    j.start('s1', n, { 'model.C': n });
    j.finish('s1', n, { state: 'complete', value: n / 10, seconds: 1 });
  }
  j.close();
  const [study] = readSweep(file);
  assert.equal(study.recipeName, 'starter');
  assert.deepEqual(study.trials.map((t) => t.value), [0, 0.1, 0.2, 0.3]);
  assert.deepEqual(study.importance, { 'model.C': 1 });
  assert.deepEqual(readSweep(path.join(path.dirname(file), 'none.sqlite')), []);
});
