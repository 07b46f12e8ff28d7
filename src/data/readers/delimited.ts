import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { DataError, type DataLocation } from '../../errors.js';
import type { CsvReaderConfig, Example, ReadOptions, SkippedRow } from '../types.js';

type Cells = Record<string, string>;

/** A record as it leaves the parser: cells plus what is known only while parsing. */
interface ParsedRecord {
  cells: Cells;
  /** 1-based line on which the record starts. */
  line: number;
  /** How many parser-skipped rows precede this record (see `parserSkips`). */
  skipsBefore: number;
}

/**
 * Reads a CSV (RFC 4180) or TSV file with a header row. The text is the `textFields` cells joined
 * with newlines; the label comes from `labelField`.
 */
export async function* readDelimited(
  path: string,
  config: CsvReaderConfig,
  options: ReadOptions,
): AsyncGenerator<Example> {
  const { textFields, labelField, labelSeparator, labelNames } = config;
  const textFieldName = textFields.join(', ');
  const skipBad = options.onBadRow === 'skip';

  // csv-parse counts a CRLF inside a quoted cell as two lines, so `info.lines` drifts after such a
  // cell. Lines are therefore tracked here: `drift` is the over-count seen so far, and the end
  // line of the last record (`lastEnd`) anchors where a failing record starts.
  let drift = 0;
  let lastEnd = 0;
  let lastEmptyLines = 0;
  let header: string[] = [];
  // Rows csv-parse itself drops under skip_records_with_error. They are reported as the consumer
  // reaches them, because parsing runs ahead of consumption and `options.skipped` stays in order.
  const parserSkips: SkippedRow[] = [];

  const parser = parse({
    delimiter: config.format === 'tsv' ? '\t' : ',',
    bom: true,
    columns: (names: string[]) => {
      header = names;
      for (const f of [...textFields, ...(labelField === undefined ? [] : [labelField])]) {
        if (!names.includes(f)) {
          throw new DataError(
            { file: path, line: parser.info.lines, field: f },
            `column not found in the header; found ${JSON.stringify(names)}`,
          );
        }
      }
      for (const name of names) drift += crlfPairs(name);
      lastEnd = parser.info.lines - drift;
      lastEmptyLines = parser.info.empty_lines;
      return names;
    },
    relax_column_count: false,
    // Bare quotes inside TSV cells are ordinary text (TSV has no quoting convention to violate).
    relax_quotes: config.format === 'tsv',
    skip_empty_lines: true,
    skip_records_with_error: skipBad,
    on_skip: (err: CsvError | undefined) => {
      if (err === undefined) return undefined;
      parserSkips.push({ location: { file: path, line: failingLine(err) }, reason: describe(err, header) });
      // The next failing record starts after this one; csv-parse's line is right unless a quoted
      // CRLF inside the dropped record went uncounted in `drift`.
      if (typeof err.lines === 'number') lastEnd = err.lines - drift;
      if (typeof err.empty_lines === 'number') lastEmptyLines = err.empty_lines;
      return undefined;
    },
    on_record: (cells: Cells, info): ParsedRecord => {
      let nl = 0;
      for (const k in cells) {
        const n = lineBreaks(cells[k]);
        if (n === 0) continue;
        nl += n;
        drift += crlfPairs(cells[k]);
      }
      lastEnd = info.lines - drift;
      lastEmptyLines = info.empty_lines;
      return { cells, line: lastEnd - nl, skipsBefore: parserSkips.length };
    },
  });

  function failingLine(err: CsvError): number {
    const empty = typeof err.empty_lines === 'number' ? err.empty_lines - lastEmptyLines : 0;
    return lastEnd + 1 + empty;
  }

  const input = createReadStream(path);
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);

  let reported = 0;
  const flushSkips = (upTo: number): void => {
    for (; reported < upTo; reported++) options.skipped.push(parserSkips[reported]);
  };

  try {
    for await (const rec of parser as AsyncIterable<ParsedRecord>) {
      flushSkips(rec.skipsBefore);
      const { cells, line } = rec;

      let text = '';
      let problem: { field: string; reason: string } | undefined;
      for (const f of textFields) {
        const v = cells[f];
        if (v.includes('\uFFFD')) {
          problem = { field: f, reason: 'invalid UTF-8' };
          break;
        }
        if (v.trim().length === 0) continue;
        text = text.length === 0 ? v : text + '\n' + v;
      }
      if (problem === undefined && text.length === 0) problem = { field: textFieldName, reason: 'empty text' };

      let labels: string[] = [];
      if (problem === undefined && labelField !== undefined) {
        const parsed = parseLabelCell(cells[labelField], labelSeparator, labelNames);
        if (typeof parsed === 'string') problem = { field: labelField, reason: parsed };
        else labels = parsed;
      }

      if (problem !== undefined) {
        badRow(options, { file: path, line, field: problem.field }, problem.reason);
        continue;
      }
      yield { text, labels, source: { file: path, line } };
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

/** Returns the labels of a cell, or a problem description. */
function parseLabelCell(cell: string, separator: string | undefined, labelNames: string[] | undefined): string[] | string {
  if (cell.includes('\uFFFD')) return 'invalid UTF-8';
  const labels: string[] = [];
  if (separator === undefined || separator === '') {
    const part = cell.trim();
    if (part.length > 0) {
      const name = labelName(part, labelNames);
      if (name === undefined) return unknownCode(part, labelNames as string[]);
      labels.push(name);
    }
  } else {
    for (const raw of cell.split(separator)) {
      const part = raw.trim();
      if (part.length === 0) continue;
      const name = labelName(part, labelNames);
      if (name === undefined) return unknownCode(part, labelNames as string[]);
      if (!labels.includes(name)) labels.push(name);
    }
  }
  return labels.length === 0 ? 'empty label' : labels;
}

function labelName(part: string, labelNames: string[] | undefined): string | undefined {
  if (labelNames === undefined) return part;
  const i = parseIndex(part);
  return i >= 0 && i < labelNames.length ? labelNames[i] : undefined;
}

function unknownCode(part: string, labelNames: string[]): string {
  return `label ${JSON.stringify(part)} is not an integer code between 0 and ${labelNames.length - 1} (labelNames has ${labelNames.length} entries)`;
}

/** Decimal digits as a number, or -1. Nine digits at most, so no overflow. */
function parseIndex(s: string): number {
  if (s.length === 0 || s.length > 9) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function lineBreaks(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function crlfPairs(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\r\n'); i !== -1; i = s.indexOf('\r\n', i + 2)) n++;
  return n;
}

function describe(err: CsvError, header: string[]): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field that starts in this record is never closed (missing closing quote)';
    case 'CSV_RECORD_INCONSISTENT_COLUMNS': {
      const found = Array.isArray((err as { record?: unknown }).record)
        ? ((err as { record?: unknown[] }).record as unknown[]).length
        : undefined;
      return `expected ${header.length} columns as in the header, found ${found ?? 'a different number'}`;
    }
    case 'INVALID_OPENING_QUOTE':
      return `a quote inside an unquoted field${typeof err.column === 'string' ? ` (column ${JSON.stringify(err.column)})` : ''}; quote the whole field and double the quotes inside it`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'characters after a closing quote; double quotes inside a quoted field ("")';
    default:
      return err.message;
  }
}

function badRow(options: ReadOptions, location: DataLocation, reason: string): void {
  if (options.onBadRow !== 'skip') throw new DataError(location, reason);
  options.skipped.push({ location, reason });
}

function asDataError(file: string, err: unknown): unknown {
  if (err instanceof DataError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new DataError({ file }, 'file not found');
  if (code === 'EISDIR') return new DataError({ file }, 'expected a file, found a folder');
  if (code === 'EACCES' || code === 'EPERM') return new DataError({ file }, 'permission denied');
  if (typeof code === 'string') return new DataError({ file }, `cannot read: ${(err as Error).message}`);
  return err;
}
