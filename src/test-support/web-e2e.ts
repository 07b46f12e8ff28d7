/**
 * What the browser end-to-end tests share: the real `textclass serve` on a free loopback port,
 * Debian's Chromium through playwright-core, and pages that collect console errors.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumExecutable } from '../report/check-in-chromium.js';
import { REPO_ROOT } from './starter-data.js';

export const CLI = path.join(REPO_ROOT, 'bin', 'textclass.js');

/** The `skip` option of a browser suite: skipped without Chromium, except in CI where that is a failure. */
export function browserSkip(): string | false {
  return chromiumExecutable() === null && !process.env.CI ? 'Chromium not installed (/usr/bin/chromium or TEXTCLASS_CHROMIUM)' : false;
}

/** Runs the CLI to completion and returns its standard output; a non-zero exit fails the test with its output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, TEXTCLASS_DATA_DIR: '', TEXTCLASS_RUNS_DB: '', ...env } });
  assert.equal(r.status, 0, `textclass ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  base: string;
  child: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `textclass serve --port <free> <args>` and waits until /healthz answers. */
export async function startServer(args: string[]): Promise<ServerProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--no-starter', '--log-level', 'warn', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`textclass serve exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${base}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`textclass serve was not up within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { base, child, output: () => output, stop };
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  /** Console errors and uncaught exceptions of every page opened with `open`. */
  consoleErrors: string[];
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(viewport = { width: 1280, height: 900 }): Promise<BrowserSession> {
  const { chromium: launcher } = await import('playwright-core');
  const browser = await launcher.launch({ executablePath: chromiumExecutable() ?? undefined, args: CHROMIUM_ARGS, timeout: 30_000 });
  const context = await browser.newContext({ viewport });
  const consoleErrors: string[] = [];
  return {
    browser,
    context,
    consoleErrors,
    async open(url) {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      await page.goto(url, { waitUntil: 'load' });
      return page;
    },
    close: () => browser.close(),
  };
}

/** Polls `probe` until it returns a value, failing with `what` after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Makes the page's tab read as hidden or shown, as a browser does when the reader switches tabs. */
export function setHidden(page: Page, hidden: boolean): Promise<void> {
  return page.evaluate((h) => {
    const d = (globalThis as unknown as { document: object & { dispatchEvent(e: unknown): void } }).document;
    Object.defineProperty(d, 'hidden', { value: h, configurable: true });
    d.dispatchEvent(new (globalThis as unknown as { Event: new (t: string) => unknown }).Event('visibilitychange'));
  }, hidden);
}
