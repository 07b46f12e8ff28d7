import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../../errors.js';
import type { JsonlReaderConfig, ReadOptions } from '../types.js';
import { readJsonl } from './jsonl.js';

const dir = mkdtempSync(join(tmpdir(), 'textclass-jsonl-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fixtures = 0;
function fixture(lines: string[] | Buffer, eol = '\n'): string {
  const path = join(dir, `f${fixtures++}.jsonl`);
  writeFileSync(path, Array.isArray(lines) ? lines.join(eol) : lines);
  return path;
}

const config: JsonlReaderConfig = { format: 'jsonl', textFields: ['text'], labelFields: ['label'] };
const strict = (): ReadOptions => ({ onBadRow: 'error', skipped: [] });

async function read(path: string, cfg = config, options: ReadOptions = strict()) {
  const out = [];
  for await (const e of readJsonl(path, cfg, options)) out.push(e);
  return out;
}

async function rejectsAt(path: string, cfg: JsonlReaderConfig, location: object, pattern: RegExp): Promise<void> {
  await assert.rejects(read(path, cfg), (err: unknown) => {
    assert.ok(err instanceof DataError, String(err));
    assert.deepEqual(err.location, { file: path, ...location });
    assert.match(err.message, pattern);
    return true;
  });
}

test('string, number and array labels; BOM, CRLF and blank lines', async () => {
  const path = fixture(
    [
      '\uFEFF{"text": "one", "label": "pos"}',
      '',
      '{"text": "two", "label": 7}',
      '{"text": "three", "label": ["a", 2, "a"]}',
      '   ',
    ],
    '\r\n',
  );
  const got = await read(path);
  assert.deepEqual(got, [
    { text: 'one', labels: ['pos'], source: { file: path, line: 1 } },
    { text: 'two', labels: ['7'], source: { file: path, line: 3 } },
    { text: 'three', labels: ['a', '2'], source: { file: path, line: 4 } },
  ]);
});

test('labelNames map numbers and integer strings; separators split strings', async () => {
  const cfg: JsonlReaderConfig = {
    format: 'jsonl',
    textFields: ['title', 'body'],
    labelFields: ['tags'],
    labelSeparator: '|',
    labelNames: ['x', 'y', 'z'],
  };
  const path = fixture([
    '{"title": "t", "body": "b", "tags": 1}',
    '{"title": "", "body": "b2", "tags": "z| 0 |"}',
    '{"title": "t3", "body": " ", "tags": [2, "y"]}',
  ]);
  const got = await read(path, cfg);
  assert.deepEqual(
    got.map((e) => [e.text, e.labels]),
    [
      ['t\nb', ['y']],
      ['b2', ['z', 'x']],
      ['t3', ['z', 'y']],
    ],
  );
  await rejectsAt(fixture(['{"title": "t", "body": "b", "tags": 3}']), cfg, { line: 1, field: 'tags' }, /unknown label "3"/);
  await rejectsAt(fixture(['{"title": "t", "body": "b", "tags": "w"}']), cfg, { line: 1, field: 'tags' }, /unknown label "w"/);
});

test('invalid JSON is a bad row with its line; skip counts it', async () => {
  const lines = ['{"text": "a", "label": "x"}', '{"text": "b", "label": "x"', '{"text": "c", "label": "y"}'];
  await rejectsAt(fixture(lines), config, { line: 2 }, /invalid JSON/);
  const options: ReadOptions = { onBadRow: 'skip', skipped: [] };
  const got = await read(fixture(lines), config, options);
  assert.deepEqual(
    got.map((e) => e.text),
    ['a', 'c'],
  );
  assert.equal(options.skipped.length, 1);
  assert.equal(options.skipped[0].location.line, 2);
});

test('wrong types and missing keys name the field', async () => {
  await rejectsAt(fixture(['{"text": 5, "label": "x"}']), config, { line: 1, field: 'text' }, /expected a string, found a number/);
  await rejectsAt(fixture(['{"label": "x"}']), config, { line: 1, field: 'text' }, /missing key/);
  await rejectsAt(fixture(['{"text": "a"}']), config, { line: 1, field: 'label' }, /missing label/);
  await rejectsAt(fixture(['{"text": "a", "label": []}']), config, { line: 1, field: 'label' }, /empty label/);
  await rejectsAt(fixture(['{"text": "a", "label": {"k": 1}}']), config, { line: 1, field: 'label' }, /found an object/);
  await rejectsAt(fixture(['["text", "a"]']), config, { line: 1 }, /expected a JSON object, found an array/);
});

test('invalid UTF-8 in a text is a bad row naming the field', async () => {
  const bytes = Buffer.concat([Buffer.from('{"text": "bad '), Buffer.from([0xff]), Buffer.from('", "label": "x"}\n')]);
  await rejectsAt(fixture(bytes), config, { line: 1, field: 'text' }, /invalid UTF-8/);
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
  const rows = Array.from({ length: 30000 }, (_, i) => JSON.stringify({ text: `text number ${i}`, label: 'x' }));
  for (const lines of [rows, rows.slice(0, 2)]) {
    const path = fixture(lines);
    const calls: [number, number][] = [];
    const got = await read(path, config, { onBadRow: 'error', skipped: [], onProgress: (done, total) => calls.push([done, total]) });
    assert.equal(got.length, lines.length);
    assertProgress(calls, statSync(path).size);
  }
});

test('several label keys make a hierarchical path; null tiers may trail, a gap before a deeper tier is an error', async () => {
  const tiers: JsonlReaderConfig = { format: 'jsonl', textFields: ['text'], labelFields: ['t1', 't2', 't3'], labelPathSeparator: ' > ' };
  const path = fixture([
    JSON.stringify({ text: 'printer jam', t1: 'hardware', t2: 'printer', t3: null }),
    JSON.stringify({ text: 'vpn down', t1: 'network', t2: 4, t3: 'vpn' }),
    JSON.stringify({ text: 'odd', t1: 'network' }),
  ]);
  const got = await read(path, tiers);
  assert.deepEqual(got.map((e) => e.labels), [['hardware > printer'], ['network > 4 > vpn'], ['network']]);
  await rejectsAt(fixture([JSON.stringify({ text: 'x', t1: 'a', t3: 'c' })]), tiers, { line: 1, field: 't2' }, /empty tier before a non-empty "t3"/);
  await rejectsAt(fixture([JSON.stringify({ text: 'x', t1: 'a', t2: ['b'] })]), tiers, { line: 1, field: 't2' }, /expected a string or number, found an array/);
});
