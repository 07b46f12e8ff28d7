/**
 * The dialog page (/app/dialog), end to end: a next-turn model trained by the real CLI on a subset
 * of the real DailyDialog splits, the starter model beside it, the real `textclass serve`, and
 * Debian's Chromium driven by playwright-core. Checked: the picker lists only the next-turn model;
 * turns typed by keyboard appear as a chat with alternating speakers; after each turn the bars show
 * the forecast the API gives for the same turns, with the turns the model read marked; edit,
 * remove and start over; markup typed as a turn stays text; a turn over the server's limit shows
 * the server's message; no console errors.
 *
 * Skipped when Chromium is not installed, except in CI (set TEXTCLASS_CHROMIUM to use another binary).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { dailyDialogSubset, HAVE_DAILYDIALOG, tempWork } from './dialog-fixtures.js';
import { browserSkip, launchBrowser, runCli as cli, startServer, type BrowserSession, type ServerProcess } from '../../test-support/web-e2e.js';

const skip = !HAVE_DAILYDIALOG ? 'shared datasets not found beside the repository' : browserSkip();
const MARKUP = '<img src=x onerror=alert(1)> hi';
const MAX_CHARS = 200;

// Browser globals for the callbacks playwright runs inside the page (the Node build has no DOM types).
declare const document: { activeElement: { id: string } | null; querySelectorAll(s: string): { length: number } };

interface Forecast {
  next: string;
  distribution: { label: string; probability: number }[];
  context: { turns_used: number };
}

describe('the dialog page in Chromium, served by textclass serve', { skip, timeout: 180_000 }, () => {
  let work: string;
  let server: ServerProcess;
  let session: BrowserSession;
  let base: string;
  let models: string;

  before(async () => {
    work = tempWork('web');
    const train = await dailyDialogSubset('train', 1500, work);
    const dev = await dailyDialogSubset('validation', 100, work);
    models = path.join(work, 'models');
    cli(['train', 'recipes/dailydialog-next-tuned.yaml', '--out', path.join(models, 'dd-next'), '--set', `data.train=${train}`, '--set', `data.dev=${dev}`, '--set', 'name=dd-next', '--quiet', '--no-track']);
    cli(['train', 'recipes/starter.yaml', '--data-dir', 'data', '--out', path.join(models, 'starter'), '--quiet', '--no-track']);
    server = await startServer(['--models', models, '--db', path.join(work, 'db.sqlite'), '--runs-db', path.join(work, 'runs.sqlite'), '--max-text-chars', String(MAX_CHARS)], { readyPath: '/readyz' });
    base = server.base;
    session = await launchBrowser();
  });

  after(async () => {
    await session?.close();
    await server?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** The page in a context of its own (nothing kept from the test before), once the model list is filled. */
  async function open(): Promise<Page> {
    const page = await session.open(`${base}/app/dialog`, { freshContext: true });
    await page.waitForSelector('#dg-model:not([disabled])');
    return page;
  }

  async function apiForecast(turns: string[]): Promise<Forecast> {
    const res = await fetch(`${base}/v1/dialog/forecast`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'dd-next', turns }) });
    assert.equal(res.status, 200);
    return (await res.json()) as Forecast;
  }

  /** Types a turn by keyboard and waits for the forecast that follows it. */
  async function say(page: Page, text: string, turnsAfter: number): Promise<void> {
    await page.focus('#dg-turn');
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('#dg-chat li').length === n, turnsAfter);
    await page.waitForSelector('#dg-result:not([hidden])');
    await page.waitForFunction(() => (globalThis as unknown as { document: { getElementById(id: string): { textContent: string | null } } }).document.getElementById('dg-status').textContent === '');
  }

  async function barsOnPage(page: Page): Promise<string[]> {
    return page.locator('#dg-bars li').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { label: string } }).dataset.label));
  }

  test('typing a dialog turn by turn shows the forecast for the next speaker, as the API gives it', async () => {
    const page = await open();
    assert.deepEqual(await page.locator('#dg-model option').allTextContents(), ['dd-next'], 'only the next-turn model is offered');
    assert.match((await page.textContent('#dg-model-note')) ?? '', /up to 3 turns before it.*balanced accuracy/);

    const turns = ['Guess what ? I got the job !', 'Really ? Congratulations ! When do you start ?', 'Next Monday . I am so excited .', 'We should celebrate tonight .', 'Great idea , let us go out for dinner !'];
    for (let i = 0; i < turns.length; i++) {
      await say(page, turns[i], i + 1);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'dg-turn', 'focus stays in the turn box');
      const expected = await apiForecast(turns.slice(0, i + 1));
      assert.deepEqual(await barsOnPage(page), expected.distribution.map((d) => d.label), `bars after turn ${i + 1}`);
      const speaker = i % 2 === 0 ? 'B' : 'A';
      assert.match((await page.textContent('#dg-verdict')) ?? '', new RegExp(`Speaker ${speaker} will most likely answer with ${expected.next}`));
      assert.match((await page.textContent('#dg-announce')) ?? '', new RegExp(`Forecast for Speaker ${speaker}: ${expected.next}`));
      assert.equal(await page.locator('#dg-chat li.dg-read').count(), expected.context.turns_used + 1, 'the turns the model read are marked');
    }
    assert.deepEqual(await page.locator('#dg-chat li .dg-who').allTextContents(), ['Speaker A', 'Speaker B', 'Speaker A', 'Speaker B', 'Speaker A']);
    assert.equal(await page.locator('#dg-chat li.dg-read').count(), 4, 'the last turn and 3 before it');
    assert.equal(await page.locator('#dg-bars li[aria-label]').count(), 7, 'one labelled bar per emotion');

    // Edit the last turn (keyboard): it goes back into the box; Enter puts the changed turn back.
    await page.focus('#dg-edit');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#dg-chat li').length === 4);
    assert.equal(await page.inputValue('#dg-turn'), turns[4]);
    assert.match((await page.textContent('#dg-turn-label')) ?? '', /Turn 5 — Speaker A \(editing\)/);
    await page.fill('#dg-turn', '');
    await say(page, 'I am sorry , I cannot come . My mother is ill .', 5);
    assert.equal(await page.textContent('#dg-chat li:last-child .dg-text'), 'I am sorry , I cannot come . My mother is ill .');
    const edited = await apiForecast([...turns.slice(0, 4), 'I am sorry , I cannot come . My mother is ill .']);
    assert.deepEqual(await barsOnPage(page), edited.distribution.map((d) => d.label));

    // Remove the last turn: four turns, so Speaker A speaks next.
    await page.click('#dg-remove');
    await page.waitForFunction(() => document.querySelectorAll('#dg-chat li').length === 4);
    await page.waitForSelector('#dg-verdict:has-text("Speaker A")');
    assert.deepEqual(await barsOnPage(page), (await apiForecast(turns.slice(0, 4))).distribution.map((d) => d.label));

    // Start over.
    await page.click('#dg-reset');
    assert.equal(await page.locator('#dg-chat li').count(), 0);
    assert.equal(await page.isVisible('#dg-result'), false);
    assert.equal(await page.isVisible('#dg-empty'), true);
    assert.equal(await page.textContent('#dg-turn-label'), 'Turn 1 — Speaker A');

    // Markup typed as a turn is shown as text.
    await say(page, MARKUP, 1);
    assert.equal(await page.textContent('#dg-chat li .dg-text'), MARKUP);
    assert.equal(await page.locator('main img').count(), 0);
    await page.close();
    assert.deepEqual(session.consoleErrors, [], 'no console errors');
    assert.deepEqual(session.dialogs, [], 'no injected script ran');
  });

  test("a turn longer than the server accepts shows the server's reason; the dialog stays usable", async () => {
    const page = await open();
    // The key box key-box.js draws into the page's empty <details>: a button that opens a labelled field, Escape closes it.
    assert.equal(await page.textContent('#dg-key-state'), 'API key');
    await page.focus('#dg-key-box summary');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#dg-api-key', { state: 'visible' });
    assert.equal(await page.locator('#dg-key-box label[for="dg-api-key"]').count(), 1);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#dg-api-key', { state: 'hidden' });
    await say(page, 'Hello , how are you ?', 1);
    await page.fill('#dg-turn', 'x'.repeat(MAX_CHARS + 1));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#dg-error:not([hidden])');
    assert.match((await page.textContent('#dg-error')) ?? '', new RegExp(`turns\\[1\\] has ${MAX_CHARS + 1} characters, the limit is ${MAX_CHARS}`));
    assert.equal(await page.isVisible('#dg-result'), false);
    await page.click('#dg-remove');
    await page.waitForSelector('#dg-result:not([hidden])');
    assert.equal(await page.isVisible('#dg-error'), false);
    await page.close();
    // The 413 is the one error the browser logs (a failed fetch), and expected.
    assert.deepEqual(session.consoleErrors.filter((m) => !/413/.test(m)), [], 'no other console errors');
  });
  test('on a server with API keys: the page asks for a key, and forecasts once a read key is saved in its key box', async () => {
    const db = path.join(work, 'keyed.sqlite');
    const readKey = /tc_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/.exec(cli(['keys', 'create', '--scope', 'read', '--db', db]))?.[0] ?? '';
    assert.ok(readKey, '`textclass keys create` printed a key');
    const keyed = await startServer(['--models', models, '--db', db, '--runs-db', path.join(work, 'keyed-runs.sqlite')], { readyPath: '/readyz' });
    try {
      const page = await session.open(`${keyed.base}/app/dialog`, { freshContext: true });
      // No key: the model list is refused, the page says why and opens its key field.
      await page.waitForSelector('#dg-error:not([hidden])');
      assert.match((await page.textContent('#dg-error')) ?? '', /needs an API key/);
      assert.equal(await page.textContent('#dg-key-state'), 'API key needed');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'dg-api-key', 'the key field has focus');
      // A read key, saved with Enter: the models load and a typed turn gets its forecast.
      await page.keyboard.type(readKey);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#dg-model:not([disabled])');
      assert.equal(await page.textContent('#dg-key-state'), 'API key saved');
      assert.deepEqual(await page.locator('#dg-model option').allTextContents(), ['dd-next']);
      await say(page, 'Guess what ? I got the job !', 1);
      assert.ok((await barsOnPage(page)).length >= 2, 'a distribution over the next emotion');
      assert.equal(await page.isVisible('#dg-error'), false);
      await page.close();
      // The refused model list is the one error the browser logs (a failed fetch), and expected.
      assert.deepEqual(session.consoleErrors.filter((m) => !/401|413/.test(m)), [], 'no other console errors');
    } finally {
      await keyed.stop();
    }
  });
});
