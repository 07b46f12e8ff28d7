import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

/**
 * A temporary folder for a test file, removed when its tests end, and `write(rel, content)` that
 * creates a file at a relative path (parent folders included) and returns its full path.
 */
export function tempTree(prefix: string): { dir: string; write: (rel: string, content: string | Buffer) => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, content: string | Buffer): string => {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
    return p;
  };
  return { dir, write };
}
