/**
 * The multi-label emotions use case end to end: a GoEmotions model (a subset of the real data, so
 * it trains in seconds) with an Ekman preset and the dataset's own sentiment mapping, trained by
 * the real CLI; `predict --group` on the command line; the real server's predict route with
 * `group`; and the /app/emotions page in Debian's Chromium, driven by keyboard.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { SHARED_DATASETS } from '../../test-support/starter-data.js';
import { browserSkip, CLI, launchBrowser, runCli, startServer, type BrowserSession, type ServerProcess } from '../../test-support/web-e2e.js';
import { PRESET_GROUPINGS } from './grouping.js';

const GOEMOTIONS = path.join(SHARED_DATASETS, 'goemotions');
const skip = browserSkip() || (!fs.existsSync(path.join(GOEMOTIONS, 'train.tsv')) && 'shared datasets not found beside the repository');
const EKMAN = new Set([...PRESET_GROUPINGS['goemotions-ekman'].groups.map((g) => g.name), 'neutral']);

function firstLines(file: string, n: number): string {
  return fs.readFileSync(file, 'utf8').split('\n').slice(0, n).join('\n') + '\n';
}

describe('multi-label emotions with groupings: CLI, API and the /app/emotions page', { skip, timeout: 300_000 }, () => {
  let work: string;
  let server: ServerProcess;
  let session: BrowserSession;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-emotions-'));
    const data = path.join(work, 'data', 'goemotions');
    fs.mkdirSync(data, { recursive: true });
    fs.writeFileSync(path.join(data, 'train.tsv'), firstLines(path.join(GOEMOTIONS, 'train.tsv'), 6000));
    fs.writeFileSync(path.join(data, 'dev.tsv'), firstLines(path.join(GOEMOTIONS, 'dev.tsv'), 1500));
    for (const f of ['emotions.txt', 'sentiment_dict.json']) fs.copyFileSync(path.join(GOEMOTIONS, f), path.join(data, f));
    const recipe = path.join(work, 'emotions.yaml');
    fs.writeFileSync(
      recipe,
      [
        'name: emotions-demo',
        'description: GoEmotions subset <b>grouped</b>',
        'task: multilabel',
        'data: {format: goemotions-tsv, train: goemotions/train.tsv, dev: goemotions/dev.tsv, label_names: goemotions/emotions.txt}',
        'features: {ngram_range: [1, 2], min_df: 2, sublinear_tf: true}',
        'model: {C: 4, class_weight: balanced}',
        'evaluation: {thresholds: tune}',
        'groupings:',
        '  ekman: goemotions-ekman',
        '  sentiment: {map_file: goemotions/sentiment_dict.json}',
        '',
      ].join('\n'),
    );
    const models = path.join(work, 'models');
    runCli(['train', recipe, '--data-dir', path.join(work, 'data'), '--out', path.join(models, 'emotions'), '--quiet', '--no-track']);
    // A single-label model without groupings: the page must not offer it.
    runCli(['train', 'recipes/starter.yaml', '--data-dir', 'data', '--out', path.join(models, 'starter'), '--quiet', '--no-track']);
    server = await startServer(['--models', models, '--db', path.join(work, 'db.sqlite')]);
    session = await launchBrowser();
  });

  after(async () => {
    await session?.close();
    await server?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('the manifest holds both groupings and their dev metrics', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(work, 'models', 'emotions', 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest.groupings.map((g: { name: string }) => g.name), ['ekman', 'sentiment']);
    const ekman = manifest.metrics.dev_grouped.ekman;
    assert.deepEqual(new Set(ekman.labels), EKMAN);
    assert.equal(ekman.n, manifest.metrics.dev.n);
    // Coarser groups are easier than 28 emotions: fewer ways to be wrong.
    assert.ok(ekman.micro_f1 > manifest.metrics.dev.micro_f1, `ekman micro-F1 ${ekman.micro_f1} vs ${manifest.metrics.dev.micro_f1}`);
    assert.deepEqual(manifest.metrics.dev_grouped.sentiment.labels, ['positive', 'negative', 'ambiguous', 'neutral']);
  });

  test('predict --group on the command line agrees with the fine labels', () => {
    const r = spawnSync(process.execPath, [CLI, 'predict', path.join(work, 'models', 'emotions'), '--group', 'sentiment', '--json'], { input: 'thank you so much, I love this!\nthis is awful and I hate it\n', encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(rows.length, 2);
    for (const row of rows) {
      const fromGroups = row.groups.flatMap((g: { labels: string[] }) => g.labels).sort();
      assert.deepEqual(fromGroups, [...row.labels].sort(), 'every chosen label is in exactly one chosen group');
      assert.deepEqual(Object.keys(row.group_scores), ['positive', 'negative', 'ambiguous', 'neutral']);
    }
    assert.equal(rows[0].groups[0].group, 'positive');
    assert.equal(rows[1].groups[0].group, 'negative');
    const bad = spawnSync(process.execPath, [CLI, 'predict', path.join(work, 'models', 'emotions'), '--group', 'plutchik'], { input: 'hi\n', encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /no grouping "plutchik" \(it has: ekman, sentiment\)/);
  });

  test('the predict route shows groups on request and names the groupings it has', async () => {
    const post = (body: unknown) => fetch(`${server.base}/v1/models/emotions/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = (await (await post({ texts: ['I am so scared and nervous about tomorrow'], group: 'ekman' })).json()) as { results: { labels: string[]; groups: { group: string; labels: string[] }[]; group_scores: Record<string, number> }[] };
    const [result] = ok.results;
    assert.deepEqual(new Set(Object.keys(result.group_scores)), EKMAN);
    for (const g of result.groups) assert.ok(g.labels.every((l) => result.labels.includes(l)));
    assert.ok(result.groups.some((g) => g.group === 'fear'), JSON.stringify(result));
    const refused = await post({ texts: ['x'], group: 'plutchik' });
    assert.equal(refused.status, 422);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /group: this model has no grouping "plutchik" \(it has: ekman, sentiment\)/);
    const none = await fetch(`${server.base}/v1/models/starter/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts: ['x'], group: 'ekman' }) });
    assert.equal(none.status, 422);
    const summary = (await (await fetch(`${server.base}/v1/models/emotions`)).json()) as { groupings: string[] };
    assert.deepEqual(summary.groupings, ['ekman', 'sentiment']);
  });

  test('the page reads emotions, groups them on request and shows the measured quality', async () => {
    const page = await session.open(`${server.base}/app/emotions`);
    await page.waitForSelector('#emotion-model:not([disabled])');
    assert.deepEqual(await page.$$eval('#emotion-model option', (os) => os.map((o) => (o as unknown as { value: string }).value)), ['emotions'], 'only the multi-label model');
    await page.waitForSelector('.quality-table');
    assert.equal(await page.locator('.quality-table tbody tr').count(), 3, 'each emotion, ekman, sentiment');

    await page.focus('#emotion-text');
    await page.keyboard.type('Thank you so much, this is wonderful and I love it!');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('#emotion-result:not([hidden])');
    const fine = await page.$$eval('#emotion-chosen .chip', (cs) => cs.map((c) => c.textContent));
    assert.ok(fine.includes('gratitude') || fine.includes('love'), `fine labels: ${fine.join(', ')}`);
    assert.equal(await page.locator('#emotion-bars li').count(), 28);
    assert.equal(await page.isVisible('#emotion-groups'), false);

    // Choose the Ekman grouping with the keyboard: the result is read again, grouped.
    await page.focus('input[name=grouping][value=""]');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('#emotion-groups:not([hidden])');
    const groups = await page.$$eval('#emotion-chosen .chip', (cs) => cs.map((c) => c.textContent ?? ''));
    assert.ok(groups.length > 0 && groups.every((g) => EKMAN.has(g)), `groups: ${groups.join(', ')}`);
    assert.equal(groups[0], 'joy');
    assert.equal(await page.locator('#emotion-group-bars li').count(), EKMAN.size);
    assert.match((await page.textContent('#emotion-announce')) ?? '', /^Emotions: joy/);
    assert.deepEqual(session.consoleErrors, [], 'no console errors');
  });
});
