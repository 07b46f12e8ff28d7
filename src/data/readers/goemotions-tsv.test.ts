import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../../errors.js';
import type { ReadOptions } from '../types.js';
import { readGoEmotionsTsv } from './goemotions-tsv.js';

const dir = mkdtempSync(join(tmpdir(), 'textclass-goemotions-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fixtures = 0;
function fixture(content: string | Buffer): string {
  const path = join(dir, `f${fixtures++}.tsv`);
  writeFileSync(path, content);
  return path;
}

const config = { format: 'goemotions-tsv' as const, labelNames: ['admiration', 'amusement', 'anger'] };
const strict = (): ReadOptions => ({ onBadRow: 'error', skipped: [] });

async function read(path: string, options: ReadOptions = strict()) {
  const out = [];
  for await (const e of readGoEmotionsTsv(path, config, options)) out.push(e);
  return out;
}

async function rejectsAt(path: string, line: number, field: string, pattern: RegExp): Promise<void> {
  await assert.rejects(read(path), (err: unknown) => {
    assert.ok(err instanceof DataError, String(err));
    assert.deepEqual(err.location, { file: path, line, field });
    assert.ok(err.message.startsWith(`${path}:${line}: field "${field}": `), err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

test('reads plain and CSV-quoted texts, mapping label ids to names', async () => {
  const path = fixture(
    [
      'plain text \t0\tid1',
      '"He said ""hi"" to me"\t1,2\tid2',
      '"a" or "b"\t2\tid3',
      '""""\t0,0\tid4',
      '',
      '',
    ].join('\n'),
  );
  const got = await read(path);
  assert.deepEqual(got, [
    { text: 'plain text ', labels: ['admiration'], source: { file: path, line: 1 } },
    { text: 'He said "hi" to me', labels: ['amusement', 'anger'], source: { file: path, line: 2 } },
    // Unpaired quotes inside: the text just starts and ends with quotes, it is not CSV-quoted.
    { text: '"a" or "b"', labels: ['anger'], source: { file: path, line: 3 } },
    { text: '"', labels: ['admiration'], source: { file: path, line: 4 } },
  ]);
});

test('strips a BOM and accepts CRLF line endings', async () => {
  const path = fixture('\uFEFFhello\t0\tx\r\nbye\t1\ty\r\n');
  const got = await read(path);
  assert.deepEqual(
    got.map((e) => [e.text, e.labels]),
    [
      ['hello', ['admiration']],
      ['bye', ['amusement']],
    ],
  );
});

test('a wrong number of fields names file, line and field', async () => {
  await rejectsAt(fixture('ok\t0\ta\nno tabs here\n'), 2, 'labels', /expected 3 tab-separated fields .* found 1/);
  await rejectsAt(fixture('ok\t0\ta\nok\t0\tb\nmissing id\t0\n'), 3, 'id', /found 2/);
  await rejectsAt(fixture('one\t0\ta\textra\n'), 1, 'id', /found 4/);
});

test('label ids must be integers within the label names', async () => {
  await rejectsAt(fixture('x\t0,3\ta\n'), 1, 'labels', /label id 3 is out of range: 3 label names/);
  await rejectsAt(fixture('x\tjoy\ta\n'), 1, 'labels', /"joy" is not a non-negative integer/);
  await rejectsAt(fixture('x\t1,\ta\n'), 1, 'labels', /"" is not/);
  await rejectsAt(fixture('x\t\ta\n'), 1, 'labels', /no label ids/);
  await rejectsAt(fixture('x\t-1\ta\n'), 1, 'labels', /"-1"/);
});

test('empty text, empty id and empty lines before the end are bad rows', async () => {
  await rejectsAt(fixture('""\t0\ta\n'), 1, 'text', /empty text/);
  await rejectsAt(fixture('x\t0\t\n'), 1, 'id', /empty comment id/);
  await rejectsAt(fixture('x\t0\ta\n\ny\t1\tb\n'), 2, 'text', /empty line/);
});

test('invalid UTF-8 is a bad row naming the field', async () => {
  const bytes = Buffer.concat([Buffer.from('good\t0\ta\nbad '), Buffer.from([0xff, 0xfe]), Buffer.from(' text\t1\tb\n')]);
  await rejectsAt(fixture(bytes), 2, 'text', /invalid UTF-8/);
});

test('with onBadRow skip, bad rows are recorded and reading goes on', async () => {
  const path = fixture(['a\t0\tid1', 'broken', 'b\t9\tid2', '', 'c\t2\tid3', 'd\t1\tid4', '', ''].join('\n'));
  const options: ReadOptions = { onBadRow: 'skip', skipped: [] };
  const got = await read(path, options);
  assert.deepEqual(
    got.map((e) => [e.text, e.source.line]),
    [
      ['a', 1],
      ['c', 5],
      ['d', 6],
    ],
  );
  assert.deepEqual(
    options.skipped.map((s) => [s.location.line, s.location.field]),
    [
      [2, 'labels'],
      [3, 'labels'],
      [4, 'text'],
    ],
  );
  assert.match(options.skipped[1].reason, /out of range/);
});

test('a missing file is a DataError', async () => {
  const path = join(dir, 'nope.tsv');
  await assert.rejects(read(path), (err: unknown) => err instanceof DataError && /file not found/.test(err.message));
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
  const rows = Array.from({ length: 30000 }, (_, i) => `text number ${i}\t${i % 3}\tid${i}`).join('\n') + '\n';
  for (const content of [rows, 'one\t0\ta\n']) {
    const path = fixture(content);
    const calls: [number, number][] = [];
    const got = await read(path, { onBadRow: 'error', skipped: [], onProgress: (done, total) => calls.push([done, total]) });
    assert.ok(got.length > 0);
    assertProgress(calls, statSync(path).size);
  }
});
