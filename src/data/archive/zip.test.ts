import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import zlib from 'node:zlib';
import { DataError } from '../../errors.js';
import { writeZip, type ZipWriterEntry } from '../../test-support/zip-writer.js';
import { crc32, crc32Portable } from './crc32.js';
import { openZip, type ZipArchive } from './zip.js';

const dir = mkdtempSync(join(tmpdir(), 'textclass-zip-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fixtures = 0;
function archive(entries: ZipWriterEntry[], options: Parameters<typeof writeZip>[2] = {}): string {
  const path = join(dir, `a${fixtures++}.zip`);
  writeZip(path, entries, options);
  return path;
}

async function text(zip: ZipArchive, name: string): Promise<string> {
  const entry = zip.find(name);
  assert.ok(entry, `no entry ${name}`);
  const parts: Buffer[] = [];
  for await (const chunk of zip.openEntryStream(entry)) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function dataError(pattern: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof DataError, String(err));
    assert.match(err.message, pattern);
    return true;
  };
}

test('stored and deflated entries, UTF-8 names, folders and an empty entry round-trip', async () => {
  const path = archive([
    { name: 'docs/', data: '', method: 'store' },
    { name: 'docs/a.txt', data: 'stored text\n', method: 'store' },
    { name: 'docs/b.txt', data: 'deflated '.repeat(1000) },
    { name: 'docs/한국어.txt', data: '안녕하세요' },
    { name: 'empty.txt', data: '' },
  ]);
  const zip = await openZip(path);
  assert.deepEqual(
    zip.entries.map((e) => [e.name, e.method, e.size, e.isDirectory]),
    [
      ['docs/', 0, 0, true],
      ['docs/a.txt', 0, 12, false],
      ['docs/b.txt', 8, 9000, false],
      ['docs/한국어.txt', 8, 15, false],
      ['empty.txt', 8, 0, false],
    ],
  );
  assert.ok(zip.find('docs/b.txt')!.compressedSize < 100);
  assert.equal(await text(zip, 'docs/a.txt'), 'stored text\n');
  assert.equal(await text(zip, 'docs/b.txt'), 'deflated '.repeat(1000));
  assert.equal(await text(zip, 'docs/한국어.txt'), '안녕하세요');
  assert.equal(await text(zip, 'empty.txt'), '');
  assert.equal((await zip.readEntry(zip.find('docs/a.txt')!)).toString(), 'stored text\n');
});

test('an archive comment (even one holding the end-record signature) and ZIP64 records are handled', async () => {
  const signature = Buffer.alloc(4);
  signature.writeUInt32LE(0x06054b50);
  const commented = archive([{ name: 'a.txt', data: 'hello' }], { comment: `made by a test ${signature.toString('latin1')} end` });
  assert.equal(await text(await openZip(commented), 'a.txt'), 'hello');

  const zip64 = archive([{ name: 'a.txt', data: 'sixty-four' }, { name: 'b.txt', data: 'bits', method: 'store' }], { zip64: true });
  const zip = await openZip(zip64);
  assert.deepEqual(zip.entries.map((e) => [e.name, e.size]), [['a.txt', 10], ['b.txt', 4]]);
  assert.equal(await text(zip, 'a.txt'), 'sixty-four');
  assert.equal(await text(zip, 'b.txt'), 'bits');
});

test('a large entry streams in chunks with progress in compressed bytes', async () => {
  const data = Buffer.concat([randomBytes(300_000), Buffer.alloc(300_000, 'x')]);
  const path = archive([{ name: 'big.bin', data }]);
  const zip = await openZip(path);
  const entry = zip.entries[0];
  const progress: number[] = [];
  const parts: Buffer[] = [];
  for await (const chunk of zip.openEntryStream(entry, { onProgress: (done, total) => { assert.equal(total, entry.compressedSize); progress.push(done); } })) {
    parts.push(chunk as Buffer);
  }
  assert.ok(Buffer.concat(parts).equals(data));
  assert.ok(parts.length > 1);
  assert.ok(progress.length > 1);
  assert.equal(progress[progress.length - 1], entry.compressedSize);
});

test('encrypted entries, unknown methods and oversized reads are refused with a DataError', async () => {
  const path = archive([
    { name: 'secret.txt', data: 'x', encrypted: true },
    { name: 'bzip2.txt', data: 'y', method: 'store', methodNumber: 12 },
    { name: 'big.txt', data: 'z'.repeat(100) },
  ]);
  const zip = await openZip(path);
  await assert.rejects(text(zip, 'secret.txt'), dataError(/entry secret\.txt: encrypted entries are not supported/));
  await assert.rejects(text(zip, 'bzip2.txt'), dataError(/entry bzip2\.txt: compression method 12 not supported/));
  await assert.rejects(zip.readEntry(zip.find('big.txt')!, 10), dataError(/too large to load/));
});

test('a missing file is a DataError', async () => {
  await assert.rejects(openZip(join(dir, 'nope.zip')), dataError(/nope\.zip: file not found/));
});

test('the portable CRC-32 agrees with zlib and with the check value', () => {
  const data = randomBytes(10_000);
  assert.equal(crc32Portable(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32Portable(data), zlib.crc32(data));
  assert.equal(crc32Portable(data.subarray(5000), crc32Portable(data.subarray(0, 5000))), crc32(data));
});
