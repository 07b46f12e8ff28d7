/**
 * Watching runs while they run, end to end: a real `textclass train` (finished) and real
 * `textclass tune` runs record into a temp runs database; the real `textclass serve --runs-db`
 * serves it and Debian's Chromium, driven by playwright-core, shows the Runs list and a run's page.
 *
 * To see a run running without racing it, the tune process is frozen with SIGSTOP as soon as the
 * API lists it as running (a stopped process is alive, so it stays `running`). Checked, with the
 * run frozen: the list shows it running and says it refreshes, a refresh with the same answer
 * touches no row, and the run page shows it running. Then the list tab is hidden and the run is
 * thawed: the run page turns to `ok` by itself (no reload) with the final metrics and artifacts and
 * says "Run N (tune starter) finished: ok."; the hidden list asks nothing meanwhile and, shown
 * again, catches up at once: the row turns `ok` with its headline metric, in place (the finished
 * train row and the focused link are the same nodes), and the status line announces the end. Both
 * stop asking. Second case: a frozen run killed with SIGKILL turns `failed` on both pages, the run
 * page showing why ("ended without finishing"). No console errors anywhere.
 *
 * Skipped when Chromium is not installed, except in CI (set TEXTCLASS_CHROMIUM to use another
 * binary), and on Windows (no SIGSTOP).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../test-support/starter-data.js';
import { browserSkip, CLI, launchBrowser, runCli, setHidden, startServer, until, type BrowserSession, type ServerProcess } from '../test-support/web-e2e.js';

const skip = process.platform === 'win32' ? 'SIGSTOP is POSIX only' : browserSkip();

/** A small random sweep without pruning or baseline: about a second of work once thawed. */
const TUNE = '{metric: macro_f1, trials: 12, strategy: random, seed: 5, space: {model.C: {log_range: [0.01, 30]}, features.ngram_range: {choice: [[1, 1], [1, 2]]}}}';

interface RunAnswer {
  id: number;
  command: string;
  recipe: string | null;
  status: string;
  headline_metrics: Record<string, number>;
}
interface RunDetailAnswer extends RunAnswer {
  metrics: Record<string, number>;
  artifacts: Record<string, string>;
  error: string | null;
}

// Browser globals for the callbacks playwright runs inside the page (the Node build has no DOM types).
declare const document: { activeElement: { getAttribute(n: string): string | null } | null; visibilityState: string };


/**
 * Marks the element `selector` finds with a property (an attribute would make it differ from a
 * fresh copy): still marked later means the node was not replaced.
 */
function mark(page: Page, selector: string): Promise<void> {
  return page.locator(selector).first().evaluate((n) => {
    (n as unknown as { kept: boolean }).kept = true;
  });
}

/** Whether the element `selector` finds is the one `mark` marked. */
function kept(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).first().evaluate((n) => (n as unknown as { kept?: boolean }).kept === true);
}


describe('running runs in the Runs list and on their page, live', { skip, timeout: 300_000 }, () => {
  let work: string;
  let runsDb: string;
  let server: ServerProcess;
  let session: BrowserSession;
  let trainId: number;
  const children: ChildProcess[] = [];

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-runs-live-'));
    runsDb = path.join(work, 'runs.sqlite');
    runCli(['train', 'recipes/starter.yaml', '--data-dir', 'data', '--out', path.join(work, 'model'), '--runs-db', runsDb, '--quiet']);
    const models = path.join(work, 'models');
    fs.mkdirSync(models);
    // No rate limit: the test itself asks the API many times a second while it waits for a run.
    server = await startServer(['--models', models, '--db', path.join(work, 'db.sqlite'), '--runs-db', runsDb, '--rate-limit', '0']);
    session = await launchBrowser();
    trainId = (await api<{ runs: RunAnswer[] }>('/v1/runs')).runs[0]!.id;
  });

  after(async () => {
    for (const child of children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    }
    await session?.close();
    await server?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  async function api<T>(url: string): Promise<T> {
    const res = await fetch(`${server.base}${url}`);
    assert.equal(res.status, 200, `GET ${url}`);
    return (await res.json()) as T;
  }

  /** Starts a tune run and freezes it (SIGSTOP) as soon as the API lists it as running. */
  async function startFrozenTune(name: string): Promise<{ child: ChildProcess; runId: number; exited: Promise<{ code: number | null; signal: string | null }>; output: () => string }> {
    let output = '';
    const known = new Set((await api<{ runs: RunAnswer[] }>('/v1/runs')).runs.map((r) => r.id));
    const child = spawn(process.execPath, [CLI, 'tune', 'recipes/starter.yaml', '--data-dir', 'data', '--out', path.join(work, `${name}.yaml`), '--runs-db', runsDb, '--no-baseline', '--no-pruning', '--set', `tune=${TUNE}`], {
      cwd: REPO_ROOT,
      env: { ...process.env, TEXTCLASS_DATA_DIR: '', TEXTCLASS_RUNS_DB: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const runId = await until(`the ${name} tune run in the runs database`, async () => {
      if (child.exitCode !== null) throw new Error(`textclass tune ended early:\n${output}`);
      const { runs } = await api<{ runs: RunAnswer[] }>('/v1/runs?command=tune');
      return runs.find((r) => !known.has(r.id) && r.status === 'running')?.id;
    });
    child.kill('SIGSTOP');
    const frozen = await api<RunDetailAnswer>(`/v1/runs/${runId}`);
    assert.equal(frozen.status, 'running', `the run was caught while running:\n${output}`);
    return { child, runId, exited, output: () => output };
  }

  /** Opens the page at `hash`, counting its requests to `path` (exactly). */
  async function openCounting(hash: string, apiPath: string): Promise<{ page: Page; requests: () => number }> {
    const page = await session.open(`${server.base}/${hash}`);
    let count = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === apiPath) count++;
    });
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    return { page, requests: () => count };
  }

  const notReloaded = (page: Page) => page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded === true);
  const textOf = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();

  test('the list and the run page show a running run, then its end without a reload', async () => {
    const tune = await startFrozenTune('best');
    const { runId } = tune;
    const row = `table.runs-table tr[data-run="${runId}"]`;
    const trainRow = `table.runs-table tr[data-run="${trainId}"]`;

    // The list: the run is running, the finished train run is ok, and the list says it refreshes.
    const list = await openCounting('#runs', '/v1/runs');
    await list.page.waitForSelector(row);
    assert.equal(await textOf(list.page, `${row} .run-status`), 'running');
    assert.equal(await textOf(list.page, `${trainRow} .run-status`), 'ok');
    const listLine = list.page.locator('#runs .runs-live');
    assert.equal(await listLine.getAttribute('role'), 'status');
    assert.equal(await listLine.getAttribute('aria-live'), 'polite');
    assert.equal(await textOf(list.page, '#runs .runs-live'), '1 run running; this list refreshes every 3 s.');

    // A refresh with the same answer touches no row; the focused link keeps the focus.
    await mark(list.page, trainRow);
    await mark(list.page, `${trainRow} .run-status`);
    await mark(list.page, row);
    await mark(list.page, `${row} .run-status`);
    await list.page.focus(`${row} a[href="#runs/${runId}"]`);
    const asked = list.requests();
    await until('the list to ask again', async () => (list.requests() >= asked + 1 ? true : null), 30_000);
    await until('the list to ask once more', async () => (list.requests() >= asked + 2 ? true : null), 30_000);
    assert.equal(await kept(list.page, `${row} .run-status`), true, 'an unchanged row is not redrawn');

    // The run page: running, refreshing.
    const runPage = await openCounting(`#runs/${runId}`, `/v1/runs/${runId}`);
    await runPage.page.waitForSelector('#runs .runs-heading .run-status');
    assert.equal(await textOf(runPage.page, '#runs .runs-heading .run-status'), 'running');
    assert.equal(await textOf(runPage.page, '#runs .runs-live'), 'Running — this page refreshes every 3 s.');
    assert.equal(await runPage.page.getAttribute('#runs .runs-live', 'aria-live'), 'polite');
    assert.equal(await runPage.page.locator('#runs [data-part="error"]').count(), 0);
    await mark(runPage.page, '#runs .runs-heading');
    await runPage.page.click('#runs [data-part="command"] summary');
    assert.equal(await runPage.page.evaluate(() => document.visibilityState), 'visible', 'the run page is a shown tab');

    // Hide the list's tab, thaw the run and let it finish.
    await setHidden(list.page, true);
    const listAtHide = list.requests();
    tune.child.kill('SIGCONT');
    const end = await tune.exited;
    assert.equal(end.code, 0, `textclass tune failed:\n${tune.output()}`);
    const final = await api<RunDetailAnswer>(`/v1/runs/${runId}`);
    assert.equal(final.status, 'ok');
    assert.ok(typeof final.metrics.best_macro_f1 === 'number', 'the sweep recorded its best');

    // The run page turns to the final state by itself.
    await runPage.page.waitForFunction(
      () => ((globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('#runs .runs-heading .run-status')?.textContent ?? '') === 'ok',
      undefined,
      { timeout: 60_000 },
    );
    assert.equal(await textOf(runPage.page, '#runs .runs-live'), `Run ${runId} (tune starter) finished: ok.`);
    assert.equal(await runPage.page.locator('#runs [data-part="metrics"] tbody tr').count(), Object.keys(final.metrics).length, 'one row per final metric');
    assert.match(await textOf(runPage.page, '#runs [data-part="metrics"]'), new RegExp(`best macro F1${final.metrics.best_macro_f1!.toFixed(4)}`));
    assert.equal(final.artifacts.best_recipe, 'best.yaml');
    assert.match(await textOf(runPage.page, '#runs [data-part="artifacts"]'), /best\.yaml/, 'the artifact written at the end');
    assert.match(await textOf(runPage.page, '#runs a.sweep-link'), /^Open the sweep/);
    assert.equal(await kept(runPage.page, '#runs .runs-heading'), true, 'the heading is updated in place');
    assert.equal(await runPage.page.getAttribute('#runs [data-part="command"]', 'open'), '', 'an opened section stays open');
    assert.equal(await notReloaded(runPage.page), true, 'no reload');

    // The hidden list asked nothing (at most the request in flight when it was hidden); shown, it catches up.
    assert.ok(list.requests() <= listAtHide + 1, 'the hidden list does not poll');
    const listAtShow = list.requests();
    await setHidden(list.page, false);
    await until('the list to ask once shown', async () => (list.requests() > listAtShow ? true : null), 10_000);
    await list.page.waitForFunction((sel) => ((globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector(sel)?.textContent ?? '') === 'ok', `${row} .run-status`, { timeout: 30_000 });
    assert.equal(await textOf(list.page, '#runs .runs-live'), `Run ${runId} (tune starter) finished: ok.`);
    assert.match(await textOf(list.page, `${row} .run-metrics`), new RegExp(`best macro F1 ${final.headline_metrics.best_macro_f1!.toFixed(4)}`));
    assert.equal(await kept(list.page, row), true, 'the row is updated in place');
    assert.equal(await kept(list.page, trainRow), true, 'the unchanged row is not touched');
    assert.equal(await kept(list.page, `${trainRow} .run-status`), true, 'nor its cells');
    assert.equal(await list.page.evaluate(() => document.activeElement?.getAttribute('href')), `#runs/${runId}`, 'the focus stays on the run link');
    assert.equal(await notReloaded(list.page), true, 'no reload');

    // Nothing runs any more: neither page asks again (a poll would come within one interval, 3 s).
    const listAtEnd = list.requests();
    const runAtEnd = runPage.requests();
    await new Promise((r) => setTimeout(r, 4_000));
    assert.equal(list.requests(), listAtEnd, 'the list stops asking');
    assert.equal(runPage.requests(), runAtEnd, 'the run page stops asking');

    await list.page.close();
    await runPage.page.close();
    assert.deepEqual(session.consoleErrors, [], 'no console errors');
  });

  test('a run whose process is killed turns failed, with the reason', async () => {
    const tune = await startFrozenTune('killed');
    const { runId } = tune;
    const row = `table.runs-table tr[data-run="${runId}"]`;
    const list = await openCounting('#runs', '/v1/runs');
    await list.page.waitForSelector(row);
    assert.equal(await textOf(list.page, `${row} .run-status`), 'running');
    const runPage = await openCounting(`#runs/${runId}`, `/v1/runs/${runId}`);
    await runPage.page.waitForSelector('#runs .runs-heading .run-status');
    assert.equal(await textOf(runPage.page, '#runs .runs-heading .run-status'), 'running');

    tune.child.kill('SIGKILL');
    const end = await tune.exited;
    assert.equal(end.signal, 'SIGKILL');
    const gone = await api<RunDetailAnswer>(`/v1/runs/${runId}`);
    assert.equal(gone.status, 'failed');
    assert.match(gone.error ?? '', /ended without finishing/);

    await runPage.page.waitForSelector('#runs [data-part="error"]', { timeout: 30_000 });
    assert.match(await textOf(runPage.page, '#runs [data-part="error"]'), /ended without finishing the run/);
    assert.equal(await textOf(runPage.page, '#runs .runs-heading .run-status'), 'failed');
    assert.equal(await textOf(runPage.page, '#runs .runs-live'), `Run ${runId} (tune starter) finished: failed.`);
    assert.equal(await notReloaded(runPage.page), true, 'no reload');

    await list.page.waitForFunction((sel) => ((globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector(sel)?.textContent ?? '') === 'failed', `${row} .run-status`, { timeout: 30_000 });
    // (Only this run ran: a run left over by a failed first test would be "still running" after it.)
    assert.equal(await textOf(list.page, '#runs .runs-live'), `Run ${runId} (tune starter) finished: failed.`);
    assert.equal(await notReloaded(list.page), true, 'no reload');

    await list.page.close();
    await runPage.page.close();
    assert.deepEqual(session.consoleErrors, [], 'no console errors');
  });
});
