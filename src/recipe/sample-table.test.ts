import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../errors.js';
import { writeZip, xlsxEntries } from '../test-support/zip-writer.js';
import { readSampleTable } from './sample-table.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-sample-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

test('csv: the header, then at most maxRecords records; a BOM, CRLF and quoted newlines are handled', async () => {
  const p = file('a.csv', '\uFEFFtext,label\r\n"two\r\nlines",x\r\nplain,y\r\nthird,z\r\n');
  const t = await readSampleTable(p, 'csv', 2);
  assert.deepEqual(t.columns, ['text', 'label']);
  assert.equal(t.headerLine, 1);
  assert.deepEqual(t.rows, [
    ['two\r\nlines', 'x'],
    ['plain', 'y'],
  ]);
  assert.equal(t.truncated, true);
  assert.equal((await readSampleTable(p, 'csv', 3)).truncated, false);
});

test('csv: a parse error is the reader\'s, with its line; tsv quotes are text', async () => {
  const p = file('bad.csv', 'text,label\nok,x\nshort\n');
  await assert.rejects(readSampleTable(p, 'csv'), (e: unknown) => e instanceof DataError && e.location.line === 3 && /expected 2 columns as in the header, found 1/.test(e.message));
  const tsv = await readSampleTable(file('q.tsv', 'text\tlabel\nsay "hi"\tx\n'), 'tsv');
  assert.deepEqual(tsv.rows, [['say "hi"', 'x']]);
  await assert.rejects(readSampleTable(file('empty.csv', ''), 'csv'), /the file is empty: expected a header row/);
  await assert.rejects(readSampleTable(path.join(dir, 'none.csv'), 'csv'), /none\.csv: file not found/);
});

test('jsonl: keys in order of first appearance; numbers and lists are marked as not strings', async () => {
  const p = file('a.jsonl', '{"text":"a b","y":1}\n\n{"text":"c","tags":["p",2],"y":null,"meta":{"k":1}}\n{"text":"d"}\n');
  const t = await readSampleTable(p, 'jsonl', 2);
  assert.deepEqual(t.columns, ['text', 'y', 'tags', 'meta']);
  assert.deepEqual(t.rows, [
    ['a b', '1', null, null],
    ['c', null, ['p', '2'], null],
  ]);
  assert.deepEqual([...t.nonStringColumns].sort(), ['meta', 'tags', 'y']);
  assert.equal(t.truncated, true);
  await assert.rejects(readSampleTable(file('b.jsonl', '{"text":"a"}\n{oops\n'), 'jsonl'), (e: unknown) => e instanceof DataError && e.location.line === 2 && /invalid JSON/.test(e.message));
  await assert.rejects(readSampleTable(file('c.jsonl', '[1,2]\n'), 'jsonl'), /expected a JSON object, found an array/);
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
