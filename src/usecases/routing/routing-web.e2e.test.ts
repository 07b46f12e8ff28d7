/**
 * Ticket routing end to end: a per-tier routing model trained by the real CLI on a subset of the
 * real Endava tickets, the starter model beside it, `textclass route`, the real `textclass serve`
 * (POST /v1/route, GET /v1/route/{model}) and the page /app/route in Debian's Chromium driven by
 * playwright-core. Checked: the picker lists only the routing model; a ticket typed by keyboard
 * shows the route the API gives as breadcrumbs with a confidence per tier; the slider moves the
 * threshold with coverage and precision from the stored curve and a threshold of 1 sends the
 * ticket to a person; a too-long ticket shows the server's message; no console errors.
 *
 * Skipped when the shared datasets are missing, or Chromium is not installed outside CI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, SHARED_DATASETS } from '../../test-support/starter-data.js';
import { browserSkip, CLI, launchBrowser, runCli as cliOk, startServer, type BrowserSession, type ServerProcess } from '../../test-support/web-e2e.js';

const TICKETS = path.join(SHARED_DATASETS, 'endava_tickets', 'all_tickets_train.csv');
const HAVE_TICKETS = fs.existsSync(TICKETS);
const MAX_CHARS = 400;
const TITLE = 'new starter laptop';
const BODY = 'hi please setup laptop and access for new starter joining next week thanks';

declare const document: { getElementById(id: string): { textContent: string | null } | null };

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, TEXTCLASS_DATA_DIR: '', TEXTCLASS_RUNS_DB: '' } });
}

/** The header and the first `n` tickets of the real file (CRLF rows without embedded newlines). */
function ticketSubset(n: number, dir: string): string {
  const lines = fs.readFileSync(TICKETS, 'utf8').split('\r\n');
  const file = path.join(dir, 'tickets.csv');
  fs.writeFileSync(file, lines.slice(0, n + 1).join('\r\n') + '\r\n');
  return file;
}

interface TicketRoute {
  path: string;
  tiers: { tier: number; name: string; label: string; path: string; confidence: number; confident: boolean }[];
  routed_to: string;
  routed_depth: number;
  routed_path: string | null;
}

describe('ticket routing: CLI, API and the page in Chromium', { skip: !HAVE_TICKETS ? 'shared datasets not found beside the repository' : false, timeout: 240_000 }, () => {
  let work: string;
  let model: string;
  let server: ServerProcess | undefined;
  let session: BrowserSession | undefined;
  let base: string;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-routing-'));
    const data = ticketSubset(1200, work);
    const models = path.join(work, 'models');
    model = path.join(models, 'tickets-routing');
    const trained = cliOk(['train', 'recipes/tickets-routing.yaml', '--out', model, '--set', `data.train=${data}`, '--no-track']);
    assert.match(trained, /routing \(one model per tier\) on dev/);
    assert.match(trained, /← chosen/);
    cliOk(['train', 'recipes/starter.yaml', '--data-dir', 'data', '--out', path.join(models, 'starter'), '--quiet', '--no-track']);
    server = await startServer(['--models', models, '--db', path.join(work, 'db.sqlite'), '--runs-db', path.join(work, 'runs.sqlite'), '--max-text-chars', String(MAX_CHARS)], { readyPath: '/readyz' });
    base = server.base;
  });

  after(async () => {
    await session?.close();
    await server?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  async function apiRoute(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${base}/v1/route`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  test('the manifest keeps the routing section; eval prints per-tier metrics and the curve', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(model, 'manifest.json'), 'utf8'));
    assert.equal(manifest.model.type, 'routing-tiers');
    assert.deepEqual(manifest.routing.tier_names, ['category', 'sub-category', 'sub-sub-category']);
    assert.equal(manifest.routing.dev.curve.length, 101);
    assert.equal(manifest.routing.dev.threshold.chosen_by, 'target_precision');
    assert.ok(manifest.routing.rare_paths.merged_paths > 0, 'rare paths are merged and counted');
    for (const label of manifest.labels as string[]) assert.ok(label === 'other' || /^\d+\/(other|\d+\/(other|\d+))$/.test(label), `label ${label} is a path`);
    const evalOut = cliOk(['eval', model, '--data', path.join(work, 'tickets.csv'), '--no-track']);
    assert.match(evalOut, /1 category\s+\d\.\d{3}\s+\d\.\d{3}/);
    assert.match(evalOut, /exact path accuracy: \d\.\d{3}/);
  });

  test('textclass route: one ticket with --json, a CSV of tickets, and usage errors', () => {
    const one = JSON.parse(cliOk(['route', model, '--title', TITLE, '--body', BODY, '--json'])) as TicketRoute;
    assert.equal(one.tiers.length, 3);
    assert.ok(one.tiers[0].confidence >= one.tiers[1].confidence && one.tiers[1].confidence >= one.tiers[2].confidence, 'confidence never rises with depth');
    assert.ok(one.path.startsWith(one.tiers[1].path + '/') && one.tiers[1].path.startsWith(one.tiers[0].path + '/'), 'a consistent path');
    const toPerson = JSON.parse(cliOk(['route', model, '--title', TITLE, '--body', BODY, '--json', '--threshold', '1'])) as TicketRoute;
    assert.equal(toPerson.routed_to, 'person');
    assert.equal(toPerson.routed_path, null);
    const csv = path.join(work, 'new.csv');
    fs.writeFileSync(csv, `title,body\n${TITLE},${BODY}\n,only a body about a password reset\n`);
    const lines = cliOk(['route', model, '--input', csv, '--json']).trim().split('\n').map((l) => JSON.parse(l) as TicketRoute & { line: number });
    assert.deepEqual(lines.map((l) => l.line), [2, 3]);
    assert.deepEqual(lines[0].tiers, one.tiers);
    const text = cliOk(['route', model, '--input', csv]);
    assert.match(text, /2 tickets at threshold [\d.]+: \d routed, \d to a person/);
    const bad = cli(['route', model, '--title', 'x', '--threshold', '2']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--threshold must be a number between 0 and 1/);
    const plain = cli(['route', path.join(work, 'models', 'starter'), '--title', 'x', '--body', 'y']);
    assert.equal(plain.status, 1);
    assert.match(plain.stderr, /not a routing model/);
  });

  test('POST /v1/route gives the CLI\'s routes; errors name the field', async () => {
    const cliRoute = JSON.parse(cliOk(['route', model, '--title', TITLE, '--body', BODY, '--json'])) as TicketRoute;
    const ok = await apiRoute({ model: 'tickets-routing', tickets: [{ title: TITLE, body: BODY }] });
    assert.equal(ok.status, 200);
    assert.deepEqual((ok.json.results as TicketRoute[])[0], cliRoute);
    assert.equal(typeof (ok.json.expected as { coverage: number }).coverage, 'number');
    const person = await apiRoute({ model: 'tickets-routing', tickets: [{ title: TITLE, body: BODY }], threshold: 1 });
    assert.equal((person.json.results as TicketRoute[])[0].routed_to, 'person');
    const notRouting = await apiRoute({ model: 'starter', tickets: [{ title: 'a', body: 'b' }] });
    assert.equal(notRouting.status, 422);
    assert.match(JSON.stringify(notRouting.json), /not a routing model/);
    const empty = await apiRoute({ model: 'tickets-routing', tickets: [{ title: ' ', body: '' }] });
    assert.equal(empty.status, 422);
    assert.match(JSON.stringify(empty.json), /tickets\[0\]: title and body are both empty/);
    const badField = await apiRoute({ model: 'tickets-routing', tickets: [{ title: 'a' }] });
    assert.equal(badField.status, 422);
    assert.match(JSON.stringify(badField.json), /body/);
    const plainInfo = (await (await fetch(`${base}/v1/route/starter`)).json()) as { routable: boolean };
    assert.equal(plainInfo.routable, false);
    const info = (await (await fetch(`${base}/v1/route/tickets-routing`)).json()) as { routable: boolean; tier_names: string[]; dev: { curve: unknown[] } };
    assert.equal(info.routable, true);
    assert.deepEqual(info.tier_names, ['category', 'sub-category', 'sub-sub-category']);
    assert.equal(info.dev.curve.length, 101);
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok(doc.paths['/v1/route'] && doc.paths['/v1/route/{model}']);
  });

  test('the page routes a typed ticket as breadcrumbs, moves the threshold, and shows errors', { skip: browserSkip() }, async () => {
    session = await launchBrowser({ viewport: { width: 1280, height: 1000 } });
    const page = await session.open(`${base}/app/route`);
    await page.waitForSelector('#rt-model:not([disabled])');
    assert.deepEqual(await page.locator('#rt-model option').allTextContents(), ['tickets-routing'], 'only the routing model is offered');
    assert.match((await page.textContent('#rt-model-note')) ?? '', /category → sub-category → sub-sub-category.*macro-F1/);
    assert.equal(await page.locator('#rt-curve svg circle[data-point="chosen"]').count(), 1, 'the curve marks the chosen threshold');

    // Keyboard only: title, body, Ctrl+Enter.
    await page.focus('#rt-title');
    await page.keyboard.type(TITLE);
    await page.keyboard.press('Tab');
    await page.keyboard.type(BODY);
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('#rt-result:not([hidden])');
    const api = (await apiRoute({ model: 'tickets-routing', tickets: [{ title: TITLE, body: BODY }] })).json as { results: TicketRoute[] };
    const expected = api.results[0];
    const crumbs = await page.locator('#rt-crumbs .rt-label').allTextContents();
    assert.deepEqual(crumbs, expected.tiers.map((t) => t.label));
    const confidences = await page.locator('#rt-crumbs .rt-conf').allTextContents();
    assert.equal(confidences.length, 3);
    assert.equal(await page.locator('#rt-crumbs .rt-below').count(), expected.tiers.filter((t) => !t.confident).length);
    assert.equal(await page.locator('#rt-result').getAttribute('aria-live'), 'polite');

    // Threshold 1 with the keyboard: nothing is routed automatically; the ticket goes to a person.
    await page.focus('#rt-threshold');
    await page.keyboard.press('End');
    await page.waitForFunction(() => /^At 1\.00: 0% of tickets routed/.test(document.getElementById('rt-threshold-stats')?.textContent ?? ''));
    await page.waitForSelector('#rt-verdict .rt-person-badge');
    assert.match((await page.textContent('#rt-verdict')) ?? '', /Send to a person/);
    await page.click('#rt-threshold-reset');
    await page.waitForFunction(() => /This is the model’s threshold/.test(document.getElementById('rt-threshold-stats')?.textContent ?? ''));

    // Too long for this server: the server's own message, readable.
    await page.fill('#rt-body', 'printer '.repeat(80));
    await page.click('#rt-route');
    await page.waitForSelector('#rt-error:not([hidden])');
    assert.match((await page.textContent('#rt-error')) ?? '', /the limit is 400/);
    assert.deepEqual(session.consoleErrors.filter((e) => !/status of 413/.test(e)), []);
  });
});
