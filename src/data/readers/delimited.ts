import { Readable } from 'node:stream';
import { CsvError, parse, type Options } from 'csv-parse';
import { DataError, type DataLocation } from '../../errors.js';
import type { CsvReaderConfig, Example, ReadOptions, SkippedRow } from '../types.js';
import { exampleFromCells } from './cells.js';
import { MAX_RECORD_BYTES, NUL_REASON, Utf8Source, explainReason, shortQuote } from './encoding.js';
import { asDataError } from './io-error.js';

/** A record as it leaves the parser: cells plus what is known only while parsing. */
interface ParsedRecord {
  cells: string[];
  /** 1-based line on which the record starts. */
  line: number;
  /** How many parser-skipped rows precede this record (see `parserSkips`). */
  skipsBefore: number;
}

/**
 * csv-parse errors a row can be skipped for. After the others (a quote never closed, text after a
 * closing quote, an oversized record) the parser no longer knows where rows end: it would swallow
 * the following rows into the skipped one, so those stay fatal under `onBadRow: 'skip'` too.
 */
export const SKIPPABLE_CSV_ERRORS = new Set(['CSV_RECORD_INCONSISTENT_FIELDS_LENGTH', 'INVALID_OPENING_QUOTE']);

/**
 * Reads a CSV (RFC 4180) or TSV file with a header row. The text is the `textFields` cells joined
 * with newlines; the label comes from `labelFields`.
 */
/**
 * How csv and tsv files are split into records, shared by every reader of them (training data,
 * prediction input, `textclass init`'s sample) so that one file reads the same everywhere.
 */
export function delimitedDialect(format: 'csv' | 'tsv') {
  return {
    delimiter: format === 'tsv' ? '\t' : ',',
    // The source has already removed any byte-order mark.
    bom: false,
    // Explicit, because csv-parse otherwise takes the first line ending it sees as the only one, and
    // a CRLF header over LF rows (or the reverse) would merge rows.
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: MAX_RECORD_BYTES,
    // Bare quotes inside TSV cells are ordinary text (TSV has no quoting convention to violate).
    relax_quotes: format === 'tsv',
    skip_empty_lines: true,
  };
}

export async function* readDelimited(
  path: string,
  config: CsvReaderConfig,
  options: ReadOptions,
): AsyncGenerator<Example> {
  const skipBad = options.onBadRow === 'skip';

  // csv-parse counts a CRLF inside a quoted cell as two lines, so `info.lines` drifts after such a
  // cell. Lines are therefore tracked here: `drift` is the over-count seen so far, and the end
  // line of the last record (`lastEnd`) anchors where a failing record starts.
  let drift = 0;
  let lastEnd = 0;
  let lastEmptyLines = 0;
  // The header, once read; records come as arrays (not objects) so that duplicate column names
  // cannot hide cells, and used columns are looked up by index.
  let header: string[] | undefined;
  let columnOf = new Map<string, number>();
  // Rows csv-parse itself drops under skip_records_with_error. They are reported as the consumer
  // reaches them, because parsing runs ahead of consumption and `options.skipped` stays in order.
  const parserSkips: SkippedRow[] = [];
  // csv-parse reports every stray quote of a row, and then a wrong column count too; a row is
  // skipped (and counted) once. `flagged` is the row of the last stray quote.
  let lastSkipLine = 0;
  let flagged: { line: number; parserLine: unknown } | undefined;

  const parserOptions: Options<ParsedRecord, string[]> = {
    ...delimitedDialect(config.format),
    relax_column_count: false,
    skip_records_with_error: skipBad,
    on_skip: (err: CsvError | undefined) => {
      if (err === undefined) return undefined;
      if (header === undefined || !SKIPPABLE_CSV_ERRORS.has(err.code)) throw new DataError({ file: path, line: failingLine(err) }, describe(err, header));
      const line = skippedLine(err);
      if (line !== lastSkipLine) {
        lastSkipLine = line;
        parserSkips.push({ location: { file: path, line }, reason: describe(err, header) });
      }
      return undefined;
    },
    on_record: (cells: string[], info): ParsedRecord | undefined => {
      const { breaks, pairs } = recordBreaks(cells);
      lastEnd = info.lines - drift - pairs;
      drift += pairs;
      lastEmptyLines = info.empty_lines;
      const line = lastEnd - breaks;
      if (header === undefined) {
        columnOf = checkHeader(path, line, cells, config);
        header = cells;
        return undefined;
      }
      return { cells, line, skipsBefore: parserSkips.length };
    },
  };
  // Without `columns`, the typings of parse() insist that on_record returns string arrays.
  const parser = parse(parserOptions as unknown as Options);

  /** Where a record that failed before it ended starts: after the last one, past empty lines. */
  function failingLine(err: CsvError): number {
    const empty = typeof err.empty_lines === 'number' ? err.empty_lines - lastEmptyLines : 0;
    return lastEnd + 1 + empty;
  }

  /** The start line of a skipped record; moves `lastEnd` past it. */
  function skippedLine(err: CsvError): number {
    const record = (err as { record?: unknown }).record;
    if (Array.isArray(record) && typeof err.lines === 'number') {
      // Raised at the end of the record, whose cells tell how many lines it spans.
      const { breaks, pairs } = recordBreaks(record as string[]);
      lastEnd = err.lines - drift - pairs;
      drift += pairs;
      if (typeof err.empty_lines === 'number') lastEmptyLines = err.empty_lines;
      flagged = undefined;
      return lastEnd - breaks;
    }
    // Raised at a stray quote, within the record. csv-parse flags each stray quote of a row; the
    // ones on the line already flagged belong to the same row.
    if (flagged !== undefined && err.lines === flagged.parserLine) return flagged.line;
    const start = failingLine(err);
    // An unquoted field cannot span lines, so the record very likely ends on this line.
    if (typeof err.lines === 'number') lastEnd = Math.max(start, err.lines - drift);
    if (typeof err.empty_lines === 'number') lastEmptyLines = err.empty_lines;
    flagged = { line: start, parserLine: err.lines };
    return start;
  }

  const source = new Utf8Source(path, options.onProgress);
  const input = Readable.from(source, { objectMode: false });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);

  let reported = 0;
  const flushSkips = (upTo: number): void => {
    for (; reported < upTo; reported++) options.skipped.push(parserSkips[reported]);
  };
  // One accessor for all rows, reading the current row's cells.
  let current: string[] = [];
  const cell = (field: string): string | undefined => {
    const i = columnOf.get(field);
    return i === undefined ? undefined : current[i];
  };

  try {
    for await (const rec of parser as AsyncIterable<ParsedRecord>) {
      flushSkips(rec.skipsBefore);
      const { cells, line } = rec;
      current = cells;
      const nulField = fieldWithNul(cells, columnOf);
      if (nulField !== undefined) {
        badRow(options, { file: path, line, field: nulField }, NUL_REASON);
        continue;
      }
      const row = exampleFromCells(cell, config);
      if ('reason' in row) {
        badRow(options, { file: path, line, field: row.field }, explainReason(row.reason, path, source.encoding));
        continue;
      }
      yield { text: row.text, labels: row.labels, source: { file: path, line } };
    }
    flushSkips(parserSkips.length);
  } catch (err) {
    if (err instanceof CsvError) throw new DataError({ file: path, line: failingLine(err) }, describe(err, header));
    throw asDataError(path, err);
  } finally {
    input.destroy();
    parser.destroy();
  }
}

/**
 * Checks that every used column is in the header exactly once; returns the index of each.
 * Unused columns may repeat or be unnamed: they are never read.
 */
function checkHeader(file: string, line: number, names: string[], config: CsvReaderConfig): Map<string, number> {
  const columnOf = new Map<string, number>();
  const check = (fields: string[], recipeKey: string): void => {
    for (const f of fields) {
      const at: number[] = [];
      names.forEach((n, i) => n === f && at.push(i + 1));
      if (at.length === 0) {
        throw new DataError(
          { file, line, field: f },
          `column not found in the header; found ${listNames(names)}: set the recipe's data.${recipeKey} to one of these, or fix the header`,
        );
      }
      if (at.length > 1) {
        throw new DataError({ file, line, field: f }, `the column appears ${at.length} times in the header (columns ${at.join(', ')}): rename all but one`);
      }
      columnOf.set(f, at[0] - 1);
    }
  };
  check(config.textFields, 'text_field');
  check(config.labelFields ?? [], 'label_field');
  return columnOf;
}

/** The first used column whose cell holds a NUL character, which no real text contains. */
function fieldWithNul(cells: string[], columnOf: Map<string, number>): string | undefined {
  for (const [field, i] of columnOf) {
    if (cells[i].indexOf('\0') !== -1) return field;
  }
  return undefined;
}

/** Header names for a message; a binary or mis-delimited file can have huge or many "names". */
function listNames(names: string[]): string {
  const shown = names.slice(0, 20).map((n) => shortQuote(n));
  if (names.length > 20) shown.push(`… (${names.length} columns)`);
  return `[${shown.join(',')}]`;
}

/**
 * Line breaks inside a record's cells as this reader counts them (LF, CRLF and lone CR each one
 * line), and its CRLF pairs, which csv-parse counts twice.
 */
function recordBreaks(cells: string[]): { breaks: number; pairs: number } {
  let breaks = 0;
  let pairs = 0;
  for (let i = 0; i < cells.length; i++) {
    const n = lineBreaks(cells[i]);
    if (n === 0) continue;
    breaks += n;
    pairs += crlfPairs(cells[i]);
  }
  return { breaks, pairs };
}

function lineBreaks(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  for (let i = s.indexOf('\r'); i !== -1; i = s.indexOf('\r', i + 1)) {
    if (s.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

function crlfPairs(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\r\n'); i !== -1; i = s.indexOf('\r\n', i + 2)) n++;
  return n;
}

function describe(err: CsvError, header: string[] | undefined): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field that starts in this record is never closed, so the rest of the file was read into it: add the missing closing quote (a quote inside a quoted field is written twice: "")';
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const record = (err as { record?: unknown }).record;
      const found = Array.isArray(record) ? record.length : 'a different number';
      return `expected ${header?.length ?? 'as many'} columns as in the header, found ${found}: quote fields that contain the delimiter`;
    }
    case 'INVALID_OPENING_QUOTE': {
      const column = typeof err.column === 'number' && header !== undefined ? header[err.column] : err.column;
      return `a quote inside an unquoted field${column !== undefined ? ` (column ${shortQuote(String(column))})` : ''}; quote the whole field and double the quotes inside it`;
    }
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'characters after the closing quote of a quoted field; a quote inside a quoted field is written twice ("")';
    case 'CSV_MAX_RECORD_SIZE':
      return `a record longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB starts here, most likely at a quote that is never closed: add the closing quote (a quote inside a quoted field is written twice: "")`;
    default:
      return err.message.length > 300 ? err.message.slice(0, 300) + '…' : err.message;
  }
}

function badRow(options: ReadOptions, location: DataLocation, reason: string): void {
  if (options.onBadRow !== 'skip') throw new DataError(location, reason);
  options.skipped.push({ location, reason });
}
