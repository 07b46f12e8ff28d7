import { DataError } from '../../errors.js';
import { Utf8Source } from './encoding.js';
import { splitLines } from './lines.js';
import { asDataError } from './io-error.js';

export interface PredictionInput {
  text: string;
  id?: string;
  /** 1-based line in the input. */
  line: number;
}

/**
 * Reads the input of `textclass predict`: one text per line, except that a line whose first
 * non-blank character is `{` is a JSON object with a string `text` and an optional `id`, so texts
 * with newlines or caller ids can be mixed in. Blank lines are skipped. UTF-16 input with a
 * byte-order mark (Windows "Unicode" text) is decoded.
 *
 * @param source a file path, or a stream such as stdin (left open when done)
 * @param name how the input is named in error messages (the path, or e.g. `<stdin>`)
 */
export async function* readPredictionInput(
  source: string | NodeJS.ReadableStream,
  name: string,
): AsyncGenerator<PredictionInput> {
  const input = typeof source === 'string' ? new Utf8Source(source) : new Utf8Source(name, undefined, source);
  let lineNo = 0;
  try {
    for await (const line of splitLines(input, name)) {
      lineNo++;
      let first = 0;
      while (first < line.length && isBlank(line.charCodeAt(first))) first++;
      if (first === line.length) continue;
      if (line.charCodeAt(first) !== 123 /* { */) {
        yield { text: line, line: lineNo };
        continue;
      }
      yield parseJsonLine(line, name, lineNo);
    }
  } catch (err) {
    throw asDataError(name, err);
  }
}

function parseJsonLine(line: string, name: string, lineNo: number): PredictionInput {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch (err) {
    throw new DataError(
      { file: name, line: lineNo },
      `invalid JSON: ${(err as Error).message} (a line starting with "{" is read as a JSON object with a "text" key)`,
    );
  }
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new DataError({ file: name, line: lineNo }, 'expected a JSON object with a "text" key');
  }
  const { text, id } = row as Record<string, unknown>;
  if (typeof text !== 'string') {
    throw new DataError(
      { file: name, line: lineNo, field: 'text' },
      text === undefined ? 'missing key' : 'expected a string',
    );
  }
  if (text.trim().length === 0) throw new DataError({ file: name, line: lineNo, field: 'text' }, 'empty text');
  if (id === undefined || id === null) return { text, line: lineNo };
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw new DataError({ file: name, line: lineNo, field: 'id' }, 'expected a string or number');
  }
  return { text, id: String(id), line: lineNo };
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 0xa0 || c === 0x3000 || c === 0xfeff;
}
