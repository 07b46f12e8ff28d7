import fs from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { DataError } from '../errors.js';
import { Utf8Source } from '../data/readers/encoding.js';
import { readPredictionInput } from '../data/readers/prediction-input.js';
import { delimitedDialect } from '../data/readers/delimited.js';

/** One text to score, with its 1-based position among the input's texts. */
export interface InputRow {
  /** 1-based index among the texts (blank lines and the CSV header do not count). */
  row: number;
  text: string;
  id?: string;
  /** 1-based line in the file where the row starts, for error messages. */
  line: number;
}

export interface InputOptions {
  /** csv / tsv: the column with the text (default `text`). */
  textField?: string;
  /** csv / tsv: an optional column with the caller's id. */
  idField?: string;
}

/** What kind of input a path is, from its extension: delimited with a header, or lines / JSON lines. */
export function inputKind(file: string): 'csv' | 'tsv' | 'lines' {
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.tsv$/i.test(file)) return 'tsv';
  return 'lines';
}

/**
 * Streams the texts of a prediction input file in order, with constant memory: CSV/TSV with a
 * header row (the `textField` column, optional `idField`), or one text per line / JSON lines
 * (see readPredictionInput).
 */
export async function* readInputRows(file: string, options: InputOptions = {}): AsyncGenerator<InputRow> {
  if (!fs.existsSync(file)) throw new DataError({ file }, 'file not found');
  const kind = inputKind(file);
  let row = 0;
  if (kind === 'lines') {
    for await (const item of readPredictionInput(file, file)) yield { row: ++row, text: item.text, ...(item.id !== undefined ? { id: item.id } : {}), line: item.line };
    return;
  }
  const textField = options.textField ?? 'text';
  const parser = parse({ ...delimitedDialect(kind), info: true });
  // The source decodes UTF-16 and drops a byte-order mark before the parser sees the bytes.
  const input = Readable.from(new Utf8Source(file), { objectMode: false });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let textColumn = -1;
  let idColumn = -1;
  try {
    for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const cells = record.record;
      const line = record.info.lines;
      if (textColumn < 0) {
        textColumn = cells.indexOf(textField);
        if (textColumn < 0) throw new DataError({ file, line, field: textField }, `no "${textField}" column in the header (columns: ${cells.join(', ')}); name the text column with --text-field`);
        if (options.idField !== undefined) {
          idColumn = cells.indexOf(options.idField);
          if (idColumn < 0) throw new DataError({ file, line, field: options.idField }, `no "${options.idField}" column in the header (columns: ${cells.join(', ')})`);
        }
        continue;
      }
      if (textColumn >= cells.length) throw new DataError({ file, line, field: textField }, `row has ${cells.length} cells, the header ${textColumn + 1} or more`);
      yield { row: ++row, text: cells[textColumn], ...(idColumn >= 0 ? { id: cells[idColumn] } : {}), line };
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    const err = e as Error & { lines?: number; code?: string };
    throw new DataError({ file, ...(typeof err.lines === 'number' ? { line: err.lines } : {}) }, err.code ? `${err.code}: ${err.message}` : err.message);
  }
}
