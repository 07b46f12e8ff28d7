import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder this code runs from (dist/track/ → the package root), where its .git lives in a checkout. */
const CODE_DIR = path.dirname(fileURLToPath(import.meta.url));

/**
 * The commit of the code that is running, read from .git directly (HEAD → ref → loose or packed
 * ref; worktrees' `gitdir:` files followed), else `git rev-parse HEAD`, else "unknown" (an
 * installed package has no .git). Reading files first avoids a child process per run and works
 * where git is not installed.
 */
export function gitCommit(from = CODE_DIR): string {
  const gitDir = findGitDir(from);
  if (gitDir) {
    const commit = readHead(gitDir);
    if (commit) return commit;
  }
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: from, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    if (/^[0-9a-f]{40,64}$/.test(out)) return out;
  } catch {
    // No git, or not a repository: fall through.
  }
  return 'unknown';
}

function findGitDir(from: string): string | null {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.git');
    try {
      const st = fs.statSync(candidate);
      if (st.isDirectory()) return candidate;
      if (st.isFile()) {
        const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(candidate, 'utf8'));
        if (m) return path.resolve(dir, m[1].trim());
      }
    } catch {
      // Not here; look further up.
    }
    if (path.dirname(dir) === dir) return null;
  }
}

function readHead(gitDir: string): string | null {
  let head: string;
  try {
    head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
  } catch {
    return null;
  }
  if (/^[0-9a-f]{40,64}$/.test(head)) return head;
  const m = /^ref:\s*(.+)$/.exec(head);
  if (!m) return null;
  const ref = m[1].trim();
  // A worktree keeps HEAD in its own folder and refs in the main repository's (commondir).
  const dirs = [gitDir];
  try {
    dirs.push(path.resolve(gitDir, fs.readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim()));
  } catch {
    // Not a worktree.
  }
  for (const dir of dirs) {
    try {
      const loose = fs.readFileSync(path.join(dir, ref), 'utf8').trim();
      if (/^[0-9a-f]{40,64}$/.test(loose)) return loose;
    } catch {
      // Packed, perhaps.
    }
    try {
      for (const line of fs.readFileSync(path.join(dir, 'packed-refs'), 'utf8').split('\n')) {
        const [sha, name] = line.trim().split(' ');
        if (name === ref && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
      }
    } catch {
      // No packed refs.
    }
  }
  return null;
}
