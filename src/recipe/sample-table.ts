/**
 * Reads a tabular data file (csv, tsv, jsonl, xlsx) as columns of cells, before any recipe names
 * its columns: what `textclass init` looks at to propose one. Every record is read and counted,
 * but only a seeded reservoir sample of at most `maxRecords` of them is kept (in file order), so
 * memory is bounded by the sample and a file sorted by its label still shows all its labels.
 * Rows the training reader can skip (a wrong number of columns, a stray quote, a jsonl line that is
 * not a JSON object) are left out of the sample and counted in `skippedRecords`: the starter
 * recipe then says `on_bad_row: skip` with why. A file that does not parse past such a row (a
 * quote never closed), or holds nothing but bad rows, fails here with the message and line the
 * training reader gives.
 */
import { Readable } from 'node:stream';
import { CsvError, parse, type Options } from 'csv-parse';
import { DataError } from '../errors.js';
import { delimitedDialect, readDelimited, SKIPPABLE_CSV_ERRORS } from '../data/readers/delimited.js';
import { Utf8Source } from '../data/readers/encoding.js';
import { describeType, printable } from '../data/readers/jsonl.js';
import { splitLines } from '../data/readers/lines.js';
import type { ProgressCallback } from '../data/readers/read-progress.js';
import { readXlsxRows } from '../data/readers/xlsx.js';
import { asDataError } from '../data/readers/io-error.js';
import { Reservoir } from './sample-reservoir.js';

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
  /** Column names in file order (JSON keys in order of first appearance in the file). */
  columns: string[];
  /** 1-based line of the header row (jsonl: the first object). */
  headerLine: number;
  /** The sampled records in file order, one cell per column. */
  rows: SampleCell[][];
  /** jsonl: keys that held a value that is not a string (a number, a list) anywhere in the file; such a key cannot be a text field. */
  nonStringColumns: Set<string>;
  /** Records in the file (with `headOnly`: records read). */
  totalRecords: number;
  /** True when `rows` is a sample: the file holds more records than were kept. */
  sampled: boolean;
  /** Records left out because the training reader would skip them under `on_bad_row: skip` (not in `totalRecords`). */
  skippedRecords: number;
}

export interface SampleOptions {
  /** Bytes read so far and the file's size (xlsx: compressed bytes of the worksheet). */
  onProgress?: ProgressCallback;
  /** Read only the first `maxRecords` records (a dev file's header and first record), not the whole file. */
  headOnly?: boolean;
}

export const DEFAULT_SAMPLE_RECORDS = 5000;

/** Leading jsonl lines that are not JSON objects after which init stops reading: the file is not jsonl. */
const NOT_JSONL_AFTER = 100;

export async function readSampleTable(
  file: string,
  format: TabularFormat,
  maxRecords = DEFAULT_SAMPLE_RECORDS,
  sheet?: string,
  options: SampleOptions = {},
): Promise<SampleTable> {
  switch (format) {
    case 'csv':
    case 'tsv':
      return sampleDelimited(file, format, maxRecords, options);
    case 'jsonl':
      return sampleJsonl(file, maxRecords, options);
    case 'xlsx':
      return sampleXlsx(file, maxRecords, sheet, options);
  }
}

/** True once a head-only read has its records. */
function headDone(sample: Reservoir<unknown>, options: SampleOptions): boolean {
  return options.headOnly === true && sample.seen >= sample.size;
}

/**
 * csv-parse with the options of the csv/tsv reader (src/data/readers/delimited.ts), over the same
 * decoding source (BOM, UTF-16). A parse error is reported by that reader itself, so the message
 * and line are the ones `train` would give.
 */
async function sampleDelimited(file: string, format: 'csv' | 'tsv', maxRecords: number, options: SampleOptions): Promise<SampleTable> {
  // The header as soon as it is parsed: csv-parse can fail on a later record before the loop
  // below has seen the header, and the reader needs a column name to reproduce that failure.
  let parsedHeader: string[] | undefined;
  let skippedRecords = 0;
  let lastSkipLine = 0;
  const parserOptions = {
    on_record: (record: unknown) => {
      // With `info`, csv-parse hands over {record, info}.
      parsedHeader ??= Array.isArray(record) ? (record as string[]) : (record as { record: string[] }).record;
      return record;
    },
    ...delimitedDialect(format),
    relax_column_count: false,
    info: true,
    // Rows `train` can skip are skipped here too, so that one ragged row does not stop init; the
    // rest (a quote never closed swallows the rows after it) stay fatal, as in the reader.
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined) => {
      if (err === undefined) return undefined;
      if (parsedHeader === undefined || !SKIPPABLE_CSV_ERRORS.has(err.code)) throw err;
      // csv-parse flags each stray quote of a row and then its column count; the row counts once.
      const line = typeof err.lines === 'number' ? err.lines : -1;
      if (line !== lastSkipLine) skippedRecords++;
      lastSkipLine = line;
      return undefined;
    },
  };
  // The typings of parse() tie on_record's return type to the record type; it returns records as given.
  const parser = parse(parserOptions as unknown as Options);
  const input = Readable.from(new Utf8Source(file, options.onProgress), { objectMode: false });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let columns: string[] | undefined;
  let headerLine = 1;
  const sample = new Reservoir<string[]>(maxRecords);
  try {
    for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (columns === undefined) {
        columns = record.record;
        headerLine = record.info.lines;
        continue;
      }
      sample.offer(record.record);
      if (headDone(sample, options)) break;
    }
  } catch (err) {
    if (err instanceof CsvError) throw await readerError(file, format, columns ?? parsedHeader, err);
    throw asDataError(file, err);
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (columns === undefined) throw new DataError({ file }, 'the file is empty: expected a header row naming the columns, then one record per line');
  // Only bad rows after the header: the reader's own message names the first.
  if (sample.seen === 0 && skippedRecords > 0) throw await readerError(file, format, columns, undefined);
  return { file, format, columns, headerLine, rows: sample.items(), nonStringColumns: new Set(), totalRecords: sample.seen, sampled: sample.sampled, skippedRecords };
}

/** The csv/tsv reader's own error for a file csv-parse rejected, or one made from csv-parse's. */
async function readerError(file: string, format: 'csv' | 'tsv', columns: string[] | undefined, err: CsvError | undefined): Promise<DataError> {
  // Reading one column that exists (any column before the header is complete) reaches the same
  // parse error; the reader knows how to place it on the right line and explain it.
  const probe = columns?.find((c, i) => c !== '' && columns.indexOf(c) === i) ?? '\u0000';
  // A fatal error is reached past the rows init skips; with only skippable rows, the first of them.
  const onBadRow = err === undefined ? 'error' : 'skip';
  try {
    for await (const _ of readDelimited(file, { format, textFields: [probe] }, { onBadRow, skipped: [] })) {
      // Rows before the bad one are read and dropped.
    }
  } catch (readerErr) {
    if (readerErr instanceof DataError) return readerErr;
  }
  if (err === undefined) return new DataError({ file }, 'no record after the header could be read: every row has a different number of columns than the header');
  return new DataError({ file, ...(typeof err.lines === 'number' ? { line: err.lines } : {}) }, err.message);
}

async function sampleJsonl(file: string, maxRecords: number, options: SampleOptions): Promise<SampleTable> {
  const sample = new Reservoir<{ line: number; obj: Record<string, unknown> }>(maxRecords);
  const columns: string[] = [];
  const seen = new Set<string>();
  const nonStringColumns = new Set<string>();
  let firstLine = 0;
  let lineNo = 0;
  // Lines the jsonl reader skips under `on_bad_row: skip`; the first one's error, should no line be an object.
  let skippedRecords = 0;
  let firstBad: DataError | undefined;
  const skipLine = (problem: string): void => {
    firstBad ??= new DataError({ file, line: lineNo }, problem);
    skippedRecords++;
    // Not a jsonl file at all (a csv named .jsonl): say so at its first line, not after reading it all.
    if (sample.seen === 0 && skippedRecords >= NOT_JSONL_AFTER) throw firstBad;
  };
  const source = new Utf8Source(file, options.onProgress);
  try {
    for await (const line of splitLines(source, file)) {
      lineNo++;
      if (line.trim().length === 0) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        // The jsonl reader's words, so that init and train report a line the same way.
        skipLine(`invalid JSON: ${printable((e as Error).message)} (each line must hold one complete JSON object)`);
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        skipLine(`expected a JSON object, found ${describeType(value)}`);
        continue;
      }
      const obj = value as Record<string, unknown>;
      for (const k of Object.keys(obj)) {
        if (!seen.has(k)) {
          seen.add(k);
          columns.push(k);
        }
        const v = obj[k];
        if (v !== null && v !== undefined && typeof v !== 'string') nonStringColumns.add(k);
      }
      firstLine ||= lineNo;
      sample.offer({ line: lineNo, obj });
      if (headDone(sample, options)) break;
    }
  } catch (err) {
    throw asDataError(file, err);
  }
  if (sample.seen === 0) throw firstBad ?? new DataError({ file }, 'the file holds no JSON objects: expected one object per line');
  const rows = sample.items().map(({ obj }) =>
    columns.map((c): SampleCell => {
      const v = obj[c];
      if (typeof v === 'string') return v;
      if (v === undefined || v === null) return null;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.map(String);
      return null;
    }),
  );
  return { file, format: 'jsonl', columns, headerLine: firstLine, rows, nonStringColumns, totalRecords: sample.seen, sampled: sample.sampled, skippedRecords };
}

async function sampleXlsx(file: string, maxRecords: number, sheet: string | undefined, options: SampleOptions): Promise<SampleTable> {
  let columns: string[] | undefined;
  let headerLine = 1;
  const sample = new Reservoir<string[]>(maxRecords);
  try {
    for await (const row of readXlsxRows(file, sheet, options.onProgress)) {
      if (columns === undefined) {
        // The xlsx reader matches header names trimmed (a stray space is invisible in Excel).
        columns = row.cells.map((c) => c.trim());
        headerLine = row.line;
        continue;
      }
      const width = columns.length;
      sample.offer(Array.from({ length: width }, (_, i) => row.cells[i] ?? ''));
      if (headDone(sample, options)) break;
    }
  } catch (err) {
    throw asDataError(file, err);
  }
  if (columns === undefined) throw new DataError({ file }, 'the worksheet is empty: expected a header row naming the columns');
  return { file, format: 'xlsx', columns, headerLine, rows: sample.items(), nonStringColumns: new Set(), totalRecords: sample.seen, sampled: sample.sampled, skippedRecords: 0 };
}
