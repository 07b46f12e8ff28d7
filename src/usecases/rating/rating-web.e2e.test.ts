/**
 * The rating page (/app/rating) and the main page's stars, end to end: a real `textclass train`
 * of recipes/imdb-rating.yaml's small version on a real subset of aclImdb (300 reviews), two real
 * `textclass serve` processes (long reviews refused; long reviews windowed) and Debian's Chromium
 * driven by playwright-core. Checked: the model list and its measured errors from the manifest,
 * rating by keyboard (Ctrl+Enter) with the result announced, learnt and naive stars equal to the
 * API's, a long review announced before sending and then refused readably or scored as windows,
 * and the main page drawing the learnt stars. No console errors.
 *
 * Skipped when Chromium is not installed, except in CI (set TEXTCLASS_CHROMIUM to use another binary).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { imdbSubset, IMDB_TRAIN, writeSmallRatingRecipe } from './rating-fixture.js';
import type { RatingSection } from './rating-section.js';
import { browserSkip, launchBrowser, runCli, startServer, type BrowserSession, type ServerProcess } from '../../test-support/web-e2e.js';

const skip = browserSkip() || (!fs.existsSync(IMDB_TRAIN) && `the IMDB data set is not at ${IMDB_TRAIN}`);
const MAX_CHARS = 3000;
const GOOD = 'One of the best films I have seen in years: wonderful acting, a moving story and a perfect ending.';
const LONG = 'The first hour drags and the dialogue is clumsy, but the last act is superb and genuinely moving. '.repeat(40);

// Browser globals for the callbacks playwright runs inside the page (the Node build has no DOM types).
declare const document: { activeElement: { id: string } | null; getElementById(id: string): { hidden: boolean; textContent: string | null } | null };

/** A server of the reviews model; `extra` sets how it treats long reviews. */
function serve(work: string, name: string, models: string, extra: string[]): Promise<ServerProcess> {
  return startServer(['--models', models, '--db', path.join(work, `${name}.sqlite`), '--max-text-chars', String(MAX_CHARS), ...extra], {
    readyPath: '/readyz',
    env: { TEXTCLASS_RUNS_DB: path.join(work, 'runs.sqlite') },
  });
}

describe('the rating page in Chromium, served by textclass serve', { skip, timeout: 180_000 }, () => {
  let work: string;
  let refusing: ServerProcess;
  let windowing: ServerProcess;
  let session: BrowserSession;
  let section: RatingSection;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-rating-web-'));
    imdbSubset(work, 150);
    const models = path.join(work, 'models');
    runCli(['train', writeSmallRatingRecipe(work), '--data-dir', work, '--out', path.join(models, 'reviews'), '--no-track', '--quiet']);
    section = (JSON.parse(fs.readFileSync(path.join(models, 'reviews', 'manifest.json'), 'utf8')) as { rating: RatingSection }).rating;
    refusing = await serve(work, 'refusing', models, []);
    windowing = await serve(work, 'windowing', models, ['--long-texts', 'window']);
    session = await launchBrowser({ viewport: { width: 1200, height: 900 } });
  });

  after(async () => {
    await session?.close();
    await refusing?.stop();
    await windowing?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  async function rateByApi(base: string, text: string): Promise<{ stars: number; naive_stars: number; positive_probability: number; windows: number }> {
    const res = await fetch(`${base}/v1/rating/rate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'reviews', texts: [text] }) });
    assert.equal(res.status, 200);
    return ((await res.json()) as { results: { stars: number; naive_stars: number; positive_probability: number; windows: number }[] }).results[0];
  }

  test('a pasted review gets the learnt and the naive stars with their measured errors, by keyboard', async () => {
    const page = await session.open(`${refusing.base}/app/rating`);
    await page.waitForSelector('#rt-model:not([disabled])');
    const dev = section.metrics.dev!;
    const note = (await page.textContent('#rt-model-note')) ?? '';
    assert.match(note, new RegExp(`On ${dev.n} held-out dev reviews its mean error was ${dev.learnt.mae.toFixed(2)} stars, the naive rule's ${dev.naive.mae.toFixed(2)}`));
    assert.equal(await page.locator('#rt-map tbody tr').count(), section.map.stars.length, 'one row per step of the map');

    await page.focus('#rt-text');
    await page.keyboard.insertText(GOOD);
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('#rt-result:not([hidden])');
    const expected = await rateByApi(refusing.base, GOOD);
    assert.equal(await page.getAttribute('#rt-stars .rating', 'data-rating'), String(expected.stars));
    assert.equal(await page.$$eval('#rt-stars .stars .on', (s) => s.length), expected.stars);
    assert.equal(await page.getAttribute('#rt-compare tr[data-rule="learnt"] td[data-stars]', 'data-stars'), String(expected.stars));
    assert.equal(await page.getAttribute('#rt-compare tr[data-rule="naive"] td[data-stars]', 'data-stars'), String(expected.naive_stars));
    assert.equal(await page.textContent('#rt-compare tr[data-rule="learnt"] td:nth-of-type(2)'), `${dev.learnt.mae.toFixed(3)} stars`);
    assert.equal(await page.textContent('#rt-compare tr[data-rule="naive"] td:nth-of-type(2)'), `${dev.naive.mae.toFixed(3)} stars`);
    assert.match((await page.textContent('#rt-probability')) ?? '', new RegExp(`P\\(pos\\) = ${expected.positive_probability.toFixed(3)}`));
    assert.match((await page.textContent('#rt-announce')) ?? '', new RegExp(`Rating: ${expected.stars} out of 10 stars from the learnt map; the naive rule gives ${expected.naive_stars}`));
    assert.equal(await page.isVisible('#rt-windows'), false);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'rt-text', 'the keyboard user stays in the box');
    await page.close();
    assert.deepEqual(session.consoleErrors, []);
  });

  test('a review longer than the server reads is announced before sending and refused readably', async () => {
    const page = await session.open(`${refusing.base}/app/rating`);
    await page.waitForSelector('#rt-model:not([disabled])');
    await page.fill('#rt-text', LONG);
    await page.waitForSelector('#rt-long:not([hidden])');
    assert.match((await page.textContent('#rt-long')) ?? '', /longer than 3,000 characters and this server refuses longer texts.*--long-texts window/);
    await page.click('#rt-button');
    await page.waitForSelector('#rt-error:not([hidden])');
    assert.match((await page.textContent('#rt-error')) ?? '', /too long for this server \(413\).*has \d+ characters, the limit is 3000/);
    assert.equal(await page.isVisible('#rt-result'), false);
    await page.close();
    // The refused request is the one error the browser logs (a failed fetch), and expected.
    assert.deepEqual(session.consoleErrors.filter((m) => !/413/.test(m)), []);
  });

  test('with --long-texts window the long review is scored whole, and the page says how', async () => {
    const page = await session.open(`${windowing.base}/app/rating`);
    await page.waitForSelector('#rt-model:not([disabled])');
    await page.fill('#rt-text', LONG);
    await page.waitForSelector('#rt-long:not([hidden])');
    assert.match((await page.textContent('#rt-long')) ?? '', /score it as overlapping windows/);
    await page.click('#rt-button');
    await page.waitForSelector('#rt-result:not([hidden])');
    const expected = await rateByApi(windowing.base, LONG);
    assert.ok(expected.windows > 1);
    assert.equal(await page.getAttribute('#rt-stars .rating', 'data-rating'), String(expected.stars));
    assert.match((await page.textContent('#rt-windows')) ?? '', new RegExp(`scored as ${expected.windows} overlapping windows`));
    assert.match((await page.textContent('#rt-announce')) ?? '', new RegExp(`scored as ${expected.windows} windows`));
    await page.close();
    assert.deepEqual(session.consoleErrors.filter((m) => !/413/.test(m)), []);
  });

  test('the main page draws the learnt stars for a model with a rating map', async () => {
    const page = await session.open(`${refusing.base}/?model=reviews`);
    await page.waitForSelector('#model-select:not([disabled])');
    await page.fill('#text-input', GOOD);
    await page.click('#predict-button');
    await page.waitForSelector('#stars:not([hidden])');
    const expected = await rateByApi(refusing.base, GOOD);
    assert.equal(await page.getAttribute('#stars .rating', 'data-rating'), String(expected.stars));
    assert.match((await page.textContent('#stars')) ?? '', new RegExp(`learnt from star-rated reviews.*naive rule: ${expected.naive_stars}`));
    await page.close();
    assert.deepEqual(session.consoleErrors.filter((m) => !/413/.test(m)), []);
  });
});
