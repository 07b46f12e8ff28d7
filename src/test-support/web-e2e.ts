/**
 * What the browser end-to-end tests share: the real `textclass serve` on a free loopback port,
 * Debian's Chromium through playwright-core, and pages whose console errors, uncaught exceptions
 * and dialogs are collected. Every browser e2e test starts from these, so a fix to start-up, tear
 * down or what counts as a page problem lands in all of them.
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
  /** SIGTERM and wait for the exit (SIGKILL after 5 s, so a hung server cannot hang the suite). */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /**
   * The route that must answer 200 before the tests go on: `/healthz` once the server listens,
   * `/readyz` once it has also loaded a model (a test that trains models before starting wants this).
   */
  readyPath?: '/healthz' | '/readyz';
  /** Added to this process's environment for the server. */
  env?: NodeJS.ProcessEnv;
}

/** Starts `textclass serve --port <free> --no-starter --log-level warn <args>` and waits until it answers `readyPath`. */
export async function startServer(args: string[], options: StartServerOptions = {}): Promise<ServerProcess> {
  const readyPath = options.readyPath ?? '/healthz';
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--no-starter', '--log-level', 'warn', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`textclass serve exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${base}${readyPath}`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`textclass serve did not answer ${readyPath} within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { base, child, output: () => output, stop };
}

/** What went wrong on pages that a person would not see but must not happen. */
export interface PageProblems {
  /** console.error messages and uncaught exceptions. */
  consoleErrors: string[];
  /** Messages of alert/confirm/prompt dialogs (each dismissed): markup from users or models that ran as script shows up here. */
  dialogs: string[];
}

/** Opens `url` in a new page of `context`; the page's problems are recorded into `problems`. */
export async function openPage(context: BrowserContext, url: string, problems: PageProblems = { consoleErrors: [], dialogs: [] }, timeoutMs = 15_000): Promise<{ page: Page; problems: PageProblems }> {
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  page.on('console', (m) => {
    if (m.type() === 'error') problems.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => problems.consoleErrors.push(e.message));
  page.on('dialog', (d) => {
    problems.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

/** No console errors (but those matching `allowed`, e.g. a refused request the test provoked) and no dialogs. */
export function assertNoProblems(problems: PageProblems, allowed: RegExp | null = null): void {
  assert.deepEqual(problems.consoleErrors.filter((m) => !(allowed && allowed.test(m))), [], 'no console errors');
  assert.deepEqual(problems.dialogs, [], 'no injected script ran');
}

export interface BrowserOptions {
  viewport?: { width: number; height: number };
  /** The default timeout of each page's actions and waits, ms. */
  timeoutMs?: number;
  acceptDownloads?: boolean;
}

/** Chromium with one context; every page opened through it adds its problems to the session's. */
export interface BrowserSession extends PageProblems {
  browser: Browser;
  context: BrowserContext;
  /** A new page at `url`: in the session's context, or in a context of its own (no shared storage) with `freshContext`. */
  open(url: string, options?: { freshContext?: boolean }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(options: BrowserOptions = {}): Promise<BrowserSession> {
  const { viewport = { width: 1280, height: 900 }, timeoutMs = 15_000, acceptDownloads } = options;
  const { chromium: launcher } = await import('playwright-core');
  const browser = await launcher.launch({ executablePath: chromiumExecutable() ?? undefined, args: CHROMIUM_ARGS, timeout: 30_000 });
  const newContext = () => browser.newContext({ viewport, ...(acceptDownloads ? { acceptDownloads } : {}) });
  const context = await newContext();
  const session: BrowserSession = {
    browser,
    context,
    consoleErrors: [],
    dialogs: [],
    async open(url, { freshContext = false } = {}) {
      return (await openPage(freshContext ? await newContext() : context, url, session, timeoutMs)).page;
    },
    close: () => browser.close(),
  };
  return session;
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
