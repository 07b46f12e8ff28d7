/**
 * Reads the head of a tabular data file (csv, tsv, jsonl, xlsx) as columns of cells, before any
 * recipe names its columns: what `textclass init` looks at to propose one. Only the first
 * `maxRecords` records are read, so a huge file costs no more than a small one.
 */
import { Readable } from 'node:stream';
import { CsvError, parse, type Options } from 'csv-parse';
import { DataError } from '../errors.js';
import { delimitedDialect, readDelimited } from '../data/readers/delimited.js';
import { Utf8Source } from '../data/readers/encoding.js';
import { splitLines } from '../data/readers/lines.js';
import { readXlsxRows } from '../data/readers/xlsx.js';
import { asDataError } from '../data/readers/io-error.js';

export type TabularFormat = 'csv' | 'tsv' | 'jsonl' | 'xlsx';

/**
 * One cell as a column sniffer needs it: a string (numbers as written), a list (a JSON array of
 * strings or numbers: a native multi-label value), or null (missing, JSON null, or a JSON value
 * no reader accepts as text or label).
 */
export type SampleCell = string | string[] | null;

export interface SampleTable {
  file: string;
  format: TabularFormat;
  /** Column names in file order (JSON keys in order of first appearance). */
  columns: string[];
  /** 1-based line of the header row (jsonl: 1, the first object). */
  headerLine: number;
  /** One array per record, one cell per column. */
  rows: SampleCell[][];
  /** jsonl: columns that held at least one value that is not a string (a number, a list); such a key cannot be a text field. */
  nonStringColumns: Set<string>;
  /** True when the file holds more records than were read. */
  truncated: boolean;
}

export const DEFAULT_SAMPLE_RECORDS = 5000;

export async function readSampleTable(file: string, format: TabularFormat, maxRecords = DEFAULT_SAMPLE_RECORDS, sheet?: string): Promise<SampleTable> {
  switch (format) {
    case 'csv':
    case 'tsv':
      return sampleDelimited(file, format, maxRecords);
    case 'jsonl':
      return sampleJsonl(file, maxRecords);
    case 'xlsx':
      return sampleXlsx(file, maxRecords, sheet);
  }
}

/**
 * csv-parse with the options of the csv/tsv reader (src/data/readers/delimited.ts), over the same
 * decoding source (BOM, UTF-16). A parse error is reported by that reader itself, so the message
 * and line are the ones `train` would give.
 */
async function sampleDelimited(file: string, format: 'csv' | 'tsv', maxRecords: number): Promise<SampleTable> {
  // The header as soon as it is parsed: csv-parse can fail on a later record before the loop
  // below has seen the header, and the reader needs a column name to reproduce that failure.
  let parsedHeader: string[] | undefined;
  const options = {
    on_record: (record: unknown) => {
      // With `info`, csv-parse hands over {record, info}.
      parsedHeader ??= Array.isArray(record) ? (record as string[]) : (record as { record: string[] }).record;
      return record;
    },
    ...delimitedDialect(format),
    relax_column_count: false,
    info: true,
  };
  // The typings of parse() tie on_record's return type to the record type; it returns records as given.
  const parser = parse(options as unknown as Options);
  const input = Readable.from(new Utf8Source(file), { objectMode: false });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let columns: string[] | undefined;
  let headerLine = 1;
  const rows: SampleCell[][] = [];
  let truncated = false;
  try {
    for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (columns === undefined) {
        columns = record.record;
        headerLine = record.info.lines;
        continue;
      }
      if (rows.length >= maxRecords) {
        truncated = true;
        break;
      }
      rows.push(record.record);
    }
  } catch (err) {
    if (err instanceof CsvError) throw await readerError(file, format, columns ?? parsedHeader, err);
    throw asDataError(file, err);
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (columns === undefined) throw new DataError({ file }, 'the file is empty: expected a header row naming the columns, then one record per line');
  return { file, format, columns, headerLine, rows, nonStringColumns: new Set(), truncated };
}

/** The csv/tsv reader's own error for a file csv-parse rejected, or one made from csv-parse's. */
async function readerError(file: string, format: 'csv' | 'tsv', columns: string[] | undefined, err: CsvError): Promise<DataError> {
  // Reading one column that exists (any column before the header is complete) reaches the same
  // parse error; the reader knows how to place it on the right line and explain it.
  const probe = columns?.find((c, i) => c !== '' && columns.indexOf(c) === i) ?? '\u0000';
  try {
    for await (const _ of readDelimited(file, { format, textFields: [probe] }, { onBadRow: 'error', skipped: [] })) {
      // Rows before the bad one are read and dropped.
    }
  } catch (readerErr) {
    if (readerErr instanceof DataError) return readerErr;
  }
  return new DataError({ file, ...(typeof err.lines === 'number' ? { line: err.lines } : {}) }, err.message);
}

async function sampleJsonl(file: string, maxRecords: number): Promise<SampleTable> {
  const objects: { line: number; obj: Record<string, unknown> }[] = [];
  const columns: string[] = [];
  const seen = new Set<string>();
  let lineNo = 0;
  let truncated = false;
  const source = new Utf8Source(file);
  try {
    for await (const line of splitLines(source, file)) {
      lineNo++;
      if (line.trim().length === 0) continue;
      if (objects.length >= maxRecords) {
        truncated = true;
        break;
      }
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        throw new DataError({ file, line: lineNo }, `invalid JSON: ${(e as Error).message.slice(0, 200)} (each line must hold one complete JSON object)`);
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new DataError({ file, line: lineNo }, `expected a JSON object, found ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
      }
      const obj = value as Record<string, unknown>;
      for (const k of Object.keys(obj)) {
        if (!seen.has(k)) {
          seen.add(k);
          columns.push(k);
        }
      }
      objects.push({ line: lineNo, obj });
    }
  } catch (err) {
    throw asDataError(file, err);
  }
  if (objects.length === 0) throw new DataError({ file }, 'the file holds no JSON objects: expected one object per line');
  const nonStringColumns = new Set<string>();
  const rows = objects.map(({ obj }) =>
    columns.map((c): SampleCell => {
      const v = obj[c];
      if (typeof v === 'string') return v;
      if (v === undefined || v === null) return null;
      nonStringColumns.add(c);
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.map(String);
      return null;
    }),
  );
  return { file, format: 'jsonl', columns, headerLine: objects[0].line, rows, nonStringColumns, truncated };
}

async function sampleXlsx(file: string, maxRecords: number, sheet: string | undefined): Promise<SampleTable> {
  let columns: string[] | undefined;
  let headerLine = 1;
  const rows: SampleCell[][] = [];
  let truncated = false;
  try {
    for await (const row of readXlsxRows(file, sheet)) {
      if (columns === undefined) {
        // The xlsx reader matches header names trimmed (a stray space is invisible in Excel).
        columns = row.cells.map((c) => c.trim());
        headerLine = row.line;
        continue;
      }
      if (rows.length >= maxRecords) {
        truncated = true;
        break;
      }
      rows.push(columns.map((_, i) => row.cells[i] ?? ''));
    }
  } catch (err) {
    throw asDataError(file, err);
  }
  if (columns === undefined) throw new DataError({ file }, 'the worksheet is empty: expected a header row naming the columns');
  return { file, format: 'xlsx', columns, headerLine, rows, nonStringColumns: new Set(), truncated };
}
