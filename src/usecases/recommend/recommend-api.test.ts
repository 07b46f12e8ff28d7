/**
 * GET /v1/catalogs and POST /v1/recommend on the in-process app: a real starter model, the bundled
 * English demo catalog copied into a catalogs folder, scores stored beside it in SQLite.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { starterModel, tempDir, testServer, type TestServer } from '../../serve/fixtures.js';
import { REPO_ROOT } from '../../test-support/starter-data.js';

const DEMO = path.join(REPO_ROOT, 'data', 'catalog');

interface Answer {
  mode: string;
  target: string;
  labels: string[];
  detected?: { label: string; distribution: Record<string, number> };
  items: { id: string; rank: number; score: number; distribution: Record<string, number>; why: { kind: string; target: string; summary: string; progress?: number } }[];
  catalog_scores: { items: number; scored: number; reused: number; model_key: string };
}

describe('the recommendation API', () => {
  let server: TestServer;
  let catalogs: string;

  before(async () => {
    catalogs = tempDir('catalogs');
    for (const f of ['english-lines.csv', 'english-lines.meta.json']) fs.copyFileSync(path.join(DEMO, f), path.join(catalogs, f));
    fs.writeFileSync(path.join(catalogs, 'broken.csv'), 'id,title,text\n1,a,x\n1,b,y\n');
    fs.writeFileSync(path.join(catalogs, 'notes.txt'), 'not a catalog');
    fs.writeFileSync(path.join(catalogs, 'odd.meta.json'), '{"colour": "red"}');
    server = await testServer({ starter: await starterModel() }, { catalogsDir: catalogs });
  });
  after(async () => server?.close());

  const post = (body: unknown) => server.app.inject({ method: 'POST', url: '/v1/recommend', payload: body as Record<string, unknown> });

  test('GET /v1/catalogs lists catalogs with their meta, and an unreadable one with its error (no server paths)', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/v1/catalogs' });
    assert.equal(res.statusCode, 200);
    const { catalogs: list } = res.json() as { catalogs: { id: string; items: number | null; suggested_model: string | null; error?: string; title: string; scored_with: string[] }[] };
    assert.deepEqual(list.map((c) => c.id), ['broken', 'english-lines']);
    const en = list[1];
    assert.equal(en.items, 30);
    assert.equal(en.suggested_model, 'starter');
    assert.equal(en.title, 'English lyric lines (demo)');
    assert.deepEqual(en.scored_with, []);
    assert.equal(list[0].items, null);
    assert.match(list[0].error ?? '', /^broken\.csv:3: field "id": duplicate id "1"/);
    assert.doesNotMatch(res.body, new RegExp(catalogs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no absolute path leaves the server');
  });

  test('match: scores the catalog on first use, stores it beside the catalog, answers from memory after', async () => {
    const first = await post({ model: 'starter', catalog: 'english-lines', target: 'sadness', n: 4 });
    assert.equal(first.statusCode, 200, first.body);
    const a = first.json() as Answer;
    assert.equal(a.mode, 'match');
    assert.equal(a.items.length, 4);
    assert.deepEqual(a.catalog_scores.scored, 30);
    const probs = a.items.map((i) => i.distribution.sadness);
    for (let i = 1; i < probs.length; i++) assert.ok(probs[i] <= probs[i - 1] + 0.02, `by sadness, up to the 0.02 tie margin: ${probs.join(', ')}`);
    assert.equal(a.items[0].score, a.items[0].distribution.sadness);
    assert.equal(a.items[0].why.kind, 'match');
    assert.ok(fs.existsSync(path.join(catalogs, 'english-lines.textclass.sqlite')), 'the store is written beside the catalog');

    const second = (await post({ model: 'starter', catalog: 'english-lines', target: 'sadness', n: 4 })).json() as Answer;
    assert.equal(second.catalog_scores.scored, 0);
    assert.equal(second.catalog_scores.reused, 30);
    assert.deepEqual(second.items.map((i) => i.id), a.items.map((i) => i.id), 'same seed, same list');

    const listed = (await server.app.inject({ method: 'GET', url: '/v1/catalogs' })).json() as { catalogs: { id: string; scored_with: string[] }[] };
    assert.deepEqual(listed.catalogs.find((c) => c.id === 'english-lines')?.scored_with, ['starter']);
  });

  test('path: detects the text\'s emotion and walks from it toward the target', async () => {
    const res = await post({ model: 'starter', catalog: 'english-lines', from_text: 'I miss her so much, I cried all night alone', toward: 'joy', n: 5 });
    assert.equal(res.statusCode, 200, res.body);
    const a = res.json() as Answer;
    assert.equal(a.mode, 'path');
    assert.equal(a.target, 'joy');
    assert.equal(a.detected?.label, 'sadness');
    assert.equal(a.items.length, 5);
    assert.deepEqual(a.items.map((i) => i.why.progress), [0, 0.25, 0.5, 0.75, 1]);
    assert.ok(a.items[0].distribution.sadness > a.items[4].distribution.sadness, 'starts sadder than it ends');
    assert.ok(a.items[4].distribution.joy > a.items[0].distribution.joy, 'ends more joyful than it starts');
    assert.equal((a.items[4] as unknown as { top_label: string }).top_label, 'joy');
  });

  test('a changed catalog file is read again and only its changed item is scored', async () => {
    const file = path.join(catalogs, 'english-lines.csv');
    const before = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, before.replace('Cloudy in the morning', 'Sunny in the morning'));
      const a = (await post({ model: 'starter', catalog: 'english-lines', target: 'joy' })).json() as Answer;
      assert.equal(a.catalog_scores.scored, 1);
      assert.equal(a.catalog_scores.reused, 29);
    } finally {
      fs.writeFileSync(file, before);
    }
  });

  test('bad requests are answered with the field and what to do', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ model: 'starter', catalog: 'english-lines', target: 'happiness' }, 422, /"happiness" is not a label of model "starter"; its labels are anger, fear, joy, love, neutral, sadness, surprise/],
      [{ model: 'starter', catalog: 'english-lines' }, 422, /body\.target: required/],
      [{ model: 'starter', catalog: 'english-lines', target: 'joy', toward: 'fear' }, 422, /"toward" is another name for "target"/],
      [{ model: 'starter', catalog: 'english-lines', target: 'joy', n: 101 }, 422, /n/],
      [{ model: 'starter', catalog: 'english-lines', target: 'joy', colour: 'red' }, 422, /colour/],
      [{ model: 'nope', catalog: 'english-lines', target: 'joy' }, 404, /no model "nope"/],
      [{ model: 'starter', catalog: 'nope', target: 'joy' }, 404, /no catalog "nope" \(catalogs: broken, english-lines\)/],
      [{ model: 'starter', catalog: '../etc/passwd', target: 'joy' }, 404, /no catalog/],
      [{ model: 'starter', catalog: 'broken', target: 'joy' }, 409, /catalog "broken" cannot be read: broken\.csv:3: field "id"/],
      [{ model: 'starter', catalog: 'english-lines', target: 'joy', from_text: 'x'.repeat(200) }, 413, /from_text has 200 characters/],
    ];
    const small = await testServer({ starter: await starterModel() }, { catalogsDir: catalogs, maxTextChars: 100 });
    try {
      for (const [body, status, message] of cases) {
        const res = await small.app.inject({ method: 'POST', url: '/v1/recommend', payload: body as Record<string, unknown> });
        assert.equal(res.statusCode, status, `${JSON.stringify(body)} → ${res.body}`);
        assert.match((res.json() as { error: { message: string } }).error.message, message);
      }
    } finally {
      await small.close();
    }
  });

  test('a missing catalogs folder lists no catalogs; the OpenAPI document has both routes', async () => {
    const empty = await testServer({ starter: await starterModel() }, { catalogsDir: path.join(tempDir('none'), 'missing') });
    try {
      assert.deepEqual((await empty.app.inject({ method: 'GET', url: '/v1/catalogs' })).json(), { catalogs: [] });
      const doc = (await empty.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
      assert.ok(doc.paths['/v1/catalogs']?.get);
      assert.ok(doc.paths['/v1/recommend']?.post);
    } finally {
      await empty.close();
    }
  });
});
