/**
 * Hostile input for every file reader, through the public entry points (`readExamples`,
 * `collectExamples`). Each case must end in correct examples, a DataError that names the file (and
 * line and field when there is one) and says what to do, or a counted skip — never another error
 * type and never a hang. Nothing is dropped silently except blank lines.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DataError, formatLocation, type DataLocation } from '../errors.js';
import { collectExamples, readExamples } from './read.js';
import type { BadRowPolicy, CsvReaderConfig, Example, ReaderConfig, SkippedRow } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'textclass-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Generous: a hang or a quadratic loop on 10–20 MB takes minutes, a correct read well under 1 s. */
const T = { timeout: 30_000 };
const MiB = 1024 * 1024;

let fixtures = 0;
function file(content: string | Buffer, ext: string): string {
  const path = join(dir, `f${fixtures++}.${ext}`);
  writeFileSync(path, content);
  return path;
}

/** A dataset folder from `{ 'label/name': content }`. */
function folder(files: Record<string, string | Buffer>): string {
  const root = join(dir, `d${fixtures++}`);
  mkdirSync(root);
  for (const [rel, content] of Object.entries(files)) {
    const slash = rel.lastIndexOf('/');
    if (slash !== -1) mkdirSync(join(root, rel.slice(0, slash)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

const csv: CsvReaderConfig = { format: 'csv', textFields: ['text'], labelFields: ['label'] };
const tsv: CsvReaderConfig = { format: 'tsv', textFields: ['text'], labelFields: ['label'] };
const jsonl: ReaderConfig = { format: 'jsonl', textFields: ['text'], labelFields: ['label'] };
const goemotions: ReaderConfig = { format: 'goemotions-tsv', labelNames: ['joy', 'anger', 'fear'] };
const txtFolder: ReaderConfig = { format: 'folder', extension: '.txt' };

type Outcome = { examples: Example[]; skipped: SkippedRow[] } | DataError;

/** Reads everything; a DataError becomes the outcome, any other error fails the test. */
async function outcome(path: string, config: ReaderConfig, onBadRow: BadRowPolicy = 'error'): Promise<Outcome> {
  try {
    return await collectExamples(path, config, { onBadRow });
  } catch (err) {
    if (err instanceof DataError) return err;
    throw err;
  }
}

/** Asserts a DataError at `location` whose one-line message matches every pattern. */
function assertError(o: Outcome, location: DataLocation, ...patterns: RegExp[]): DataError {
  assert.ok(o instanceof DataError, `expected a DataError, got ${describeOutcome(o)}`);
  assert.deepEqual(o.location, location);
  assert.ok(o.message.startsWith(`${formatLocation(location)}: `), o.message);
  assert.ok(!o.message.includes('\n'), `message is not one line: ${JSON.stringify(o.message.slice(0, 300))}`);
  assert.ok(o.message.length < 1000, `message too long (${o.message.length} chars)`);
  for (const p of patterns) assert.match(o.message, p);
  return o;
}

/** Asserts the examples as [text, labels, line] (line undefined for folder examples). */
function assertExamples(o: Outcome, expected: [string, string[], number | undefined][], skipped = 0): { examples: Example[]; skipped: SkippedRow[] } {
  assert.ok(!(o instanceof DataError), `expected examples, got ${describeOutcome(o)}`);
  assert.deepEqual(
    o.examples.map((e) => [e.text, e.labels, e.source.line]),
    expected,
  );
  assert.equal(o.skipped.length, skipped, `skipped: ${JSON.stringify(o.skipped)}`);
  return o;
}

function describeOutcome(o: Outcome): string {
  if (o instanceof DataError) return `DataError ${o.message.slice(0, 300)}`;
  return `${o.examples.length} examples, ${o.skipped.length} skipped ${JSON.stringify(o.skipped.slice(0, 3))}`;
}

/** Deterministic pseudo-random bytes. */
function randomBytes(n: number, seed = 1): Buffer {
  const out = Buffer.alloc(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = a >>> 24;
  }
  return out;
}

function utf16le(s: string): Buffer {
  return Buffer.from('\uFEFF' + s, 'utf16le');
}

function utf16be(s: string): Buffer {
  return Buffer.from('\uFEFF' + s, 'utf16le').swap16();
}

/** ~`bytes` of text with commas, quotes, newlines, non-ASCII and an emoji. */
function bigText(bytes: number): string {
  const unit = 'lorem, ipsum "dolor" sit amet; café 🙂\nnext line ';
  return unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit)));
}

function quoteCsv(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

const tabular = [csv, tsv];
const lineFormats = [csv, tsv, jsonl, goemotions];

/** One labelled row in the layout of a line format. */
function row(config: ReaderConfig, text: string, label: string): string {
  switch (config.format) {
    case 'csv':
      return `${text},${label}`;
    case 'tsv':
      return `${text}\t${label}`;
    case 'jsonl':
      return JSON.stringify({ text, label });
    case 'goemotions-tsv':
      return `${text}\t${['joy', 'anger', 'fear'].indexOf(label)}\tid`;
    default:
      throw new Error(`no rows for ${config.format}`);
  }
}

/** The header line of a format, with its line break; empty for formats without one. */
function header(config: ReaderConfig, eol = '\n'): string {
  if (config.format === 'csv') return 'text,label' + eol;
  if (config.format === 'tsv') return 'text\tlabel' + eol;
  return '';
}

function ext(config: ReaderConfig): string {
  return config.format === 'goemotions-tsv' ? 'tsv' : config.format;
}

// ------------------------------------------------------------------------------------------------
describe('quotes: never closed, stray, after a closing quote', () => {
  for (const config of tabular) {
    const D = config.format === 'csv' ? ',' : '\t';
    test(`${config.format}: in the header`, T, async () => {
      const path = file(`"text${D}label\nhello${D}joy\n`, config.format);
      assertError(await outcome(path, config), { file: path, line: 1 }, /never closed/, /closing quote/);
    });
    test(`${config.format}: at the start of the first row`, T, async () => {
      const path = file(`text${D}label\n"hello${D}joy\nbye${D}anger\n`, config.format);
      assertError(await outcome(path, config), { file: path, line: 2 }, /never closed/);
    });
    test(`${config.format}: in the middle, also under skip (the rest of the file went into the field)`, T, async () => {
      const path = file(`text${D}label\na${D}joy\n"b${D}anger\nc${D}fear\nd${D}joy\n`, config.format);
      assertError(await outcome(path, config), { file: path, line: 3 }, /never closed/, /rest of the file/);
      assertError(await outcome(path, config, 'skip'), { file: path, line: 3 }, /never closed/);
    });
    test(`${config.format}: on the last line, with and without a final newline`, T, async () => {
      for (const end of ['', '\n']) {
        const path = file(`text${D}label\na${D}joy\n"b${D}anger${end}`, config.format);
        assertError(await outcome(path, config), { file: path, line: 3 }, /never closed/);
      }
    });
  }
  test('csv: a quote inside an unquoted field or text after a closing quote', T, async () => {
    const a = file('text,label\nsay "hi",joy\n', 'csv');
    assertError(await outcome(a, csv), { file: a, line: 2 }, /quote/, /double the quotes/);
    const b = file('text,label\n"hi" there,joy\n', 'csv');
    assertError(await outcome(b, csv), { file: b, line: 2 }, /closing quote/);
  });
  test('csv: under skip, a row with stray quotes is skipped and counted once, later lines stay right', T, async () => {
    const path = file('text,label\r\n"a\r\nb",joy\r\nsay "hi" "you",anger\r\nc,fear,extra "q"\r\n\r\nd,joy\r\n', 'csv');
    const o = assertExamples(
      await outcome(path, csv, 'skip'),
      [
        ['a\r\nb', ['joy'], 2],
        ['d', ['joy'], 7],
      ],
      2,
    );
    assert.deepEqual(
      o.skipped.map((s) => s.location.line),
      [4, 5],
    );
  });
  test('csv: under skip, text after a closing quote still stops the read (the parser lost the row ends)', T, async () => {
    const path = file('text,label\n"hi" there,joy\nb,anger\nc,fear\n"d",joy\ne,anger\n', 'csv');
    assertError(await outcome(path, csv, 'skip'), { file: path, line: 2 }, /after the closing quote/);
  });
  test('csv: under skip, a bad quote in the header stops the read', T, async () => {
    const path = file('te"xt,label\nsay,joy\nb,anger\n', 'csv');
    assertError(await outcome(path, csv, 'skip'), { file: path, line: 1 }, /quote/);
  });
  test('tsv: quotes inside an unquoted cell are text', T, async () => {
    const path = file('text\tlabel\nsay "hi"\tjoy\n', 'tsv');
    assertExamples(await outcome(path, tsv), [['say "hi"', ['joy'], 2]]);
  });
  test('jsonl: an unterminated string at the start, in the middle and on the last line', T, async () => {
    const good = '{"text": "ok", "label": "joy"}';
    const bad = '{"text": "never closed, "label": "joy"}';
    for (const [rows, line] of [
      [[bad, good], 1],
      [[good, bad, good], 2],
      [[good, '{"text": "open'], 2],
    ] as const) {
      const path = file(rows.join('\n'), 'jsonl');
      assertError(await outcome(path, jsonl), { file: path, line }, /invalid JSON/);
      const o = await outcome(path, jsonl, 'skip');
      assert.ok(!(o instanceof DataError), describeOutcome(o));
      assert.equal(o.examples.length + o.skipped.length, rows.length);
      assert.equal(o.skipped[0].location.line, line);
    }
  });
  test('goemotions-tsv: a text that merely starts with a quote is kept as it is', T, async () => {
    const path = file('"never closed\t0\tid1\nfine\t1\tid2\n', 'tsv');
    assertExamples(await outcome(path, goemotions), [
      ['"never closed', ['joy'], 1],
      ['fine', ['anger'], 2],
    ]);
  });
});

// ------------------------------------------------------------------------------------------------
describe('huge fields and lines', () => {
  const big = bigText(10 * MiB);
  const bigLines = big.split('\n').length - 1;

  for (const config of tabular) {
    test(`${config.format}: a 10 MB quoted text field is read correctly and quickly`, T, async () => {
      const D = config.format === 'csv' ? ',' : '\t';
      const path = file(`text${D}label\n${quoteCsv(big)}${D}joy\nafter${D}anger\n`, config.format);
      const started = Date.now();
      const o = assertExamples(await outcome(path, config), [
        [big, ['joy'], 2],
        ['after', ['anger'], 3 + bigLines],
      ]);
      assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
      assert.equal(o.examples[0].text.length, big.length);
    });
    test(`${config.format}: a 10 MB label cell`, T, async () => {
      const D = config.format === 'csv' ? ',' : '\t';
      const label = 'L'.repeat(10 * MiB);
      const path = file(`text${D}label\nhello${D}${label}\nbye${D}joy\n`, config.format);
      assertExamples(await outcome(path, config), [
        ['hello', [label], 2],
        ['bye', ['joy'], 3],
      ]);
    });
  }

  test('jsonl: a 10 MB text, a 10 MB label and a 20 MB line', T, async () => {
    const label = 'L'.repeat(10 * MiB);
    const huge = bigText(20 * MiB);
    const path = file(
      [JSON.stringify({ text: big, label: 'joy' }), JSON.stringify({ text: 'x', label }), JSON.stringify({ text: huge, label: 'fear' }), JSON.stringify({ text: 'end', label: 'joy' })].join('\n'),
      'jsonl',
    );
    const started = Date.now();
    assertExamples(await outcome(path, jsonl), [
      [big, ['joy'], 1],
      ['x', [label], 2],
      [huge, ['fear'], 3],
      ['end', ['joy'], 4],
    ]);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  });

  test('goemotions-tsv: a 10 MB text, a 10 MB label-id cell and a 20 MB line', T, async () => {
    const flat = big.replaceAll('\n', ' ');
    const ids = '0,'.repeat(5 * MiB) + '2';
    const huge = bigText(20 * MiB).replaceAll('\n', ' ');
    const path = file(`${flat}\t1\tid1\nx\t${ids}\tid2\n${huge}\t2\tid3\nend\t0\tid4\n`, 'tsv');
    assertExamples(await outcome(path, goemotions), [
      [flat, ['anger'], 1],
      ['x', ['joy', 'fear'], 2],
      [huge, ['fear'], 3],
      ['end', ['joy'], 4],
    ]);
  });

  test('goemotions-tsv: a 10 MB bad label-id cell gives a short message', T, async () => {
    const path = file(`x\t${'9'.repeat(10 * MiB)}\tid\n`, 'tsv');
    assertError(await outcome(path, goemotions), { file: path, line: 1, field: 'labels' }, /label id/);
  });

  test('folder: a 10 MB text file', T, async () => {
    const root = folder({ 'pos/1.txt': big });
    const o = await outcome(root, txtFolder);
    assert.ok(!(o instanceof DataError), describeOutcome(o));
    assert.equal(o.examples[0].text, big);
  });
});

// ------------------------------------------------------------------------------------------------
/** One row whose text is raw bytes, in the layout of a line format (label `joy`). */
function rowWithTextBytes(config: ReaderConfig, text: Buffer): Buffer {
  const [before, after] =
    config.format === 'jsonl' ? ['{"text": "', '", "label": "joy"}'] : config.format === 'goemotions-tsv' ? ['', '\t0\tid'] : ['', config.format === 'csv' ? ',joy' : '\tjoy'];
  return Buffer.concat([Buffer.from(before), text, Buffer.from(after)]);
}

describe('invalid UTF-8 and other encodings', () => {
  const cafe = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // "café" in Latin-1 / Windows-1252

  for (const config of lineFormats) {
    test(`${config.format}: invalid UTF-8 in the text is named by file:line:field, with a conversion hint`, T, async () => {
      const head = header(config);
      const path = file(
        Buffer.concat([Buffer.from(head + row(config, 'a', 'joy') + '\n'), rowWithTextBytes(config, cafe), Buffer.from('\n' + row(config, 'b', 'anger') + '\n')]),
        ext(config),
      );
      const line = head === '' ? 2 : 3;
      assertError(await outcome(path, config), { file: path, line, field: 'text' }, /invalid UTF-8/, /iconv -f WINDOWS-1252 -t UTF-8/);
      const o = assertExamples(
        await outcome(path, config, 'skip'),
        [
          ['a', ['joy'], line - 1],
          ['b', ['anger'], line + 1],
        ],
        1,
      );
      assert.deepEqual(o.skipped[0].location, { file: path, line, field: 'text' });
    });
  }

  for (const config of tabular) {
    test(`${config.format}: invalid UTF-8 in the label cell`, T, async () => {
      const D = config.format === 'csv' ? ',' : '\t';
      const path = file(Buffer.concat([Buffer.from(`text${D}label\nok${D}joy\nhello${D}`), cafe, Buffer.from('\n')]), config.format);
      assertError(await outcome(path, config), { file: path, line: 3, field: 'label' }, /invalid UTF-8/, /iconv/);
      const o = await outcome(path, config, 'skip');
      assert.ok(!(o instanceof DataError), describeOutcome(o));
      assert.deepEqual(
        o.skipped.map((s) => s.location),
        [{ file: path, line: 3, field: 'label' }],
      );
    });
  }

  test('jsonl: invalid UTF-8 in the label', T, async () => {
    const path = file(Buffer.concat([Buffer.from('{"text": "a", "label": "'), cafe, Buffer.from('"}\n')]), 'jsonl');
    assertError(await outcome(path, jsonl), { file: path, line: 1, field: 'label' }, /invalid UTF-8/, /iconv/);
  });

  test('goemotions-tsv: invalid UTF-8 in the label ids', T, async () => {
    const path = file(Buffer.concat([Buffer.from('a\t0'), Buffer.from([0xe9]), Buffer.from('\tid\n')]), 'tsv');
    assertError(await outcome(path, goemotions), { file: path, line: 1, field: 'labels' }, /invalid UTF-8/, /iconv/);
  });

  test('csv: a Windows-1252 file (Excel on Windows) is reported by line with the iconv command', T, async () => {
    // 0x93 and 0x94 are Windows-1252 curly quotes; they never start a valid UTF-8 sequence.
    const bytes = Buffer.concat([Buffer.from('text,label\nplain,joy\n'), Buffer.from([0x93]), Buffer.from('smart'), Buffer.from([0x94]), Buffer.from(' quotes,anger\n')]);
    const path = file(bytes, 'csv');
    assertError(await outcome(path, csv), { file: path, line: 3, field: 'text' }, /invalid UTF-8/, new RegExp(`iconv -f WINDOWS-1252 -t UTF-8 ${escapeRe(path)} > `));
  });

  test('folder: invalid UTF-8 is a bad row with the conversion hint', T, async () => {
    const root = folder({ 'pos/1.txt': 'fine', 'pos/2.txt': cafe });
    assertError(await outcome(root, txtFolder), { file: join(root, 'pos', '2.txt') }, /invalid UTF-8/, /iconv -f WINDOWS-1252 -t UTF-8/);
    const o = assertExamples(await outcome(root, txtFolder, 'skip'), [['fine', ['pos'], undefined]], 1);
    assert.deepEqual(o.skipped[0].location, { file: join(root, 'pos', '2.txt') });
  });

  const excel = 'text\tlabel\r\n"multi\r\nline ""quoted"" café 🙂"\tjoy\r\nplain\tanger\r\n';
  const excelRows: [string, string[], number][] = [
    ['multi\r\nline "quoted" café 🙂', ['joy'], 2],
    ['plain', ['anger'], 4],
  ];
  test('tsv: Excel "Unicode text" (UTF-16LE with BOM, CRLF, quoted cells) is decoded', T, async () => {
    assertExamples(await outcome(file(utf16le(excel), 'tsv'), tsv), excelRows);
  });
  test('tsv: UTF-16BE with BOM is decoded', T, async () => {
    assertExamples(await outcome(file(utf16be(excel), 'tsv'), tsv), excelRows);
  });

  for (const config of lineFormats) {
    test(`${config.format}: UTF-16LE and UTF-16BE with BOM, larger than a read chunk`, T, async () => {
      // Odd-length texts with an emoji push code units and surrogate pairs across chunk borders.
      const texts = Array.from({ length: 3000 }, (_, i) => `row ${i} é 🙂 ${'x'.repeat(i % 37)}`);
      const labels = ['joy', 'anger', 'fear'];
      const body = header(config, '\r\n') + texts.map((t, i) => row(config, t, labels[i % 3])).join('\r\n') + '\r\n';
      const first = header(config) === '' ? 1 : 2;
      const expected = texts.map((t, i): [string, string[], number] => [t, [labels[i % 3]], first + i]);
      for (const bytes of [utf16le(body), utf16be(body)]) {
        assert.ok(bytes.length > 128 * 1024);
        assertExamples(await outcome(file(bytes, ext(config)), config), expected);
      }
    });
    test(`${config.format}: UTF-16 without a BOM is a DataError saying how to convert`, T, async () => {
      const body = header(config) + row(config, 'hello there', 'joy') + '\n' + row(config, 'general kenobi', 'anger') + '\n';
      for (const bytes of [Buffer.from(body, 'utf16le'), Buffer.from(body, 'utf16le').swap16()]) {
        const path = file(bytes, ext(config));
        assertError(await outcome(path, config), { file: path }, /UTF-16/, /iconv -f UTF-16(LE|BE)? -t UTF-8/);
      }
    });
  }

  test('csv: an unpaired surrogate in a UTF-16 file is a bad row', T, async () => {
    const units = Buffer.from('\uFEFFtext,label\nok,joy\nX,anger\n', 'utf16le');
    // Replace the "X" (code unit 15) by a lone high surrogate.
    units.writeUInt16LE(0xd800, 2 * 'text,label\nok,joy\n'.length + 2);
    const path = file(units, 'csv');
    assertError(await outcome(path, csv), { file: path, line: 3, field: 'text' }, /invalid UTF-16/);
  });

  test('folder: UTF-16 files with a BOM are decoded; without one they are bad rows', T, async () => {
    const root = folder({ 'pos/1.txt': utf16le('héllo 🙂'), 'pos/2.txt': utf16be('wörld'), 'pos/3.txt': Buffer.from('no bom here', 'utf16le') });
    assertError(await outcome(root, txtFolder), { file: join(root, 'pos', '3.txt') }, /UTF-16/, /iconv/);
    assertExamples(
      await outcome(root, txtFolder, 'skip'),
      [
        ['héllo 🙂', ['pos'], undefined],
        ['wörld', ['pos'], undefined],
      ],
      1,
    );
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ------------------------------------------------------------------------------------------------
describe('empty files, headers and blank lines', () => {
  for (const config of lineFormats) {
    test(`${config.format}: an empty file (0 bytes) is a DataError naming the file`, T, async () => {
      const path = file('', ext(config));
      assertError(await outcome(path, config), { file: path }, /no examples/);
    });
    test(`${config.format}: a file of blank lines is a DataError naming the file`, T, async () => {
      const path = file('\n\r\n\n\r\n', ext(config));
      assertError(await outcome(path, config), { file: path }, /no examples/);
    });
    test(`${config.format}: blank lines between rows are skipped silently, line numbers stay right`, T, async () => {
      // GoEmotions files have no blank lines inside: there a blank line before a row is a bad row.
      if (config.format === 'goemotions-tsv') return;
      const path = file(header(config) + '\n' + row(config, 'a', 'joy') + '\n\r\n\n' + row(config, 'b', 'anger') + '\n\n', ext(config));
      const first = header(config) === '' ? 2 : 3;
      assertExamples(await outcome(path, config), [
        ['a', ['joy'], first],
        ['b', ['anger'], first + 3],
      ]);
    });
  }
  for (const config of tabular) {
    const D = config.format === 'csv' ? ',' : '\t';
    test(`${config.format}: a header alone is a DataError naming the file`, T, async () => {
      for (const content of [`text${D}label`, `text${D}label\n`, `text${D}label\r\n\r\n`]) {
        const path = file(content, config.format);
        assertError(await outcome(path, config), { file: path }, /no examples/);
      }
    });
    test(`${config.format}: a header without the text or label column names the column and what to set`, T, async () => {
      const noText = file(`review${D}label\nx${D}joy\n`, config.format);
      assertError(await outcome(noText, config), { file: noText, line: 1, field: 'text' }, /column not found in the header; found \["review","label"\]/, /text_field/);
      const noLabel = file(`text${D}sentiment\nx${D}joy\n`, config.format);
      assertError(await outcome(noLabel, config), { file: noLabel, line: 1, field: 'label' }, /found \["text","sentiment"\]/, /label_field/);
      const late = file(`\n\nreview${D}label\nx${D}joy\n`, config.format);
      assertError(await outcome(late, config), { file: late, line: 3, field: 'text' }, /column not found/);
    });
    test(`${config.format}: a used column named twice in the header is a DataError`, T, async () => {
      const path = file(`text${D}text${D}label\na${D}b${D}joy\n`, config.format);
      assertError(await outcome(path, config), { file: path, line: 1, field: 'text' }, /appears 2 times in the header/, /rename/);
      const labels = file(`label${D}text${D}label\na${D}b${D}joy\n`, config.format);
      assertError(await outcome(labels, config), { file: labels, line: 1, field: 'label' }, /appears 2 times/);
    });
    test(`${config.format}: duplicate or empty names of unused columns are harmless`, T, async () => {
      const path = file(`id${D}id${D}${D}text${D}label${D}\n1${D}2${D}z${D}a${D}joy${D}\n`, config.format);
      assertExamples(await outcome(path, config), [['a', ['joy'], 2]]);
    });
    test(`${config.format}: an empty label cell is a bad row naming the field`, T, async () => {
      const path = file(`text${D}label\na${D}joy\nb${D}\nc${D}  \nd${D}fear\n`, config.format);
      assertError(await outcome(path, config), { file: path, line: 3, field: 'label' }, /empty label/);
      const o = assertExamples(
        await outcome(path, config, 'skip'),
        [
          ['a', ['joy'], 2],
          ['d', ['fear'], 5],
        ],
        2,
      );
      assert.deepEqual(
        o.skipped.map((s) => s.location.line),
        [3, 4],
      );
    });
  }
  test('jsonl: an empty label is a bad row naming the field', T, async () => {
    const path = file('{"text": "a", "label": ""}\n', 'jsonl');
    assertError(await outcome(path, jsonl), { file: path, line: 1, field: 'label' }, /empty label/);
  });
  test('goemotions-tsv: an empty label-id cell is a bad row naming the field', T, async () => {
    const path = file('a\t\tid\n', 'tsv');
    assertError(await outcome(path, goemotions), { file: path, line: 1, field: 'labels' }, /no label ids/);
  });
});

// ------------------------------------------------------------------------------------------------
describe('BOM and line endings', () => {
  for (const config of lineFormats) {
    test(`${config.format}: a UTF-8 BOM is stripped`, T, async () => {
      const path = file('\uFEFF' + header(config) + row(config, 'a', 'joy') + '\n', ext(config));
      assertExamples(await outcome(path, config), [['a', ['joy'], header(config) === '' ? 1 : 2]]);
    });
    test(`${config.format}: CRLF, lone CR and mixed line endings`, T, async () => {
      for (const eols of [
        ['\r\n', '\r\n', '\r\n'],
        ['\r', '\r', '\r'],
        ['\r\n', '\n', '\r\n'],
        ['\n', '\r\n', '\n'],
      ]) {
        const path = file(header(config, eols[0]) + row(config, 'a', 'joy') + eols[1] + row(config, 'b', 'anger') + eols[2] + row(config, 'c', 'fear'), ext(config));
        const first = header(config) === '' ? 1 : 2;
        assertExamples(await outcome(path, config), [
          ['a', ['joy'], first],
          ['b', ['anger'], first + 1],
          ['c', ['fear'], first + 2],
        ]);
      }
    });
  }
  for (const config of tabular) {
    test(`${config.format}: CRLF inside quoted cells keeps later line numbers right`, T, async () => {
      const D = config.format === 'csv' ? ',' : '\t';
      const path = file(`text${D}label\r\n"a\r\nb"${D}joy\r\n"c\r\n\r\nd"${D}anger\r\ne${D}fear\r\n`, config.format);
      assertExamples(await outcome(path, config), [
        ['a\r\nb', ['joy'], 2],
        ['c\r\n\r\nd', ['anger'], 4],
        ['e', ['fear'], 7],
      ]);
    });
  }
  test('folder: BOM stripped, CRLF kept as text', T, async () => {
    const root = folder({ 'pos/1.txt': '\uFEFFline one\r\nline two\r\n' });
    assertExamples(await outcome(root, txtFolder), [['line one\r\nline two\r\n', ['pos'], undefined]]);
  });
});

// ------------------------------------------------------------------------------------------------
describe('NUL bytes and binary files', () => {
  for (const config of lineFormats) {
    test(`${config.format}: a NUL byte in a text is a bad row`, T, async () => {
      const path = file(header(config) + row(config, 'a', 'joy') + '\n' + rowWithTextBytes(config, Buffer.from('b\0c')).toString() + '\n' + row(config, 'd', 'fear') + '\n', ext(config));
      const line = header(config) === '' ? 2 : 3;
      // JSON forbids raw control characters in strings, so there the line is invalid JSON.
      const field = config.format === 'jsonl' ? undefined : 'text';
      const location: DataLocation = field === undefined ? { file: path, line } : { file: path, line, field };
      assertError(await outcome(path, config), location, config.format === 'jsonl' ? /invalid JSON/ : /NUL/);
      assertExamples(
        await outcome(path, config, 'skip'),
        [
          ['a', ['joy'], line - 1],
          ['d', ['fear'], line + 1],
        ],
        1,
      );
    });
    test(`${config.format}: random bytes are a DataError saying the file is binary`, T, async () => {
      for (const n of [64 * 1024, 300]) {
        const path = file(randomBytes(n, n), ext(config));
        assertError(await outcome(path, config), { file: path }, /binary/);
      }
    });
    test(`${config.format}: a gzip file says to decompress it`, T, async () => {
      const path = file(gzipSync(header(config) + row(config, 'a', 'joy') + '\n'), ext(config));
      assertError(await outcome(path, config), { file: path }, /gzip/, /gunzip/);
    });
    test(`${config.format}: a ZIP archive (e.g. an .xlsx workbook) says what it is`, T, async () => {
      const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(2000, 7)]);
      const path = file(zip, ext(config));
      assertError(await outcome(path, config), { file: path }, /ZIP/);
    });
  }
  test('folder: NUL bytes, random bytes and gzip are bad rows naming the file', T, async () => {
    const root = folder({
      'pos/1.txt': 'fine',
      'pos/2.txt': 'nul\0inside',
      'pos/3.txt': randomBytes(5000),
      'pos/4.txt': gzipSync('compressed text'),
    });
    assertError(await outcome(root, txtFolder), { file: join(root, 'pos', '2.txt') }, /NUL/);
    const o = assertExamples(await outcome(root, txtFolder, 'skip'), [['fine', ['pos'], undefined]], 3);
    assert.match(o.skipped[1].reason, /binary/);
    assert.match(o.skipped[2].reason, /gzip/);
  });
});

// ------------------------------------------------------------------------------------------------
describe('folders', () => {
  test('a folder with no label sub-folders', T, async () => {
    for (const root of [folder({}), folder({ 'a.txt': 'x', 'b.txt': 'y' }), folder({ '.git/x.txt': 'hidden' })]) {
      assertError(await outcome(root, txtFolder), { file: root }, /no label sub-folders/, /one sub-folder per label/);
    }
  });
  test('label folders without text files', T, async () => {
    const root = folder({ 'pos/readme.md': 'not a .txt', 'neg/.hidden.txt': 'x' });
    assertError(await outcome(root, txtFolder), { file: root }, /no examples in this folder/);
  });
  test('an empty text file is a bad row that says what to do; skip counts it', T, async () => {
    const root = folder({ 'neg/1.txt': 'bad', 'pos/1.txt': '', 'pos/2.txt': ' \n\t', 'pos/3.txt': 'good' });
    assertError(await outcome(root, txtFolder), { file: join(root, 'pos', '1.txt') }, /empty file/, /remove it|delete it/);
    const o = assertExamples(
      await outcome(root, txtFolder, 'skip'),
      [
        ['bad', ['neg'], undefined],
        ['good', ['pos'], undefined],
      ],
      2,
    );
    assert.deepEqual(
      o.skipped.map((s) => s.location.file),
      [join(root, 'pos', '1.txt'), join(root, 'pos', '2.txt')],
    );
  });
});

// ------------------------------------------------------------------------------------------------
test('readExamples streams: stopping early releases the file and raises nothing', T, async () => {
  const rows = Array.from({ length: 20000 }, (_, i) => `text ${i},joy`).join('\n');
  const path = file(`text,label\n${rows}\n`, 'csv');
  let n = 0;
  for await (const e of readExamples(path, csv)) {
    assert.equal(e.text, `text ${n}`);
    if (++n === 5) break;
  }
  assert.equal(n, 5);
});
