import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../../errors.js';
import type { CsvReaderConfig, ReadOptions } from '../types.js';
import { readDelimited } from './delimited.js';

const dir = mkdtempSync(join(tmpdir(), 'textclass-delimited-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fixtures = 0;
function fixture(content: string | Buffer, ext = 'csv'): string {
  const path = join(dir, `f${fixtures++}.${ext}`);
  writeFileSync(path, content);
  return path;
}

const csv: CsvReaderConfig = { format: 'csv', textFields: ['text'], labelFields: ['label'] };
const strict = (): ReadOptions => ({ onBadRow: 'error', skipped: [] });

async function read(path: string, config = csv, options: ReadOptions = strict()) {
  const out = [];
  for await (const e of readDelimited(path, config, options)) out.push(e);
  return out;
}

async function rejectsAt(path: string, config: CsvReaderConfig, location: object, pattern: RegExp): Promise<void> {
  await assert.rejects(read(path, config), (err: unknown) => {
    assert.ok(err instanceof DataError, String(err));
    assert.deepEqual(err.location, { file: path, ...location });
    assert.match(err.message, pattern);
    return true;
  });
}

test('CSV with BOM, CRLF and quoted newlines; text fields joined, empty parts left out', async () => {
  const path = fixture(
    '\uFEFFid,title,body,label\r\n' +
      '1,"multi\r\nline title",body one,pos\r\n' +
      '2,,"body ""two""",neg\r\n' +
      '\r\n' +
      '3,"t3","b\n3",pos',
  );
  const got = await read(path, { format: 'csv', textFields: ['title', 'body'], labelFields: ['label'] });
  assert.deepEqual(got, [
    { text: 'multi\r\nline title\nbody one', labels: ['pos'], source: { file: path, line: 2 } },
    { text: 'body "two"', labels: ['neg'], source: { file: path, line: 4 } },
    { text: 't3\nb\n3', labels: ['pos'], source: { file: path, line: 6 } },
  ]);
});

test('TSV with a multi-label cell split by a separator and integer-coded labels', async () => {
  const path = fixture('text\tlabels\nhello "world"\t0, 2,\nbye\t1\n', 'tsv');
  const config: CsvReaderConfig = {
    format: 'tsv',
    textFields: ['text'],
    labelFields: ['labels'],
    labelSeparator: ',',
    labelNames: ['a', 'b', 'c'],
  };
  const got = await read(path, config);
  assert.deepEqual(
    got.map((e) => [e.text, e.labels, e.source.line]),
    [
      ['hello "world"', ['a', 'c'], 2],
      ['bye', ['b'], 3],
    ],
  );
  await rejectsAt(fixture('text\tlabels\nx\t0,3\n', 'tsv'), config, { line: 2, field: 'labels' }, /"3" is not an integer code between 0 and 2/);
});

test('without labelFields the examples are unlabelled', async () => {
  const got = await read(fixture('text\nsome text\n'), { format: 'csv', textFields: ['text'] });
  assert.deepEqual(got[0].labels, []);
});

test('an unclosed quote is a DataError at the line where the record starts', async () => {
  const path = fixture('text,label\nok,a\n"never closed,b\nmore,c\n');
  await rejectsAt(path, csv, { line: 3 }, /never closed/);
});

test('a wrong column count is a DataError with its line, also after a quoted CRLF', async () => {
  await rejectsAt(fixture('text,label\nok,a\nx,b,extra\n'), csv, { line: 3 }, /expected 2 columns as in the header, found 3/);
  await rejectsAt(fixture('text,label\r\n"two\r\nlines",a\r\n"three\r\nmore\r\nlines",a\r\nshort\r\n'), csv, { line: 7 }, /found 1/);
});

test('skip records rows csv-parse rejects in line order among other bad rows', async () => {
  const path = fixture('text,label\nok,a\nx,b,extra\n"quoted\nnewline",\ny,z,w\nfine,c\n');
  const options: ReadOptions = { onBadRow: 'skip', skipped: [] };
  const got = await read(path, csv, options);
  assert.deepEqual(
    got.map((e) => [e.text, e.source.line]),
    [
      ['ok', 2],
      ['fine', 7],
    ],
  );
  assert.deepEqual(
    options.skipped.map((s) => [s.location.line, s.location.field]),
    [
      [3, undefined],
      [4, 'label'],
      [6, undefined],
    ],
  );
  assert.match(options.skipped[1].reason, /empty label/);
});

test('a missing column names the column and the header found', async () => {
  await rejectsAt(fixture('review,sentiment\nx,y\n'), csv, { line: 1, field: 'text' }, /column not found in the header; found \["review","sentiment"\]/);
  await rejectsAt(fixture('text,sentiment\nx,y\n'), csv, { line: 1, field: 'label' }, /found \["text","sentiment"\]/);
});

test('empty label cell, empty text and invalid UTF-8 are bad rows naming the field', async () => {
  await rejectsAt(fixture('text,label\nx, \n'), csv, { line: 2, field: 'label' }, /empty label/);
  await rejectsAt(fixture('text,label\n"",a\n'), csv, { line: 2, field: 'text' }, /empty text/);
  const bytes = Buffer.concat([Buffer.from('text,label\nok,a\nbad'), Buffer.from([0xc3]), Buffer.from(',b\n')]);
  await rejectsAt(fixture(bytes), csv, { line: 3, field: 'text' }, /invalid UTF-8/);
});

test('an empty file or a header alone yields no examples', async () => {
  assert.deepEqual(await read(fixture('')), []);
  assert.deepEqual(await read(fixture('text,label\n')), []);
});

test('a missing file is a DataError', async () => {
  const path = join(dir, 'missing.csv');
  await assert.rejects(read(path), (err: unknown) => err instanceof DataError && err.message === `${path}: file not found`);
});

/** Progress calls: non-decreasing, at least 64 KiB apart except the last, ending at done === total. */
function assertProgress(calls: [number, number][], size: number): void {
  assert.ok(calls.length >= 1);
  assert.deepEqual(calls.at(-1), [size, size]);
  for (let i = 0; i < calls.length; i++) {
    assert.equal(calls[i][1], size);
    if (i > 0 && i < calls.length - 1) assert.ok(calls[i][0] - calls[i - 1][0] >= 64 * 1024, JSON.stringify(calls));
  }
}

test('onProgress gets the bytes read, throttled, and a last call with done === total', async () => {
  const rows = Array.from({ length: 40000 }, (_, i) => `"text, number ${i}",${i % 3}`).join('\r\n');
  for (const content of [`text,label\r\n${rows}\r\n`, 'text,label\nsmall,a\n']) {
    const path = fixture(content);
    const calls: [number, number][] = [];
    const got = await read(path, csv, { onBadRow: 'error', skipped: [], onProgress: (done, total) => calls.push([done, total]) });
    assert.ok(got.length > 0);
    assertProgress(calls, statSync(path).size);
  }
  // UTF-16: bytes of the file, not of the decoded text.
  const path = fixture(Buffer.from(`\uFEFFtext,label\n${rows}\n`, 'utf16le'));
  const calls: [number, number][] = [];
  await read(path, csv, { onBadRow: 'error', skipped: [], onProgress: (done, total) => calls.push([done, total]) });
  assertProgress(calls, statSync(path).size);
});
