import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../errors.js';
import { createRng } from '../util/random.js';
import type { SampleCell, SampleTable } from './sample-table.js';
import { AmbiguousColumnsError, chooseColumns, columnStats, looksLikeLabelName } from './sniff-columns.js';

// Tables written for these tests: made-up words, seeded, so every run sees the same rows.
const WORDS = ['river', 'lamp', 'quiet', 'orange', 'ladder', 'window', 'seven', 'bright', 'paper', 'garden', 'slowly', 'cloud', 'button', 'market', 'winter', 'candle'];

function sentence(rng: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(rng() * WORDS.length)]).join(' ');
}

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

function table(columns: string[], rows: SampleCell[][], extra: Partial<SampleTable> = {}): SampleTable {
  return { file: 'made-up.csv', format: 'csv', columns, headerLine: 1, rows, nonStringColumns: new Set(), totalRecords: rows.length, sampled: false, skippedRecords: 0, ...extra };
}

/** id, title, body, label (+ optional extra columns built per row). */
function reviews(n: number, extra: { name: string; cell: (i: number, rng: () => number) => SampleCell }[] = []): SampleTable {
  const rng = createRng(7);
  const rows: SampleCell[][] = [];
  for (let i = 0; i < n; i++) {
    rows.push([String(1000 + i), sentence(rng, 3 + Math.floor(rng() * 3)), sentence(rng, 20 + Math.floor(rng() * 20)), pick(rng, ['pos', 'neg']), ...extra.map((e) => e.cell(i, rng))]);
  }
  return table(['id', 'title', 'body', 'label', ...extra.map((e) => e.name)], rows);
}

test('free-text columns are the text, in file order; the few-valued column is the label', () => {
  const choice = chooseColumns(reviews(200));
  assert.deepEqual(choice.textFields, ['title', 'body']);
  assert.equal(choice.labelField, 'label');
  assert.equal(choice.multiLabel, false);
  assert.equal(choice.labelSeparator, undefined);
  assert.match(choice.labelReason, /label: 2 distinct values in 200 rows/);
  assert.match(choice.textReasons[1], /^body: free text \(100% of 200 filled values distinct/);
  // The id is unique but one word: not text, and too many values for a label.
  assert.ok(!choice.textFields.includes('id'));
});

test('numbers with many values and short codes are neither text nor label', () => {
  const choice = chooseColumns(reviews(300, [{ name: 'price', cell: (_, rng) => (rng() * 1000).toFixed(2) }, { name: 'sku', cell: (i) => `SKU-${i}` }]));
  assert.deepEqual(choice.textFields, ['title', 'body']);
  assert.equal(choice.labelField, 'label');
  assert.deepEqual(choice.otherLabelCandidates, []);
});

test('a column named like a label wins over few-valued columns not named like one', () => {
  const choice = chooseColumns(reviews(200, [{ name: 'source', cell: (_, rng) => pick(rng, ['web', 'app', 'mail']) }]));
  assert.equal(choice.labelField, 'label');
  assert.match(choice.labelReason, /its name says label.*\(source\) are not named like labels/);
  assert.deepEqual(
    choice.otherLabelCandidates.map((s) => [s.name, s.distinct]),
    [['source', 3]],
  );
});

test('several label-like columns: no guess, an error listing each with its distinct values', () => {
  const t = reviews(300, [
    { name: 'category', cell: (_, rng) => pick(rng, ['1', '2', '3', '4', '5']) },
    { name: 'ticket_type', cell: (_, rng) => pick(rng, ['0', '1']) },
  ]);
  // `label` and `category` are both label names: ambiguous.
  assert.throws(
    () => chooseColumns(t),
    (e: unknown) => {
      assert.ok(e instanceof AmbiguousColumnsError);
      assert.equal(e.role, 'label');
      assert.equal(e.exitCode, 3);
      assert.match(e.message, /3 columns could be the label: label \(2 distinct\), category \(5 distinct\), ticket_type \(2 distinct\); choose one with --label-field/);
      assert.deepEqual(
        e.candidates.map((c) => c.name),
        ['label', 'category', 'ticket_type'],
      );
      return true;
    },
  );
  // One label name, but a rival named like a label (ticket_type): still ambiguous.
  const noLabel = table(
    t.columns.filter((c) => c !== 'label'),
    t.rows.map((r) => r.filter((_, i) => t.columns[i] !== 'label')),
  );
  assert.throws(() => chooseColumns(noLabel), /2 columns could be the label: category \(5 distinct\), ticket_type \(2 distinct\)/);
  // The user's choice settles it.
  const chosen = chooseColumns(t, { labelField: 'ticket_type' });
  assert.equal(chosen.labelField, 'ticket_type');
  assert.match(chosen.labelReason, /named with --label-field/);
  assert.deepEqual(
    chosen.otherLabelCandidates.map((s) => s.name),
    ['label', 'category'],
  );
});

test('cells listing labels with a separator make a multi-label column', () => {
  for (const sep of ['|', ',', ';']) {
    const rng = createRng(3);
    const rows: SampleCell[][] = [];
    for (let i = 0; i < 120; i++) {
      const tags = ['red', 'green', 'blue', 'plain'].filter(() => rng() < 0.35);
      rows.push([sentence(rng, 12), (tags.length ? tags : ['plain']).join(sep)]);
    }
    const choice = chooseColumns(table(['text', 'tags'], rows));
    assert.equal(choice.labelField, 'tags');
    assert.equal(choice.multiLabel, true, sep);
    assert.equal(choice.labelSeparator, sep);
    assert.match(choice.labelReason, new RegExp(`multi-label: 4 labels, listed with "\\${sep}"`));
  }
});

test('JSON arrays make a multi-label column without a separator', () => {
  const rng = createRng(5);
  const rows: SampleCell[][] = [];
  for (let i = 0; i < 80; i++) rows.push([sentence(rng, 10), i % 3 === 0 ? ['a', 'b'] : [pick(rng, ['a', 'b', 'c'])], String(i)]);
  const t = table(['text', 'labels', 'n'], rows, { format: 'jsonl', nonStringColumns: new Set(['labels', 'n']) });
  const choice = chooseColumns(t);
  assert.equal(choice.labelField, 'labels');
  assert.equal(choice.multiLabel, true);
  assert.equal(choice.labelSeparator, undefined);
  assert.match(choice.labelReason, /3 labels, listed as JSON arrays/);
  // A key holding numbers cannot be the jsonl reader's text.
  assert.throws(() => chooseColumns(t, { textFields: ['n'] }), (e: unknown) => e instanceof DataError && /not strings/.test(e.message));
});

test('prose with commas stays text, and labels with commas in few rows stay single labels', () => {
  const rng = createRng(11);
  const rows: SampleCell[][] = [];
  for (let i = 0; i < 200; i++) rows.push([`${sentence(rng, 6)}, ${sentence(rng, 6)}`, pick(rng, ['north', 'south', 'east', 'west'])]);
  const choice = chooseColumns(table(['comment', 'region'], rows));
  assert.deepEqual(choice.textFields, ['comment']);
  assert.equal(choice.labelField, 'region');
  assert.equal(choice.multiLabel, false);
  assert.equal(columnStats(table(['comment', 'region'], rows))[0].multiLabel, undefined);
});

test('text in a script without spaces counts as text', () => {
  const chars = '天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏';
  const rng = createRng(2);
  const rows: SampleCell[][] = [];
  for (let i = 0; i < 100; i++) {
    const len = 15 + Math.floor(rng() * 30);
    rows.push([pick(rng, ['0', '1']), Array.from({ length: len }, () => chars[Math.floor(rng() * chars.length)]).join('')]);
  }
  const choice = chooseColumns(table(['label', 'review'], rows));
  assert.deepEqual(choice.textFields, ['review']);
  assert.match(choice.textReasons[0], /characters on average/);
  assert.equal(choice.labelField, 'label');
});

test('--text-field and --label-field are checked against the header', () => {
  const t = reviews(50);
  assert.deepEqual(chooseColumns(t, { textFields: ['body'] }).textFields, ['body']);
  assert.throws(
    () => chooseColumns(t, { labelField: 'Label' }),
    (e: unknown) => e instanceof DataError && e.location.line === 1 && e.location.field === 'Label' && /--label-field names a column the file does not have; its columns are "id", "title", "body", "label"/.test(e.message),
  );
  assert.throws(() => chooseColumns(t, { textFields: ['body', 'text'] }), /made-up\.csv:1: field "text": --text-field names a column/);
  assert.throws(() => chooseColumns(t, { textFields: ['body'], labelField: 'body' }), /both the text and the label/);
});

test('no free text or no label: an error that says which flag to use', () => {
  const rng = createRng(9);
  const codes = table(
    ['a', 'b'],
    Array.from({ length: 60 }, () => [pick(rng, ['x', 'y']), pick(rng, ['1', '2', '3'])]),
  );
  assert.throws(() => chooseColumns(codes), (e: unknown) => e instanceof AmbiguousColumnsError && e.role === 'text' && /no column looks like free text.*--text-field/.test(e.message));
  const allText = table(
    ['text', 'note'],
    Array.from({ length: 60 }, () => [sentence(rng, 9), sentence(rng, 7)]),
    { totalRecords: 900, sampled: true },
  );
  assert.throws(() => chooseColumns(allText, { textFields: ['text'] }), (e: unknown) => e instanceof AmbiguousColumnsError && e.role === 'label' && /no column looks like a label .* in 60 rows sampled from 900; .*--label-field/.test(e.message));
});

test('duplicate header names are never proposed, and cannot be named', () => {
  const rng = createRng(4);
  const rows: SampleCell[][] = Array.from({ length: 50 }, () => [sentence(rng, 10), pick(rng, ['a', 'b']), pick(rng, ['c', 'd'])]);
  const t = table(['text', 'label', 'label'], rows);
  assert.throws(() => chooseColumns(t), /no column looks like a label/);
  assert.throws(() => chooseColumns(t, { labelField: 'label' }), /more than once/);
});

test('names that look like labels', () => {
  for (const n of ['label', 'Sub_Category1', 'ticket_type', 'Emotion', 'urgency', 'y']) assert.ok(looksLikeLabelName(n), n);
  for (const n of ['source', 'author', 'id', 'date']) assert.ok(!looksLikeLabelName(n), n);
});
