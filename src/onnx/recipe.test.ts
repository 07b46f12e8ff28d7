import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkedRecipeSchema } from '../recipe/schema.js';

const base = { name: 'r', task: 'multiclass', data: { format: 'csv', train: 't.csv', dev: 'd.csv', text_field: 'text', label_field: 'label' } };
const issues = (model: Record<string, unknown>, extra: Record<string, unknown> = {}): string[] => {
  const r = checkedRecipeSchema.safeParse({ ...base, model, ...extra });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

test('recipe model type onnx: defaults', () => {
  const r = checkedRecipeSchema.parse({ ...base, model: { type: 'onnx', path: 'enc' } });
  assert.equal(r.model.type, 'onnx');
  if (r.model.type !== 'onnx') return;
  assert.equal(r.model.mode, 'encoder_head');
  assert.deepEqual(r.model.window, { aggregate: 'mean' });
  assert.equal(r.model.head.type, 'logistic_regression');
  assert.equal(r.model.combine_tfidf, 'none');
  assert.equal(r.model.allow_remote, false);
  assert.equal(r.model.quantized, false);
});

test('recipe model type onnx: fields that go with the other mode, or with another head, are refused by name', () => {
  assert.deepEqual(issues({ type: 'onnx', path: 'm', mode: 'classifier', combine_tfidf: 'average', class_weight: 'balanced' }), [
    'model.combine_tfidf: only for mode encoder_head (a ready classifier is used as it is)',
    'model.class_weight: only for mode encoder_head (a ready classifier is not trained)',
  ]);
  assert.match(issues({ type: 'onnx', path: 'm', mode: 'classifier', head: { type: 'mlp' } })[0], /^model\.head: only for mode encoder_head/);
  assert.match(issues({ type: 'onnx', path: 'm', label_map: { A: 'b' } })[0], /^model\.label_map: only for mode classifier/);
  assert.match(issues({ type: 'onnx', path: 'm', head: { type: 'mlp' }, combine_tfidf: 'concat' })[0], /^model\.combine_tfidf: concat .* needs head\.type logistic_regression/);
  assert.match(issues({ type: 'onnx', path: 'm', max_length: 64, window: { stride: 63 } })[0], /^model\.window\.stride: must be at most max_length minus the special tokens \(62/);
  assert.match(issues({ type: 'onnx', path: 'm', window: { aggregate: 'median' } })[0], /^model\.window\.aggregate/);
  assert.match(issues({ type: 'onnx', path: 'm', threads: 0 })[0], /^model\.threads/);
});

test('training controls: focal loss and early stopping go with an onnx mlp head, not a logistic one', () => {
  const training = { loss: 'focal', early_stopping: { metric: 'macro_f1' } };
  assert.deepEqual(issues({ type: 'onnx', path: 'm', head: { type: 'mlp', epochs: 5 } }, { training }), []);
  assert.match(issues({ type: 'onnx', path: 'm' }, { training })[0], /^training\.loss: focal needs a gradient-trained model \(model\.head\.type mlp; this onnx model's head is logistic_regression\)/);
  assert.match(issues({ type: 'onnx', path: 'm', head: { type: 'mlp', epochs: 2 } }, { training: { warmup_epochs: 3 } })[0], /^training\.warmup_epochs: must be less than model\.head\.epochs \(2\)/);
});
