/**
 * The web page, end to end, as a person uses it: the real `textclass serve` process serves two
 * freshly trained models (the 7-emotion starter model, multiclass, with its HTML report; and a
 * binary sentiment model trained from the starter data's sentiment column, neutral dropped), and
 * Debian's Chromium, driven by playwright-core, opens the page. Checked: the model list and
 * summary, the keyboard path (Tab to the text box, type, Ctrl+Enter), probability bars and
 * highlighted tokens that agree with the API, the star rating of the sentiment model and a
 * correction sent as feedback, that model and user text is shown as text (never run as markup),
 * a batch upload that reaches "done" with a downloadable CSV whose rows match the API's
 * predictions, files refused before upload (picked or dropped), the model details and embedded
 * report, a phone-sized screen, and — on a second server that has API keys and a small upload
 * limit — the messages for a missing, wrong or read-only key and for a 413. No console errors
 * anywhere; screenshots are left in the temporary folder when TEXTCLASS_KEEP_E2E is set (their
 * paths are printed). The page's pure helpers (web/scoring.js) are tested without a browser.
 *
 * The browser part is skipped when Chromium is not installed, except in CI (set
 * TEXTCLASS_CHROMIUM to use another binary).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { pathToFileURL } from 'node:url';

import { parse as parseCsv } from 'csv-parse/sync';
import type { BrowserContext, Page } from 'playwright-core';

import { PNG_SIGNATURE, pngSize } from '../report/check-in-chromium.js';
import { REPO_ROOT } from '../test-support/starter-data.js';
import { assertNoProblems, browserSkip, CLI, launchBrowser, openPage, startServer, type BrowserSession, type ServerProcess } from '../test-support/web-e2e.js';
import { csvCell } from '../util/csv.js';
import { createRng } from '../util/random.js';

// CI installs Chromium (.ci/run), so there a missing browser fails the test instead of skipping it.
const skip = browserSkip();
const KEEP = Boolean(process.env.TEXTCLASS_KEEP_E2E);
/** The keyed server's batch upload limit (bytes): small, so a modest file meets the 413. */
const UPLOAD_LIMIT = 4096;
const API_KEY_PATTERN = /tc_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/;

// Browser globals for the callbacks that playwright runs inside the page; the Node build has no
// DOM types, and declaring these few here keeps them out of every other module.
interface PageElement {
  id: string;
  tagName: string;
  textContent: string | null;
  value: unknown;
  style: { width: string };
  matches(selector: string): boolean;
  dispatchEvent(event: unknown): boolean;
}
declare const document: {
  activeElement: PageElement | null;
  getElementById(id: string): PageElement | null;
  documentElement: { scrollWidth: number; clientWidth: number };
};
declare const localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
declare function scrollTo(x: number, y: number): void;
declare function getComputedStyle(element: PageElement): { boxShadow: string };
declare const DataTransfer: new () => { items: { add(file: unknown): void } };
declare const File: new (parts: string[], name: string, options: { type: string }) => unknown;
declare const DragEvent: new (type: string, init: { dataTransfer: unknown; bubbles: boolean; cancelable: boolean }) => unknown;

interface Prediction {
  labels: string[];
  scores: Record<string, number>;
  not_sure?: boolean;
  tokens?: Array<{ start: number; end: number; text: string; contribution: number }>;
}

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, TEXTCLASS_DATA_DIR: '' } });
  assert.equal(r.status, 0, `textclass ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout + r.stderr;
}

/** `textclass serve` of `modelsDir`, once it has loaded them. */
function serve(modelsDir: string, dbPath: string, extraArgs: string[] = []): Promise<ServerProcess> {
  return startServer(['--models', modelsDir, '--db', dbPath, ...extraArgs], { readyPath: '/readyz' });
}

/** The API's predictions with token contributions, to compare the page with. */
async function predict(server: ServerProcess, model: string, texts: string[], key?: string): Promise<Prediction[]> {
  const response = await fetch(`${server.base}/v1/models/${model}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ texts, explain: true }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { results: Prediction[] }).results;
}

async function screenshot(t: TestContext, page: Page, file: string): Promise<void> {
  // From the top: a full-page shot taken while scrolled draws the sticky header mid-page.
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: true });
  const bytes = fs.readFileSync(file);
  assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), 'the screenshot is a PNG');
  const size = pngSize(bytes)!;
  const viewport = page.viewportSize()!;
  assert.ok(size.width === viewport.width && size.height >= viewport.height, `screenshot ${size.width}×${size.height}`);
  if (KEEP) t.diagnostic(`screenshot: ${file}`);
}

/** Short made-up texts for the batch file, seeded; a few carry CSV and HTML special characters. */
function batchTexts(count: number): string[] {
  const openers = ['Honestly', 'Today', 'Well', 'So', 'Again'];
  const middles = ['the delivery was late and nobody answered', 'my sister called with wonderful news', 'I lost my keys on the bus', 'we finally finished the garden', 'the meeting got moved for the third time', 'a stranger paid for my coffee'];
  const endings = ['.', '!', ', I guess.', '...', ' — really.'];
  const rng = createRng(7);
  const pick = (items: string[]) => items[Math.floor(rng() * items.length)];
  const texts = Array.from({ length: count }, () => `${pick(openers)}, ${pick(middles)}${pick(endings)}`);
  texts[3] = 'Quotes "inside", commas, and <b>markup</b> stay as they are';
  return texts;
}

/** A text as an uploaded CSV cell: quoted where needed, nothing defused. */
const csvField = (text: string): string => csvCell(text, { defuseFormulas: false });

/** Tabs from the top of the page until `selector` has focus; returns the ids passed on the way. */
async function tabTo(page: Page, selector: string, maxTabs = 30): Promise<string[]> {
  const passed: string[] = [];
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return passed;
    passed.push(await page.evaluate(() => {
      const a = document.activeElement;
      return a ? `${a.tagName.toLowerCase()}${a.id ? `#${a.id}` : ''}` : '(none)';
    }));
  }
  assert.fail(`${selector} not reached with ${maxTabs} Tab presses; focus went: ${passed.join(' → ')}`);
}

/** web/scoring.js, the page's pure helpers (plain browser JavaScript, loaded as it is served). */
interface PageScoring {
  starRating(p: number): number;
  sentimentPositiveLabel(model: { id: string; name: string; task: string; labels: string[] }): string | null;
  usableSpans(text: string, tokens: Array<{ start: number; end: number; text: string; contribution: number }>): Array<{ start: number; end: number; contribution: number }>;
  highlightClass(contribution: number, strongest: number): string;
  strongestTokens(tokens: Array<{ start: number; end: number; text: string; contribution: number }>, k: number): { towards: Array<[string, number]>; against: Array<[string, number]> };
}

describe('web/scoring.js: what the result shows, without a browser', () => {
  const load = async () => (await import(pathToFileURL(path.join(REPO_ROOT, 'web', 'scoring.js')).href)) as PageScoring;
  const token = (text: string, start: number, contribution: number) => ({ start, end: start + text.length, text, contribution });

  test('stars are round(1 + 9p), clamped to 1…10', async () => {
    const { starRating } = await load();
    assert.deepEqual([0, 0.05, 0.212, 0.5, 0.824, 1].map(starRating), [1, 1, 3, 6, 8, 10]);
    assert.equal(starRating(-0.5), 1);
    assert.equal(starRating(1.5), 10);
  });

  test('only binary sentiment models get stars, on their positive label', async () => {
    const { sentimentPositiveLabel } = await load();
    const binary = (labels: string[], name = 'm') => ({ id: name, name, task: 'binary', labels });
    assert.equal(sentimentPositiveLabel(binary(['negative', 'positive'])), 'positive');
    assert.equal(sentimentPositiveLabel(binary(['pos', 'neg'])), 'pos');
    assert.equal(sentimentPositiveLabel(binary(['0', '1'], 'imdb')), '1', 'a review model without named labels: the second label');
    assert.equal(sentimentPositiveLabel(binary(['incident', 'request'], 'tickets-type')), null, 'binary but not sentiment');
    assert.equal(sentimentPositiveLabel({ id: 'starter', name: 'starter', task: 'multiclass', labels: ['joy', 'positive', 'negative'] }), null);
  });

  test('token spans: overlaps go to the stronger token, surrogate pairs stay whole, noise is dropped', async () => {
    const { usableSpans, highlightClass } = await load();
    const text = 'not bad 😀 at all';
    const spans = usableSpans(text, [
      token('not', 0, -0.2),
      token('not bad', 0, 0.9), // a bigram covering "not"
      { start: 9, end: 10, text: '😀', contribution: 0.4 }, // only the low half: widened to the whole emoji
      { start: 14, end: 99, text: 'all', contribution: 0.1 }, // past the end: cut at the end
      token('at', 11, 0), // no contribution: not drawn
    ]);
    assert.deepEqual(spans, [
      { start: 0, end: 7, contribution: 0.9 },
      { start: 8, end: 10, contribution: 0.4 },
      { start: 14, end: 17, contribution: 0.1 },
    ]);
    assert.equal(text.slice(spans[1].start, spans[1].end), '😀');
    assert.equal(highlightClass(0.9, 0.9), 'tp5');
    assert.equal(highlightClass(-0.9, 0.9), 'tn5');
    assert.equal(highlightClass(0.1, 0.9), 'tp1');
    assert.equal(highlightClass(0.01, 0.9), '', 'under 6 % of the strongest: unmarked');
    assert.equal(highlightClass(0.5, 0), '');
  });

  test('the strongest tokens sum a word that occurs twice', async () => {
    const { strongestTokens } = await load();
    const top = strongestTokens([token('so', 0, 0.2), token('sad', 3, 0.5), token('so', 7, 0.4), token('but', 10, -0.3), token('ok', 14, -0.1)], 1);
    assert.equal(top.towards[0][0], 'so');
    assert.ok(Math.abs(top.towards[0][1] - 0.6) < 1e-12);
    assert.deepEqual(top.against, [['but', -0.3]]);
  });
});

describe('the web page in Chromium, served by textclass serve', { skip, timeout: 300_000 }, () => {
  let work = '';
  let modelsDir = '';
  let server: ServerProcess;
  let session: BrowserSession;
  let context: BrowserContext;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-web-e2e-'));
    modelsDir = path.join(work, 'models');
    cli(['train', 'recipes/starter.yaml', '--data-dir', 'data', '--out', path.join(modelsDir, 'starter')]);
    cli(['report', path.join(modelsDir, 'starter'), '--data-dir', 'data', '--out', path.join(modelsDir, 'starter', 'report.html'), '--mistakes', '5']);
    // Binary sentiment from the same data: its sentiment column, neutral rows dropped.
    cli(['train', 'recipes/starter.yaml', '--data-dir', 'data', '--out', path.join(modelsDir, 'sentiment'),
      '--set', 'name=sentiment', '--set', 'task=binary', '--set', 'data.label_field=sentiment', '--set', 'labels.drop=[neutral]']);
    server = await serve(modelsDir, path.join(work, 'db.sqlite'));
    session = await launchBrowser({ acceptDownloads: true });
    context = session.context;
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    await session?.close().catch(() => undefined);
    await server?.stop();
    if (KEEP) console.log(`web e2e artifacts kept in ${work}`);
    else if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('lists the models and shows the chosen one: task, labels, dev metrics', async () => {
    const { page, problems } = await openPage(context, `${server.base}/?model=starter`);
    await page.waitForSelector('#model-select:not([disabled])');
    const options = await page.$$eval('#model-select option', (os) => os.map((o) => (o as unknown as PageElement).value as string));
    assert.deepEqual([...options].sort(), ['sentiment', 'starter']);
    assert.equal(await page.inputValue('#model-select'), 'starter');
    assert.equal(await page.textContent('#summary-title'), 'starter');
    const chips = await page.$$eval('#summary-labels .chip', (cs) => cs.map((c) => c.textContent));
    assert.deepEqual(chips, ['anger', 'fear', 'joy', 'love', 'neutral', 'sadness', 'surprise']);
    assert.match((await page.textContent('#summary-meta')) ?? '', /multiclass/);
    const cards = await page.$$eval('#summary-metrics .card', (cs) => cs.map((c) => c.textContent ?? ''));
    assert.ok(cards.some((c) => /dev accuracy\s*0\.\d{4}/.test(c)), `headline cards: ${cards.join(' | ')}`);
    assertNoProblems(problems);
    await page.close();
  });

  test('keyboard: Tab to the text box, type, Ctrl+Enter → bars and highlighted tokens that match the API', async (t) => {
    const { page, problems } = await openPage(context, `${server.base}/?model=starter`);
    await page.waitForSelector('#model-select:not([disabled])');
    const passed = await tabTo(page, '#text-input');
    assert.ok(passed.includes('select#model-select'), `the model picker comes before the text box: ${passed.join(' → ')}`);
    const focusRing = await page.$eval('#text-input', (e) => getComputedStyle(e).boxShadow);
    assert.notEqual(focusRing, 'none', 'the focused text box shows a focus ring');

    const text = 'I miss you so much already, come back soon';
    await page.keyboard.type(text);
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('#result:not([hidden]) #bars li');
    const [expected] = await predict(server, 'starter', [text]);

    const bars = await page.$$eval('#bars li', (rows) => rows.map((r) => ({
      label: r.getAttribute('data-label'),
      value: Number(r.querySelector('.bar-value')?.textContent),
      width: parseFloat((r.querySelector('.bar-fill') as unknown as PageElement).style.width),
      chosen: r.classList.contains('chosen'),
    })));
    assert.equal(bars.length, 7, 'one bar per label');
    const ranked = Object.entries(expected.scores).sort((a, b) => b[1] - a[1]);
    assert.deepEqual(bars.map((b) => b.label), ranked.map(([l]) => l), 'bars sorted by probability');
    for (const bar of bars) {
      assert.ok(Math.abs(bar.value - expected.scores[bar.label!]) < 5e-4, `${bar.label}: ${bar.value} vs ${expected.scores[bar.label!]}`);
      assert.ok(Math.abs(bar.width - 100 * expected.scores[bar.label!]) < 0.05, `${bar.label}: bar width ${bar.width}%`);
    }
    assert.deepEqual(bars.filter((b) => b.chosen).map((b) => b.label), expected.labels, 'the chosen label is marked');
    const verdict = (await page.textContent('#verdict')) ?? '';
    for (const label of expected.labels) assert.ok(verdict.includes(label), `verdict "${verdict}" names ${label}`);
    assert.match((await page.textContent('#result-announce')) ?? '', new RegExp(`Result: ${expected.labels[0]}`), 'the result is announced');

    // Highlighted tokens: the text reads as typed; every mark is a token of the API's
    // explanation with its sign as colour and its value on hover.
    assert.equal(await page.textContent('#explained-text'), text);
    const marks = await page.$$eval('#explained-text mark', (ms) => ms.map((m) => ({ text: m.textContent, cls: m.className, title: m.getAttribute('title') ?? '', value: Number(m.getAttribute('data-contribution')) })));
    assert.ok(marks.length >= 3, `${marks.length} highlighted tokens`);
    const tokens = expected.tokens ?? [];
    for (const mark of marks) {
      const token = tokens.find((tk) => tk.text === mark.text && Math.abs(tk.contribution - mark.value) < 1e-9);
      assert.ok(token, `mark "${mark.text}" is an explained token`);
      assert.match(mark.cls, mark.value > 0 ? /^tp[1-5]$/ : /^tn[1-5]$/);
      assert.match(mark.title, /^[+−]\d+\.\d{3} (towards|against) /);
    }
    const strongest = tokens.reduce((best, tk) => (tk.contribution > best.contribution ? tk : best), tokens[0]);
    assert.ok(((await page.textContent('#drivers .towards')) ?? '').includes(strongest.text), 'the strongest token is listed');
    // The keyboard user is still in the text box, ready for the next text.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'text-input');

    await screenshot(t, page, path.join(work, 'web-predict.png'));
    assertNoProblems(problems);
    await page.close();
  });

  test('binary sentiment model: star rating round(1 + 9·p) next to the bars; a correction is sent as feedback', async (t) => {
    const { page, problems } = await openPage(context, `${server.base}/`);
    await page.waitForSelector('#model-select:not([disabled])');
    await page.selectOption('#model-select', 'sentiment');
    await page.waitForFunction(() => document.getElementById('summary-title')?.textContent === 'sentiment');
    for (const text of ['What a wonderful surprise, thank you all so much!', 'This is the worst service I have ever had, I am furious.']) {
      await page.fill('#text-input', text);
      await page.click('#predict-button');
      await page.waitForFunction((t) => document.getElementById('explained-text')?.textContent === t, text);
      const [expected] = await predict(server, 'sentiment', [text]);
      const stars = Math.round(1 + 9 * expected.scores.positive);
      assert.equal(await page.getAttribute('#stars .rating', 'data-rating'), String(stars), text);
      assert.equal(await page.getAttribute('#stars .rating', 'aria-label'), `Rating: ${stars} out of 10 stars`);
      assert.equal(await page.$$eval('#stars .stars .on', (s) => s.length), stars, 'filled stars');
      assert.equal((await page.textContent('#stars .stars-number'))?.replace(/\s+/g, ''), `${stars}/10`);
      assert.equal(await page.$$eval('#bars li', (rows) => rows.length), 2);
    }
    // The last text was predicted negative; a person says it is positive.
    await page.click('#feedback summary');
    await page.check('#feedback-choices input[value="positive"]');
    await page.click('#feedback-form button[type=submit]');
    await page.waitForFunction(() => /saved/.test(document.getElementById('feedback-status')?.textContent ?? ''));
    await screenshot(t, page, path.join(work, 'web-sentiment.png'));
    // A multiclass model shows no stars.
    await page.selectOption('#model-select', 'starter');
    await page.fill('#text-input', 'ok then');
    await page.click('#predict-button');
    await page.waitForFunction(() => document.getElementById('explained-text')?.textContent === 'ok then');
    assert.equal(await page.isVisible('#stars'), false);
    assertNoProblems(problems);
    await page.close();
  });

  test('user text with markup is shown as text, never run', async () => {
    const { page, problems } = await openPage(context, `${server.base}/?model=starter`);
    await page.waitForSelector('#model-select:not([disabled])');
    const hostile = 'so happy <img src=x onerror="alert(1)"> <script>alert(2)</script> &amp; joy';
    await page.fill('#text-input', hostile);
    await page.click('#predict-button');
    await page.waitForSelector('#result:not([hidden]) #bars li');
    await page.waitForFunction((t) => document.getElementById('explained-text')?.textContent === t, hostile);
    assert.equal(await page.$$eval('#result img, #result script', (e) => e.length), 0, 'no element was created from the text');
    assertNoProblems(problems);
    await page.close();
  });

  test('batch: pick a CSV → progress → done → the downloaded CSV matches the API row by row', async (t) => {
    const texts = batchTexts(40);
    const csvPath = path.join(work, 'messages.csv');
    fs.writeFileSync(csvPath, 'id,text\n' + texts.map((text, i) => `m${i + 1},${csvField(text)}`).join('\n') + '\n');

    const { page, problems } = await openPage(context, `${server.base}/?model=starter`);
    await page.waitForSelector('#model-select:not([disabled])');
    await page.setInputFiles('#batch-file', csvPath);
    assert.match((await page.textContent('#batch-file-name')) ?? '', /^messages\.csv · /);
    await page.click('#batch-button');
    await page.waitForSelector('#batch-job[data-status=done] #job-download a.download', { timeout: 60_000 });
    assert.equal(await page.$eval('#job-progress', (p) => (p as unknown as PageElement).value), 1, 'the progress bar is full');
    assert.match((await page.textContent('#job-count')) ?? '', /^40 of 40 rows/);
    assert.equal(await page.isVisible('#batch-error'), false);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#job-download a.download')]);
    assert.equal(download.suggestedFilename(), 'messages-labels.csv');
    const saved = path.join(work, 'downloaded.csv');
    await download.saveAs(saved);
    const rows = parseCsv(fs.readFileSync(saved, 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
    assert.equal(rows.length, texts.length, 'one row per input row');
    const labels = ['anger', 'fear', 'joy', 'love', 'neutral', 'sadness', 'surprise'];
    assert.deepEqual(Object.keys(rows[0]), ['id', 'text', 'labels', ...labels], 'id,text,labels,<label>… header');
    const expected = await predict(server, 'starter', texts);
    rows.forEach((row, i) => {
      assert.equal(row.id, `m${i + 1}`);
      assert.equal(row.text, texts[i]);
      assert.equal(row.labels, expected[i].labels.join('|'), `row ${i + 1} labels`);
      for (const label of labels) assert.ok(Math.abs(Number(row[label]) - expected[i].scores[label]) < 1e-5, `row ${i + 1} ${label}`);
    });
    await screenshot(t, page, path.join(work, 'web-batch.png'));
    assertNoProblems(problems);
    await page.close();
  });

  test('batch: a file the API cannot take gets a clear message before anything is sent', async () => {
    const { page, problems } = await openPage(context, `${server.base}/?model=starter`);
    await page.waitForSelector('#model-select:not([disabled])');
    const noTextColumn = path.join(work, 'no-text.csv');
    fs.writeFileSync(noTextColumn, 'id,message\n1,hello\n');
    await page.setInputFiles('#batch-file', noTextColumn);
    await page.click('#batch-button');
    await page.waitForSelector('#batch-error:not([hidden])');
    assert.match((await page.textContent('#batch-error')) ?? '', /has no “text” column \(it has: id, message\)/);
    // Dropped rather than picked: the drop zone takes the file the same way.
    await page.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['id;text\n1;hello\n'], 'semicolons.csv', { type: 'text/csv' }));
      document.getElementById('dropzone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    assert.match((await page.textContent('#batch-file-name')) ?? '', /^semicolons\.csv · /);
    await page.click('#batch-button');
    await page.waitForFunction(() => /semicolons\.csv” has no “text” column/.test(document.getElementById('batch-error')?.textContent ?? ''));
    const notJson = path.join(work, 'broken.jsonl');
    fs.writeFileSync(notJson, 'this is not json\n');
    await page.setInputFiles('#batch-file', notJson);
    await page.click('#batch-button');
    await page.waitForFunction(() => /is not JSON/.test(document.getElementById('batch-error')?.textContent ?? ''));
    const spreadsheet = path.join(work, 'sheet.xlsx');
    fs.writeFileSync(spreadsheet, 'PK\u0003\u0004');
    await page.setInputFiles('#batch-file', spreadsheet);
    assert.match((await page.textContent('#batch-error')) ?? '', /choose a \.csv/);
    assert.equal(await page.isDisabled('#batch-button'), true);
    assert.equal(await page.isVisible('#batch-job'), false, 'no job was started');
    assertNoProblems(problems);
    await page.close();
  });

  test('model details: decision rule, calibration, metrics tables, the model’s report embedded', async (t) => {
    const { page, problems } = await openPage(context, `${server.base}/?model=starter`);
    await page.waitForSelector('#details-body .metrics-table');
    const details = (await page.textContent('#details-body')) ?? '';
    assert.match(details, /Decision rule/);
    assert.match(details, /The label with the highest probability/);
    assert.match(details, /Calibration/);
    const header = await page.$$eval('#details-body .metrics-table thead th', (ths) => ths.map((th) => th.textContent));
    assert.deepEqual(header, ['metric', 'dev']);
    const accuracyRow = await page.$$eval('#details-body .metrics-table tbody tr', (trs) => trs.map((tr) => tr.textContent ?? '').find((s) => s.startsWith('accuracy')));
    assert.match(accuracyRow ?? '', /^accuracy0\.\d{4}$/);
    const perLabel = await page.$$eval('#details-body table.per-label tbody th', (ths) => ths.map((th) => th.textContent));
    assert.deepEqual(perLabel, ['anger', 'fear', 'joy', 'love', 'neutral', 'sadness', 'surprise'], 'per-label table');

    const frame = page.locator('iframe.report-frame');
    await frame.scrollIntoViewIfNeeded();
    assert.equal(await frame.getAttribute('src'), '/v1/models/starter/report');
    const reportTitle = page.frameLocator('iframe.report-frame').locator('h1');
    await reportTitle.waitFor();
    assert.equal(await reportTitle.textContent(), 'starter');
    assert.ok((await page.frameLocator('iframe.report-frame').locator('svg[data-chart]').count()) >= 3, 'the report draws its charts');

    // The sentiment model has no report: the page says how to make one.
    await page.selectOption('#model-select', 'sentiment');
    await page.waitForFunction(() => /no HTML report yet/.test(document.getElementById('details-body')?.textContent ?? ''));
    await page.selectOption('#model-select', 'starter');
    await page.frameLocator('iframe.report-frame').locator('h1').waitFor();
    await screenshot(t, page, path.join(work, 'web-details.png'));
    // Full-page shots leave a sandboxed (separate-process) frame blank; this one shows the report.
    await frame.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(work, 'web-report.png') });
    assertNoProblems(problems);
    await page.close();
  });

  test('narrow screen: the page fits a phone without sideways scrolling', async (t) => {
    const phone = await session.browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const { page, problems } = await openPage(phone, `${server.base}/?model=starter`);
      await page.waitForSelector('#model-select:not([disabled])');
      await page.fill('#text-input', 'We finally finished the garden and it looks amazing');
      await page.click('#predict-button');
      await page.waitForSelector('#result:not([hidden]) #bars li');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
      await screenshot(t, page, path.join(work, 'web-phone.png'));
      assertNoProblems(problems);
    } finally {
      await phone.close();
    }
  });

  describe('on a server with API keys', () => {
    let keyed: ServerProcess;
    let readKey = '';
    let adminKey = '';
    // The browser logs every refused request ("Failed to load resource … 401"); those are expected here.
    const refusedRequest = /Failed to load resource: the server responded with a status of (401|403|413)/;

    before(async () => {
      const db = path.join(work, 'keyed.sqlite');
      readKey = API_KEY_PATTERN.exec(cli(['keys', 'create', '--scope', 'read', '--db', db]))?.[0] ?? '';
      adminKey = API_KEY_PATTERN.exec(cli(['keys', 'create', '--scope', 'admin', '--db', db]))?.[0] ?? '';
      assert.ok(readKey && adminKey, '`textclass keys create` printed the keys');
      keyed = await serve(modelsDir, db, ['--upload-limit', String(UPLOAD_LIMIT)]);
    });

    after(async () => {
      await keyed?.stop();
    });

    test('no key, a wrong key, a read key uploading, a file over the upload limit: each says what is needed', async (t) => {
      const own = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const { page, problems } = await openPage(own, `${keyed.base}/?model=starter`);
        // No key: the page asks for one and opens the key field.
        await page.waitForSelector('#global-error:not([hidden])');
        assert.match((await page.textContent('#global-error')) ?? '', /needs an API key/);
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'api-key', 'the key field has focus');

        // A wrong key is refused with a message saying so.
        await page.fill('#api-key', 'tc_0000000000000000_wrongwrongwrongwrongwrongwrongwrongwrongwro');
        await page.press('#api-key', 'Enter');
        await page.waitForFunction(() => /API key was refused/.test(document.getElementById('global-error')?.textContent ?? ''));
        await screenshot(t, page, path.join(work, 'web-bad-key.png'));

        // A read key: models load, predictions work, but a batch upload needs an admin key.
        await page.fill('#api-key', readKey);
        await page.press('#api-key', 'Enter');
        await page.waitForSelector('#model-select:not([disabled])');
        assert.equal(await page.isVisible('#global-error'), false);
        assert.equal(await page.evaluate(() => localStorage.getItem('textclass.apiKey')), readKey, 'the key is kept in localStorage');
        // A frame cannot send the key, so the report is shown as a script-free copy plus a download.
        await page.waitForSelector('#details-body a[download="starter-report.html"]');
        const copy = page.frameLocator('iframe.report-frame');
        assert.equal(await copy.locator('h1').textContent(), 'starter');
        assert.ok((await copy.locator('svg[data-chart]').count()) >= 3, 'the copy draws the charts');
        assert.equal(await copy.locator('script, button.png').count(), 0, 'no scripts or PNG buttons in the copy');
        await page.fill('#text-input', 'thank you so much, this made my day');
        await page.click('#predict-button');
        await page.waitForSelector('#result:not([hidden]) #bars li');
        const csvPath = path.join(work, 'two.csv');
        fs.writeFileSync(csvPath, 'text\nfirst message\nsecond message\n');
        await page.setInputFiles('#batch-file', csvPath);
        await page.click('#batch-button');
        await page.waitForSelector('#batch-error:not([hidden])');
        assert.match((await page.textContent('#batch-error')) ?? '', /needs an admin key/i);

        // An admin key uploads, within the server's upload limit.
        await page.evaluate((k) => localStorage.setItem('textclass.apiKey', k), adminKey);
        const big = path.join(work, 'big.csv');
        fs.writeFileSync(big, 'text\n' + batchTexts(200).map(csvField).join('\n') + '\n');
        assert.ok(fs.statSync(big).size > UPLOAD_LIMIT);
        await page.setInputFiles('#batch-file', big);
        await page.click('#batch-button');
        await page.waitForFunction(() => /larger than this server accepts \(413\)/.test(document.getElementById('batch-error')?.textContent ?? ''));
        await page.setInputFiles('#batch-file', csvPath);
        await page.click('#batch-button');
        await page.waitForSelector('#batch-job[data-status=done] #job-download a.download', { timeout: 60_000 });
        assertNoProblems(problems, refusedRequest);
      } finally {
        await own.close();
      }
    });
  });
});
