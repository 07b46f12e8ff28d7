/**
 * The Runs view of the web page, end to end: a real `textclass train` and a real `textclass tune`
 * (a 6-trial random sweep on the starter data, seconds) record runs into a temp runs database;
 * the real `textclass serve --runs-db <it>` serves them and Debian's Chromium, driven by
 * playwright-core, opens the page. Checked: the header link (by keyboard) opens the list, the
 * command filter, the run detail (file names, never paths; a recipe description holding markup is
 * shown as text), the sweep page (one chart mark per trial, pruned ones grey, the running-best
 * line, one importance bar per parameter, a table that sorts), a deep link straight to the sweep,
 * and the way back to the model sections. No console errors anywhere.
 *
 * Skipped when Chromium is not installed, except in CI (set TEXTCLASS_CHROMIUM to use another binary).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { browserSkip, launchBrowser, runCli as cli, startServer, type BrowserSession, type ServerProcess } from '../test-support/web-e2e.js';

const skip = browserSkip();
const MARKUP = '<img src=x onerror=alert(1)> demo';

/** The small search space of the sweep: 3 parameters, so 3 importance bars. */
const TUNE = '{metric: macro_f1, trials: 6, strategy: random, seed: 1, pruning: {warmup_trials: 2}, space: {model.C: {log_range: [0.01, 30]}, features.ngram_range: {choice: [[1, 1], [1, 2]]}, features.sublinear_tf: {choice: [true, false]}}}';

// Browser globals for the callbacks playwright runs inside the page (the Node build has no DOM types).
declare const document: { activeElement: { id: string; textContent: string | null } | null };

describe('the Runs view in Chromium, served by textclass serve --runs-db', { skip, timeout: 240_000 }, () => {
  let work: string;
  let server: ServerProcess;
  let session: BrowserSession;
  let base: string;
  let tuneId: number;
  let trainId: number;
  let sweep: { trials: { number: number; status: string }[]; best: { number: number } | null; importance: unknown[] };

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-runs-web-'));
    const runsDb = path.join(work, 'runs.sqlite');
    cli(['train', 'recipes/starter.yaml', '--data-dir', 'data', '--out', path.join(work, 'model'), '--runs-db', runsDb, '--set', `description=${MARKUP}`, '--quiet']);
    cli(['tune', 'recipes/starter.yaml', '--data-dir', 'data', '--out', path.join(work, 'best.yaml'), '--runs-db', runsDb, '--set', `tune=${TUNE}`]);
    const models = path.join(work, 'models');
    fs.mkdirSync(models);
    server = await startServer(['--models', models, '--db', path.join(work, 'db.sqlite'), '--runs-db', runsDb]);
    base = server.base;
    const { runs } = (await (await fetch(`${base}/v1/runs`)).json()) as { runs: { id: number; command: string }[] };
    tuneId = runs.find((r) => r.command === 'tune')!.id;
    trainId = runs.find((r) => r.command === 'train')!.id;
    sweep = (await (await fetch(`${base}/v1/runs/${tuneId}/sweep`)).json()) as typeof sweep;
    session = await launchBrowser();
  });

  after(async () => {
    await session?.close();
    await server?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('the header link opens the list; the filter, the run detail and the sweep page work', async () => {
    assert.equal(sweep.trials.length, 7, 'baseline and 6 trials');
    const page = await session.open(`${base}/`);
    // By keyboard: focus the header link and press Enter.
    await page.focus('#runs-link');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#runs table.runs-table');
    assert.equal(await page.isVisible('#try'), false, 'the model sections step aside');
    assert.equal(await page.locator('table.runs-table tbody tr').count(), 2);
    assert.equal(await page.locator('table.runs-table a.sweep-link').count(), 1, 'only the tune run has a sweep');

    await page.selectOption('#runs-command', 'tune');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('table.runs-table tbody tr').length === 1);
    assert.equal(await page.getAttribute('table.runs-table tbody tr', 'data-run'), String(tuneId));
    await page.selectOption('#runs-command', '');
    await page.waitForSelector(`table.runs-table tr[data-run="${trainId}"]`);

    // The train run: file names only, and its markup-laden description as text.
    await page.click(`a[href="#runs/${trainId}"]`);
    await page.waitForSelector('.runs-heading');
    assert.match((await page.textContent('.runs-heading')) ?? '', new RegExp(`Run ${trainId}: train of starter`));
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.startsWith('Run ')), true, 'focus moves to the heading');
    assert.equal(await page.textContent('#runs .lead[dir]'), MARKUP, 'markup shown as text');
    assert.equal(await page.locator('#runs img').count(), 0);
    const detail = (await page.textContent('#runs-body')) ?? '';
    assert.match(detail, /train\.csv/);
    assert.doesNotMatch(detail, /\/tmp\/|\/work\//, 'no absolute path on the page');

    // The sweep: one mark per trial, pruned ones grey, the best line, the bars, a table that sorts.
    await page.goto(`${base}/#runs`);
    await page.click('a.sweep-link');
    await page.waitForSelector('svg.sweep-chart');
    assert.equal(await page.locator('svg.sweep-chart .trial-mark').count(), sweep.trials.length, 'one mark per trial');
    const pruned = sweep.trials.filter((t) => t.status === 'pruned').length;
    assert.equal(await page.locator('svg.sweep-chart .trial-mark.pruned').count(), pruned);
    if (pruned > 0) {
      const fill = await page.locator('svg.sweep-chart .trial-mark.pruned').first().evaluate((n) => (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(n).fill);
      assert.equal(fill, 'rgb(184, 190, 197)', 'pruned trials are grey');
    }
    assert.equal(await page.locator('svg.sweep-chart polyline.best-line').count(), 1);
    assert.ok(sweep.importance.length > 0);
    assert.equal(await page.locator('.importance-bar').count(), sweep.importance.length, 'one bar per parameter');
    assert.equal(await page.locator('table.trials-table tbody tr').count(), sweep.trials.length);
    // Sorting by the metric (keyboard: the header is a button) puts the best trial first.
    await page.locator('table.trials-table th[data-key="value"] button').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('table.trials-table th[data-key="value"]', 'aria-sort'), 'descending');
    assert.equal(await page.getAttribute('table.trials-table tbody tr', 'data-trial'), String(sweep.best!.number));

    // Back to the model sections from the header.
    await page.click('nav.sections a[href="#try"]');
    await page.waitForSelector('#try', { state: 'visible' });
    assert.equal(await page.isVisible('#runs'), false);
    await page.close();
    assert.deepEqual(session.consoleErrors, [], 'no console errors');
    assert.deepEqual(session.dialogs, [], 'no injected script ran');
  });

  test('a deep link opens the sweep page directly; an unknown run says so', async () => {
    const page = await session.open(`${base}/#runs/${tuneId}/sweep`);
    await page.waitForSelector('svg.sweep-chart');
    assert.equal(await page.locator('svg.sweep-chart .trial-mark').count(), sweep.trials.length);
    await page.goto(`${base}/#runs/${trainId}/sweep`);
    await page.waitForSelector('#runs-error:not([hidden])');
    assert.match((await page.textContent('#runs-error')) ?? '', /only tune runs have a sweep/);
    await page.close();
    // The 404 of the last step is the one error the browser logs (a failed fetch), and expected.
    assert.deepEqual(session.consoleErrors.filter((m) => !/404/.test(m)), [], 'no other console errors');
    assert.deepEqual(session.dialogs, []);
  });
});
