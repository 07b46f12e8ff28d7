/**
 * The recommendations page end to end: a real `textclass train` of the Korean 4-emotion recipe on
 * a quarter of its training rows (the AIHub data under ../shared/datasets), the real
 * `textclass serve --catalogs <copy of data/catalog>`, and Debian's Chromium driven by
 * playwright-core. Checked, by keyboard where a person would use it: the catalog picks its model,
 * a match list with a why and one bar per emotion for each item, a path from a typed feeling (the
 * detected mood shown, steps in order), a catalog written for a model the server lacks says so,
 * an unreadable catalog cannot be chosen, markup in a catalog is shown as text, a server refusal
 * is shown readably. No console errors.
 *
 * Skipped when Chromium or the Korean data is missing, except in CI.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT, SHARED_DATASETS } from '../../test-support/starter-data.js';
import { browserSkip, launchBrowser, runCli as cli, startServer, type BrowserSession, type ServerProcess } from '../../test-support/web-e2e.js';

const KOREAN = path.join(SHARED_DATASETS, 'korean_single_turn_emotion', '한국어_단발성_대화_데이터셋_train.xlsx');
const skip = browserSkip() || (!process.env.CI && !fs.existsSync(KOREAN) && `the Korean data set is not at ${KOREAN}`);
const MARKUP = '<img src=x onerror=alert(1)>';
const MAX_TEXT_CHARS = 300;

// Browser globals for the callbacks playwright runs inside the page (the Node build has no DOM types).
declare const document: { activeElement: { id: string } | null; querySelectorAll(s: string): { length: number } };

describe('the recommendations page in Chromium, served by textclass serve --catalogs', { skip, timeout: 180_000 }, () => {
  let work: string;
  let server: ServerProcess;
  let session: BrowserSession;
  let base: string;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-recommend-web-'));
    const models = path.join(work, 'models');
    // A quarter of the training rows and a small dev split: seconds, and still a real Korean model.
    cli([
      'train', 'recipes/korean-emotion4.yaml', '--data-dir', SHARED_DATASETS, '--out', path.join(models, 'korean-emotion4'), '--no-track', '--quiet',
      '--set', 'sampling.keep={분노+혐오: 0.25, 놀람+공포: 0.25, 슬픔: 0.25, 행복: 0.25}', '--set', 'data.dev_split=0.05',
    ]);
    const catalogs = path.join(work, 'catalogs');
    fs.mkdirSync(catalogs);
    for (const f of fs.readdirSync(path.join(REPO_ROOT, 'data', 'catalog'))) if (/\.(csv|json)$/.test(f)) fs.copyFileSync(path.join(REPO_ROOT, 'data', 'catalog', f), path.join(catalogs, f));
    fs.writeFileSync(path.join(catalogs, 'markup.csv'), `id,title,text\nm1,"${MARKUP} 제목","${MARKUP} 너무 행복해 오늘 최고의 날"\nm2,비,비가 와서 슬퍼\n`);
    fs.writeFileSync(path.join(catalogs, 'broken.csv'), 'id,title\n1,no text column\n');
    server = await startServer(['--models', models, '--catalogs', catalogs, '--db', path.join(work, 'db.sqlite'), '--runs-db', path.join(work, 'runs.sqlite'), '--max-text-chars', String(MAX_TEXT_CHARS)]);
    base = server.base;
    session = await launchBrowser({ timeoutMs: 20_000 });
  });

  after(async () => {
    await session?.close();
    await server?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const itemCount = (page: Page) => page.locator('#rec-items > li').count();

  test('match, then a path from a typed feeling, by keyboard; every item says why', async () => {
    const page = await session.open(`${base}/app/recommend?catalog=korean-lyrics`);
    await page.waitForSelector('#rec-button:not([disabled])');
    assert.equal(await page.inputValue('#rec-catalog'), 'korean-lyrics');
    assert.equal(await page.inputValue('#rec-model'), 'korean-emotion4', 'the catalog picks the model it was written for');
    assert.deepEqual(await page.locator('#rec-target option').allTextContents(), ['놀람+공포', '분노+혐오', '슬픔', '행복']);
    assert.equal(await page.locator('#rec-catalog option[value="broken"]').isDisabled(), true, 'an unreadable catalog cannot be chosen');

    // Match: choose 행복 with the keyboard, then Enter on the button.
    await page.focus('#rec-target');
    await page.selectOption('#rec-target', '행복');
    await page.focus('#rec-button');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#rec-items > li').length === 5);
    assert.match((await page.textContent('#rec-result-title')) ?? '', /^5 items for 행복$/);
    assert.equal(await page.locator('#rec-items > li').first().locator('.bar-row').count(), 4, 'one bar per emotion');
    assert.equal(await page.locator('#rec-items > li .bar-row.is-target').count(), 5, 'the target bar is marked in each item');
    const whys = await page.locator('#rec-items .rec-why').allTextContents();
    assert.equal(whys.length, 5);
    for (const w of whys) assert.match(w, /^Why: 행복 \d+\.\d%/);
    const scores = (await page.locator('#rec-items .rec-score').allTextContents()).map((t) => Number(t.replace('score ', '')));
    for (let i = 1; i < scores.length; i++) assert.ok(scores[i] <= scores[i - 1] + 0.02, `ranked by 행복: ${scores.join(', ')}`);
    assert.match((await page.textContent('#rec-announce')) ?? '', /5 items for 행복\. First: /);
    assert.match((await page.textContent('#rec-build')) ?? '', /Catalog of 40 items: 40 scored by the model for this request, 0 stored scores reused\./);

    // Path: the radio by keyboard, a feeling typed, Ctrl+Enter sends.
    await page.focus('#rec-mode-match');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.isChecked('#rec-mode-path'), true);
    assert.equal(await page.isVisible('#rec-feeling'), true);
    assert.equal(await page.textContent('#rec-target-label'), 'Where you want to go');
    await page.fill('#rec-n', '4');
    await page.focus('#rec-feeling');
    await page.keyboard.type('너무 슬프고 외로워서 눈물이 나');
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => document.querySelectorAll('#rec-items .rec-why').length === 4 && document.querySelectorAll('#rec-detected:not([hidden])').length === 1);
    assert.match((await page.textContent('#rec-result-title')) ?? '', /^From 슬픔 toward 행복: 4 items$/);
    assert.equal(await page.locator('#rec-detected-bars .bar-row').count(), 4);
    const steps = await page.locator('#rec-items .rec-why').allTextContents();
    assert.match(steps[0], /^Why: step 1 of 4: aims at your detected mood \(mostly 슬픔\)/);
    assert.match(steps[3], /^Why: step 4 of 4: the end of the path/);
    assert.match((await page.textContent('#rec-build')) ?? '', /0 scored by the model for this request, 40 stored scores reused/);
    await page.close();
  });

  test('a catalog for a model the server lacks says so; markup is shown as text; refusals are readable', async () => {
    const page = await session.open(`${base}/app/recommend`);
    await page.waitForSelector('#rec-button:not([disabled])');
    await page.selectOption('#rec-catalog', 'english-lines');
    assert.match((await page.textContent('#rec-model-note')) ?? '', /written for the model “starter”, which this server has not loaded/);

    await page.selectOption('#rec-catalog', 'markup');
    await page.selectOption('#rec-target', '행복');
    await page.fill('#rec-n', '2');
    await page.click('#rec-button');
    await page.waitForFunction(() => document.querySelectorAll('#rec-items > li').length === 2);
    const titles = await page.locator('#rec-items .rec-item-title').allTextContents();
    assert.ok(titles.includes(`${MARKUP} 제목`), `markup shown as text: ${titles.join(' | ')}`);
    assert.equal(await page.locator('#rec-items img').count(), 0);

    // A feeling longer than the server accepts: its 413 message, in the alert.
    await page.check('#rec-mode-path');
    await page.fill('#rec-feeling', '슬퍼 '.repeat(MAX_TEXT_CHARS));
    await page.click('#rec-button');
    await page.waitForSelector('#rec-error:not([hidden])');
    assert.match((await page.textContent('#rec-error')) ?? '', /from_text has \d+ characters, the limit is 300/);
    await page.close();
    assert.deepEqual(session.dialogs, [], 'no script from the catalog ran');
    assert.deepEqual(session.consoleErrors.filter((e) => !/status of 413/.test(e)), [], 'no console errors');
  });
});
