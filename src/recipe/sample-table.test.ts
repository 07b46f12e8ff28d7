import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../errors.js';
import { writeZip, xlsxEntries } from '../test-support/zip-writer.js';
import { readSampleTable } from './sample-table.js';
import { chooseColumns } from './sniff-columns.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-sample-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

test('csv: the header, then the records; a BOM, CRLF and quoted newlines are handled', async () => {
  const p = file('a.csv', '\uFEFFtext,label\r\n"two\r\nlines",x\r\nplain,y\r\nthird,z\r\n');
  const t = await readSampleTable(p, 'csv', 3);
  assert.deepEqual(t.columns, ['text', 'label']);
  assert.equal(t.headerLine, 1);
  assert.deepEqual(t.rows, [
    ['two\r\nlines', 'x'],
    ['plain', 'y'],
    ['third', 'z'],
  ]);
  assert.equal(t.sampled, false);
  assert.equal(t.totalRecords, 3);
  // Fewer kept than there are: a sample of the whole file, still in file order; the head only on request.
  const two = await readSampleTable(p, 'csv', 2);
  assert.equal(two.sampled, true);
  assert.equal(two.totalRecords, 3);
  assert.equal(two.rows.length, 2);
  const at = two.rows.map((r) => ['two\r\nlines', 'plain', 'third'].indexOf(r[0] as string));
  assert.ok(at[0] >= 0 && at[0] < at[1], `two of the three records, in file order: ${at}`);
  const head = await readSampleTable(p, 'csv', 2, undefined, { headOnly: true });
  assert.deepEqual(head.rows, [
    ['two\r\nlines', 'x'],
    ['plain', 'y'],
  ]);
});

/** `n` rows of made-up text, the first `firstA` labelled "alpha" and the rest "beta": a file sorted by its label. */
function labelSorted(n: number, firstA: number): { text: string; label: string }[] {
  const words = ['river', 'lamp', 'quiet', 'orange', 'ladder', 'window', 'seven', 'bright', 'paper', 'garden'];
  return Array.from({ length: n }, (_, i) => ({ text: `${words[i % 10]} ${words[(i * 7) % 10]} ${words[(i * 3) % 10]} note ${i}`, label: i < firstA ? 'alpha' : 'beta' }));
}

test('a file sorted by its label: the head shows one label, the seeded sample across the file both', async () => {
  const rows = labelSorted(8000, 6000);
  const p = file('sorted.csv', `text,label\n${rows.map((r) => `${r.text},${r.label}`).join('\n')}\n`);
  const head = await readSampleTable(p, 'csv', 5000, undefined, { headOnly: true });
  assert.deepEqual(new Set(head.rows.map((r) => r[1])), new Set(['alpha']));

  const t = await readSampleTable(p, 'csv');
  assert.equal(t.rows.length, 5000);
  assert.equal(t.totalRecords, 8000);
  assert.equal(t.sampled, true);
  const betas = t.rows.filter((r) => r[1] === 'beta').length;
  // A uniform sample holds about a quarter of betas (1250); far from 0, and from all of them.
  assert.ok(betas > 1000 && betas < 1500, `${betas} betas`);
  // In file order (the note number grows), and the same sample every time.
  const order = t.rows.map((r) => Number(/note (\d+)$/.exec(r[0] as string)![1]));
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
  assert.deepEqual((await readSampleTable(p, 'csv')).rows, t.rows);
  const choice = chooseColumns(t);
  assert.equal(choice.labelField, 'label');
  assert.match(choice.labelReason, /^label: 2 distinct values in 5000 rows sampled from 8000 \(most frequent: alpha \d+, beta \d+\)/);

  // jsonl and xlsx are sampled the same way.
  const jsonl = await readSampleTable(file('sorted.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n'), 'jsonl', 500);
  assert.equal(jsonl.totalRecords, 8000);
  assert.deepEqual(new Set(jsonl.rows.map((r) => r[1])), new Set(['alpha', 'beta']));
  const x = path.join(dir, 'sorted.xlsx');
  const sheetRows = rows
    .slice(0, 300)
    .map((r, i) => `<row r="${i + 2}"><c r="A${i + 2}" t="inlineStr"><is><t>${r.text}</t></is></c><c r="B${i + 2}" t="inlineStr"><is><t>${i < 240 ? 'alpha' : 'beta'}</t></is></c></row>`)
    .join('');
  writeZip(x, xlsxEntries({ sheets: [{ name: 'S', rows: `<row r="1"><c r="A1" t="inlineStr"><is><t>text</t></is></c><c r="B1" t="inlineStr"><is><t>label</t></is></c></row>${sheetRows}` }] }));
  const xt = await readSampleTable(x, 'xlsx', 100);
  assert.equal(xt.totalRecords, 300);
  assert.deepEqual(new Set(xt.rows.map((r) => r[1])), new Set(['alpha', 'beta']));
});

test('a row the reader would skip is counted, not fatal; one that breaks the parse far past the sample size is found, with the reader\'s file:line message', async () => {
  const rows = labelSorted(7000, 3500).map((r) => `${r.text},${r.label}`);
  rows[6500] = 'a "quoted" word,alpha';
  rows[6600] = 'one,cell,too many';
  const skipped = await readSampleTable(file('late-skip.csv', `text,label\n${rows.join('\n')}\n`), 'csv');
  assert.equal(skipped.skippedRecords, 2);
  assert.equal(skipped.totalRecords, 6998);
  rows[6900] = '"never closed,alpha';
  const p = file('late.csv', `text,label\n${rows.join('\n')}\n`);
  await assert.rejects(readSampleTable(p, 'csv'), (e: unknown) => e instanceof DataError && e.location.line === 6902 && /a quoted field that starts in this record is never closed/.test(e.message));
  const lines = labelSorted(7000, 3500).map((r) => JSON.stringify(r));
  lines[6500] = '{"text": "cut off';
  lines[6501] = '"a string"';
  const jsonl = await readSampleTable(file('late.jsonl', lines.join('\n') + '\n'), 'jsonl');
  assert.equal(jsonl.skippedRecords, 2);
  assert.equal(jsonl.totalRecords, 6998);
});

test('csv: rows of the wrong width are skipped and counted; only bad rows is the reader\'s error, with its line; tsv quotes are text', async () => {
  const t = await readSampleTable(file('ragged.csv', 'text,label\nok,x\nshort\nlong,y,z\nfine,y\n'), 'csv');
  assert.deepEqual(t.rows, [['ok', 'x'], ['fine', 'y']]);
  assert.equal(t.skippedRecords, 2);
  const p = file('bad.csv', 'text,label\nshort\nlong,y,z\n');
  await assert.rejects(readSampleTable(p, 'csv'), (e: unknown) => e instanceof DataError && e.location.line === 2 && /expected 2 columns as in the header, found 1/.test(e.message));
  const tsv = await readSampleTable(file('q.tsv', 'text\tlabel\nsay "hi"\tx\n'), 'tsv');
  assert.deepEqual(tsv.rows, [['say "hi"', 'x']]);
  await assert.rejects(readSampleTable(file('empty.csv', ''), 'csv'), /the file is empty: expected a header row/);
  await assert.rejects(readSampleTable(path.join(dir, 'none.csv'), 'csv'), /none\.csv: file not found/);
});

test('jsonl: keys in order of first appearance; numbers and lists are marked as not strings', async () => {
  const p = file('a.jsonl', '{"text":"a b","y":1}\n\n{"text":"c","tags":["p",2],"y":null,"meta":{"k":1}}\n{"text":"d"}\n');
  const t = await readSampleTable(p, 'jsonl', 3);
  assert.deepEqual(t.columns, ['text', 'y', 'tags', 'meta']);
  assert.equal(t.headerLine, 1);
  assert.deepEqual(t.rows, [
    ['a b', '1', null, null],
    ['c', null, ['p', '2'], null],
    ['d', null, null, null],
  ]);
  assert.deepEqual([...t.nonStringColumns].sort(), ['meta', 'tags', 'y']);
  assert.equal(t.sampled, false);
  // Keys and their types are gathered over the whole file, not only the kept records.
  const late = await readSampleTable(file('late-key.jsonl', '{"text":"a"}\n{"text":"b"}\n{"text":"c","n":[1]}\n'), 'jsonl', 1, undefined, { headOnly: false });
  assert.deepEqual(late.columns, ['text', 'n']);
  assert.deepEqual([...late.nonStringColumns], ['n']);
  assert.equal(late.totalRecords, 3);
  // Lines the reader would skip are counted; a file with no object is the first bad line's error.
  const b = await readSampleTable(file('b.jsonl', '{"text":"a"}\n{oops\n7\n{"text":"b"}\n'), 'jsonl');
  assert.deepEqual(b.rows, [['a'], ['b']]);
  assert.equal(b.skippedRecords, 2);
  await assert.rejects(readSampleTable(file('c.jsonl', '[1,2]\n'), 'jsonl'), /c\.jsonl:1: expected a JSON object, found an array/);
  await assert.rejects(readSampleTable(file('d.jsonl', '\n7\n{oops\n'), 'jsonl'), /d\.jsonl:2: expected a JSON object, found a number/);
  // Not jsonl at all: init stops at a hundred bad lines rather than reading a large file to its end.
  const csvLines = Array.from({ length: 100 }, (_, i) => `text ${i},label`);
  await assert.rejects(readSampleTable(file('e.jsonl', csvLines.join('\n') + '\n{"text":"late"}\n'), 'jsonl'), /e\.jsonl:1: invalid JSON/);
});

test('xlsx: the first non-blank row is the header (trimmed), short rows are padded', async () => {
  const p = path.join(dir, 'a.xlsx');
  writeZip(
    p,
    xlsxEntries({
      sheets: [
        {
          name: 'S',
          rows:
            '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="inlineStr"><is><t>label </t></is></c></row>' +
            '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><v>7</v></c></row>' +
            '<row r="5"><c r="A5" t="s"><v>1</v></c></row>',
        },
      ],
      sharedStrings: ['<t>text</t>', '<t>hello there</t>'],
    }),
  );
  const t = await readSampleTable(p, 'xlsx');
  assert.deepEqual(t.columns, ['text', 'label']);
  assert.equal(t.headerLine, 2);
  assert.deepEqual(t.rows, [
    ['hello there', '7'],
    ['hello there', ''],
  ]);
  await assert.rejects(readSampleTable(p, 'xlsx', 10, 'Nope'), /no sheet named "Nope"/);
});
