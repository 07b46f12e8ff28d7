/**
 * The Runs view's distributed progress, end to end: a real redis-server, a real `textclass worker`
 * (slowed down so the run lasts seconds), a real `textclass predict --queue` batch run, the real
 * `textclass serve --queue` and Debian's Chromium driven by playwright-core. Checked: before any
 * run the section says the queue is empty; the Refresh button (by keyboard) finds the new run; its
 * chunks-done count and progress bar move while the page polls; leaving the Runs view stops the
 * polling; back on it the run ends as done with every chunk and row counted and the polling stops
 * by itself. The polling is poll.js's: none while the tab is hidden, at once when it shows again.
 * A server without --queue says how to turn the section on. No console errors.
 *
 * Skipped when Chromium is not installed (except in CI) or when redis-server is not installed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { skipWithoutRedis, startTestRedis, type TestRedis } from '../distributed/redis-test-server.js';
import { BIN, startWorkerProcess, type WorkerProcess } from '../distributed/worker-process.js';
import { REPO_ROOT } from '../test-support/starter-data.js';
import { createRng } from '../util/random.js';
import { browserSkip, launchBrowser, runCli, setHidden, startServer, type BrowserSession, type ServerProcess } from '../test-support/web-e2e.js';

const skip = browserSkip() || skipWithoutRedis;
const ROWS = 12_000;
const CHUNK_ROWS = 500;
const CHUNKS = ROWS / CHUNK_ROWS;

// Browser globals for the callbacks playwright runs inside the page (the Node build has no DOM types).
declare const document: { querySelector(s: string): { getAttribute(n: string): string | null; textContent: string | null } | null };

/** `textclass serve` with a models folder and databases of its own (`name`), once /healthz answers. */
function serve(work: string, name: string, extra: string[]): Promise<ServerProcess> {
  const models = path.join(work, `${name}-models`);
  fs.mkdirSync(models, { recursive: true });
  return startServer(['--models', models, '--db', path.join(work, `${name}.sqlite`), '--runs-db', path.join(work, `${name}-runs.sqlite`), ...extra]);
}

describe('distributed progress in the Runs view, in Chromium', { skip, timeout: 240_000 }, () => {
  let work: string;
  let redis: TestRedis;
  let worker: WorkerProcess;
  let served: ServerProcess;
  let session: BrowserSession;
  let model: string;
  let input: string;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-dist-web-'));
    redis = await startTestRedis();
    model = path.join(work, 'starter');
    runCli(['train', 'recipes/starter.yaml', '--data-dir', 'data', '--out', model, '--quiet', '--no-track']);
    const rng = createRng(4);
    const words = ['so', 'happy', 'sad', 'angry', 'love', 'it', 'hate', 'the', 'rain', 'today', 'thanks', 'scared', 'wow'];
    const lines = ['id,text'];
    for (let i = 0; i < ROWS; i++) lines.push(`r${i},${Array.from({ length: 4 + Math.floor(rng() * 8) }, () => words[Math.floor(rng() * words.length)]).join(' ')}`);
    input = path.join(work, 'big.csv');
    fs.writeFileSync(input, lines.join('\n') + '\n');
    // One chunk (one 512-row slice) takes over 500 ms: the run lasts over 12 s, long enough to hide
    // the tab for a while and still see it move.
    worker = startWorkerProcess(['--queue', redis.url, '--lock-duration', '5000'], { TEXTCLASS_WORKER_SLICE_DELAY_MS: '500' });
    await worker.waitFor(/taking jobs/);
    served = await serve(work, 'with-queue', ['--queue', redis.url]);
    session = await launchBrowser({ timeoutMs: 20_000 });
  });

  after(async () => {
    await session?.close();
    await served?.stop();
    await worker?.stop();
    await redis?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const doneOf = async (page: Page, id: string): Promise<number> => Number(await page.getAttribute(`tr[data-distributed-run="${id}"] progress`, 'value'));

  test('a running batch shows its progress moving, live, until it is done', async () => {
    const page = await session.open(`${served.base}/#runs`);
    await page.waitForSelector('#distributed-runs .distributed-status');
    await page.waitForFunction(() => /No run in progress/.test(document.querySelector('#distributed-runs .distributed-status')?.textContent ?? ''));
    assert.match((await page.textContent('#distributed-runs')) ?? '', /No distributed run on redis:\/\/127\.0\.0\.1:\d+\/0 yet/);

    const output = path.join(work, 'out.csv');
    const predict = spawn(process.execPath, [BIN, 'predict', model, '--input', input, '--output', output, '--queue', redis.url, '--chunk-rows', String(CHUNK_ROWS), '--id-field', 'id'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let predictOut = '';
    predict.stdout?.on('data', (d: Buffer) => (predictOut += d.toString()));
    predict.stderr?.on('data', (d: Buffer) => (predictOut += d.toString()));
    const predicted = new Promise<number | null>((resolve) => predict.once('exit', resolve));

    // The run exists in Redis as soon as the coordinator starts; Refresh (by keyboard) finds it.
    let runId = '';
    for (let i = 0; i < 100 && runId === ''; i++) {
      const { runs } = (await (await fetch(`${served.base}/v1/distributed/runs`)).json()) as { runs: { id: string }[] };
      runId = runs[0]?.id ?? '';
      if (runId === '') await sleep(100);
    }
    assert.notEqual(runId, '', `the run never showed up in Redis:\n${predictOut}`);
    await page.focus('#distributed-runs button.distributed-refresh');
    await page.keyboard.press('Enter');
    const row = `tr[data-distributed-run="${runId}"]`;
    await page.waitForSelector(`${row}[data-state="running"]`);
    assert.match((await page.textContent('#distributed-runs .distributed-status')) ?? '', /1 run in progress/);
    assert.match((await page.textContent(row)) ?? '', /batch scoring.*starter.*running/);

    // A hidden tab is not refreshed (a poll would come within one interval, 1.5 s); shown again,
    // it asks at once (poll.js, as the other live views).
    const polls: string[] = [];
    page.on('request', (req) => {
      if (req.url().includes('/v1/distributed/runs')) polls.push(req.url());
    });
    const first = await doneOf(page, runId);
    await setHidden(page, true);
    const beforeHidden = polls.length;
    await sleep(3500);
    assert.ok(polls.length <= beforeHidden + 1, `at most the poll already in flight while hidden, saw ${polls.length - beforeHidden}`);
    const whileHidden = polls.length;
    await setHidden(page, false);
    for (let i = 0; i < 100 && polls.length === whileHidden; i++) await sleep(50);
    assert.ok(polls.length > whileHidden, 'a refresh once the tab shows again');

    // The page polls by itself: the count of chunks done grows without any click (counted from
    // before the tab was hidden, so a batch that ends while hidden still shows it moved).
    await page.waitForFunction(
      ({ sel, before }) => Number(document.querySelector(`${sel} progress`)?.getAttribute('value')) > before,
      { sel: row, before: first },
      { timeout: 20_000 },
    );
    const later = await doneOf(page, runId);
    assert.ok(later > first && later <= CHUNKS, `progress moved from ${first} to ${later}`);
    assert.match((await page.textContent(`${row} .progress-text`)) ?? '', new RegExp(`^\\d+ / ${CHUNKS} chunks$`));

    // Leaving the Runs view stops the polling, even though the run goes on.
    await page.click('nav.sections a[href="#try"]');
    await page.waitForSelector('#runs', { state: 'hidden' });
    const pollsWhenLeft = polls.length;
    await sleep(3500);
    assert.equal(polls.length, pollsWhenLeft, 'no polling while the Runs view is closed');

    // Back on it, the run is followed to its end and the polling stops by itself.
    await page.goto(`${served.base}/#runs`);
    await page.waitForSelector(`${row}[data-state="done"]`, { timeout: 60_000 });
    assert.equal(await predicted, 0, predictOut);
    assert.equal(await doneOf(page, runId), CHUNKS);
    const text = (await page.textContent(row)) ?? '';
    assert.match(text, new RegExp(`${ROWS} / ${ROWS}`), 'every row counted');
    assert.match(text, /big\.csv → out\.csv/);
    assert.doesNotMatch(text, new RegExp(work.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no absolute path on the page');
    await page.waitForFunction(() => /refreshing stopped/.test(document.querySelector('#distributed-runs .distributed-status')?.textContent ?? ''));
    const pollsWhenDone = polls.length;
    await sleep(3500);
    assert.equal(polls.length, pollsWhenDone, 'no polling once every run has ended');
    await page.close();
    assert.deepEqual(session.consoleErrors, [], 'no console errors');
  });

  test('a server without --queue says how to turn the section on', async () => {
    const plain = await serve(work, 'plain', []);
    try {
      const page = await session.open(`${plain.base}/#runs`);
      await page.waitForSelector('#distributed-runs .distributed-off');
      assert.match((await page.textContent('#distributed-runs .distributed-off')) ?? '', /textclass serve --queue redis:\/\/host:port/);
      assert.equal(await page.isVisible('#distributed-runs button.distributed-refresh'), false);
      await page.close();
    } finally {
      await plain.stop();
    }
    assert.deepEqual(session.consoleErrors, [], 'no console errors');
  });
});
