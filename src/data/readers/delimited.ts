import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { DataError, type DataLocation } from '../../errors.js';
import type { CsvReaderConfig, Example, ReadOptions, SkippedRow } from '../types.js';
import { exampleFromCells } from './cells.js';

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
 * with newlines; the label comes from `labelFields`.
 */
export async function* readDelimited(
  path: string,
  config: CsvReaderConfig,
  options: ReadOptions,
): AsyncGenerator<Example> {
  const { textFields } = config;
  const labelFields = config.labelFields ?? [];
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
      for (const f of [...textFields, ...labelFields]) {
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

      const row = exampleFromCells((f) => cells[f], config);
      if ('reason' in row) {
        badRow(options, { file: path, line, field: row.field }, row.reason);
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
