import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { DataError } from '../../errors.js';
import { PROGRESS_BYTES, ProgressThrottle, type ProgressCallback } from './read-progress.js';

/**
 * How the bytes of a text file become UTF-8 for the readers: encoding sniffing (byte-order marks,
 * UTF-16 without one, binary and compressed files) and transparent UTF-16 decoding. Readers parse
 * UTF-8 only; everything else is decoded or refused here.
 */

/** The encodings a file can be read in. */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

/** Why a file cannot be read as text. */
export type Unreadable =
  | { kind: 'gzip' | 'zip' | 'ole2' | 'utf-32' }
  | { kind: 'utf-16-no-bom'; endian: 'LE' | 'BE' }
  | { kind: 'binary'; suspicious: number; sampled: number };

/** A sniffed file: its encoding and the length of its byte-order mark, or why it is not text. */
export type Sniffed = { encoding: TextEncodingName; bomLength: number } | { unreadable: Unreadable };

/** How many leading bytes `sniffEncoding` looks at. */
export const SNIFF_BYTES = 8192;

/**
 * The longest line or record the readers accept. Far above any real text, yet it stops a binary
 * file without line breaks (or a quote that is never closed) from filling memory up to V8's
 * string limit and failing with a RangeError.
 */
export const MAX_RECORD_BYTES = 128 * 1024 * 1024;

/** The reason cells.ts and the readers give for text that decoded to U+FFFD. */
export const INVALID_UTF8 = 'invalid UTF-8';

/**
 * Looks at the first bytes of a file (`SNIFF_BYTES` are enough): a byte-order mark, the signature
 * of a compressed or binary format, or the NUL pattern of UTF-16 without a BOM.
 */
export function sniffEncoding(head: Uint8Array): Sniffed {
  const b = head;
  if (startsWith(b, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', bomLength: 3 };
  // UTF-32 before UTF-16: the UTF-32LE mark starts with the UTF-16LE one.
  if (startsWith(b, [0xff, 0xfe, 0, 0]) || startsWith(b, [0, 0, 0xfe, 0xff])) return { unreadable: { kind: 'utf-32' } };
  if (startsWith(b, [0xff, 0xfe])) return { encoding: 'utf-16le', bomLength: 2 };
  if (startsWith(b, [0xfe, 0xff])) return { encoding: 'utf-16be', bomLength: 2 };
  if (startsWith(b, [0x1f, 0x8b])) return { unreadable: { kind: 'gzip' } };
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06])) return { unreadable: { kind: 'zip' } };
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { unreadable: { kind: 'ole2' } };
  const unreadable = sniffNuls(b.subarray(0, SNIFF_BYTES));
  return unreadable === undefined ? { encoding: 'utf-8', bomLength: 0 } : { unreadable };
}

function startsWith(b: Uint8Array, sig: number[]): boolean {
  if (b.length < sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[i] !== sig[i]) return false;
  return true;
}

/**
 * UTF-16 without a BOM has a NUL in every other byte (for Latin-script text); a binary file has
 * NULs and other control bytes all over. Text has neither, so a handful of them is enough; a single
 * stray NUL is left to the row checks, which name its line.
 */
function sniffNuls(b: Uint8Array): Unreadable | undefined {
  let evenNul = 0;
  let oddNul = 0;
  let suspicious = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0) {
      if ((i & 1) === 0) evenNul++;
      else oddNul++;
      suspicious++;
    } else if (c < 0x20 && !isTextControl(c)) {
      suspicious++;
    }
  }
  const half = b.length / 2;
  if (b.length >= 4) {
    if (oddNul >= 0.3 * half && evenNul <= 0.05 * half) return { kind: 'utf-16-no-bom', endian: 'LE' };
    if (evenNul >= 0.3 * half && oddNul <= 0.05 * half) return { kind: 'utf-16-no-bom', endian: 'BE' };
  }
  if (suspicious >= 4 && suspicious >= 0.02 * b.length) return { kind: 'binary', suspicious, sampled: b.length };
  return undefined;
}

/** Tab, line feed, vertical tab, form feed, carriage return and escape (ANSI colours) occur in text. */
function isTextControl(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || c === 0x1b;
}

/** The one-line explanation of an unreadable file, with the command that fixes it. */
export function describeUnreadable(u: Unreadable, file: string): string {
  const f = shellQuote(file);
  const out = shellQuote(utf8Name(file));
  switch (u.kind) {
    case 'gzip':
      return `this is a gzip-compressed file, not text: decompress it first (gunzip -k ${f}) and read the result`;
    case 'zip':
      return 'this is a ZIP archive, not text (an .xlsx workbook is one too): for a workbook use format "xlsx" or save the sheet as "CSV UTF-8"; otherwise unzip it';
    case 'ole2':
      return 'this is a legacy Office file (.xls or .doc), not text: save it as "CSV UTF-8" or "Unicode text"';
    case 'utf-32':
      return `this file is UTF-32, which is not supported: convert it to UTF-8 with iconv -f UTF-32 -t UTF-8 ${f} > ${out}`;
    case 'utf-16-no-bom':
      return (
        `this file looks like UTF-16 (${u.endian === 'LE' ? 'little' : 'big'}-endian) without a byte-order mark; textclass reads UTF-8, ` +
        `or UTF-16 with one: convert it with iconv -f UTF-16${u.endian} -t UTF-8 ${f} > ${out}`
      );
    case 'binary':
      return (
        `this looks like a binary file, not text (${u.suspicious} NUL or control bytes in the first ${u.sampled} bytes): ` +
        `check the path; if it is UTF-16 text, convert it with iconv -f UTF-16 -t UTF-8 ${f} > ${out}; if it is compressed, decompress it`
      );
  }
}

/** The reason for a row whose text did not decode, with how to fix the file. */
export function invalidTextReason(file: string, encoding: TextEncodingName): string {
  if (encoding !== 'utf-8') {
    return `invalid ${encoding === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE'} (an unpaired surrogate): fix or remove the character, or save the file as UTF-8`;
  }
  return (
    `${INVALID_UTF8}: if the file is Windows-1252 or Latin-1 (e.g. saved by Excel as plain "CSV"), convert it with ` +
    `iconv -f WINDOWS-1252 -t UTF-8 ${shellQuote(file)} > ${shellQuote(utf8Name(file))}`
  );
}

/** Replaces the bare `invalid UTF-8` reason of the shared row checks by the explained one. */
export function explainReason(reason: string, file: string, encoding: TextEncodingName): string {
  return reason === INVALID_UTF8 ? invalidTextReason(file, encoding) : reason;
}

/** The reason for a text with a NUL character, which no real text contains. */
export const NUL_REASON = 'contains a NUL byte (\\0): the file is damaged or binary, or UTF-16 without a byte-order mark (convert it with iconv -f UTF-16 -t UTF-8)';

/** `data.csv` → `data.utf8.csv`: where the converted file of a hint goes. */
function utf8Name(file: string): string {
  const slash = file.lastIndexOf('/');
  const dot = file.lastIndexOf('.');
  return dot > slash + 1 ? `${file.slice(0, dot)}.utf8${file.slice(dot)}` : `${file}.utf8`;
}

/** Quotes a path for a shell command line when it needs it. */
function shellQuote(s: string): string {
  return /^[\w./+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Strict decoders for whole files, one per encoding: invalid bytes throw instead of becoming U+FFFD. */
const strictDecoders = new Map<TextEncodingName, TextDecoder>();

/**
 * Decodes a file read whole (the folder reader): its text, or why it cannot be used as a text.
 * UTF-16 with a byte-order mark is decoded like UTF-8; anything not text gets the hint that fixes it.
 */
export function decodeText(bytes: Uint8Array, file: string): { text: string } | { reason: string } {
  const sniffed = sniffEncoding(bytes);
  if ('unreadable' in sniffed) return { reason: describeUnreadable(sniffed.unreadable, file) };
  let decoder = strictDecoders.get(sniffed.encoding);
  if (decoder === undefined) {
    decoder = new TextDecoder(sniffed.encoding, { fatal: true, ignoreBOM: true });
    strictDecoders.set(sniffed.encoding, decoder);
  }
  let text: string;
  try {
    text = decoder.decode(bytes.subarray(sniffed.bomLength));
  } catch {
    return { reason: invalidTextReason(file, sniffed.encoding) };
  }
  if (text.includes('\0')) return { reason: NUL_REASON };
  return { text };
}

// ------------------------------------------------------------------------------------------------

/**
 * A text file (or stream) as UTF-8 chunks with any byte-order mark removed. UTF-16 input (with a
 * BOM) is decoded; input that is not text throws a DataError naming it, before any row is read.
 * Progress counts the bytes read from the file itself. `encoding` is known once the first chunk
 * is out.
 */
export class Utf8Source implements AsyncIterable<Buffer> {
  encoding: TextEncodingName = 'utf-8';

  /**
   * @param path the file, or with `stream` the name of the input in messages
   * @param stream read instead of the file (e.g. stdin); left open when the reader stops early
   */
  constructor(
    readonly path: string,
    private readonly onProgress?: ProgressCallback,
    private readonly stream?: NodeJS.ReadableStream,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const total = this.onProgress === undefined || this.stream !== undefined ? 0 : (await stat(this.path)).size;
    const progress = new ProgressThrottle(this.onProgress, total, PROGRESS_BYTES);
    const file = this.stream === undefined ? createReadStream(this.path) : undefined;
    // A stream such as stdin is sniffed as soon as a BOM can be seen, so that a slow producer is
    // not kept waiting for a full window; fs streams deliver 64 KiB at a time anyway.
    const sniffAt = file === undefined ? 4 : SNIFF_BYTES;
    let done = 0;
    let head: Buffer[] = [];
    let headLength = 0;
    let decoder: ChunkDecoder | undefined;
    try {
      for await (const raw of file ?? keepOpen(this.stream as NodeJS.ReadableStream)) {
        const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
        done += chunk.length;
        progress.update(done);
        if (decoder !== undefined) {
          const out = decoder.write(chunk);
          if (out.length > 0) yield out;
          continue;
        }
        head.push(chunk);
        headLength += chunk.length;
        if (headLength < sniffAt) continue;
        const bytes = Buffer.concat(head);
        head = [];
        decoder = this.start(bytes);
        const out = decoder.write(bytes.subarray(decoder.bomLength));
        if (out.length > 0) yield out;
      }
      if (decoder === undefined && headLength > 0) {
        // Input shorter than the sniffing window.
        const bytes = Buffer.concat(head);
        decoder = this.start(bytes);
        const out = decoder.write(bytes.subarray(decoder.bomLength));
        if (out.length > 0) yield out;
      }
      const rest = decoder?.end();
      if (rest !== undefined && rest.length > 0) yield rest;
      progress.finish(done);
    } finally {
      file?.destroy();
    }
  }

  /** Sniffs the head of the file: its decoder, or a DataError when the file is not text. */
  private start(headBytes: Buffer): ChunkDecoder {
    const sniffed = sniffEncoding(headBytes);
    if ('unreadable' in sniffed) throw new DataError({ file: this.path }, describeUnreadable(sniffed.unreadable, this.path));
    this.encoding = sniffed.encoding;
    return chunkDecoder(sniffed.encoding, sniffed.bomLength);
  }
}

/** Iterates a stream without destroying it when the loop ends early (`for await` would). */
function keepOpen(stream: NodeJS.ReadableStream): AsyncIterable<string | Buffer> {
  const iterator = (stream as Partial<Pick<Readable, 'iterator'>>).iterator;
  return typeof iterator === 'function' ? iterator.call(stream, { destroyOnReturn: false }) : stream;
}

/** Turns chunks of a file (after its BOM) into UTF-8 chunks. */
interface ChunkDecoder {
  readonly bomLength: number;
  write(chunk: Buffer): Buffer;
  end(): Buffer;
}

function chunkDecoder(encoding: TextEncodingName, bomLength: number): ChunkDecoder {
  if (encoding === 'utf-8') return { bomLength, write: (chunk) => chunk, end: () => Buffer.alloc(0) };
  // The BOM is cut off before decoding; a later U+FEFF is text. Unpaired surrogates become U+FFFD,
  // which the row checks report.
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  return {
    bomLength,
    write: (chunk) => Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'),
    end: () => Buffer.from(decoder.decode(), 'utf8'),
  };
}

/** A value for a message: JSON-quoted, cut to `max` characters so a huge cell cannot flood it. */
export function shortQuote(s: string, max = 40): string {
  return JSON.stringify(s.length > max ? s.slice(0, max) + '…' : s);
}
