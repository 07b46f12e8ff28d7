/**
 * Broken and hostile inputs for the archive-based readers (xlsx, dailydialog). Every case must end
 * in a DataError or a counted skip: never another error type, never a hang (hence the timeouts).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import zlib from 'node:zlib';
import { DataError } from '../../errors.js';
import { worksheetXml, writeZip, xlsxEntries, zipBuffer, type XlsxParts, type ZipWriterEntry } from '../../test-support/zip-writer.js';
import { openZip } from '../archive/zip.js';
import { readExamples } from '../read.js';
import type { DailyDialogReaderConfig, Example, ReadOptions, ReaderConfig, XlsxReaderConfig } from '../types.js';

const dir = mkdtempSync(join(tmpdir(), 'textclass-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TIMEOUT = { timeout: 30_000 };

const xlsx: XlsxReaderConfig = { format: 'xlsx', textFields: ['text'], labelFields: ['label'] };
const dialog: DailyDialogReaderConfig = { format: 'dailydialog', labelNames: ['no emotion', 'anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise'] };

let fixtures = 0;
function file(bytes: Buffer, ext: string): string {
  const path = join(dir, `h${fixtures++}.${ext}`);
  writeFileSync(path, bytes);
  return path;
}

const inline = (ref: string, s: string) => `<c r="${ref}" t="inlineStr"><is><t>${s}</t></is></c>`;
const ROWS =
  `<row r="1">${inline('A1', 'text')}${inline('B1', 'label')}</row>` +
  Array.from({ length: 200 }, (_, i) => `<row r="${i + 2}">${inline(`A${i + 2}`, `sentence number ${i}`)}<c r="B${i + 2}" t="s"><v>${i % 2}</v></c></row>`).join('');
const GOOD_XLSX: XlsxParts = { sheets: [{ name: 'Sheet1', rows: ROWS }], sharedStrings: ['<t>even</t>', '<t>odd</t>'] };

const DIALOG_TEXT = Array.from({ length: 100 }, (_, i) => `Hello number ${i} . __eou__ Hi there ! __eou__\n`).join('');
const DIALOG_EMOTION = Array.from({ length: 100 }, (_, i) => `0 ${i % 7} \n`).join('');
function dialogEntries(text: string | Buffer = DIALOG_TEXT, emotion: string | Buffer = DIALOG_EMOTION): ZipWriterEntry[] {
  return [
    { name: 'train/dialogues_train.txt', data: text },
    { name: 'train/dialogues_emotion_train.txt', data: emotion },
  ];
}

async function readAll(path: string, config: ReaderConfig, options: Partial<ReadOptions> = {}): Promise<Example[]> {
  const out: Example[] = [];
  for await (const e of readExamples(path, config, options)) out.push(e);
  return out;
}

/** Reads to the end; the outcome must be success or a DataError. Returns the error, if any. */
async function outcome(path: string, config: ReaderConfig): Promise<DataError | undefined> {
  try {
    await readAll(path, config);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof DataError, `expected a DataError, got ${(err as Error)?.stack ?? String(err)}`);
    return err;
  }
}

function dataError(pattern: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof DataError, `expected a DataError, got ${(err as Error)?.stack ?? String(err)}`);
    assert.match(err.message, pattern);
    return true;
  };
}

/** Offset of the central directory in a zip written by the test writer (from its end record). */
function centralDirectoryOffset(zip: Buffer): number {
  return zip.readUInt32LE(zip.length - 22 + 16);
}

test('truncated zips: 0 bytes, the first 100 bytes, cut inside entry data, cut inside the central directory', TIMEOUT, async () => {
  const notAZip = /truncated or not a zip archive: end-of-central-directory record not found/;
  for (const [name, bytes, config] of [
    ['xlsx', zipBuffer(xlsxEntries(GOOD_XLSX)), xlsx],
    ['dailydialog', zipBuffer(dialogEntries()), dialog],
  ] as const) {
    const cd = centralDirectoryOffset(bytes);
    const cuts = { empty: 0, first100: 100, 'inside entry data': Math.floor(cd / 2), 'inside central directory': cd + 50, 'just before the end': bytes.length - 1 };
    for (const [where, at] of Object.entries(cuts)) {
      const path = file(bytes.subarray(0, at), name === 'xlsx' ? 'xlsx' : 'zip');
      await assert.rejects(readAll(path, config), dataError(notAZip), `${name} cut ${where}`);
    }
  }
});

test('random bytes named .zip or .xlsx are not a zip archive', TIMEOUT, async () => {
  await assert.rejects(readAll(file(randomBytes(5000), 'zip'), dialog), dataError(/not a zip archive/));
  await assert.rejects(readAll(file(randomBytes(70_000), 'xlsx'), xlsx), dataError(/not a zip archive/));
  // An old binary .xls (OLE compound file) gets a hint instead.
  const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), randomBytes(4000)]);
  await assert.rejects(readAll(file(ole, 'xlsx'), xlsx), dataError(/old-style \.xls workbook .* save it as \.xlsx/));
});

test('an entry whose CRC is wrong, or whose deflate data is cut off, is corrupt', TIMEOUT, async () => {
  const entries = dialogEntries();
  entries[0] = { ...entries[0], crc32: 0x12345678 };
  const badCrc = file(zipBuffer(entries), 'zip');
  await assert.rejects(readAll(badCrc, dialog), dataError(/CRC mismatch in entry train\/dialogues_train\.txt: the archive is corrupt/));

  const data = Buffer.from(DIALOG_TEXT);
  const deflated = zlib.deflateRawSync(data);
  const cut: ZipWriterEntry = { name: 'train/dialogues_train.txt', data: deflated.subarray(0, deflated.length >> 1), method: 'store', methodNumber: 8, size: data.length, crc32: zlib.crc32(data) };
  const cutPath = file(zipBuffer([cut, dialogEntries()[1]]), 'zip');
  await assert.rejects(readAll(cutPath, dialog), dataError(/entry train\/dialogues_train\.txt is truncated \(expected \d+ bytes, got \d+\)/));

  // A header that understates the size: inflation stops instead of running on.
  const understated = file(zipBuffer([{ ...dialogEntries()[0], size: 100 }, dialogEntries()[1]]), 'zip');
  await assert.rejects(readAll(understated, dialog), dataError(/larger than the 100 bytes its header declares/));

  const garbage: ZipWriterEntry = { ...cut, data: randomBytes(2000) };
  const garbagePath = file(zipBuffer([garbage, dialogEntries()[1]]), 'zip');
  await assert.rejects(readAll(garbagePath, dialog), dataError(/corrupt compressed data|truncated|CRC mismatch|larger than/));
});

test('an xlsx without sharedStrings reads its inline strings; a shared-string cell there is a bad row', TIMEOUT, async () => {
  const rows = `<row r="1">${inline('A1', 'text')}${inline('B1', 'label')}</row><row r="2">${inline('A2', 'hello')}${inline('B2', 'greeting')}</row><row r="3">${inline('A3', 'bye')}<c r="B3" t="s"><v>0</v></c></row>`;
  const path = file(zipBuffer(xlsxEntries({ sheets: [{ name: 'S', rows }] })), 'xlsx');
  const options: ReadOptions = { onBadRow: 'skip', skipped: [] };
  assert.deepEqual((await readAll(path, xlsx, options)).map((e) => [e.text, e.labels]), [['hello', ['greeting']]]);
  assert.deepEqual(options.skipped, [{ location: { file: path, line: 3, field: 'label' }, reason: 'shared string "0" does not exist (the workbook has 0): the file is corrupt' }]);
});

test('an xlsx without its workbook, or with its sheet part missing, says so', TIMEOUT, async () => {
  const noBook = file(zipBuffer(xlsxEntries({ ...GOOD_XLSX, omit: ['xl/workbook.xml'] })), 'xlsx');
  await assert.rejects(readAll(noBook, xlsx), dataError(/not an Excel workbook: xl\/workbook\.xml is missing \(the archive holds \["\[Content_Types\]\.xml",/));
  const noSheet = file(zipBuffer(xlsxEntries({ ...GOOD_XLSX, omit: ['xl/worksheets/sheet1.xml'] })), 'xlsx');
  await assert.rejects(readAll(noSheet, xlsx), dataError(/cannot read sheet "Sheet1": its part xl\/worksheets\/sheet1\.xml is missing/));
  // A zip that is not a workbook at all (a DailyDialog zip named .xlsx).
  const notBook = file(zipBuffer(dialogEntries()), 'xlsx');
  await assert.rejects(readAll(notBook, xlsx), dataError(/not an Excel workbook/));
});

test('an xlsx whose sheet XML is cut off mid-row, or malformed, is a DataError after the rows before it', TIMEOUT, async () => {
  const full = worksheetXml(ROWS);
  const cutXml = full.slice(0, full.indexOf('<row r="150">') + 40);
  const path = file(zipBuffer(xlsxEntries({ ...GOOD_XLSX, sheets: [{ name: 'S', xml: cutXml }] })), 'xlsx');
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const e of readExamples(path, xlsx)) seen.push(e.text);
  }, dataError(/cut-off XML in xl\/worksheets\/sheet1\.xml/));
  assert.ok(seen.length >= 100 && seen.length <= 148, `read ${seen.length} rows first`);

  const malformed = full.replace('<row r="20">', '<row r="20"><c r="A20" t="inlineStr"><is><t>x &nbsp; y</t></is></c>');
  const badPath = file(zipBuffer(xlsxEntries({ ...GOOD_XLSX, sheets: [{ name: 'S', xml: malformed }] })), 'xlsx');
  await assert.rejects(readAll(badPath, xlsx), dataError(/malformed XML in xl\/worksheets\/sheet1\.xml at line 1, column \d+: undefined entity/));
});

test('invalid UTF-8 in a sheet is a bad row', TIMEOUT, async () => {
  const xml = Buffer.from(worksheetXml(`<row r="1">${inline('A1', 'text')}${inline('B1', 'label')}</row><row r="2">${inline('A2', 'BAD')}${inline('B2', 'x')}</row>`));
  const at = xml.indexOf('BAD');
  xml[at] = 0xff;
  const entries = xlsxEntries({ sheets: [{ name: 'S' }] }).map((e) => (e.name === 'xl/worksheets/sheet1.xml' ? { ...e, data: xml } : e));
  const path = file(zipBuffer(entries), 'xlsx');
  await assert.rejects(readAll(path, xlsx), dataError(/:2: field "text": invalid UTF-8$/));
});

test('a dialog with a mismatched label count fails naming its line, or is a counted skip', TIMEOUT, async () => {
  const emotion = DIALOG_EMOTION.split('\n');
  emotion[41] = '0 1 2';
  const path = file(zipBuffer(dialogEntries(DIALOG_TEXT, emotion.join('\n'))), 'zip');
  await assert.rejects(readAll(path, dialog), dataError(/dialogues_emotion_train\.txt:42: field "emotion": dialog has 2 utterances but 3 emotion labels$/));
  const options: ReadOptions = { onBadRow: 'skip', skipped: [] };
  assert.equal((await readAll(path, dialog, options)).length, 99 * 2);
  assert.deepEqual(options.skipped.map((s) => s.location.line), [42]);
});

test('invalid UTF-8 in a dialog is a bad row', TIMEOUT, async () => {
  const text = Buffer.from(DIALOG_TEXT);
  text[text.indexOf('Hello number 7 ')] = 0xc3; // a lead byte followed by ASCII
  const path = file(zipBuffer(dialogEntries(text)), 'zip');
  await assert.rejects(readAll(path, dialog), dataError(/dialogues_train\.txt:8: field "text": invalid UTF-8$/));
  const options: ReadOptions = { onBadRow: 'skip', skipped: [] };
  assert.equal((await readAll(path, dialog, options)).length, 99 * 2);
  assert.deepEqual(options.skipped, [{ location: { file: `${path}:train/dialogues_train.txt`, line: 8, field: 'text' }, reason: 'invalid UTF-8' }]);
});

test('a central directory that points past the file, or a bogus entry count, is corrupt', TIMEOUT, async () => {
  const bytes = zipBuffer(dialogEntries());
  const eocd = bytes.length - 22;
  const pastEnd = Buffer.from(bytes);
  pastEnd.writeUInt32LE(bytes.length * 2, eocd + 16);
  await assert.rejects(openZip(file(pastEnd, 'zip')), dataError(/central directory lies beyond the end of the file/));
  const badCount = Buffer.from(bytes);
  badCount.writeUInt16LE(5, eocd + 10);
  await assert.rejects(openZip(file(badCount, 'zip')), dataError(/lists 2 entries, the end record says 5/));
});

test('fuzz: every cut point and random byte flips end in success or a DataError, never a hang or a crash', { timeout: 120_000 }, async () => {
  const cases: [Buffer, ReaderConfig, string][] = [
    [zipBuffer(xlsxEntries(GOOD_XLSX)), xlsx, 'xlsx'],
    [zipBuffer(dialogEntries()), dialog, 'zip'],
  ];
  let seed = 12345;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (const [bytes, config, ext] of cases) {
    const path = join(dir, `fuzz.${ext}`);
    for (let cut = 0; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 60))) {
      writeFileSync(path, bytes.subarray(0, cut));
      assert.ok((await outcome(path, config)) instanceof DataError, `cut at ${cut}`);
    }
    for (let i = 0; i < 150; i++) {
      const damaged = Buffer.from(bytes);
      for (let k = 0; k < 1 + random(4); k++) damaged[random(damaged.length)] = random(256);
      writeFileSync(path, damaged);
      await outcome(path, config);
    }
  }
});
