/**
 * Cuts a stream of input rows into chunks, the unit of distributed work: consecutive rows, at most
 * `maxRows` of them and about `maxBytes` of text (a chunk travels inside one job, so its size is
 * bounded in bytes as well as rows). Deterministic: the same input and limits give the same chunks
 * with the same indices, which is what lets a restarted coordinator find its chunks again.
 */
import type { InputRow } from '../predict/input-rows.js';

export interface ChunkLimits {
  /** Rows per chunk at most (default 5,000). */
  maxRows: number;
  /** UTF-8 bytes of text per chunk, roughly at most: a chunk closes once it reaches this (default 8 MiB). */
  maxBytes: number;
}

export const DEFAULT_CHUNK_LIMITS: ChunkLimits = { maxRows: 5000, maxBytes: 8 * 1024 * 1024 };

export interface Chunk {
  /** 0-based position among the chunks of the input. */
  index: number;
  /** The 1-based input row number of the first text; the others follow consecutively. */
  firstRow: number;
  texts: string[];
  /** The caller's ids, parallel to `texts`, when the input has them (null where a row has none). */
  ids?: (string | null)[];
  /** UTF-8 bytes of the texts. */
  bytes: number;
}

export function checkChunkLimits(limits: ChunkLimits): void {
  if (!Number.isInteger(limits.maxRows) || limits.maxRows < 1) throw new RangeError(`chunk maxRows must be a positive integer, got ${limits.maxRows}`);
  if (!Number.isFinite(limits.maxBytes) || limits.maxBytes < 1) throw new RangeError(`chunk maxBytes must be positive, got ${limits.maxBytes}`);
}

/** Streams the chunks of `rows` in order; holds one chunk in memory at a time. */
export async function* planChunks(rows: AsyncIterable<InputRow> | Iterable<InputRow>, limits: ChunkLimits = DEFAULT_CHUNK_LIMITS): AsyncGenerator<Chunk> {
  checkChunkLimits(limits);
  let index = 0;
  let current: Chunk | null = null;
  let expectedRow = 0;
  for await (const row of rows) {
    if (expectedRow !== 0 && row.row !== expectedRow) throw new RangeError(`input rows must be consecutive: row ${row.row} follows ${expectedRow - 1}`);
    if (current === null) current = { index, firstRow: row.row, texts: [], bytes: 0 };
    if (row.id !== undefined && current.ids === undefined) current.ids = current.texts.map(() => null);
    current.texts.push(row.text);
    current.ids?.push(row.id ?? null);
    current.bytes += Buffer.byteLength(row.text, 'utf8');
    expectedRow = row.row + 1;
    if (current.texts.length >= limits.maxRows || current.bytes >= limits.maxBytes) {
      yield current;
      current = null;
      index++;
    }
  }
  if (current !== null) yield current;
}

/** The rows a chunk covers, as [first, last] 1-based row numbers. */
export function chunkRowRange(chunk: Pick<Chunk, 'firstRow' | 'texts'>): [number, number] {
  return [chunk.firstRow, chunk.firstRow + chunk.texts.length - 1];
}
