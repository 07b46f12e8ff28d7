import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RecipeError } from '../errors.js';
import { formatFromPath, loadRecipeCompleting, taskFromLabels } from './complete-recipe.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-complete-'));
const write = (name: string, text: string): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

test('the format comes from the training path: folder or extension', () => {
  assert.equal(formatFromPath(dir), 'folder');
  assert.equal(formatFromPath('x/Train.CSV'), 'csv');
  assert.equal(formatFromPath('x/train.tab'), 'tsv');
  assert.equal(formatFromPath('x/train.ndjson'), 'jsonl');
  assert.equal(formatFromPath('x/train.xlsx'), 'xlsx');
  assert.equal(formatFromPath('x/train.txt'), undefined);
});

test('the task comes from the labels', () => {
  assert.equal(taskFromLabels(['neg', 'pos'], 1, false), 'binary');
  assert.equal(taskFromLabels(['a', 'b', 'c'], 1, false), 'multiclass');
  assert.equal(taskFromLabels(['a', 'b'], 2, false), 'multilabel');
  assert.equal(taskFromLabels(['a', 'b', 'c'], 1, true), 'multilabel');
});

test('a recipe that names only its files and columns gets its format and task from them, and says so', async () => {
  write('two.csv', 'review,verdict\ngreat film,pos\ndull film,neg\nloved it,pos\nhated it,neg\n');
  write('three.csv', 'review,verdict\ngreat,pos\ndull,neg\nfine,meh\nok,meh\n');
  write('multi.jsonl', ['{"t":"happy and surprised","l":["joy","surprise"]}', '{"t":"sad","l":["sadness"]}', '{"t":"wow","l":["surprise"]}'].join('\n') + '\n');
  const recipe = (name: string, train: string, text: string, label: string) => write(name, `name: ${name}\ndata:\n  train: ${train}\n  text_field: ${text}\n  label_field: ${label}\n`);

  const binary = await loadRecipeCompleting(recipe('b.yaml', 'two.csv', 'review', 'verdict'), [], dir);
  assert.equal(binary.recipe.task, 'binary');
  assert.equal(binary.recipe.data.format, 'csv');
  assert.deepEqual(binary.filled, ['data.format: csv (from the file name)', 'task: binary (2 labels in the training data)']);

  assert.equal((await loadRecipeCompleting(recipe('m.yaml', 'three.csv', 'review', 'verdict'), [], dir)).recipe.task, 'multiclass');
  const multi = await loadRecipeCompleting(recipe('ml.yaml', 'multi.jsonl', 't', 'l'), [], dir);
  assert.equal(multi.recipe.task, 'multilabel');
  assert.match(multi.filled[1], /rows with up to 2 labels/);

  // What the recipe or --set says is kept, and nothing is read for it.
  const given = await loadRecipeCompleting(recipe('g.yaml', 'two.csv', 'review', 'verdict'), ['task=multiclass', 'data.format=csv'], dir);
  assert.equal(given.recipe.task, 'multiclass');
  assert.deepEqual(given.filled, []);
});

test('a file name that does not tell its format, or other mistakes in the recipe, are recipe errors', async () => {
  write('data.txt', 'x\n');
  const bad = write('bad.yaml', 'name: bad\ndata:\n  train: data.txt\n');
  await assert.rejects(loadRecipeCompleting(bad, [], dir), (e) => e instanceof RecipeError && /data\.format is missing and "data\.txt" does not say it/.test(e.message));
  const typo = write('typo.yaml', 'name: typo\ndata:\n  train: two.csv\n  text_field: review\n  label_field: verdict\nmodel: {type: logistic_regresion}\n');
  await assert.rejects(loadRecipeCompleting(typo, [], dir), (e) => e instanceof RecipeError && /model/.test(e.message) && !/task/.test(e.message));
});
