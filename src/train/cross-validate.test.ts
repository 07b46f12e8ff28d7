import assert from 'node:assert/strict';
import os from 'node:os';
import { describe, test } from 'node:test';
import type { Example } from '../data/types.js';
import { DataError, RecipeError, TextclassError, UsageError } from '../errors.js';
import { parseRecipe } from '../recipe/load.js';
import type { Recipe } from '../recipe/schema.js';
import { createRng } from '../util/random.js';
import { crossValidate, type CrossValidateOptions } from './cross-validate.js';
import { liveFoldWorkers } from './fold-pool.js';
import { reviveError, serializeError } from './fold-protocol.js';
import { estimateStoredValues, foldThreads, foldWork, MIN_PARALLEL_WORK } from './fold-threads.js';
import { resolveFeatures } from './text-defaults.js';

const LABELS = ['billing', 'outage', 'praise'];
const WORDS: Record<string, string[]> = {
  billing: ['invoice', 'charge', 'refund', 'payment', 'card', 'price'],
  outage: ['down', 'error', 'timeout', 'crash', 'offline', 'slow'],
  praise: ['thanks', 'great', 'love', 'helpful', 'fast', 'kind'],
  rare: ['refund', 'crash', 'thanks'],
};
const SHARED = ['the', 'my', 'today', 'again', 'please', 'account', 'app', 'team'];

/** Seeded short "tickets": words of the label mixed with shared and other labels' words, so folds are not perfect. */
function generate(n: number, seed: number, labelOf: (i: number) => string[] = (i) => [LABELS[i % LABELS.length]]): Example[] {
  const rng = createRng(seed);
  const pick = (list: readonly string[]) => list[Math.floor(rng() * list.length)];
  return Array.from({ length: n }, (_, i) => {
    const labels = labelOf(i);
    const words: string[] = [];
    for (let w = 0; w < 8; w++) {
      const r = rng();
      words.push(r < 0.45 ? pick(WORDS[pick(labels)]) : r < 0.6 ? pick(WORDS[pick(LABELS)]) : pick(SHARED));
    }
    return { text: words.join(' '), labels, source: { file: 'generated.csv', line: i + 2 } };
  });
}

function recipeOf(task: string, model: Record<string, unknown>, extra: Record<string, unknown> = {}): Recipe {
  return parseRecipe({ name: 'cvpar', task, data: { format: 'csv', train: 't.csv', text_field: 'text', label_field: 'label' }, features: { ngram_range: [1, 2], min_df: 1 }, model, ...extra });
}

async function cvWith(recipe: Recipe, labels: string[], examples: Example[], threads: number, extra: Partial<CrossValidateOptions> = {}) {
  const resolved = resolveFeatures(recipe.features, examples.map((e) => e.text));
  const decision = recipe.task === 'multilabel' ? ({ kind: 'thresholds', thresholds: labels.map(() => 0.5), tunedOn: 'none' } as const) : ({ kind: 'argmax' } as const);
  return crossValidate(recipe, labels, examples, { k: 5, resolved, decision, threads, ...extra });
}

/** Fold threads still running (Node's getActiveResourcesInfo does not list worker threads). */
const liveWorkers = liveFoldWorkers;

describe('cross-validation on two threads gives the bytes of the sequential run', () => {
  const cases: [string, Recipe, Example[], string[]][] = [
    ['multiclass logistic regression', recipeOf('multiclass', { type: 'logistic_regression', C: 4 }), generate(300, 7), LABELS],
    ['multiclass naive Bayes', recipeOf('multiclass', { type: 'naive_bayes' }), generate(300, 8), LABELS],
    ['multiclass linear SVM (sigmoid-calibrated)', recipeOf('multiclass', { type: 'linear_svm' }), generate(300, 9), LABELS],
    ['multilabel logistic regression', recipeOf('multilabel', { type: 'logistic_regression' }), generate(300, 10, (i) => (i % 4 === 0 ? [LABELS[i % 3], LABELS[(i + 1) % 3]] : [LABELS[i % 3]])), LABELS],
    ['oversampled multiclass', recipeOf('multiclass', { type: 'logistic_regression' }, { sampling: { balance: 'oversample' } }), generate(300, 11, (i) => [LABELS[i % 5 === 0 ? 2 : i % 2]]), LABELS],
  ];
  for (const [name, recipe, examples, labels] of cases) {
    test(name, async () => {
      const startedOne: number[] = [];
      const startedTwo: number[] = [];
      const phases = new Set<string>();
      let threadsSeen = 0;
      const one = await cvWith(recipe, labels, examples, 1, { onFold: (f) => startedOne.push(f) });
      const two = await cvWith(recipe, labels, examples, 2, { onFold: (f) => startedTwo.push(f), progress: (phase) => {
          phases.add(phase);
          threadsSeen = Math.max(threadsSeen, liveWorkers());
        },
      });
      assert.deepEqual(two.folds, one.folds);
      assert.ok(Buffer.from(two.outOfFold.buffer).equals(Buffer.from(one.outOfFold.buffer)), 'out-of-fold scores differ');
      assert.deepEqual(two.reports, one.reports);
      assert.deepEqual(two.targets, one.targets);
      // Every row was scored (softmax rows sum to one; sigmoid scores are never all exactly zero).
      for (let i = 0; i < examples.length; i++) assert.ok(one.outOfFold.subarray(i * labels.length, (i + 1) * labels.length).some((p) => p > 0), `row ${i} unscored`);
      assert.deepEqual(startedOne, [0, 1, 2, 3, 4]);
      assert.deepEqual(startedTwo, [0, 1, 2, 3, 4]);
      assert.ok(phases.size > 0, 'progress from the fold threads reached the caller');
      assert.ok(threadsSeen >= 1, 'the folds ran on fold threads');
      assert.equal(liveWorkers(), 0);
    });
  }

  test('three threads, and more threads than folds, agree too', async () => {
    const recipe = recipeOf('multiclass', { type: 'logistic_regression' });
    const examples = generate(200, 12);
    const one = await cvWith(recipe, LABELS, examples, 1);
    for (const threads of [3, 9]) {
      const many = await cvWith(recipe, LABELS, examples, threads);
      assert.ok(Buffer.from(many.outOfFold.buffer).equals(Buffer.from(one.outOfFold.buffer)), `threads ${threads}`);
      assert.deepEqual(many.reports, one.reports);
    }
    assert.equal(liveWorkers(), 0);
  });
});

describe('a failing fold', () => {
  // "rare" is on one row only: the fold that holds that row out trains without it, so the
  // recipe's sampling.keep names a label its training part lacks. Only that fold fails.
  const examples = generate(300, 13, (i) => [i === 137 ? 'rare' : LABELS[i % 3]]);
  const labels = [...LABELS, 'rare'];
  const recipe = recipeOf('multiclass', { type: 'logistic_regression' }, { sampling: { keep: { rare: 1 } } });

  test('throws the sequential run\'s error, class and message, and leaves no thread running', { timeout: 120_000 }, async () => {
    const sequential = await cvWith(recipe, labels, examples, 1).then(
      () => assert.fail('expected the fold without "rare" to fail'),
      (e: unknown) => e as Error,
    );
    assert.ok(sequential instanceof RecipeError, String(sequential));
    assert.match(sequential.message, /sampling\.keep: "rare" is not a training label/);
    for (const threads of [2, 3]) {
      const started: number[] = [];
      await assert.rejects(cvWith(recipe, labels, examples, threads, { onFold: (f) => started.push(f) }), (e: Error) => {
        assert.ok(e instanceof RecipeError, `threads ${threads}: ${String(e)}`);
        assert.equal(e.constructor, sequential.constructor);
        assert.equal(e.name, sequential.name);
        assert.equal(e.message, sequential.message);
        assert.equal((e as TextclassError).exitCode, (sequential as TextclassError).exitCode);
        return true;
      });
      assert.deepEqual(started, [...started].sort((a, b) => a - b), 'folds start in order');
      assert.equal(liveWorkers(), 0, `threads ${threads}: a fold thread is still running`);
    }
  });

  test('an option the worker cannot use fails the same way on both paths', { timeout: 120_000 }, async () => {
    // Explicit class weights naming a label the model does not have: fitModel refuses in every fold.
    const bad = recipeOf('multiclass', { type: 'logistic_regression', class_weight: { nonsense: 2 } });
    const errors: Error[] = [];
    for (const threads of [1, 2]) await cvWith(bad, LABELS, generate(120, 14), threads).catch((e: Error) => errors.push(e));
    assert.equal(errors.length, 2);
    assert.ok(errors[1] instanceof RecipeError);
    assert.equal(errors[1].message, errors[0].message);
    assert.match(errors[1].message, /model\.class_weight: "nonsense" is not a label/);
    assert.equal(liveWorkers(), 0);
  });
});

describe('errors cross the thread boundary with their class and fields', () => {
  test('TextclassError subclasses, built-in errors and thrown non-errors', () => {
    const data = reviveError(structuredClone(serializeError(new DataError({ file: 'a.csv', line: 3, field: 'label' }, 'no label'))));
    assert.ok(data instanceof DataError);
    assert.equal(data.message, 'a.csv:3: field "label": no label');
    assert.deepEqual((data as DataError).location, { file: 'a.csv', line: 3, field: 'label' });
    assert.equal((data as DataError).exitCode, 1);
    const usage = reviveError(structuredClone(serializeError(new UsageError('bad flag'))));
    assert.ok(usage instanceof UsageError);
    assert.equal((usage as UsageError).exitCode, 2);
    assert.equal(usage.name, 'UsageError');
    const range = reviveError(structuredClone(serializeError(new RangeError('k too large'))));
    assert.ok(range instanceof RangeError);
    assert.equal(range.message, 'k too large');
    assert.match(range.stack ?? '', /k too large/);
    class LocalError extends TextclassError {}
    const local = reviveError(structuredClone(serializeError(new LocalError('from a use case'))));
    assert.ok(local instanceof TextclassError);
    assert.equal(local.name, 'LocalError');
    assert.equal(reviveError(serializeError('a string')).message, 'a string');
  });
});

describe('thread choice', () => {
  /** `rows` texts of `words` words each: word unigrams and bigrams give 2·words − 1 positions a row. */
  const sized = (rows: number, words: number, labels = LABELS): Example[] =>
    Array.from({ length: rows }, (_, i) => ({ text: Array.from({ length: words }, (_, w) => `w${(i * 7 + w) % 997}`).join(' '), labels: [labels[i % labels.length]], source: { file: 'sized.csv', line: i + 2 } }));
  const choose = (recipe: Recipe, rows: Example[], requested?: number, labels = LABELS) => foldThreads(recipe, rows, labels, 5, resolveFeatures(recipe.features, rows.map((e) => e.text)), requested);
  const linear = recipeOf('multiclass', { type: 'logistic_regression' });
  // 4000 × 199 positions × 3 labels = 2.4 M, above the threshold; the starter-sized set is far below.
  const large = sized(4000, 100);
  const small = sized(560, 15);
  // On a one-core machine everything stays on one thread; CI and the team machines have two or more.
  const cores = os.availableParallelism();

  test('an explicit number wins, capped at the number of folds, and must be a whole number from 1', () => {
    const fasttext = recipeOf('multiclass', { type: 'fasttext' });
    assert.equal(choose(fasttext, small, 2), 2);
    assert.equal(choose(linear, large, 1), 1);
    assert.equal(choose(linear, small, 8), 5);
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => choose(linear, small, bad), UsageError);
  });

  test('automatic: two threads for one-thread models with enough work', { skip: cores < 2 && 'one core' }, () => {
    assert.ok(foldWork(linear, large, LABELS, resolveFeatures(linear.features, large.map((e) => e.text))) >= MIN_PARALLEL_WORK);
    assert.equal(choose(linear, large), 2);
    assert.equal(choose(recipeOf('multiclass', { type: 'naive_bayes' }), large), 2);
    assert.equal(choose(recipeOf('multiclass', { type: 'nbsvm' }), large), 2);
    assert.equal(choose(recipeOf('multiclass', { type: 'linear_svm' }), large), 2);
    // Multilabel logistic regression whose one-vs-rest fit stays on one thread (< 200 000 stored
    // values a fold) but has many outputs: 1100 × 199 positions, × 4/5 per fold = 175 000; × 10 labels = 2.2 M.
    const ten = Array.from({ length: 10 }, (_, i) => `l${i}`);
    assert.equal(choose(recipeOf('multilabel', { type: 'logistic_regression' }), sized(1100, 100, ten), undefined, ten), 2);
  });

  test('automatic: little work, fastText-style models and multilabel fits with threads of their own stay on one thread', () => {
    assert.ok(foldWork(linear, small, LABELS, resolveFeatures(linear.features, small.map((e) => e.text))) < MIN_PARALLEL_WORK);
    assert.equal(choose(linear, small), 1);
    assert.equal(choose(recipeOf('multiclass', { type: 'fasttext' }), large), 1);
    // 4000 × 199 × 4/5 = 637 000 stored values a fold: the one-vs-rest fit starts its own threads.
    assert.equal(choose(recipeOf('multilabel', { type: 'logistic_regression' }), large), 1);
    // Binary: one output, so twice the rows of a 3-label task are needed for the same work.
    const binary = recipeOf('binary', { type: 'logistic_regression' });
    assert.equal(choose(binary, large, undefined, ['neg', 'pos']), 1);
  });

  test('the stored-value estimate counts n-gram positions per row', () => {
    const rows = [{ text: 'a b  c', labels: ['x'], source: { file: 'f' } }];
    assert.equal(estimateStoredValues(rows, linear, { script: 'latin', analyzer: 'word', ngramRange: [1, 2] }), 3 + 2);
    assert.equal(estimateStoredValues(rows, linear, { script: 'latin', analyzer: 'char', ngramRange: [2, 3] }), 5 + 4);
  });
});
