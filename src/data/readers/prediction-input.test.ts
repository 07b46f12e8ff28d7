import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { DataError } from '../../errors.js';
import { readPredictionInput } from './prediction-input.js';

const dir = mkdtempSync(join(tmpdir(), 'textclass-predict-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function read(source: string | NodeJS.ReadableStream, name: string) {
  const out = [];
  for await (const item of readPredictionInput(source, name)) out.push(item);
  return out;
}

test('plain and JSON lines mix; blank lines are skipped', async () => {
  const path = join(dir, 'input.txt');
  writeFileSync(
    path,
    [
      '\uFEFFhello world',
      '',
      '  {"text": "from json\\nwith a newline", "id": "a1"}',
      '{"text": "numeric id", "id": 7}',
      'plain {not json}',
      '   ',
      '{"text": "no id"}\r',
    ].join('\n'),
  );
  assert.deepEqual(await read(path, path), [
    { text: 'hello world', line: 1 },
    { text: 'from json\nwith a newline', id: 'a1', line: 3 },
    { text: 'numeric id', id: '7', line: 4 },
    { text: 'plain {not json}', line: 5 },
    { text: 'no id', line: 7 },
  ]);
});

test('reads from a stream', async () => {
  const got = await read(Readable.from(['first\n{"te', 'xt": "second"}\nthird']), '<stdin>');
  assert.deepEqual(got, [
    { text: 'first', line: 1 },
    { text: 'second', line: 2 },
    { text: 'third', line: 3 },
  ]);
});

test('bad JSON names the input and line', async () => {
  await assert.rejects(read(Readable.from(['ok\n{"text": oops}\n']), '<stdin>'), (err: unknown) => {
    assert.ok(err instanceof DataError);
    assert.deepEqual(err.location, { file: '<stdin>', line: 2 });
    assert.ok(err.message.startsWith('<stdin>:2: invalid JSON'), err.message);
    return true;
  });
  await assert.rejects(read(Readable.from(['{"id": "x"}\n']), '<stdin>'), (err: unknown) => {
    assert.ok(err instanceof DataError);
    assert.deepEqual(err.location, { file: '<stdin>', line: 1, field: 'text' });
    return true;
  });
});

test('a missing file is a DataError', async () => {
  const path = join(dir, 'missing.txt');
  await assert.rejects(read(path, path), (err: unknown) => err instanceof DataError && /file not found/.test(err.message));
});

test('UTF-16 input with a BOM (Windows "Unicode" text) is decoded, from a file or a stream', async () => {
  const text = '\uFEFFcafé 🙂\r\n{"text": "über", "id": 3}\r\n';
  const path = join(dir, 'utf16.txt');
  writeFileSync(path, Buffer.from(text, 'utf16le'));
  const expected = [
    { text: 'café 🙂', line: 1 },
    { text: 'über', id: '3', line: 2 },
  ];
  assert.deepEqual(await read(path, path), expected);
  const be = Buffer.from(text, 'utf16le').swap16();
  // Split into odd pieces so that code units and the BOM straddle chunks.
  const pieces = [be.subarray(0, 1), be.subarray(1, 5), be.subarray(5, 12), be.subarray(12)];
  assert.deepEqual(await read(Readable.from(pieces), '<stdin>'), expected);
});

test('input that is not text is a DataError saying what it is', async () => {
  const { gzipSync } = await import('node:zlib');
  await assert.rejects(read(Readable.from([gzipSync('hello\n')]), '<stdin>'), (err: unknown) => {
    assert.ok(err instanceof DataError);
    assert.match(err.message, /^<stdin>: this is a gzip-compressed file/);
    return true;
  });
});

test('a stream is left open when reading stops early', async () => {
  const stream = new Readable({ read() {} });
  stream.push('one\ntwo\nthree\n');
  for await (const item of readPredictionInput(stream, '<stdin>')) {
    assert.equal(item.text, 'one');
    break;
  }
  assert.equal(stream.destroyed, false);
  stream.destroy();
});
