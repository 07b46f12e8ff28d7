import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { writeDirectoryAtomic, writeFileAtomic } from './atomic-file.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-atomic-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** What is in `dir`, file by file, and whether a temporary or set-aside sibling was left next to it. */
function snapshot(dir: string): { files: Record<string, string>; leftovers: string[] } {
  const files: Record<string, string> = {};
  if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir).sort()) files[f] = fs.readFileSync(path.join(dir, f), 'utf8');
  const leftovers = fs.readdirSync(path.dirname(dir)).filter((f) => f.startsWith(`${path.basename(dir)}.`));
  return { files, leftovers };
}

test('writeDirectoryAtomic creates, then replaces a directory whole, and returns what fill returned', () => {
  const target = path.join(work, 'nested', 'out');
  const n = writeDirectoryAtomic(target, (tmp) => {
    fs.writeFileSync(path.join(tmp, 'a.txt'), 'one');
    fs.writeFileSync(path.join(tmp, 'b.txt'), 'two');
    return 2;
  });
  assert.equal(n, 2);
  assert.deepEqual(snapshot(target), { files: { 'a.txt': 'one', 'b.txt': 'two' }, leftovers: [] });
  const seen: string[] = [];
  writeDirectoryAtomic(target, (tmp) => fs.writeFileSync(path.join(tmp, 'c.txt'), 'three'), (existing) => seen.push(existing));
  assert.deepEqual(seen, [target], 'beforeReplace sees the existing directory');
  assert.deepEqual(snapshot(target), { files: { 'c.txt': 'three' }, leftovers: [] }, 'no file of the old directory stays');
});

test('writeDirectoryAtomic: a failing fill or a refusal leaves the old directory as it was and no temporary one', () => {
  const target = path.join(work, 'kept');
  writeDirectoryAtomic(target, (tmp) => fs.writeFileSync(path.join(tmp, 'old.txt'), 'old'));
  assert.throws(() => writeDirectoryAtomic(target, (tmp) => {
    fs.writeFileSync(path.join(tmp, 'half.txt'), 'half');
    throw new Error('disk full');
  }), /disk full/);
  assert.deepEqual(snapshot(target), { files: { 'old.txt': 'old' }, leftovers: [] });
  assert.throws(() => writeDirectoryAtomic(target, (tmp) => fs.writeFileSync(path.join(tmp, 'new.txt'), 'new'), () => {
    throw new Error('not mine to replace');
  }), /not mine to replace/);
  assert.deepEqual(snapshot(target), { files: { 'old.txt': 'old' }, leftovers: [] });
});

test('writeFileAtomic writes strings and bytes, replacing the file whole', () => {
  const file = path.join(work, 'deep', 'f.bin');
  writeFileAtomic(file, 'first');
  writeFileAtomic(file, new Uint8Array([104, 105]));
  assert.equal(fs.readFileSync(file, 'utf8'), 'hi');
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['f.bin']);
});
