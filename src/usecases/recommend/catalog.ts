import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CsvError, parse } from 'csv-parse/sync';
import { DataError } from '../../errors.js';
import { decodeText } from '../../data/readers/encoding.js';

/** One thing that can be recommended: a song, a poem, a film — anything with a text to score. */
export interface CatalogItem {
  id: string;
  title: string;
  /** What the model scores (lyrics, a description). */
  text: string;
  creator?: string;
  url?: string;
  /** Columns beyond the known ones (e.g. `written_for`), kept for checks such as `--expect`. */
  extra: Record<string, string>;
  /** 1-based line (CSV) or row number (SQLite), for messages. */
  line: number;
}

export interface Catalog {
  file: string;
  format: 'csv' | 'sqlite';
  items: CatalogItem[];
}

/** Catalogs are read whole and scored in memory; beyond this, a batch job is the better tool. */
export const MAX_CATALOG_ITEMS = 100_000;
export const MAX_ITEM_TEXT_CHARS = 20_000;
const MAX_CATALOG_BYTES = 64 * 1024 * 1024;

const REQUIRED = ['id', 'title', 'text'] as const;
const OPTIONAL = ['creator', 'url'] as const;
const KNOWN = new Set<string>([...REQUIRED, ...OPTIONAL]);

/** File extensions read as a catalog; anything else is refused with the list. */
export const CATALOG_EXTENSIONS: Record<string, Catalog['format']> = { '.csv': 'csv', '.sqlite': 'sqlite', '.sqlite3': 'sqlite', '.db': 'sqlite' };

/**
 * Reads a catalog: a CSV file (RFC 4180, header row with `id`, `title`, `text` and optionally
 * `creator`, `url`; more columns are kept as extras) or a SQLite file with a table `items` of the
 * same columns. Every problem is a DataError naming the file, line and column.
 */
export function readCatalog(file: string): Catalog {
  const format = CATALOG_EXTENSIONS[path.extname(file).toLowerCase()];
  if (!format) throw new DataError({ file }, `a catalog is a .csv file or a SQLite file (.sqlite, .sqlite3, .db); got "${path.extname(file) || 'no extension'}"`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new DataError({ file }, 'file not found');
  }
  if (stat.isDirectory()) throw new DataError({ file }, 'expected a catalog file, found a folder');
  if (stat.size > MAX_CATALOG_BYTES) throw new DataError({ file }, `the catalog is ${stat.size} bytes; catalogs are read whole and may be at most ${MAX_CATALOG_BYTES} bytes`);
  const rows = format === 'csv' ? readCsvRows(file) : readSqliteRows(file);
  return { file, format, items: validateRows(file, rows) };
}

/** A row as read, before validation: cells by column name. */
interface RawRow {
  cells: Record<string, string>;
  line: number;
}

function readCsvRows(file: string): RawRow[] {
  const decoded = decodeText(fs.readFileSync(file), file);
  if ('reason' in decoded) throw new DataError({ file }, decoded.reason);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(decoded.text, { info: true, bom: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: false }) as unknown as typeof records;
  } catch (e) {
    const line = e instanceof CsvError ? Number((e as unknown as { lines?: number }).lines) : NaN;
    throw new DataError({ file, ...(Number.isFinite(line) ? { line } : {}) }, `not valid CSV: ${(e as Error).message.split('\n')[0]}`);
  }
  if (records.length === 0) throw new DataError({ file }, 'the file is empty; a catalog needs a header row (id,title,text[,creator,url]) and at least one item');
  const header = records[0].record.map((h) => h.trim().toLowerCase());
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    if (h === '') throw new DataError({ file, line: 1, field: `column ${i + 1}` }, 'the header has an empty column name');
    if (seen.has(h)) throw new DataError({ file, line: 1, field: h }, `the column appears twice in the header (columns ${seen.get(h)! + 1} and ${i + 1})`);
    seen.set(h, i);
  });
  for (const name of REQUIRED) if (!seen.has(name)) throw new DataError({ file, line: 1, field: name }, `missing column; a catalog's header needs ${REQUIRED.join(', ')} (and may have ${OPTIONAL.join(', ')}); found ${header.join(', ')}`);
  return records.slice(1).map(({ record, info }) => {
    // info.lines is where the record ends; line breaks inside quoted cells move its start up.
    const breaks = record.reduce((n, cell) => n + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
    const cells: Record<string, string> = {};
    header.forEach((h, i) => (cells[h] = record[i] ?? ''));
    return { cells, line: info.lines - breaks };
  });
}

function readSqliteRows(file: string): RawRow[] {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new DataError({ file }, `cannot open as SQLite: ${(e as Error).message}`);
  }
  try {
    let columns: { name: string }[];
    try {
      columns = db.prepare("SELECT name FROM pragma_table_info('items')").all() as { name: string }[];
    } catch (e) {
      throw new DataError({ file }, `not a SQLite database: ${(e as Error).message}`);
    }
    if (columns.length === 0) throw new DataError({ file, field: 'items' }, 'no table "items"; a SQLite catalog has a table items(id, title, text[, creator, url])');
    const names = columns.map((c) => c.name);
    const lower = new Map(names.map((n) => [n.toLowerCase(), n]));
    for (const name of REQUIRED) if (!lower.has(name)) throw new DataError({ file, field: `items.${name}` }, `missing column; the table items needs ${REQUIRED.join(', ')} (and may have ${OPTIONAL.join(', ')}); found ${names.join(', ')}`);
    const rows = db.prepare(`SELECT * FROM items ORDER BY rowid LIMIT ${MAX_CATALOG_ITEMS + 1}`).all() as Record<string, unknown>[];
    return rows.map((row, i) => {
      const cells: Record<string, string> = {};
      for (const [name, value] of Object.entries(row)) cells[name.toLowerCase()] = value === null || value === undefined ? '' : typeof value === 'string' ? value : Buffer.isBuffer(value) ? '\0blob' : String(value);
      return { cells, line: i + 1 };
    });
  } finally {
    db.close();
  }
}

function validateRows(file: string, rows: RawRow[]): CatalogItem[] {
  if (rows.length === 0) throw new DataError({ file }, 'the catalog has no items');
  if (rows.length > MAX_CATALOG_ITEMS) throw new DataError({ file }, `more than ${MAX_CATALOG_ITEMS} items; split the catalog`);
  const firstLineOfId = new Map<string, number>();
  return rows.map(({ cells, line }) => {
    const at = (field: string) => ({ file, line, field });
    for (const [field, value] of Object.entries(cells)) if (value.startsWith('\0blob')) throw new DataError(at(field), 'a BLOB; catalog cells are text');
    const id = cells.id.trim();
    if (id === '') throw new DataError(at('id'), 'empty id; every item needs an id, unique in the catalog');
    if (id.length > 200) throw new DataError(at('id'), `the id has ${id.length} characters; at most 200`);
    const before = firstLineOfId.get(id);
    if (before !== undefined) throw new DataError(at('id'), `duplicate id "${id}" (first on ${before}); ids must be unique`);
    firstLineOfId.set(id, line);
    const text = cells.text;
    if (text.trim() === '') throw new DataError(at('text'), 'empty text; the text is what the model scores');
    if (text.length > MAX_ITEM_TEXT_CHARS) throw new DataError(at('text'), `the text has ${text.length} characters; at most ${MAX_ITEM_TEXT_CHARS}`);
    const title = cells.title.trim();
    if (title.length > 500) throw new DataError(at('title'), `the title has ${title.length} characters; at most 500`);
    const item: CatalogItem = { id, title: title || id, text, extra: {}, line };
    const creator = (cells.creator ?? '').trim();
    if (creator) item.creator = creator.slice(0, 500);
    const url = (cells.url ?? '').trim();
    if (url) {
      // Shown as a link: only web addresses, never javascript: or data: URLs.
      if (!/^https?:\/\/[^\s]+$/i.test(url) || !URL.canParse(url)) throw new DataError(at('url'), `"${url.slice(0, 80)}" is not an http(s) address; leave the cell empty or give a full http:// or https:// URL`);
      item.url = url;
    }
    for (const [name, value] of Object.entries(cells)) if (!KNOWN.has(name)) item.extra[name] = value;
    return item;
  });
}
