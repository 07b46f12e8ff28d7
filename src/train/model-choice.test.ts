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

test('class_weight auto balances a single-label task only when its classes are at least 5:1 apart', () => {
  const single = (counts: number[]): FitInput => ({ ...input, labels: counts.map((_, k) => `l${k}`), targets: { kind: 'single', y: Int32Array.from(counts.flatMap((n, k) => new Array<number>(n).fill(k))) } });
  assert.equal(applyClassWeights(single([10, 10, 10]), 'auto').classWeight, null);
  assert.equal(applyClassWeights(single([49, 10]), 'auto').classWeight, null, '4.9:1');
  assert.equal(applyClassWeights(single([50, 10]), 'auto').classWeight, 'balanced', '5:1');
  assert.equal(applyClassWeights(single([300, 40, 2]), 'auto').classWeight, 'balanced');
  assert.equal(applyClassWeights(single([30, 0, 10]), 'auto').classWeight, null, 'a label with no training rows is not the rarest');
  const multi: FitInput = { ...input, task: 'multilabel', targets: { kind: 'multi', y: Uint8Array.from([1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1]), numLabels: 3 } };
  assert.equal(applyClassWeights(multi, 'auto').classWeight, null, 'multilabel: none');
});
