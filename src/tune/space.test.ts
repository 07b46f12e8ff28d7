import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import YAML from 'yaml';
import { RecipeError } from '../errors.js';
import { parseRecipe } from '../recipe/load.js';
import { tuneSchema } from '../recipe/schema.js';
import { REPO_ROOT } from '../test-support/starter-data.js';
import { applyParams, chooseParams, defaultDirection, describeParams, spaceOf, validateSpace } from './space.js';

const BASE = {
  name: 'x',
  task: 'multiclass',
  data: { format: 'csv', train: 't.csv', dev: 'd.csv', text_field: 'text', label_field: 'label' },
  model: { C: 10 },
} as Record<string, unknown>;

function withTune(tune: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone(BASE), tune };
}

function recipeError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof RecipeError, `expected a RecipeError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected an error');
}

describe('the tune section of a recipe', () => {
  test('defaults: tpe, balanced_accuracy, 20 trials, median pruning at 30% of the rows', () => {
    const r = parseRecipe(withTune({ space: { 'model.C': { log_range: [0.01, 100] } } }));
    assert.equal(r.tune?.strategy, 'tpe');
    assert.equal(r.tune?.metric, 'balanced_accuracy');
    assert.equal(r.tune?.trials, 20);
    assert.deepEqual(r.tune?.pruning, { kind: 'median', fraction: 0.3, warmup_trials: 5 });
  });

  test('schema errors name the parameter and the field', () => {
    assert.match(recipeError(() => parseRecipe(withTune({ space: { 'model.C': { range: [5, 1] } } }), [], 'r.yaml')), /tune\.space\.model\.C\.range: must be \[low, high\] with low < high/);
    assert.match(recipeError(() => parseRecipe(withTune({ space: { 'model.C': { log_range: [0, 1] } } }), [], 'r.yaml')), /tune\.space\.model\.C\.log_range/);
    assert.match(recipeError(() => parseRecipe(withTune({ space: { 'model.C': { range: [1, 2], choice: [1] } } }), [], 'r.yaml')), /tune\.space\.model\.C: give exactly one of choice, range, log_range, int_range/);
    assert.match(recipeError(() => parseRecipe(withTune({ space: { 'model.C': { int_range: [1.5, 3] } } }), [], 'r.yaml')), /tune\.space\.model\.C\.int_range/);
    assert.match(recipeError(() => parseRecipe(withTune({ strategy: 'bayes', space: { 'model.C': { choice: [1] } } }), [], 'r.yaml')), /tune\.strategy/);
    assert.match(recipeError(() => parseRecipe(withTune({ space: {} }), [], 'r.yaml')), /tune\.space: needs at least one parameter/);
  });

  test('a parameter whose values make an invalid recipe is named with the value', () => {
    const check = (space: Record<string, unknown>) => recipeError(() => validateSpace(spaceOf(tuneSchema.parse({ space })), withTune({ space }), 'r.yaml'));
    assert.match(check({ 'model.alpah': { range: [0.1, 1] } }), /^r\.yaml: tune\.space\."model\.alpah": the value 0\.1 makes an invalid recipe: model: unknown field "alpah"/);
    assert.match(check({ 'features.min_df': { range: [0.5, 3.5] } }), /tune\.space\."features\.min_df": the value 3.5 makes an invalid recipe: features\.min_df: min_df >= 1 must be an integer/);
    assert.match(check({ 'feature.min_df': { int_range: [1, 3] } }), /tune\.space\."feature\.min_df".*unknown field "feature"/);
    assert.match(check({ model: { choice: [{ type: 'naive_bayes' }, { type: 'svm' }] } }), /tune\.space\."model": the value \{"type":"svm"\}/);
  });

  test('conditional parameters are checked with their condition made true', () => {
    const space = {
      model: { choice: [{ type: 'naive_bayes' }, { type: 'logistic_regression' }] },
      'model.alpha': { log_range: [0.01, 2], when: { 'model.type': 'naive_bayes' } },
    };
    // Setting model.type alone would leave the base recipe's C beside alpha; the model choice replaces the section.
    validateSpace(spaceOf(tuneSchema.parse({ space })), withTune({ space }), 'r.yaml');
  });
});

describe('choosing and applying values', () => {
  const space = spaceOf(
    tuneSchema.parse({
      space: {
        model: { choice: [{ type: 'naive_bayes' }, { type: 'logistic_regression' }] },
        'model.alpha': { choice: [0.5], when: { 'model.type': 'naive_bayes' } },
        'model.C': { choice: [2], when: { 'model.type': ['logistic_regression'] } },
        'sampling.keep.no emotion': { choice: [0.3] },
      },
    }),
  );

  test('a parameter applies only where its condition holds on the values chosen before it', () => {
    const nb = chooseParams(space, BASE, (p) => (p.domain.kind === 'choice' ? p.domain.values[0] : null));
    assert.deepEqual(Object.keys(nb), ['model', 'model.alpha', 'sampling.keep.no emotion']);
    const lr = chooseParams(space, BASE, (p) => (p.domain.kind === 'choice' ? p.domain.values[p.path === 'model' ? 1 : 0] : null));
    assert.deepEqual(Object.keys(lr), ['model', 'model.C', 'sampling.keep.no emotion']);
  });

  test('a condition on a default value holds without the field being written', () => {
    const s = spaceOf(tuneSchema.parse({ space: { 'model.C': { choice: [3] , when: { 'model.type': 'logistic_regression' } } } }));
    assert.deepEqual(chooseParams(s, BASE, () => 3), { 'model.C': 3 });
  });

  test('applied values make a valid recipe without the tune section; the base is untouched', () => {
    const base = withTune({ space: {} });
    const raw = applyParams(base, { model: { type: 'naive_bayes' }, 'model.alpha': 0.5, 'sampling.keep.no emotion': 0.3 });
    const r = parseRecipe(raw);
    assert.equal(r.model.type, 'naive_bayes');
    assert.deepEqual(r.sampling.keep, { 'no emotion': 0.3 });
    assert.equal(r.tune, undefined);
    assert.ok(base.tune, 'base keeps its tune section');
    assert.deepEqual(base.model, { C: 10 });
  });

  test('describeParams and defaultDirection', () => {
    assert.equal(describeParams({ model: { type: 'naive_bayes', alpha: 0.3 }, 'features.ngram_range': [1, 2] }), 'model={type: naive_bayes, alpha: 0.3} features.ngram_range=[1, 2]');
    assert.equal(defaultDirection('balanced_accuracy'), 'maximize');
    assert.equal(defaultDirection('log_loss'), 'minimize');
    assert.equal(defaultDirection('brier_score'), 'minimize');
  });
});

test('the shipped tuned DailyDialog recipe carries a valid search space', () => {
  const file = path.join(REPO_ROOT, 'recipes', 'dailydialog-next-tuned.yaml');
  const raw = YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const recipe = parseRecipe(raw, [], file);
  assert.ok(recipe.tune);
  validateSpace(spaceOf(recipe.tune), raw, file);
});
