/**
 * Watching a sweep while it runs, end to end: a real `textclass tune` (a random sweep on the
 * starter data) records its run into a temp runs database; the real `textclass serve --runs-db`
 * serves it and Debian's Chromium, driven by playwright-core, shows its sweep page.
 *
 * To catch the sweep mid-way without racing it, the tune process is frozen with SIGSTOP once the
 * API shows two finished trials, and thawed with SIGCONT once the page has been checked: while it
 * is frozen the journal cannot change, so what the page must show is known exactly. Checked: the
 * API's planned_trials is the sweep's trial count; the page says "Running — N of M trials" (N as
 * the API counts them, M planned) with a progress bar of value N and max M named so for screen
 * readers, one chart mark and one table row per trial; a refresh with the same answer leaves the DOM alone (same nodes, focus
 * kept); once the sweep has finished, the page turns to the final view by itself ("Finished — M
 * trials", no progress bar), without a reload, keeping the reader's sort order and focus, and stops asking. The run page of a running
 * tune run links to the live sweep. No console errors anywhere.
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
import { browserSkip, CLI, launchBrowser, setHidden, startServer, until, type BrowserSession, type ServerProcess } from '../test-support/web-e2e.js';

const skip = process.platform === 'win32' ? 'SIGSTOP is POSIX only' : browserSkip();

/** 40 random trials without pruning (each trains on all rows) and no baseline: some seconds of work. */
const TRIALS = 40;
const TUNE = `{metric: macro_f1, trials: ${TRIALS}, strategy: random, seed: 3, space: {model.C: {log_range: [0.01, 30]}, features.ngram_range: {choice: [[1, 1], [1, 2]]}}}`;

interface SweepAnswer {
  status: string;
  study: string;
  planned_trials: number | null;
  trials: { number: number; status: string }[];
  best: { number: number } | null;
}

// Browser globals for the callbacks playwright runs inside the page (the Node build has no DOM types).
declare const document: { activeElement: { closest(s: string): { getAttribute(n: string): string | null } | null } | null; querySelector(s: string): unknown };


describe('a running sweep in the Runs view, live', { skip, timeout: 300_000 }, () => {
  let work: string;
  let runsDb: string;
  let server: ServerProcess;
  let session: BrowserSession;
  let tune: ChildProcess | undefined;
  let tuneOutput = '';

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-sweep-live-'));
    runsDb = path.join(work, 'runs.sqlite');
    const models = path.join(work, 'models');
    fs.mkdirSync(models);
    // No rate limit: the test itself asks the API many times a second while it waits for the sweep.
    server = await startServer(['--models', models, '--db', path.join(work, 'db.sqlite'), '--runs-db', runsDb, '--rate-limit', '0']);
    // The browser starts before the sweep, so the sweep does not wait for it.
    session = await launchBrowser();
  });

  after(async () => {
    if (tune && tune.exitCode === null && tune.signalCode === null) {
      const exited = new Promise((r) => tune!.once('exit', r));
      tune.kill('SIGCONT');
      tune.kill('SIGKILL');
      await exited;
    }
    await session?.close();
    await server?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const api = async <T>(url: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${server.base}${url}`);
    return { status: res.status, body: (await res.json()) as T };
  };
  const finished = (s: SweepAnswer) => s.trials.filter((t) => t.status !== 'running').length;

  test('shows the trials so far while the sweep runs, then its final view without a reload', async () => {
    tune = spawn(process.execPath, [CLI, 'tune', 'recipes/starter.yaml', '--data-dir', 'data', '--out', path.join(work, 'best.yaml'), '--runs-db', runsDb, '--no-baseline', '--no-pruning', '--set', `tune=${TUNE}`], {
      cwd: REPO_ROOT,
      env: { ...process.env, TEXTCLASS_DATA_DIR: '', TEXTCLASS_RUNS_DB: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    tune.stdout?.on('data', (d: Buffer) => (tuneOutput += d.toString()));
    tune.stderr?.on('data', (d: Buffer) => (tuneOutput += d.toString()));
    const exited = new Promise<number | null>((resolve) => tune!.once('exit', (code) => resolve(code)));

    // The run is recorded with its journal at the start, so its sweep answers while it runs.
    const runId = await until('the tune run in the runs database', async () => {
      if (tune!.exitCode !== null) throw new Error(`textclass tune ended early:\n${tuneOutput}`);
      const { body } = await api<{ runs: { id: number; command: string }[] }>('/v1/runs?command=tune');
      return body.runs[0]?.id;
    });
    await until('two finished trials', async () => {
      const { status, body } = await api<SweepAnswer>(`/v1/runs/${runId}/sweep`);
      return status === 200 && body.status === 'running' && finished(body) >= 2 ? true : null;
    });
    tune.kill('SIGSTOP');
    const frozen = (await api<SweepAnswer>(`/v1/runs/${runId}/sweep`)).body;
    assert.equal(frozen.status, 'running', `the sweep was caught while running:\n${tuneOutput}`);
    const soFar = finished(frozen);
    assert.ok(soFar >= 2 && soFar < TRIALS, `${soFar} of ${TRIALS} trials finished when frozen`);
    const inProgress = frozen.trials.length - soFar;
    assert.equal(frozen.planned_trials, TRIALS, 'the trials tune plans (no baseline), recorded at its start');

    // The run page of a running tune run links to the live sweep.
    const runPage = await session.open(`${server.base}/#runs/${runId}`);
    await runPage.waitForSelector('a.sweep-link');
    assert.match((await runPage.textContent('a.sweep-link')) ?? '', /Watch the sweep as it runs/);
    await runPage.close();

    const sweepRequests: string[] = [];
    const page: Page = await session.open(`${server.base}/#runs/${runId}/sweep`);
    page.on('request', (r) => {
      if (r.url().endsWith(`/v1/runs/${runId}/sweep`)) sweepRequests.push(r.url());
    });
    await page.waitForSelector('svg.sweep-chart');
    const live = page.locator('#runs .sweep-live');
    assert.equal(await live.getAttribute('role'), 'status');
    assert.equal(await live.getAttribute('aria-live'), 'polite');
    assert.match((await live.textContent()) ?? '', new RegExp(`^Running — ${soFar} of ${TRIALS} trials${inProgress ? `, ${inProgress} in progress` : ''}\\.`));
    // The progress bar, found by its role and accessible name as a screen reader finds it.
    const bar = page.getByRole('progressbar', { name: `Sweep progress: ${soFar} of ${TRIALS} trials done` });
    assert.equal(await bar.count(), 1, 'one progress bar, named with the count');
    const shownProgress = await bar.evaluate((e) => {
      const p = e as unknown as { value: number; max: number };
      return { value: p.value, max: p.max };
    });
    assert.deepEqual(shownProgress, { value: soFar, max: TRIALS }, 'the bar shows the trials done of those planned');
    assert.equal(await page.textContent('#runs .runs-heading .run-status'), 'running');
    assert.match((await page.textContent('#runs .cards')) ?? '', new RegExp(`Trials${frozen.trials.length} of ${TRIALS}Complete`), 'the Trials card counts against the plan while running');
    assert.equal(await page.locator('svg.sweep-chart .trial-mark').count(), frozen.trials.length, 'one mark per trial so far');
    assert.equal(await page.locator('table.trials-table tbody tr').count(), frozen.trials.length, 'one row per trial so far');

    // The reader sorts by the metric (keyboard); a refresh with the same answer touches nothing.
    await page.locator('table.trials-table th[data-key="value"] button').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('table.trials-table th[data-key="value"]', 'aria-sort'), 'descending');
    await page.evaluate(() => {
      const g = globalThis as unknown as { notReloaded: boolean; document: { querySelector(s: string): { dataset: Record<string, string> } } };
      g.notReloaded = true;
      g.document.querySelector('table.trials-table').dataset.sameNode = 'yes';
    });
    const asked = sweepRequests.length;
    await until('the page to ask for the sweep again', async () => (sweepRequests.length >= asked + 2 ? true : null), 30_000);
    assert.equal(await page.getAttribute('table.trials-table', 'data-same-node'), 'yes', 'an unchanged sweep is not redrawn');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('th')?.getAttribute('data-key')), 'value', 'the focus stays on the sort button');

    // A hidden tab is not refreshed (a poll would come within one interval, 3 s); shown again, it asks at once.
    await setHidden(page, true);
    const beforeHidden = sweepRequests.length;
    await new Promise((r) => setTimeout(r, 4_500));
    assert.ok(sweepRequests.length <= beforeHidden + 1, 'at most the poll already in flight while hidden');
    const whileHidden = sweepRequests.length;
    await setHidden(page, false);
    await until('a refresh once the tab shows again', async () => (sweepRequests.length > whileHidden ? true : null), 10_000);

    // Thaw the sweep and let it finish: the page turns to the final view by itself.
    tune.kill('SIGCONT');
    assert.equal(await exited, 0, `textclass tune failed:\n${tuneOutput}`);
    const final = (await api<SweepAnswer>(`/v1/runs/${runId}/sweep`)).body;
    assert.equal(final.status, 'ok');
    assert.equal(final.trials.length, TRIALS);
    assert.equal(final.planned_trials, TRIALS, 'still there once the sweep has finished');
    assert.equal(final.study, frozen.study, 'the same study, recorded at the start');
    await page.waitForFunction(
      (n) => ((globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('#runs .sweep-live')?.textContent ?? '').startsWith(`Finished — ${n} trials`),
      TRIALS,
      { timeout: 60_000 },
    );
    assert.equal(await page.textContent('#runs .runs-heading .run-status'), 'ok');
    assert.equal(await page.locator('#runs progress').count(), 0, 'no progress bar once the sweep has finished');
    assert.equal(await page.locator('table.trials-table tbody tr').count(), TRIALS);
    assert.equal(await page.locator('svg.sweep-chart .trial-mark').count(), TRIALS);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded), true, 'no reload');
    assert.equal(await page.getAttribute('table.trials-table th[data-key="value"]', 'aria-sort'), 'descending', 'the sort order is kept');
    assert.equal(await page.getAttribute('table.trials-table tbody tr', 'data-trial'), String(final.best!.number), 'best first');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('th')?.getAttribute('data-key')), 'value', 'the focus is kept');
    const cards = (await page.textContent('#runs .cards')) ?? '';
    assert.match(cards, new RegExp(`Trials${TRIALS}Complete`), 'a finished sweep shows its count alone');

    // The run ended: the page stops asking (a poll would come within one interval, 3 s).
    const atEnd = sweepRequests.length;
    await new Promise((r) => setTimeout(r, 4_000));
    assert.equal(sweepRequests.length, atEnd, 'no request after the final view');

    await page.close();
    assert.deepEqual(session.consoleErrors, [], 'no console errors');
  });
});
