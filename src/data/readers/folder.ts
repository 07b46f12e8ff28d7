import { readFile, type Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, type DataLocation } from '../../errors.js';
import type { Example, FolderReaderConfig, ReadOptions } from '../types.js';
import { decodeText } from './encoding.js';
import { ProgressThrottle } from './read-progress.js';

/** Files read at once: enough to hide disk latency, few enough not to exhaust file handles. */
const READ_WINDOW = 64;

type Loaded = { buf: Buffer; err?: undefined } | { buf?: undefined; err: NodeJS.ErrnoException };

/**
 * Reads the folder-per-label layout (`<path>/<label>/<name><extension>`, as in aclImdb/train).
 * Files directly in `path` (e.g. urls_pos.txt) are not examples and are ignored.
 */
export async function* readFolder(
  path: string,
  config: FolderReaderConfig,
  options: ReadOptions,
): AsyncGenerator<Example> {
  const available = await listFolderLabels(path);
  let labels = available;
  if (config.labels !== undefined) {
    for (const label of config.labels) {
      if (!available.includes(label)) {
        throw new DataError(
          { file: join(path, label) },
          `label folder not found; sub-folders present: ${available.join(', ') || 'none'}`,
        );
      }
    }
    labels = [...new Set(config.labels)].sort();
  }
  if (labels.length === 0) {
    throw new DataError({ file: path }, 'no label sub-folders: expected one sub-folder per label, e.g. pos/ and neg/');
  }

  const files: string[] = [];
  const fileLabels: string[] = [];
  for (const label of labels) {
    const dir = join(path, label);
    for (const name of await listFiles(dir, config.extension)) {
      files.push(join(dir, name));
      fileLabels.push(label);
    }
  }

  // Never rejects: a rejection sitting in the window while an earlier file is awaited would be
  // reported as unhandled. The callback readFile is used because it is about twice as fast as
  // the fs/promises one for many small files (Node 20).
  const load = (file: string): Promise<Loaded> =>
    new Promise((resolve) => readFile(file, (err, buf) => resolve(err ? { err } : { buf })));
  const progress = new ProgressThrottle(options.onProgress, files.length, 1);
  const window = new Array<Promise<Loaded>>(READ_WINDOW);
  let started = 0;
  for (let i = 0; i < files.length; i++) {
    for (; started < files.length && started < i + READ_WINDOW; started++) {
      window[started % READ_WINDOW] = load(files[started]);
    }
    const file = files[i];
    const loaded = await window[i % READ_WINDOW];
    if (loaded.err !== undefined) throw ioError(file, loaded.err, 'file');
    progress.update(i + 1);
    // Invalid UTF-8 is reported instead of silently becoming U+FFFD; a BOM is stripped.
    const decoded = decodeText(loaded.buf, file);
    if ('reason' in decoded) {
      badRow(options, { file }, decoded.reason);
      continue;
    }
    if (decoded.text.trim().length === 0) {
      badRow(options, { file }, 'empty file: delete it, or write the text into it');
      continue;
    }
    yield { text: decoded.text, labels: [fileLabels[i]], source: { file } };
  }
  progress.finish(files.length);
}

/** The label sub-folders of a folder-per-label dataset, sorted. */
export async function listFolderLabels(path: string): Promise<string[]> {
  const entries = await readDir(path);
  const labels: string[] = [];
  for (const e of entries) {
    // Hidden folders (.git, __MACOSX-style debris) are never labels.
    if (e.name.startsWith('.')) continue;
    if (await isKind(path, e, 'dir')) labels.push(e.name);
  }
  return labels.sort();
}

async function listFiles(dir: string, extension: string): Promise<string[]> {
  const entries = await readDir(dir);
  const names: string[] = [];
  for (const e of entries) {
    // Dot files such as macOS `._name.txt` resource forks share the extension but hold no text.
    if (e.name.startsWith('.') || !e.name.endsWith(extension)) continue;
    if (await isKind(dir, e, 'file')) names.push(e.name);
  }
  return names.sort(naturalCompare);
}

async function readDir(path: string): Promise<Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (err) {
    throw ioError(path, err as NodeJS.ErrnoException, 'folder');
  }
}

/** Follows symbolic links, which Dirent reports as neither file nor folder. */
async function isKind(parent: string, e: Dirent, kind: 'file' | 'dir'): Promise<boolean> {
  if (!e.isSymbolicLink()) return kind === 'dir' ? e.isDirectory() : e.isFile();
  try {
    const s = await stat(join(parent, e.name));
    return kind === 'dir' ? s.isDirectory() : s.isFile();
  } catch {
    return false; // a dangling link
  }
}

/**
 * Orders names as a person would: digit runs compare by numeric value, so `2_3.txt` comes before
 * `10_1.txt`. Digit runs are compared as strings (length, then digits) so that long ids cannot
 * overflow; names equal under this order (`01` / `1`) fall back to code-unit order.
 */
export function naturalCompare(a: string, b: string): number {
  const na = a.length;
  const nb = b.length;
  let i = 0;
  let j = 0;
  while (i < na && j < nb) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      while (i < na && a.charCodeAt(i) === 48) i++;
      while (j < nb && b.charCodeAt(j) === 48) j++;
      let ei = i;
      let ej = j;
      while (ei < na && isDigit(a.charCodeAt(ei))) ei++;
      while (ej < nb && isDigit(b.charCodeAt(ej))) ej++;
      if (ei - i !== ej - j) return ei - i - (ej - j);
      for (; i < ei; i++, j++) {
        const d = a.charCodeAt(i) - b.charCodeAt(j);
        if (d !== 0) return d;
      }
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  if (na - i !== nb - j) return na - i - (nb - j);
  return a < b ? -1 : a > b ? 1 : 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function badRow(options: ReadOptions, location: DataLocation, reason: string): void {
  if (options.onBadRow !== 'skip') throw new DataError(location, reason);
  options.skipped.push({ location, reason });
}

function ioError(file: string, err: NodeJS.ErrnoException, what: 'file' | 'folder'): Error {
  if (err.code === 'ENOENT') return new DataError({ file }, `${what} not found`);
  if (err.code === 'ENOTDIR') return new DataError({ file }, 'expected a folder, found a file');
  if (err.code === 'EISDIR') return new DataError({ file }, 'expected a file, found a folder');
  if (err.code === 'EACCES' || err.code === 'EPERM') return new DataError({ file }, 'permission denied');
  if (typeof err.code === 'string') return new DataError({ file }, `cannot read: ${err.message}`);
  return err;
}
