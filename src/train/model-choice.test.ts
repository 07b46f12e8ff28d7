import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecipeError } from '../errors.js';
import type { FitInput } from '../models/classifier.js';
import { applyClassWeights } from './model-choice.js';

const input: FitInput = { task: 'multiclass', labels: ['a', 'b', 'c'], texts: ['x', 'y', 'z', 'w'], targets: { kind: 'single', y: Int32Array.from([0, 1, 2, 1]) }, seed: 1 };

test('explicit class weights become row weights, multiplied into existing ones', () => {
  const { input: weighted, classWeight } = applyClassWeights(input, { b: 3 });
  assert.equal(classWeight, null);
  assert.deepEqual(Array.from(weighted.sampleWeights!), [1, 3, 1, 3]);
  const again = applyClassWeights({ ...input, sampleWeights: Float32Array.from([2, 2, 0.5, 1]) }, { c: 4 });
  assert.deepEqual(Array.from(again.input.sampleWeights!), [2, 2, 2, 1]);
  assert.equal(applyClassWeights(input, 'balanced').classWeight, 'balanced');
});

test('a weight for a label the model does not have, or explicit weights on multilabel, is a recipe error', () => {
  assert.throws(() => applyClassWeights(input, { d: 2 }), (e) => e instanceof RecipeError && /"d" is not a label of the model \(labels: a, b, c\)/.test(e.message));
  const multi: FitInput = { ...input, task: 'multilabel', targets: { kind: 'multi', y: new Uint8Array(12), numLabels: 3 } };
  assert.throws(() => applyClassWeights(multi, { a: 2 }), /single-label tasks/);
});
