import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { DataError } from '../../errors.js';
import { crc32 } from './crc32.js';

/** One file (or folder) listed in a ZIP archive's central directory. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated; folders end in `/`. */
  name: string;
  /** 0 = stored, 8 = deflate; anything else is refused when the entry is opened. */
  method: number;
  /** General-purpose flags (bit 0: encrypted, bit 3: data descriptor, bit 11: UTF-8 name). */
  flags: number;
  crc32: number;
  compressedSize: number;
  /** Uncompressed size. */
  size: number;
  /** Offset of the entry's local header in the archive file. */
  offset: number;
  isDirectory: boolean;
}

export interface EntryStreamOptions {
  /** Called for every chunk read from the archive (64 KiB at most). */
  onProgress?: (compressedBytesRead: number, compressedSize: number) => void;
}

/** A ZIP archive whose central directory has been read; entries are streamed from the file on demand. */
export interface ZipArchive {
  readonly path: string;
  readonly entries: readonly ZipEntry[];
  /** The entry with exactly this name, if any. */
  find(name: string): ZipEntry | undefined;
  /**
   * Streams the uncompressed bytes of an entry. Size and CRC-32 are checked at the end; any
   * problem (truncation, corruption, unsupported feature) is emitted as a DataError.
   */
  openEntryStream(entry: ZipEntry, options?: EntryStreamOptions): Readable;
  /** Reads a whole (small) entry into memory; entries over `maxBytes` are refused. */
  readEntry(entry: ZipEntry, maxBytes?: number): Promise<Buffer>;
}

const EOCD_SIG = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIG = 0x06064b50;
const ZIP64_EOCD_SIZE = 56;
const CENTRAL_SIG = 0x02014b50;
const CENTRAL_SIZE = 46;
const LOCAL_SIG = 0x04034b50;
const LOCAL_SIZE = 30;
const ZIP64_EXTRA_ID = 0x0001;
const MAX_COMMENT = 0xffff;

const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;
export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;

const DEFAULT_READ_LIMIT = 64 * 1024 * 1024;

const NOT_A_ZIP = 'truncated or not a zip archive: end-of-central-directory record not found';

/** Where the central directory is, from the (ZIP64) end-of-central-directory record. */
interface Directory {
  offset: number;
  size: number;
  count: number;
  zip64: boolean;
  /** Where the end-of-central-directory records start; entry data must lie before it. */
  end: number;
}

/** Reads the central directory of a ZIP archive. Any problem is a DataError naming the file. */
export async function openZip(path: string): Promise<ZipArchive> {
  const fh = await openFile(path);
  let entries: ZipEntry[];
  let dataEnd: number;
  try {
    const fileSize = (await fh.stat()).size;
    const dir = await readDirectoryLocation(fh, fileSize, path);
    const raw = await readExactly(fh, dir.offset, dir.size, path, 'central directory');
    entries = parseCentralDirectory(raw, dir, path);
    dataEnd = dir.offset;
  } finally {
    await fh.close();
  }
  const byName = new Map<string, ZipEntry>();
  for (const e of entries) if (!byName.has(e.name)) byName.set(e.name, e);

  return {
    path,
    entries,
    find: (name) => byName.get(name),
    openEntryStream: (entry, options = {}) =>
      Readable.from(entryChunks(path, entry, dataEnd, options), { objectMode: false }),
    readEntry: async (entry, maxBytes = DEFAULT_READ_LIMIT) => {
      if (entry.size > maxBytes) {
        throw new DataError({ file: path }, `entry ${entry.name} is too large to load (${entry.size} bytes, limit ${maxBytes})`);
      }
      const parts: Buffer[] = [];
      for await (const chunk of entryChunks(path, entry, dataEnd, {})) parts.push(chunk);
      return Buffer.concat(parts);
    },
  };
}

async function openFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (err) {
    throw ioError(path, err);
  }
}

/** Reads exactly `length` bytes at `position`; a short read means the archive is truncated. */
async function readExactly(fh: FileHandle, position: number, length: number, path: string, what: string): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await fh.read(buf, done, length - done, position + done));
    } catch (err) {
      throw ioError(path, err);
    }
    if (bytesRead === 0) throw new DataError({ file: path }, `truncated zip archive: the ${what} is cut off`);
    done += bytesRead;
  }
  return buf;
}

async function readDirectoryLocation(fh: FileHandle, fileSize: number, path: string): Promise<Directory> {
  if (fileSize < EOCD_SIZE) throw new DataError({ file: path }, NOT_A_ZIP);
  // The record is the last thing in the file, followed only by a comment of up to 64 KiB.
  const tailStart = Math.max(0, fileSize - EOCD_SIZE - MAX_COMMENT);
  const tail = await readExactly(fh, tailStart, fileSize - tailStart, path, 'end of the archive');
  const at = findEocd(tail);
  if (at < 0) throw new DataError({ file: path }, NOT_A_ZIP);

  const eocdPos = tailStart + at;
  if (tail.readUInt16LE(at + 4) !== 0 || tail.readUInt16LE(at + 6) !== 0) {
    throw new DataError({ file: path }, 'multi-part (split or spanned) zip archives are not supported');
  }
  let dir: Directory = {
    count: tail.readUInt16LE(at + 10),
    size: tail.readUInt32LE(at + 12),
    offset: tail.readUInt32LE(at + 16),
    zip64: false,
    end: eocdPos,
  };
  const saturated = dir.size === 0xffffffff || dir.offset === 0xffffffff;
  if (saturated || dir.count === 0xffff) {
    const zip64 = await readZip64Directory(fh, eocdPos, path);
    if (zip64 !== undefined) dir = zip64;
    else if (saturated) throw new DataError({ file: path }, 'corrupt zip archive: ZIP64 end-of-central-directory locator not found');
  }
  if (dir.offset + dir.size > dir.end) {
    throw new DataError({ file: path }, 'truncated or corrupt zip archive: the central directory lies beyond the end of the file');
  }
  return dir;
}

/**
 * Index of the end-of-central-directory record in the tail of the file, or -1. Searching from the
 * end, a signature whose comment length reaches exactly the end of the file wins; failing that,
 * the last signature whose comment fits (some tools append padding after the archive).
 */
function findEocd(tail: Buffer): number {
  let loose = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIG) continue;
    const end = i + EOCD_SIZE + tail.readUInt16LE(i + 20);
    if (end === tail.length) return i;
    if (end < tail.length && loose < 0) loose = i;
  }
  return loose;
}

/** The ZIP64 record the locator just before the classic record points to, or undefined if none. */
async function readZip64Directory(fh: FileHandle, eocdPos: number, path: string): Promise<Directory | undefined> {
  if (eocdPos < ZIP64_LOCATOR_SIZE) return undefined;
  const loc = await readExactly(fh, eocdPos - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE, path, 'ZIP64 locator');
  if (loc.readUInt32LE(0) !== ZIP64_LOCATOR_SIG) return undefined;
  const recordPos = readUInt64(loc, 8, path);
  if (recordPos + ZIP64_EOCD_SIZE > eocdPos - ZIP64_LOCATOR_SIZE) {
    throw new DataError({ file: path }, 'corrupt zip archive: the ZIP64 end-of-central-directory record is out of place');
  }
  const rec = await readExactly(fh, recordPos, ZIP64_EOCD_SIZE, path, 'ZIP64 end-of-central-directory record');
  if (rec.readUInt32LE(0) !== ZIP64_EOCD_SIG) {
    throw new DataError({ file: path }, 'corrupt zip archive: bad ZIP64 end-of-central-directory record');
  }
  if (rec.readUInt32LE(16) !== 0 || rec.readUInt32LE(20) !== 0) {
    throw new DataError({ file: path }, 'multi-part (split or spanned) zip archives are not supported');
  }
  return {
    count: readUInt64(rec, 32, path),
    size: readUInt64(rec, 40, path),
    offset: readUInt64(rec, 48, path),
    zip64: true,
    end: recordPos,
  };
}

function readUInt64(buf: Buffer, at: number, path: string): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DataError({ file: path }, 'corrupt zip archive: a ZIP64 size or offset is out of range');
  return Number(v);
}

function parseCentralDirectory(raw: Buffer, dir: Directory, path: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let p = 0;
  while (p < raw.length) {
    const corrupt = (what: string) => new DataError({ file: path }, `corrupt zip archive: ${what}`);
    const index = entries.length + 1;
    if (p + CENTRAL_SIZE > raw.length || raw.readUInt32LE(p) !== CENTRAL_SIG) throw corrupt(`bad central directory entry ${index}`);
    const nameLen = raw.readUInt16LE(p + 28);
    const extraLen = raw.readUInt16LE(p + 30);
    const commentLen = raw.readUInt16LE(p + 32);
    const next = p + CENTRAL_SIZE + nameLen + extraLen + commentLen;
    if (next > raw.length) throw corrupt(`central directory entry ${index} runs past the end of the directory`);

    const flags = raw.readUInt16LE(p + 8);
    const name = decodeName(raw.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLen), flags);
    const entry: ZipEntry = {
      name,
      method: raw.readUInt16LE(p + 10),
      flags,
      crc32: raw.readUInt32LE(p + 16),
      compressedSize: raw.readUInt32LE(p + 20),
      size: raw.readUInt32LE(p + 24),
      offset: raw.readUInt32LE(p + 42),
      isDirectory: name.endsWith('/'),
    };
    const extra = raw.subarray(p + CENTRAL_SIZE + nameLen, p + CENTRAL_SIZE + nameLen + extraLen);
    applyZip64Extra(entry, extra, path);
    if (entry.offset + LOCAL_SIZE + entry.compressedSize > dir.offset) throw corrupt(`the data of entry ${name} would overlap the central directory`);
    entries.push(entry);
    p = next;
  }
  // Without ZIP64 the 16-bit count wraps in archives of more than 65,535 entries, so only its low bits can be checked.
  const expected = dir.zip64 ? dir.count : dir.count & 0xffff;
  const found = dir.zip64 ? entries.length : entries.length & 0xffff;
  if (found !== expected) {
    throw new DataError({ file: path }, `corrupt zip archive: the central directory lists ${entries.length} entries, the end record says ${dir.count}`);
  }
  return entries;
}

/**
 * Fills in the 64-bit values of a ZIP64 extra field. Only the fields saturated at 0xFFFFFFFF in
 * the fixed header are present, in the order size, compressed size, offset.
 */
function applyZip64Extra(entry: ZipEntry, extra: Buffer, path: string): void {
  const wanted = (['size', 'compressedSize', 'offset'] as const).filter((k) => entry[k] === 0xffffffff);
  if (wanted.length === 0) return;
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    if (id === ZIP64_EXTRA_ID) {
      if (len < wanted.length * 8 || p + 4 + len > extra.length) break;
      wanted.forEach((k, i) => (entry[k] = readUInt64(extra, p + 4 + i * 8, path)));
      return;
    }
    p += 4 + len;
  }
  throw new DataError({ file: path }, `corrupt zip archive: entry ${entry.name} lacks its ZIP64 sizes`);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Entry names are UTF-8 when flag bit 11 is set, and in the creator's legacy code page otherwise.
 * Many tools write UTF-8 without setting the flag, so valid UTF-8 is taken as such; anything else
 * is read as Latin-1, which at least keeps ASCII names exact.
 */
function decodeName(bytes: Buffer, flags: number): string {
  if (flags & FLAG_UTF8) return bytes.toString('utf8');
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** Where an entry's data starts, after its local header (whose name and extra lengths may differ from the central ones). */
async function localDataStart(path: string, entry: ZipEntry): Promise<number> {
  const fh = await openFile(path);
  try {
    const head = await readExactly(fh, entry.offset, LOCAL_SIZE, path, `local header of entry ${entry.name}`);
    if (head.readUInt32LE(0) !== LOCAL_SIG) {
      throw new DataError({ file: path }, `corrupt zip archive: bad local header for entry ${entry.name}`);
    }
    return entry.offset + LOCAL_SIZE + head.readUInt16LE(26) + head.readUInt16LE(28);
  } finally {
    await fh.close();
  }
}

function checkSupported(path: string, entry: ZipEntry): void {
  if (entry.flags & FLAG_ENCRYPTED) throw new DataError({ file: path }, `entry ${entry.name}: encrypted entries are not supported`);
  if (entry.method !== METHOD_STORE && entry.method !== METHOD_DEFLATE) {
    throw new DataError(
      { file: path },
      `entry ${entry.name}: compression method ${entry.method} not supported (only stored and deflate); re-create the archive with standard compression`,
    );
  }
}

/**
 * The uncompressed bytes of an entry, read from the file as they are consumed. Output beyond the
 * declared size stops at once, so a lying header cannot make us inflate without bound.
 */
async function* entryChunks(path: string, entry: ZipEntry, dataEnd: number, options: EntryStreamOptions): AsyncGenerator<Buffer> {
  checkSupported(path, entry);
  const start = await localDataStart(path, entry);
  if (start + entry.compressedSize > dataEnd) {
    throw new DataError({ file: path }, `corrupt zip archive: the data of entry ${entry.name} would overlap the central directory`);
  }
  const { compressedSize } = entry;
  let produced = 0;
  let crc = 0;
  if (compressedSize > 0) {
    const raw = createReadStream(path, { start, end: start + compressedSize - 1 });
    const stored = entry.method === METHOD_STORE;
    let read = 0;
    const progress = (n: number): void => {
      read += n;
      options.onProgress?.(read, compressedSize);
    };
    let source: Readable = raw;
    if (!stored) {
      const inflate = zlib.createInflateRaw();
      // Errors of either stream surface in the loop below through the inflater.
      pipeline(raw, inflate, () => {});
      raw.on('data', (chunk: Buffer | string) => progress(chunk.length));
      source = inflate;
    }
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        if (stored) progress(chunk.length);
        produced += chunk.length;
        if (produced > entry.size) {
          throw new DataError({ file: path }, `entry ${entry.name} is larger than the ${entry.size} bytes its header declares: the archive is corrupt`);
        }
        crc = crc32(chunk, crc);
        yield chunk;
      }
    } catch (err) {
      throw entryError(path, entry, produced, err);
    } finally {
      raw.destroy();
      source.destroy();
    }
  }
  if (produced !== entry.size) throw truncated(path, entry, produced);
  if (crc !== entry.crc32) throw new DataError({ file: path }, `CRC mismatch in entry ${entry.name}: the archive is corrupt`);
}

function truncated(path: string, entry: ZipEntry, got: number): DataError {
  return new DataError({ file: path }, `entry ${entry.name} is truncated (expected ${entry.size} bytes, got ${got})`);
}

function entryError(path: string, entry: ZipEntry, produced: number, err: unknown): unknown {
  if (err instanceof DataError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  // zlib reports a deflate stream that stops early as Z_BUF_ERROR ("unexpected end of file").
  if (code === 'Z_BUF_ERROR') return truncated(path, entry, produced);
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new DataError({ file: path }, `entry ${entry.name} has corrupt compressed data (${(err as Error).message})`);
  }
  return ioError(path, err);
}

function ioError(path: string, err: unknown): unknown {
  if (err instanceof DataError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new DataError({ file: path }, 'file not found');
  if (code === 'EISDIR') return new DataError({ file: path }, 'expected a zip file, found a folder');
  if (code === 'EACCES' || code === 'EPERM') return new DataError({ file: path }, 'permission denied');
  if (typeof code === 'string') return new DataError({ file: path }, `cannot read: ${(err as Error).message}`);
  return err;
}
