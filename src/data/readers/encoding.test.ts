import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DataError } from '../../errors.js';
import {
  SNIFF_BYTES,
  Utf8Source,
  decodeText,
  describeUnreadable,
  explainReason,
  invalidTextReason,
  shortQuote,
  sniffEncoding,
} from './encoding.js';
import { splitLines } from './lines.js';
import { ProgressThrottle } from './read-progress.js';

const dir = mkdtempSync(join(tmpdir(), 'textclass-encoding-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fixtures = 0;
function fixture(content: string | Buffer): string {
  const path = join(dir, `f${fixtures++}.txt`);
  writeFileSync(path, content);
  return path;
}

const bytes = (...b: number[]): Buffer => Buffer.from(b);

test('sniffEncoding: byte-order marks', () => {
  assert.deepEqual(sniffEncoding(Buffer.from('\uFEFFhi')), { encoding: 'utf-8', bomLength: 3 });
  assert.deepEqual(sniffEncoding(bytes(0xff, 0xfe, 0x68, 0)), { encoding: 'utf-16le', bomLength: 2 });
  assert.deepEqual(sniffEncoding(bytes(0xfe, 0xff, 0, 0x68)), { encoding: 'utf-16be', bomLength: 2 });
  assert.deepEqual(sniffEncoding(bytes(0xff, 0xfe, 0, 0, 0x68, 0, 0, 0)), { unreadable: { kind: 'utf-32' } });
  assert.deepEqual(sniffEncoding(bytes(0, 0, 0xfe, 0xff)), { unreadable: { kind: 'utf-32' } });
});

test('sniffEncoding: plain text, including short files, one stray NUL and Windows-1252', () => {
  const utf8 = { encoding: 'utf-8', bomLength: 0 };
  assert.deepEqual(sniffEncoding(Buffer.alloc(0)), utf8);
  assert.deepEqual(sniffEncoding(bytes(0xff)), utf8);
  assert.deepEqual(sniffEncoding(Buffer.from('text,label\r\nhello\tworld,\x1b[1mpos\x0c\n')), utf8);
  assert.deepEqual(sniffEncoding(Buffer.from('text,label\na\0b,pos\n')), utf8);
  assert.deepEqual(sniffEncoding(Buffer.from('caf\xe9 na\xefve \x93quoted\x94', 'latin1')), utf8);
});

test('sniffEncoding: compressed and binary formats', () => {
  assert.deepEqual(sniffEncoding(gzipSync('text,label\n')), { unreadable: { kind: 'gzip' } });
  assert.deepEqual(sniffEncoding(bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0)), { unreadable: { kind: 'zip' } });
  assert.deepEqual(sniffEncoding(bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0)), { unreadable: { kind: 'ole2' } });
  const random = Buffer.alloc(4096);
  let a = 7;
  for (let i = 0; i < random.length; i++) random[i] = (a = (Math.imul(a, 1664525) + 1013904223) >>> 0) >>> 24;
  const sniffed = sniffEncoding(random);
  assert.ok('unreadable' in sniffed && sniffed.unreadable.kind === 'binary', JSON.stringify(sniffed));
});

test('sniffEncoding: UTF-16 without a BOM, either byte order, only within the first SNIFF_BYTES', () => {
  const text = 'text\tlabel\nhello wörld\tpos\n';
  assert.deepEqual(sniffEncoding(Buffer.from(text, 'utf16le')), { unreadable: { kind: 'utf-16-no-bom', endian: 'LE' } });
  assert.deepEqual(sniffEncoding(Buffer.from(text, 'utf16le').swap16()), { unreadable: { kind: 'utf-16-no-bom', endian: 'BE' } });
  const late = Buffer.concat([Buffer.from('a'.repeat(SNIFF_BYTES)), Buffer.from(text, 'utf16le')]);
  assert.deepEqual(sniffEncoding(late), { encoding: 'utf-8', bomLength: 0 });
});

test('describeUnreadable says what the file is and the command that fixes it', () => {
  assert.match(describeUnreadable({ kind: 'gzip' }, 'data/train.csv.gz'), /gunzip -k data\/train\.csv\.gz/);
  assert.match(describeUnreadable({ kind: 'utf-16-no-bom', endian: 'LE' }, 'in.tsv'), /little-endian.*iconv -f UTF-16LE -t UTF-8 in\.tsv > in\.utf8\.tsv/);
  assert.match(describeUnreadable({ kind: 'utf-16-no-bom', endian: 'BE' }, 'in'), /iconv -f UTF-16BE -t UTF-8 in > in\.utf8$/);
  assert.match(describeUnreadable({ kind: 'binary', suspicious: 30, sampled: 300 }, 'x.csv'), /binary file.*30 NUL or control bytes in the first 300.*iconv -f UTF-16 -t UTF-8/);
  assert.match(describeUnreadable({ kind: 'zip' }, 'x.csv'), /ZIP archive.*xlsx/);
  // Paths that need it are quoted for the shell.
  assert.match(describeUnreadable({ kind: 'utf-32' }, "my data/it's.csv"), /iconv -f UTF-32 -t UTF-8 'my data\/it'\\''s\.csv' > 'my data\/it'\\''s\.utf8\.csv'/);
});

test('invalid text reasons: Windows-1252 hint for UTF-8 files, surrogates for UTF-16', () => {
  assert.equal(
    invalidTextReason('a/b.csv', 'utf-8'),
    'invalid UTF-8: if the file is Windows-1252 or Latin-1 (e.g. saved by Excel as plain "CSV"), convert it with iconv -f WINDOWS-1252 -t UTF-8 a/b.csv > a/b.utf8.csv',
  );
  assert.match(invalidTextReason('b.csv', 'utf-16le'), /^invalid UTF-16LE \(an unpaired surrogate\)/);
  assert.equal(explainReason('empty label', 'b.csv', 'utf-8'), 'empty label');
  assert.match(explainReason('invalid UTF-8', 'b.csv', 'utf-8'), /iconv/);
});

test('decodeText: UTF-8 and UTF-16 with BOMs; invalid bytes, NUL and binary give a reason', () => {
  assert.deepEqual(decodeText(Buffer.from('\uFEFFhé'), 'f'), { text: 'hé' });
  assert.deepEqual(decodeText(Buffer.from('\uFEFFhé 🙂', 'utf16le'), 'f'), { text: 'hé 🙂' });
  assert.deepEqual(decodeText(Buffer.from('\uFEFFhé', 'utf16le').swap16(), 'f'), { text: 'hé' });
  assert.match((decodeText(bytes(0x63, 0xe9), 'f.txt') as { reason: string }).reason, /^invalid UTF-8: .*iconv -f WINDOWS-1252/);
  assert.match((decodeText(bytes(0xff, 0xfe, 0x00, 0xd8), 'f') as { reason: string }).reason, /^invalid UTF-16LE/);
  assert.match((decodeText(Buffer.from('a\0b'), 'f') as { reason: string }).reason, /NUL/);
  assert.match((decodeText(gzipSync('x'), 'f') as { reason: string }).reason, /gzip/);
});

async function lines(chunks: (string | Buffer)[], maxBytes?: number): Promise<string[]> {
  const out: string[] = [];
  async function* source(): AsyncGenerator<Buffer> {
    for (const c of chunks) yield typeof c === 'string' ? Buffer.from(c) : c;
  }
  for await (const line of splitLines(source(), 'f.jsonl', maxBytes)) out.push(line);
  return out;
}

test('splitLines: LF, CRLF and lone CR, across chunk borders, like readline', async () => {
  assert.deepEqual(await lines(['a\nb\r\nc\rd']), ['a', 'b', 'c', 'd']);
  assert.deepEqual(await lines(['a\r', '\nb\r', 'c\n', '\n']), ['a', 'b', 'c', '']);
  assert.deepEqual(await lines(['\n\r\n\r']), ['', '', '']);
  assert.deepEqual(await lines(['lo', 'ng li', '', 'ne\nx']), ['long line', 'x']);
  assert.deepEqual(await lines([]), []);
  // A multi-byte character split between chunks.
  const e = Buffer.from('é🙂\n');
  assert.deepEqual(await lines([e.subarray(0, 1), e.subarray(1, 4), e.subarray(4)]), ['é🙂']);
});

test('splitLines: a line over the limit is a DataError naming its line', async () => {
  assert.deepEqual(await lines(['12345\n', '12345'], 5), ['12345', '12345']);
  await assert.rejects(lines(['ok\n', '123', '456\n'], 5), (err: unknown) => {
    assert.ok(err instanceof DataError);
    assert.deepEqual(err.location, { file: 'f.jsonl', line: 2 });
    assert.match(err.message, /longer than/);
    return true;
  });
});

async function readAll(source: Utf8Source): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

test('Utf8Source: strips a UTF-8 BOM, decodes UTF-16, reads empty and large files', async () => {
  const utf8 = new Utf8Source(fixture('\uFEFFa,b\n'));
  assert.equal(await readAll(utf8), 'a,b\n');
  assert.equal(utf8.encoding, 'utf-8');
  assert.equal(await readAll(new Utf8Source(fixture(''))), '');
  const big = 'x🙂é\r\n'.repeat(40000);
  const le = new Utf8Source(fixture(Buffer.from('\uFEFF' + big, 'utf16le')));
  assert.equal(await readAll(le), big);
  assert.equal(le.encoding, 'utf-16le');
  const be = new Utf8Source(fixture(Buffer.from('\uFEFF' + big, 'utf16le').swap16()));
  assert.equal(await readAll(be), big);
  assert.equal(be.encoding, 'utf-16be');
});

test('Utf8Source: a file that is not text is a DataError before any chunk', async () => {
  const path = fixture(gzipSync('a,b\n'));
  let chunks = 0;
  await assert.rejects(
    (async () => {
      for await (const _ of new Utf8Source(path)) chunks++;
    })(),
    (err: unknown) => err instanceof DataError && err.message.startsWith(`${path}: this is a gzip-compressed file`),
  );
  assert.equal(chunks, 0);
});

test('Utf8Source: progress counts the bytes of the file and ends at its size', async () => {
  const content = Buffer.from('\uFEFF' + 'line\n'.repeat(100000), 'utf16le');
  const calls: [number, number][] = [];
  await readAll(new Utf8Source(fixture(content), (done, total) => calls.push([done, total])));
  assert.deepEqual(calls.at(-1), [content.length, content.length]);
});

test('ProgressThrottle: at most every minStep and minMs; finish always reports', () => {
  const calls: [number, number][] = [];
  const p = new ProgressThrottle((d, t) => calls.push([d, t]), 100, 10, 0);
  for (let i = 1; i <= 100; i++) p.update(i);
  assert.deepEqual(
    calls.map((c) => c[0]),
    [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
  );
  p.finish(105);
  assert.deepEqual(calls.at(-1), [105, 105]);
  const slow: number[] = [];
  const q = new ProgressThrottle((d) => slow.push(d), 100, 1, 60_000);
  for (let i = 1; i <= 100; i++) q.update(i);
  q.finish(100);
  assert.deepEqual(slow, [100]);
  new ProgressThrottle(undefined, 1, 1).finish(1);
});

test('shortQuote cuts long values', () => {
  assert.equal(shortQuote('abc'), '"abc"');
  assert.equal(shortQuote('x'.repeat(50), 5), '"xxxxx…"');
});
