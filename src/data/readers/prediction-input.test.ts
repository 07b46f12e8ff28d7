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
