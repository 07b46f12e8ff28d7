/**
 * Test support: a real `textclass worker` child process (bin/textclass.js), its log lines, and a
 * way to wait for one. Used by the end-to-end tests of distributed sweeps and of the web UI's
 * progress view.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../test-support/starter-data.js';

export const BIN = path.join(REPO_ROOT, 'bin', 'textclass.js');

export interface WorkerProcess {
  child: ChildProcess;
  log: string[];
  /** `host:pid`, as the worker names itself in results and progress. */
  identity: string;
  /** Resolves with the first log line matching `pattern` (seen already or still to come). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM (the worker finishes its job) and wait for the exit. */
  stop(): Promise<void>;
}

export function startWorkerProcess(args: string[], env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, [BIN, 'worker', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const log: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let buffered = '';
  const onText = (text: string): void => {
    buffered += text;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      log.push(line);
      for (const w of waiters.splice(0)) {
        if (w.pattern.test(line)) w.resolve(line);
        else waiters.push(w);
      }
    }
  };
  child.stdout?.setEncoding('utf8').on('data', onText);
  child.stderr?.setEncoding('utf8').on('data', onText);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    log,
    get identity() {
      // The worker names itself with this machine's host name and its pid.
      return `${hostName()}:${child.pid}`;
    },
    waitFor(pattern, timeoutMs = 30_000) {
      const seen = log.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no worker line matching ${pattern} within ${timeoutMs} ms; log:\n${log.join('\n')}`)), timeoutMs);
        waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function hostName(): string {
  // Same source as the worker's own identity (run-activity.ts).
  return os.hostname();
}

