import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../../errors.js';
import type { FolderReaderConfig, ReadOptions } from '../types.js';
import { listFolderLabels, naturalCompare, readFolder } from './folder.js';

const dir = mkdtempSync(join(tmpdir(), 'textclass-folder-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fixtures = 0;
/** Creates a dataset folder from `{ 'label/name': content }`. */
function dataset(files: Record<string, string | Buffer>): string {
  const root = join(dir, `d${fixtures++}`);
  mkdirSync(root);
  for (const [rel, content] of Object.entries(files)) {
    const slash = rel.lastIndexOf('/');
    if (slash !== -1) mkdirSync(join(root, rel.slice(0, slash)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

const txt: FolderReaderConfig = { format: 'folder', extension: '.txt' };
const strict = (): ReadOptions => ({ onBadRow: 'error', skipped: [] });

async function read(path: string, config = txt, options: ReadOptions = strict()) {
  const out = [];
  for await (const e of readFolder(path, config, options)) out.push(e);
  return out;
}

test('labels come from sub-folders; labels sorted, files in natural order', async () => {
  const root = dataset({
    'pos/10_1.txt': 'ten',
    'pos/2_3.txt': '\uFEFFtwo',
    'pos/1_9.txt': 'one',
    'pos/notes.md': 'other extension',
    'pos/._2_3.txt': Buffer.from([0, 5, 22, 7]),
    'neg/0_2.txt': 'zero',
    'urls_pos.txt': 'http://example.com\n',
  });
  const got = await read(root);
  assert.deepEqual(
    got.map((e) => [e.labels, e.text, e.source.file]),
    [
      [['neg'], 'zero', join(root, 'neg', '0_2.txt')],
      [['pos'], 'one', join(root, 'pos', '1_9.txt')],
      [['pos'], 'two', join(root, 'pos', '2_3.txt')],
      [['pos'], 'ten', join(root, 'pos', '10_1.txt')],
    ],
  );
  assert.deepEqual(await listFolderLabels(root), ['neg', 'pos']);
});

test('order is kept while many files are read at once', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`a/${i}_${i % 10}.txt`] = `text ${i}`;
  const got = await read(dataset(files));
  assert.equal(got.length, 300);
  got.forEach((e, i) => assert.equal(e.text, `text ${i}`));
});

test('naturalCompare compares digit runs by value', () => {
  const names = ['10_1.txt', '2_3.txt', 'b.txt', '2_10.txt', '2_2.txt', 'a.txt', '02_2.txt', '100000000000000000001_1.txt'];
  assert.deepEqual(names.sort(naturalCompare), [
    '02_2.txt',
    '2_2.txt',
    '2_3.txt',
    '2_10.txt',
    '10_1.txt',
    '100000000000000000001_1.txt',
    'a.txt',
    'b.txt',
  ]);
});

test('config.labels restricts the folders read; a missing one is an error naming it', async () => {
  const root = dataset({ 'pos/1.txt': 'p', 'neg/1.txt': 'n', 'unsup/1.txt': 'u' });
  const got = await read(root, { ...txt, labels: ['pos', 'neg'] });
  assert.deepEqual(
    got.map((e) => e.labels[0]),
    ['neg', 'pos'],
  );
  await assert.rejects(read(root, { ...txt, labels: ['pos', 'neutral'] }), (err: unknown) => {
    assert.ok(err instanceof DataError);
    assert.equal(err.location.file, join(root, 'neutral'));
    assert.match(err.message, /label folder not found; sub-folders present: neg, pos, unsup/);
    return true;
  });
});

test('empty files and invalid UTF-8 are bad rows; skip records them', async () => {
  const root = dataset({
    'a/1.txt': 'fine',
    'a/2.txt': '',
    'a/3.txt': Buffer.from([0x68, 0x69, 0xc3, 0x28]),
    'a/4.txt': 'also fine',
  });
  await assert.rejects(read(root), (err: unknown) => {
    assert.ok(err instanceof DataError);
    assert.deepEqual(err.location, { file: join(root, 'a', '2.txt') });
    assert.match(err.message, /empty file/);
    return true;
  });
  const options: ReadOptions = { onBadRow: 'skip', skipped: [] };
  const got = await read(root, txt, options);
  assert.deepEqual(
    got.map((e) => e.text),
    ['fine', 'also fine'],
  );
  assert.deepEqual(
    options.skipped.map((s) => s.location),
    [{ file: join(root, 'a', '2.txt') }, { file: join(root, 'a', '3.txt') }],
  );
  assert.match(options.skipped[0].reason, /^empty file: delete it/);
  assert.match(options.skipped[1].reason, /^invalid UTF-8: .*iconv -f WINDOWS-1252 -t UTF-8 /);
});

test('a missing folder, a file, or a folder without label folders is a DataError', async () => {
  const missing = join(dir, 'nowhere');
  await assert.rejects(read(missing), (err: unknown) => err instanceof DataError && err.message === `${missing}: folder not found`);
  const file = join(dir, 'plain.txt');
  writeFileSync(file, 'x');
  await assert.rejects(read(file), (err: unknown) => err instanceof DataError && /expected a folder, found a file/.test(err.message));
  const flat = dataset({ 'only.txt': 'x' });
  await assert.rejects(read(flat), (err: unknown) => err instanceof DataError && /no label sub-folders/.test(err.message));
});

test('onProgress counts files, throttled, ending with done === total', async () => {
  const files: Record<string, string> = { 'b/empty.txt': '' };
  for (let i = 0; i < 200; i++) files[`a/${i}.txt`] = `text ${i}`;
  const calls: [number, number][] = [];
  const options: ReadOptions = { onBadRow: 'skip', skipped: [], onProgress: (done, total) => calls.push([done, total]) };
  const got = await read(dataset(files), txt, options);
  assert.equal(got.length, 200);
  assert.equal(options.skipped.length, 1);
  assert.deepEqual(calls.at(-1), [201, 201]);
  for (let i = 1; i < calls.length; i++) assert.ok(calls[i][0] >= calls[i - 1][0] && calls[i][1] === 201);
});
