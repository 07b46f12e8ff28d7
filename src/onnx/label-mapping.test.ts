import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapModelProbabilities } from './classifiers.js';
import { labelMapping } from './fit.js';

test('labelMapping: label_map first, then same name ignoring case; unknown names are refused', () => {
  assert.deepEqual(labelMapping(['LABEL_0', 'LABEL_1', 'Neutral'], ['neg', 'neutral', 'pos'], { LABEL_0: 'neg', LABEL_1: 'pos' }), [0, 2, 1]);
  assert.deepEqual(labelMapping(['joy', 'anger', 'other'], ['joy', 'anger'], undefined), [0, 1, -1]);
  // Two model labels feeding one recipe label.
  assert.deepEqual(labelMapping(['1 star', '2 stars', '5 stars'], ['negative', 'positive'], { '1 star': 'negative', '2 stars': 'negative', '5 stars': 'positive' }), [0, 0, 1]);
  assert.throws(() => labelMapping(['A'], ['a', 'b'], undefined), /no label of the ONNX model maps to "b"/);
  assert.throws(() => labelMapping(['A', 'B'], ['a', 'b'], { C: 'a' }), /"C" is not a label of the ONNX model/);
  assert.throws(() => labelMapping(['A', 'B'], ['a', 'b'], { A: 'z' }), /A → "z": not a label of the data/);
});

test('mapModelProbabilities: softmax mass summed per recipe label and renormalized; sigmoids take the largest', () => {
  const logits = Float32Array.from([0, Math.log(2), Math.log(3), 5]);
  // Model labels 0 and 1 feed recipe label 0, label 2 feeds recipe label 1, label 3 is left out.
  const p = mapModelProbabilities(logits, 4, [0, 0, 1, -1], 2, false);
  assert.ok(Math.abs(p[0] - 0.5) < 1e-6 && Math.abs(p[1] - 0.5) < 1e-6, `${Array.from(p)}`);
  const s = mapModelProbabilities(Float32Array.from([0, 2, -2, 9]), 4, [0, 0, 1, -1], 2, true);
  assert.ok(Math.abs(s[0] - 1 / (1 + Math.exp(-2))) < 1e-6);
  assert.ok(Math.abs(s[1] - 1 / (1 + Math.exp(2))) < 1e-6);
});
