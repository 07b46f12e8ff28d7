import { DataError } from '../../errors.js';
import { MAX_RECORD_BYTES } from './encoding.js';

/**
 * Splits UTF-8 chunks into lines the way `readline` does (at `\n`, `\r\n` or a lone `\r`, without
 * the break), but refuses a line longer than `maxBytes` with a DataError naming its line instead of
 * growing one string until memory or V8's string limit runs out.
 */
export async function* splitLines(chunks: AsyncIterable<Buffer>, file: string, maxBytes = MAX_RECORD_BYTES): AsyncGenerator<string> {
  let carry: Buffer[] = [];
  let carryLength = 0;
  // The previous chunk ended with `\r`: a `\n` at the start of this one belongs to that break.
  let skipLf = false;
  let lineNo = 0;
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    let start = 0;
    if (skipLf && chunk[0] === LF) start = 1;
    skipLf = false;
    // Positions of the next CR and LF, searched again only once passed, so each chunk is scanned
    // once even when it has no CR at all.
    let cr = chunk.indexOf(CR, start);
    let lf = chunk.indexOf(LF, start);
    for (;;) {
      if (cr !== -1 && cr < start) cr = chunk.indexOf(CR, start);
      if (lf !== -1 && lf < start) lf = chunk.indexOf(LF, start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      lineNo++;
      if (carryLength === 0) {
        yield chunk.toString('utf8', start, end);
      } else {
        if (carryLength + end - start > maxBytes) throw lineTooLong(file, lineNo, maxBytes);
        carry.push(chunk.subarray(start, end));
        yield Buffer.concat(carry).toString('utf8');
        carry = [];
        carryLength = 0;
      }
      start = end + 1;
      if (end === cr) {
        if (start < chunk.length) {
          if (chunk[start] === LF) start++;
        } else {
          skipLf = true;
        }
      }
    }
    if (start < chunk.length) {
      carry.push(chunk.subarray(start));
      carryLength += chunk.length - start;
      if (carryLength > maxBytes) throw lineTooLong(file, lineNo + 1, maxBytes);
    }
  }
  if (carryLength > 0) yield Buffer.concat(carry).toString('utf8');
}

const LF = 0x0a;
const CR = 0x0d;

/** The error for a line (or record) over the size limit. */
function lineTooLong(file: string, line: number, maxBytes: number): DataError {
  return new DataError(
    { file, line },
    `a line (or record) longer than ${Math.round(maxBytes / 1024 / 1024)} MiB: this is not a line-based text file of this format, or its line breaks are missing`,
  );
}
