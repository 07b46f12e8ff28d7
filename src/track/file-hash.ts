import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A remembered hash: valid while the file keeps its size and modification time. */
export interface HashCache {
  lookup(file: string, size: number, mtimeMs: number): string | null;
  store(file: string, size: number, mtimeMs: number, sha256: string): void;
}

export interface DataFileHash {
  path: string;
  /** Hex sha256 of the file's bytes; for a folder, of its files' relative paths and hashes in sorted order. */
  sha256: string;
  bytes: number;
  files: number;
}

/** sha256 of a file, streamed (constant memory on multi-gigabyte files). */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function cachedFileHash(file: string, cache: HashCache | null): Promise<{ sha256: string; bytes: number }> {
  const st = fs.statSync(file);
  const hit = cache?.lookup(file, st.size, st.mtimeMs);
  if (hit) return { sha256: hit, bytes: st.size };
  const sha256 = await sha256OfFile(file);
  cache?.store(file, st.size, st.mtimeMs, sha256);
  return { sha256, bytes: st.size };
}

/**
 * The hash of a data path as the readers take it: a file, or a folder (folder-per-label data)
 * hashed over every file below it, so renaming a file between labels changes the hash too.
 */
export async function hashDataPath(p: string, cache: HashCache | null = null): Promise<DataFileHash> {
  const full = path.resolve(p);
  const st = fs.statSync(full);
  if (!st.isDirectory()) {
    const h = await cachedFileHash(full, cache);
    return { path: full, sha256: h.sha256, bytes: h.bytes, files: 1 };
  }
  const files = (fs.readdirSync(full, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name))
    .sort();
  const listing = createHash('sha256');
  let bytes = 0;
  for (const f of files) {
    const h = await cachedFileHash(f, cache);
    bytes += h.bytes;
    listing.update(`${path.relative(full, f).split(path.sep).join('/')}\0${h.sha256}\n`);
  }
  return { path: full, sha256: listing.digest('hex'), bytes, files: files.length };
}
