import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes `data` to `file` so that readers see the old content or the whole new one, never a
 * part: the bytes go to a synced temporary sibling that is renamed over the target.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSynced(tmp, typeof data === 'string' ? Buffer.from(data) : data);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Writes `bytes` to `file` and syncs them to disk before returning. */
export function writeFileSynced(file: string, bytes: Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes a directory so that readers see the old one or the whole new one, never a part: `fill`
 * writes into a temporary sibling, which then takes the place of `target`. An existing `target` is
 * first passed to `beforeReplace` (which may refuse by throwing), then renamed aside and put back
 * if the swap fails. On any error the temporary directory is removed. Returns what `fill` returns.
 */
export function writeDirectoryAtomic<T>(target: string, fill: (tmp: string) => T, beforeReplace: (existing: string) => void = () => {}): T {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  fs.mkdirSync(tmp);
  try {
    const result = fill(tmp);
    if (!fs.existsSync(target)) {
      fs.renameSync(tmp, target);
      return result;
    }
    beforeReplace(target);
    const old = `${target}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
    fs.renameSync(target, old);
    try {
      fs.renameSync(tmp, target);
    } catch (e) {
      fs.renameSync(old, target);
      throw e;
    }
    fs.rmSync(old, { recursive: true, force: true });
    return result;
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
