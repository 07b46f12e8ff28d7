import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findLeaks } from './leaks.js';
import { splitRows, textGroups } from './split.js';

test('findLeaks counts rows and distinct texts of each later split found in an earlier one', () => {
  const report = findLeaks([
    { name: 'train', texts: ['good film', 'bad film', 'Good  Film', 'meh', 'thank you!'] },
    { name: 'dev', texts: ['good film', 'good film', 'GOOD FILM', 'new text'] },
    { name: 'test', texts: ['meh', 'Thank you!', 'new text', 'unseen'] },
  ]);
  assert.deepEqual(report.exact, [
    { from: 'train', to: 'dev', rows: 2, distinctTexts: 1 },
    { from: 'train', to: 'test', rows: 1, distinctTexts: 1 },
    { from: 'dev', to: 'test', rows: 1, distinctTexts: 1 },
  ]);
  assert.deepEqual(report.normalized, [
    { from: 'train', to: 'dev', rows: 3, distinctTexts: 1 },
    { from: 'train', to: 'test', rows: 2, distinctTexts: 2 },
    { from: 'dev', to: 'test', rows: 1, distinctTexts: 1 },
  ]);
  assert.deepEqual(report.duplicatesWithin, [
    { split: 'train', rows: 5, distinctTexts: 5, duplicateRows: 0, distinctNormalized: 4, duplicateRowsNormalized: 1 },
    { split: 'dev', rows: 4, distinctTexts: 3, duplicateRows: 1, distinctNormalized: 2, duplicateRowsNormalized: 2 },
    { split: 'test', rows: 4, distinctTexts: 4, duplicateRows: 0, distinctNormalized: 4, duplicateRowsNormalized: 0 },
  ]);
  assert.deepEqual(report.examples, [
    { from: 'train', to: 'dev', text: 'good film', exact: true },
    { from: 'train', to: 'test', text: 'meh', exact: true },
    { from: 'train', to: 'test', text: 'Thank you!', exact: false },
    { from: 'dev', to: 'test', text: 'new text', exact: true },
  ]);
});

test('examples: at most 5 per pair, on one line, cut to 80 characters', () => {
  const long = `${'x'.repeat(100)}\nsecond line`;
  const shared = [long, 'a', 'b', 'c', 'd', 'e', 'f'];
  const report = findLeaks([
    { name: 'train', texts: shared },
    { name: 'test', texts: shared },
  ]);
  assert.equal(report.normalized[0].distinctTexts, 7);
  assert.equal(report.examples.length, 5);
  assert.equal(report.examples[0].text, `${'x'.repeat(79)}…`);
  assert.equal([...report.examples[0].text].length, 80);
  assert.deepEqual(findLeaks([{ name: 'a', texts: [' two\n\nlines '] }, { name: 'b', texts: ['TWO lines'] }]).examples[0].text, 'TWO lines');
});

test('a split grouped by textGroups has no normalized leaks', () => {
  const texts = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `Text ${i % 40}` : `text  ${i % 40} `));
  const labels = texts.map((_, i) => [i % 2 === 0 ? 'even' : 'odd']);
  const s = splitRows(labels, { fractions: { dev: 0.2, test: 0.2 }, seed: 1, groups: textGroups(texts) });
  const report = findLeaks([
    { name: 'train', texts: s.train.map((i) => texts[i]) },
    { name: 'dev', texts: s.dev.map((i) => texts[i]) },
    { name: 'test', texts: s.test.map((i) => texts[i]) },
  ]);
  assert.ok(s.dev.length > 0 && s.test.length > 0);
  assert.deepEqual(report.normalized.map((l) => l.rows), [0, 0, 0]);
  // Without groups the same texts do land on both sides.
  const ungrouped = splitRows(labels, { fractions: { test: 0.2 }, seed: 1 });
  const leaky = findLeaks([
    { name: 'train', texts: ungrouped.train.map((i) => texts[i]) },
    { name: 'test', texts: ungrouped.test.map((i) => texts[i]) },
  ]);
  assert.ok(leaky.normalized[0].rows > 0);
});

test('findLeaks edge cases: no splits, one split, empty splits, a repeated name', () => {
  assert.deepEqual(findLeaks([]), { exact: [], normalized: [], duplicatesWithin: [], examples: [] });
  assert.deepEqual(findLeaks([{ name: 'train', texts: ['a', 'a'] }]).duplicatesWithin[0].duplicateRows, 1);
  assert.deepEqual(findLeaks([{ name: 'train', texts: [] }, { name: 'test', texts: [] }]).exact, [{ from: 'train', to: 'test', rows: 0, distinctTexts: 0 }]);
  assert.throws(() => findLeaks([{ name: 'x', texts: [] }, { name: 'x', texts: [] }]), { name: 'RangeError', message: 'findLeaks: split name "x" is used twice' });
});
