import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempTree } from '../test-support/temp-tree.js';
import { LabelSets, loadExamples } from './dataset.js';

test('rows with the same labels share one frozen label array; a change in place throws instead of changing them all', async () => {
  const { write } = tempTree('textclass-dataset-');
  const rows = [
    { text: 'a', labels: ['joy'] },
    { text: 'b', labels: ['anger', 'joy'] },
    { text: 'c', labels: ['joy'] },
    { text: 'd', labels: ['anger', 'joy'] },
    { text: 'e', labels: ['joy', 'anger'] },
  ];
  const file = write('rows.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const { examples } = await loadExamples(file, { reader: { format: 'jsonl', textFields: ['text'], labelFields: ['labels'] } });
  assert.deepEqual(
    examples.map((e) => e.labels),
    rows.map((r) => r.labels),
  );
  assert.equal(examples[0].labels, examples[2].labels);
  assert.equal(examples[1].labels, examples[3].labels);
  assert.notEqual(examples[1].labels, examples[4].labels, 'order is kept: a different set');
  assert.ok(Object.isFrozen(examples[0].labels));
  assert.throws(() => examples[0].labels.push('fear'), TypeError);
  assert.deepEqual(examples[2].labels, ['joy']);
});

test('a label set of one label is not confused with a set of several', () => {
  const sets = new LabelSets();
  const one = sets.intern(['a']);
  const two = sets.intern(['a', 'b']);
  assert.deepEqual([one, two, sets.intern([])], [['a'], ['a', 'b'], []]);
  assert.equal(sets.intern(['a', 'b']), two);
  // Labels holding the characters a key might be built from stay apart.
  assert.deepEqual(sets.intern(['a\u0000b\u0000']), ['a\u0000b\u0000']);
  assert.deepEqual(sets.intern(['["a","b"]']), ['["a","b"]']);
  assert.deepEqual(sets.intern(['1a']), ['1a']);
  assert.equal(sets.intern(['a', 'b']), two);
  const original = ['x'];
  assert.notEqual(sets.intern(original), original, 'a copy, so the reader\'s array stays its own');
});
