import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DataError, RecipeError } from '../errors.js';
import { REPO_ROOT } from '../test-support/starter-data.js';
import { loadRecipe, parseRecipe, resolveRecipeDataFile } from './load.js';

const minimal = { name: 'x', task: 'multiclass', data: { format: 'csv', train: 't.csv', text_field: 'text', label_field: 'label' } };

test('defaults fill every section of a minimal recipe', () => {
  const r = parseRecipe(minimal);
  assert.equal(r.features.analyzer, 'auto');
  assert.equal(r.features.ngram_range, undefined, 'chosen by analyzer at training time');
  assert.deepEqual(r.model, { type: 'logistic_regression', C: 4, max_iter: 300, tol: 1e-4, class_weight: 'auto' });
  assert.equal(r.training.seed, 42);
  assert.deepEqual(r.data.text_field, ['text']);
  assert.equal(r.data.on_bad_row, 'error');
});

test('errors name the field and the offending value', () => {
  assert.throws(() => parseRecipe({ ...minimal, task: 'regression' }), (e: unknown) => e instanceof RecipeError && /task: .*got "regression"/.test(e.message));
  assert.throws(() => parseRecipe({ ...minimal, model: { C: -1 } }), /model\.C: .*got -1/);
  assert.throws(() => parseRecipe({ ...minimal, model: { c: 1 } }), /model: unknown field "c"/);
  assert.throws(() => parseRecipe({ ...minimal, features: { min_df: 2.5 } }), /features\.min_df: .*integer.*got 2\.5/);
  assert.throws(() => parseRecipe({ ...minimal, data: { format: 'csv', train: 't.csv', label_field: 'y' } }), /data\.text_field: required for format csv/);
  assert.throws(() => parseRecipe({ name: 'x', task: 'binary', data: { format: 'goemotions-tsv', train: 'a' } }), /data\.label_names: required/);
  assert.throws(() => parseRecipe([1, 2]), /must be a mapping/);
  // Fields belong to their model type: a fastText option on logistic regression is a typo-class error.
  assert.throws(() => parseRecipe({ ...minimal, model: { dim: 50 } }), /model: unknown field "dim"/);
  assert.throws(() => parseRecipe({ ...minimal, model: { type: 'random_forest' } }), /model\.type: /);
  const svm = parseRecipe({ ...minimal, model: { type: 'linear_svm' } });
  assert.equal(svm.model.type === 'linear_svm' && svm.model.calibration_folds, 3);
});

test('--set overrides are parsed as YAML values and validated like the file', () => {
  const r = parseRecipe(minimal, ['model.C=8', 'features.ngram_range=[1, 3]', 'model.class_weight=balanced']);
  assert.equal(r.model.type === 'logistic_regression' && r.model.C, 8);
  assert.deepEqual(r.features.ngram_range, [1, 3]);
  assert.equal(r.model.class_weight, 'balanced');
  assert.throws(() => parseRecipe(minimal, ['model.C']), /--set expects key=value/);
  assert.throws(() => parseRecipe(minimal, ['name.x=1']), /"name" is not a section/);
  assert.throws(() => parseRecipe(minimal, ['model.C=abc']), /model\.C: .*got "abc"/);
});

test('files: missing, invalid YAML, and every shipped recipe validates', () => {
  assert.throws(() => loadRecipe('/nonexistent/recipe.yaml'), /recipe\.yaml: cannot read recipe: file not found/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-recipe-'));
  fs.writeFileSync(path.join(dir, 'bad.yaml'), 'name: [unclosed\n');
  assert.throws(() => loadRecipe(path.join(dir, 'bad.yaml')), /not valid YAML/);
  for (const f of fs.readdirSync(path.join(REPO_ROOT, 'recipes'))) {
    assert.doesNotThrow(() => loadRecipe(path.join(REPO_ROOT, 'recipes', f)), `recipes/${f}`);
  }
});

test('a relative data file missing from the data folder says where it was looked for and which --data-dir finds it', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-datadir-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, 'data'));
  fs.writeFileSync(path.join(root, 'data', 'in-data.csv'), 'text,label\n');
  fs.writeFileSync(path.join(root, 'beside.csv'), 'text,label\n');
  const cwd = process.cwd();
  process.chdir(root);
  t.after(() => process.chdir(cwd));
  const dataDir = path.join(root, 'data');

  assert.equal(resolveRecipeDataFile(dataDir, 'in-data.csv', 'data.train'), path.join(dataDir, 'in-data.csv'));
  assert.throws(
    () => resolveRecipeDataFile(dataDir, 'beside.csv', 'data.train'),
    (e: unknown) =>
      e instanceof DataError &&
      e.location.file === path.join(dataDir, 'beside.csv') &&
      e.message.includes('data.train is "beside.csv"') &&
      e.message.includes(`--data-dir (here ${dataDir}`) &&
      e.message.includes(`${path.join(root, 'beside.csv')} exists: pass --data-dir .`),
  );
  assert.throws(
    () => resolveRecipeDataFile(dataDir, 'nowhere.csv', 'data.dev'),
    (e: unknown) => e instanceof DataError && e.message.includes('data.dev is "nowhere.csv"') && e.message.includes('pass --data-dir <folder>') && !e.message.includes('exists'),
  );
  // Absolute paths are the reader's to check (its message names the path as given).
  const absent = path.join(root, 'absent.csv');
  assert.equal(resolveRecipeDataFile(dataDir, absent, 'data.train'), absent);
});
