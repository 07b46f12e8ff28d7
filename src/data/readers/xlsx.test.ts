import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../../errors.js';
import { SHARED_DATASETS } from '../../test-support/starter-data.js';
import { writeZip, xlsxEntries, type XlsxParts } from '../../test-support/zip-writer.js';
import { readExamples } from '../read.js';
import type { ReadOptions, XlsxReaderConfig } from '../types.js';
import { readXlsx } from './xlsx.js';

const dir = mkdtempSync(join(tmpdir(), 'textclass-xlsx-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fixtures = 0;
function workbook(parts: XlsxParts): string {
  const path = join(dir, `w${fixtures++}.xlsx`);
  writeZip(path, xlsxEntries(parts));
  return path;
}

const config: XlsxReaderConfig = { format: 'xlsx', textFields: ['text'], labelFields: ['label'] };
const strict = (): ReadOptions => ({ onBadRow: 'error', skipped: [] });

async function read(path: string, cfg = config, options: ReadOptions = strict()) {
  const out = [];
  for await (const e of readXlsx(path, cfg, options)) out.push(e);
  return out;
}

function dataError(pattern: RegExp, location?: object) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof DataError, String(err));
    if (location !== undefined) assert.deepEqual(err.location, location);
    assert.match(err.message, pattern);
    return true;
  };
}

/** A string cell in a row, as an inline string. */
const inline = (ref: string, s: string) => `<c r="${ref}" t="inlineStr"><is><t>${s}</t></is></c>`;

test('shared strings: plain, rich-text runs, xml:space, phonetic guides, entities, CDATA and _xHHHH_ escapes', async () => {
  const path = workbook({
    sheets: [
      {
        name: 'Data',
        rows:
          '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
          '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>' +
          '<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="s"><v>3</v></c></row>' +
          '<row r="4"><c r="A4" t="s"><v>5</v></c><c r="B4" t="s"><v>6</v></c></row>' +
          '<row r="5"><c r="A5" t="s"><v>7</v></c><c r="B5" t="s"><v>6</v></c></row>',
      },
    ],
    sharedStrings: [
      '<t>text</t>',
      '<t>label</t>',
      '<r><rPr><b/></rPr><t>Bold</t></r><r><t xml:space="preserve"> and plain</t></r>',
      '<t>pos</t>',
      '<t xml:space="preserve">  kept  </t>',
      '<t>\n   trimmed\n  </t><rPh sb="0" eb="1"><t>PHONETIC</t></rPh>',
      '<t>neg</t>',
      '<t>&lt;a&gt; &amp; &quot;q&quot; &apos;s&apos; &#233; &#xAC00; <![CDATA[<raw & cdata>]]> line_x000D_break</t>',
    ],
  });
  const got = await read(path);
  assert.deepEqual(
    got.map((e) => [e.text, e.labels, e.source.line]),
    [
      ['Bold and plain', ['pos'], 2],
      ['  kept  ', ['pos'], 3],
      ['trimmed', ['neg'], 4],
      ['<a> & "q" \'s\' é 가 <raw & cdata> line\rbreak', ['neg'], 5],
    ],
  );
  assert.equal(got[0].source.file, path);
});

test('inline strings and cell types: str, b, e, n (as written); missing cells and rows; rows and cells without r', async () => {
  const path = workbook({
    sheets: [
      {
        name: 'S',
        rows:
          // The header is the first non-empty row: row 1 is an empty formatted row.
          '<row r="1"><c r="A1" s="3"/></row>' +
          `<row r="2">${inline('B2', 'label')}${inline('C2', 'text')}${inline('D2', 'other')}</row>` +
          `<row r="4"><c r="B4" t="b"><v>1</v></c><c r="C4" t="str"><f>A1&amp;"x"</f><v>formula text</v></c></row>` +
          `<row r="7"><c r="B7"><v>4.0</v></c><c r="C7" t="e"><v>#N/A</v></c></row>` +
          `<row r="9"><c r="C9"><v>1e-3</v></c><c r="B9" t="n"><v>4</v></c></row>` +
          // No r on the row (follows row 9) nor on the cells (follow each other from column A).
          `<row><c/><c t="b"><v>0</v></c>${'<c t="inlineStr"><is><t>no refs</t></is></c>'}</row>` +
          `<row r="12"><c r="D12"><v>only other</v></c></row>`,
      },
    ],
  });
  const options = { onBadRow: 'skip' as const, skipped: [] };
  const got = await read(path, config, options);
  assert.deepEqual(
    got.map((e) => [e.text, e.labels[0], e.source.line]),
    [
      ['formula text', 'TRUE', 4],
      ['#N/A', '4.0', 7],
      ['1e-3', '4', 9],
      ['no refs', 'FALSE', 10],
    ],
  );
  // A row with values only outside the text and label columns is not blank: its text is empty.
  assert.deepEqual(options.skipped, [{ location: { file: path, line: 12, field: 'text' }, reason: 'empty text' }]);
});

test('namespace prefixes (<x:c>) as some writers produce them', async () => {
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const xml =
    `<?xml version="1.0"?><x:worksheet xmlns:x="${ns}"><x:sheetData>` +
    '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>text</x:t></x:is></x:c><x:c r="B1" t="s"><x:v>0</x:v></x:c></x:row>' +
    '<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>hello</x:t></x:is></x:c><x:c r="B2" t="s"><x:v>1</x:v></x:c></x:row>' +
    '</x:sheetData></x:worksheet>';
  const strings = `<?xml version="1.0"?><x:sst xmlns:x="${ns}"><x:si><x:t>label</x:t></x:si><x:si><x:t>greeting</x:t></x:si></x:sst>`;
  const got = await read(workbook({ sheets: [{ name: 'S', xml }], sharedStrings: strings }));
  assert.deepEqual(got.map((e) => [e.text, e.labels]), [['hello', ['greeting']]]);
});

test('the sheet is chosen by name; an unknown name lists the sheets', async () => {
  const path = workbook({
    sheets: [
      { name: 'First', rows: `<row r="1">${inline('A1', 'text')}${inline('B1', 'label')}</row><row r="2">${inline('A2', 'one')}${inline('B2', 'a')}</row>` },
      { name: 'Second', rows: `<row r="1">${inline('A1', 'label')}${inline('B1', 'text')}</row><row r="3">${inline('A3', 'b')}${inline('B3', 'two')}</row>` },
    ],
  });
  assert.deepEqual((await read(path)).map((e) => e.text), ['one']);
  assert.deepEqual((await read(path, { ...config, sheet: 'Second' })).map((e) => [e.text, e.source.line]), [['two', 3]]);
  await assert.rejects(read(path, { ...config, sheet: 'Third' }), dataError(/no sheet named "Third" in this workbook; its sheets are \["First","Second"\]/));
});

test('a missing column names the field and lists the header; header names are matched trimmed', async () => {
  const path = workbook({ sheets: [{ name: 'S', rows: `<row r="3">${inline('A3', 'Sentence ')}${inline('C3', 'Emotion')}</row>` }] });
  await assert.rejects(read(path), dataError(/column not found in the header row; found \["Sentence","Emotion"\]/, { file: path, line: 3, field: 'text' }));
  assert.deepEqual(await read(path, { format: 'xlsx', textFields: ['Sentence'], labelFields: ['Emotion'] }), []);
});

test('bad rows fail with file, row and field, or are skipped and counted; blank rows are ignored', async () => {
  const rows =
    `<row r="1">${inline('A1', 'text')}${inline('B1', 'label')}</row>` +
    `<row r="2">${inline('A2', 'good')}${inline('B2', '1')}</row>` +
    `<row r="3">${inline('A3', 'unknown code')}${inline('B3', '7')}</row>` +
    '<row r="4"><c r="A4" t="s"/><c r="B4" s="1"/></row>' +
    `<row r="5">${inline('B5', '0')}</row>` +
    `<row r="6">${inline('A6', 'bad shared string')}<c r="B6" t="s"><v>99</v></c></row>` +
    `<row r="7">${inline('A7', 'ok again')}${inline('B7', '0')}<c r="C7" t="s"><v>99</v></c></row>`;
  const path = workbook({ sheets: [{ name: 'S', rows }], sharedStrings: ['<t>only one</t>'] });
  const cfg: XlsxReaderConfig = { ...config, labelNames: ['zero', 'one'] };
  await assert.rejects(read(path, cfg), dataError(/"7" is not an integer code between 0 and 1/, { file: path, line: 3, field: 'label' }));

  const options: ReadOptions = { onBadRow: 'skip', skipped: [] };
  const got = await read(path, cfg, options);
  assert.deepEqual(got.map((e) => [e.text, e.labels[0], e.source.line]), [['good', 'one', 2], ['ok again', 'zero', 7]]);
  assert.deepEqual(
    options.skipped.map((s) => [s.location.line, s.location.field, s.reason]),
    [
      [3, 'label', 'label "7" is not an integer code between 0 and 1 (labelNames has 2 entries)'],
      [5, 'text', 'empty text'],
      [6, 'label', 'shared string "99" does not exist (the workbook has 1): the file is corrupt'],
    ],
  );
});

test('an empty sheet is a DataError naming it', async () => {
  await assert.rejects(read(workbook({ sheets: [{ name: 'Empty', rows: '' }] })), dataError(/sheet "Empty" is empty: expected a header row/));
});

test('readExamples reads xlsx files, reports progress, and refuses a folder', async () => {
  const rows = Array.from({ length: 3000 }, (_, i) => `<row r="${i + 2}">${inline(`A${i + 2}`, `text number ${i} ${'pad '.repeat(i % 50)}`)}${inline(`B${i + 2}`, i % 2 ? 'odd' : 'even')}</row>`).join('');
  const path = workbook({ sheets: [{ name: 'S', rows: `<row r="1">${inline('A1', 'text')}${inline('B1', 'label')}</row>${rows}` }] });
  const progress: [number, number][] = [];
  let n = 0;
  for await (const e of readExamples(path, config, { onProgress: (done, total) => progress.push([done, total]) })) {
    n++;
    assert.equal(e.source.line, n + 1);
  }
  assert.equal(n, 3000);
  assert.ok(progress.length > 0);
  const [done, total] = progress[progress.length - 1];
  assert.equal(done, total);
  await assert.rejects(
    async () => {
      for await (const _ of readExamples(dir, config)) void _;
    },
    dataError(/expected a xlsx file, found a folder/),
  );
});

const KOREAN = join(SHARED_DATASETS, 'korean_single_turn_emotion', '한국어_단발성_대화_데이터셋_train.xlsx');

test('the Korean single-turn emotion workbook: 30,876 rows with 7 emotions', async (t) => {
  if (!existsSync(KOREAN)) {
    t.skip(`${KOREAN} not present`);
    return;
  }
  const counts = new Map<string, number>();
  let n = 0;
  for await (const e of readExamples(KOREAN, { format: 'xlsx', textFields: ['Sentence'], labelFields: ['Emotion'] })) {
    n++;
    assert.equal(e.labels.length, 1);
    assert.equal(e.source.line, n + 1);
    counts.set(e.labels[0], (counts.get(e.labels[0]) ?? 0) + 1);
  }
  assert.equal(n, 30876);
  assert.deepEqual(Object.fromEntries(counts), { 행복: 4829, 놀람: 4719, 분노: 4533, 공포: 4374, 혐오: 4343, 슬픔: 4213, 중립: 3865 });
});
