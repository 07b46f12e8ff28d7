import { open } from 'node:fs/promises';
import { posix } from 'node:path';
import { DataError, type DataLocation } from '../../errors.js';
import { openZip, type ZipArchive, type ZipEntry } from '../archive/zip.js';
import { parseXml, parseXmlBuffer, type XmlSink } from '../archive/xml.js';
import type { Example, ReadOptions, XlsxReaderConfig } from '../types.js';
import { exampleFromCells } from './cells.js';

/**
 * Reads one worksheet of an Excel workbook (.xlsx). The first non-empty row is the header; every
 * later row is one example, its `source.line` the row number Excel shows. The worksheet is
 * streamed; only the shared-string table is held in memory, since any cell may point into it.
 */
export async function* readXlsx(path: string, config: XlsxReaderConfig, options: ReadOptions): AsyncGenerator<Example> {
  const zip = await openWorkbookZip(path);
  const book = await readWorkbook(zip, path);
  const sheet = chooseSheet(book, config.sheet, path);
  const strings = book.sharedStrings === undefined ? [] : await loadSharedStrings(zip, book.sharedStrings, path);
  const input = zip.openEntryStream(sheet.entry, { onProgress: options.onProgress });
  const rows = parseXml(input, new SheetSink(path, sheet.entry.name), path, sheet.entry.name);
  yield* examplesFromRows(rows, strings, config, options, path, sheet.name);
}

// ---------------------------------------------------------------------------------------------
// Workbook structure

/** A worksheet the workbook lists, with the archive entry holding it. */
interface SheetPart {
  name: string;
  /** Undefined when the relationship is missing or points at something that is not a worksheet. */
  entry: ZipEntry | undefined;
  /** Why `entry` is undefined. */
  problem?: string;
}

interface Workbook {
  sheets: SheetPart[];
  sharedStrings?: ZipEntry;
}

interface Relationship {
  id: string;
  type: string;
  target: string;
}

const REL_OFFICE_DOCUMENT = /\/officeDocument$/;
const REL_WORKSHEET = /\/worksheet$/;
const REL_SHARED_STRINGS = /\/sharedStrings$/;
/** Small parts (workbook, relationships) are read whole; this bounds what a hostile file can make us load. */
const PART_LIMIT = 16 * 1024 * 1024;

async function openWorkbookZip(path: string): Promise<ZipArchive> {
  try {
    return await openZip(path);
  } catch (err) {
    if (err instanceof DataError && (await isOleFile(path))) {
      throw new DataError(
        { file: path },
        'this is an old-style .xls workbook (or a password-protected .xlsx), not an .xlsx file: open it in Excel or LibreOffice and save it as .xlsx',
      );
    }
    throw err;
  }
}

/** Old .xls files and encrypted .xlsx files are OLE compound documents, recognisable by their magic bytes. */
async function isOleFile(path: string): Promise<boolean> {
  const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  try {
    const fh = await open(path, 'r');
    try {
      const head = Buffer.alloc(8);
      const { bytesRead } = await fh.read(head, 0, 8, 0);
      return bytesRead === 8 && head.equals(OLE_MAGIC);
    } finally {
      await fh.close();
    }
  } catch {
    return false;
  }
}

async function readWorkbook(zip: ZipArchive, path: string): Promise<Workbook> {
  const packageRels = await readRelationships(zip, '_rels/.rels', path);
  const bookRel = packageRels.find((r) => REL_OFFICE_DOCUMENT.test(r.type));
  const bookPath = bookRel ? resolveTarget('', bookRel.target) : 'xl/workbook.xml';
  const bookEntry = findPart(zip, bookPath);
  if (bookEntry === undefined) {
    throw new DataError({ file: path }, `not an Excel workbook: ${bookPath} is missing (the archive holds ${listEntries(zip)})`);
  }
  const listed = parseXmlBuffer(await zip.readEntry(bookEntry, PART_LIMIT), new SheetListSink(), path, bookEntry.name);

  const dir = posix.dirname(bookEntry.name);
  const relsPath = posix.join(dir, '_rels', `${posix.basename(bookEntry.name)}.rels`);
  const rels = await readRelationships(zip, relsPath, path);
  const byId = new Map(rels.map((r) => [r.id, r]));

  const sheets = listed.map(({ name, relId }): SheetPart => {
    const rel = byId.get(relId);
    if (rel === undefined) return { name, entry: undefined, problem: `${relsPath} has no relationship ${JSON.stringify(relId)}` };
    if (!REL_WORKSHEET.test(rel.type)) return { name, entry: undefined, problem: 'it is not a worksheet (a chart sheet or macro sheet?)' };
    const entry = findPart(zip, resolveTarget(dir, rel.target));
    return entry ? { name, entry } : { name, entry: undefined, problem: `its part ${resolveTarget(dir, rel.target)} is missing` };
  });
  const stringsRel = rels.find((r) => REL_SHARED_STRINGS.test(r.type));
  const sharedStrings = findPart(zip, stringsRel ? resolveTarget(dir, stringsRel.target) : posix.join(dir, 'sharedStrings.xml'));
  return { sheets, sharedStrings };
}

function chooseSheet(book: Workbook, wanted: string | undefined, path: string): { name: string; entry: ZipEntry } {
  const names = book.sheets.map((s) => s.name);
  if (book.sheets.length === 0) throw new DataError({ file: path }, 'the workbook lists no sheets');
  const sheet = wanted === undefined ? book.sheets[0] : book.sheets.find((s) => s.name === wanted);
  if (sheet === undefined) {
    throw new DataError({ file: path, field: 'sheet' }, `no sheet named ${JSON.stringify(wanted)} in this workbook; its sheets are ${JSON.stringify(names)}`);
  }
  if (sheet.entry === undefined) {
    throw new DataError({ file: path }, `cannot read sheet ${JSON.stringify(sheet.name)}: ${sheet.problem ?? 'not found'}`);
  }
  return { name: sheet.name, entry: sheet.entry };
}

async function readRelationships(zip: ZipArchive, relsPath: string, path: string): Promise<Relationship[]> {
  const entry = findPart(zip, relsPath);
  if (entry === undefined) return [];
  return parseXmlBuffer(await zip.readEntry(entry, PART_LIMIT), new RelationshipSink(), path, entry.name);
}

/** Targets are relative to the folder of the part that owns the relationship, or absolute from the package root. */
function resolveTarget(dir: string, target: string): string {
  const joined = target.startsWith('/') ? target.slice(1) : posix.join(dir, target);
  return posix.normalize(joined).replace(/^\.\//, '');
}

/** Part names are case-insensitive in Open Packaging, and some writers differ in case from their own references. */
function findPart(zip: ZipArchive, name: string): ZipEntry | undefined {
  const exact = zip.find(name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  return zip.entries.find((e) => e.name.toLowerCase() === lower);
}

function listEntries(zip: ZipArchive): string {
  const names = zip.entries.map((e) => e.name);
  const shown = names.slice(0, 20);
  return JSON.stringify(shown) + (names.length > shown.length ? ` and ${names.length - shown.length} more` : '');
}

class SheetListSink implements XmlSink<{ name: string; relId: string }> {
  private sheets: { name: string; relId: string }[] = [];
  open(name: string, attributes: Record<string, string>): void {
    if (name !== 'sheet') return;
    // The relationship id is `r:id`, but the prefix is whatever the writer bound to the namespace.
    const idKey = Object.keys(attributes).find((k) => k.endsWith(':id'));
    this.sheets.push({ name: attributes.name ?? '', relId: idKey === undefined ? '' : attributes[idKey] });
  }
  close(): void {}
  text(): void {}
  take(): { name: string; relId: string }[] {
    return this.sheets.splice(0);
  }
}

class RelationshipSink implements XmlSink<Relationship> {
  private rels: Relationship[] = [];
  open(name: string, a: Record<string, string>): void {
    if (name === 'Relationship' && a.TargetMode !== 'External') this.rels.push({ id: a.Id ?? '', type: a.Type ?? '', target: a.Target ?? '' });
  }
  close(): void {}
  text(): void {}
  take(): Relationship[] {
    return this.rels.splice(0);
  }
}

// ---------------------------------------------------------------------------------------------
// Text of strings

/**
 * The text of one `<t>` element. Without `xml:space="preserve"` surrounding whitespace is not
 * significant (writers add the attribute exactly when a string starts or ends with a space).
 */
class TextRun {
  active = false;
  private preserve = false;
  private buf = '';
  start(attributes: Record<string, string>): void {
    this.active = true;
    this.preserve = attributes['xml:space'] === 'preserve';
    this.buf = '';
  }
  append(text: string): void {
    if (this.active) this.buf += text;
  }
  end(): string {
    this.active = false;
    return this.preserve ? this.buf : this.buf.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  }
}

/** Excel escapes characters XML cannot hold (and a literal `_xHHHH_`) as `_xHHHH_`. */
function unescapeOoxml(s: string): string {
  if (!s.includes('_x')) return s;
  return s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Collects the shared-string table: `<si>` holds either one `<t>` or rich-text runs `<r><t>`;
 * phonetic guides (`<rPh>`) are annotations, not text.
 */
class SharedStringsSink implements XmlSink<string> {
  private done: string[] = [];
  private current: string | undefined;
  private phonetic = 0;
  private run = new TextRun();
  open(name: string, attributes: Record<string, string>): void {
    if (name === 'si') this.current = '';
    else if (name === 'rPh') this.phonetic++;
    else if (name === 't' && this.current !== undefined && this.phonetic === 0) this.run.start(attributes);
  }
  text(text: string): void {
    this.run.append(text);
  }
  close(name: string): void {
    if (name === 't' && this.run.active) this.current += this.run.end();
    else if (name === 'rPh') this.phonetic--;
    else if (name === 'si' && this.current !== undefined) {
      this.done.push(unescapeOoxml(this.current));
      this.current = undefined;
    }
  }
  take(): string[] {
    return this.done.splice(0);
  }
}

async function loadSharedStrings(zip: ZipArchive, entry: ZipEntry, path: string): Promise<string[]> {
  const strings: string[] = [];
  for await (const s of parseXml(zip.openEntryStream(entry), new SharedStringsSink(), path, entry.name)) strings.push(s);
  return strings;
}

// ---------------------------------------------------------------------------------------------
// Worksheet rows

/** One `<row>`: cell values by 0-based column, holes for missing cells. */
interface SheetRow {
  /** 1-based row number, as Excel shows it. */
  number: number;
  cells: string[];
  /** Cells whose value is a shared-string index; resolved when the row is used. */
  shared: number[];
}

/** Excel's last column is XFD. */
const MAX_COLUMNS = 16384;

/** Turns worksheet XML into rows. Cell types: s, inlineStr, str, b, e, n/d/absent (text as written). */
class SheetSink implements XmlSink<SheetRow> {
  private done: SheetRow[] = [];
  private row: SheetRow | undefined;
  private lastRow = 0;
  private col = -1;
  private type = '';
  private value = '';
  private inCell = false;
  private inValue = false;
  private inInline = false;
  private phonetic = 0;
  private run = new TextRun();

  constructor(
    private readonly file: string,
    private readonly entry: string,
  ) {}

  open(name: string, a: Record<string, string>): void {
    switch (name) {
      case 'row':
        this.startRow(a.r);
        break;
      case 'c':
        this.startCell(a.r, a.t);
        break;
      case 'v':
        this.inValue = this.inCell;
        break;
      case 'is':
        this.inInline = this.inCell;
        break;
      case 'rPh':
        this.phonetic++;
        break;
      case 't':
        if (this.inInline && this.phonetic === 0) this.run.start(a);
        break;
    }
  }

  text(text: string): void {
    if (this.inValue) this.value += text;
    else this.run.append(text);
  }

  close(name: string): void {
    switch (name) {
      case 'v':
        this.inValue = false;
        break;
      case 't':
        if (this.run.active) this.value += this.run.end();
        break;
      case 'is':
        this.inInline = false;
        break;
      case 'rPh':
        this.phonetic--;
        break;
      case 'c':
        this.endCell();
        break;
      case 'row':
        if (this.row !== undefined) this.done.push(this.row);
        this.row = undefined;
        break;
    }
  }

  take(): SheetRow[] {
    return this.done.splice(0);
  }

  private startRow(ref: string | undefined): void {
    const n = ref === undefined ? NaN : Number(ref);
    // Rows without `r` follow the previous one.
    this.lastRow = Number.isInteger(n) && n > 0 ? n : this.lastRow + 1;
    this.row = { number: this.lastRow, cells: [], shared: [] };
    this.col = -1;
  }

  private startCell(ref: string | undefined, type: string | undefined): void {
    const col = ref === undefined ? -1 : columnIndex(ref);
    // Cells without `r` follow the previous one.
    this.col = col >= 0 ? col : this.col + 1;
    if (this.col >= MAX_COLUMNS) {
      throw new DataError({ file: this.file, line: this.lastRow }, `bad cell reference ${JSON.stringify(ref)} in ${this.entry}: beyond column XFD`);
    }
    this.type = type ?? 'n';
    this.value = '';
    this.inCell = true;
  }

  private endCell(): void {
    this.inCell = false;
    const row = this.row;
    if (row === undefined) return;
    switch (this.type) {
      case 's':
        // Some writers emit `<c t="s"/>` for an empty cell; only a value is an index.
        if (this.value !== '') row.shared.push(this.col);
        row.cells[this.col] = this.value.trim();
        break;
      case 'inlineStr':
      case 'str':
        row.cells[this.col] = unescapeOoxml(this.value);
        break;
      case 'b':
        row.cells[this.col] = this.value === '1' ? 'TRUE' : this.value === '0' ? 'FALSE' : this.value;
        break;
      default:
        // Numbers, dates, errors (#N/A): the text as written.
        row.cells[this.col] = this.value;
    }
  }
}

/** 0-based column of a reference such as `B12`, or -1 when it does not start with letters. */
function columnIndex(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 0x20; // lower-case
    if (c < 97 || c > 122) break;
    col = col * 26 + (c - 96);
    if (col > MAX_COLUMNS) return MAX_COLUMNS;
  }
  return i === 0 ? -1 : col - 1;
}

// ---------------------------------------------------------------------------------------------
// Rows to examples

async function* examplesFromRows(
  rows: AsyncIterable<SheetRow>,
  strings: string[],
  config: XlsxReaderConfig,
  options: ReadOptions,
  path: string,
  sheetName: string,
): AsyncGenerator<Example> {
  let header: Header | undefined;
  for await (const row of rows) {
    // A shared-string index that points nowhere makes the row bad, but only if the row is used.
    const badIndex = resolveShared(row, strings);
    if (badIndex === undefined && isBlank(row)) continue;
    if (header === undefined) {
      header = readHeader(row, config, path);
      continue;
    }
    if (badIndex !== undefined && header.used.has(badIndex.col)) {
      badRow(options, { file: path, line: row.number, field: header.names[badIndex.col] }, badIndex.reason);
      continue;
    }
    const { columns } = header;
    const result = exampleFromCells((f) => {
      const i = columns.get(f);
      return i === undefined ? undefined : (row.cells[i] ?? '');
    }, config);
    if ('reason' in result) {
      badRow(options, { file: path, line: row.number, field: result.field }, result.reason);
      continue;
    }
    yield { text: result.text, labels: result.labels, source: { file: path, line: row.number } };
  }
  if (header === undefined) throw new DataError({ file: path }, `sheet ${JSON.stringify(sheetName)} is empty: expected a header row`);
}

function resolveShared(row: SheetRow, strings: string[]): { col: number; reason: string } | undefined {
  let bad: { col: number; reason: string } | undefined;
  for (const col of row.shared) {
    const raw = row.cells[col];
    const i = /^\d+$/.test(raw) ? Number(raw) : -1;
    if (i >= 0 && i < strings.length) {
      row.cells[col] = strings[i];
      continue;
    }
    bad ??= { col, reason: `shared string ${JSON.stringify(raw)} does not exist (the workbook has ${strings.length}): the file is corrupt` };
    row.cells[col] = '';
  }
  return bad;
}

function isBlank(row: SheetRow): boolean {
  for (const v of row.cells) if (v !== undefined && v !== '') return false;
  return true;
}

interface Header {
  /** Header names by column ('' for empty header cells). */
  names: string[];
  columns: Map<string, number>;
  /** Columns that feed the text or the label. */
  used: Set<number>;
}

/** Header names are matched trimmed, since a stray space after a column title is invisible in Excel. */
function readHeader(row: SheetRow, config: XlsxReaderConfig, path: string): Header {
  const names = Array.from(row.cells, (v) => (v ?? '').trim());
  const columns = new Map<string, number>();
  names.forEach((n, i) => {
    if (n !== '' && !columns.has(n)) columns.set(n, i);
  });
  const used = new Set<number>();
  for (const f of [...config.textFields, ...(config.labelFields ?? [])]) {
    const i = columns.get(f.trim());
    if (i === undefined) {
      throw new DataError(
        { file: path, line: row.number, field: f },
        `column not found in the header row; found ${JSON.stringify(names.filter((n) => n !== ''))}`,
      );
    }
    if (f !== f.trim()) columns.set(f, i);
    used.add(i);
  }
  return { names, columns, used };
}

function badRow(options: ReadOptions, location: DataLocation, reason: string): void {
  if (options.onBadRow !== 'skip') throw new DataError(location, reason);
  options.skipped.push({ location, reason });
}

/**
 * The non-blank rows of a worksheet as string cells, the header row first, each with the row number
 * Excel shows. For tools that look at a file's columns before any recipe names them (`textclass
 * init`); stop iterating to read only the head of the sheet.
 */
export async function* readXlsxRows(path: string, sheetName?: string, onProgress?: ReadOptions['onProgress']): AsyncGenerator<{ line: number; cells: string[] }> {
  const zip = await openWorkbookZip(path);
  const book = await readWorkbook(zip, path);
  const sheet = chooseSheet(book, sheetName, path);
  const strings = book.sharedStrings === undefined ? [] : await loadSharedStrings(zip, book.sharedStrings, path);
  const rows = parseXml(zip.openEntryStream(sheet.entry, { onProgress }), new SheetSink(path, sheet.entry.name), path, sheet.entry.name);
  for await (const row of rows) {
    const bad = resolveShared(row, strings);
    if (bad !== undefined) throw new DataError({ file: path, line: row.number }, bad.reason);
    if (isBlank(row)) continue;
    yield { line: row.number, cells: Array.from(row.cells, (v) => v ?? '') };
  }
}
