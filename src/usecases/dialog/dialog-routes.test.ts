import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { starterModel, testServer, type TestServer } from '../../serve/fixtures.js';
import { HAVE_DAILYDIALOG, nextTurnModel, tempWork } from './dialog-fixtures.js';

const json = { 'content-type': 'application/json' };

function assertError(res: { statusCode: number; body: string }, status: number, mentions: RegExp): void {
  assert.equal(res.statusCode, status, res.body);
  const body = JSON.parse(res.body) as { error: { code: string; message: string } };
  assert.match(body.error.message, mentions);
  assert.doesNotMatch(res.body, /\/tmp\/|\/work\//, 'no server path');
}

describe('POST /v1/dialog/forecast', { skip: !HAVE_DAILYDIALOG && 'shared datasets not found beside the repository' }, () => {
  let s: TestServer;
  let work: string;
  before(async () => {
    work = tempWork('routes');
    const dialog = await nextTurnModel(work, 1500, 100);
    s = await testServer({ dialog, starter: await starterModel() }, { maxTexts: 20, maxTextChars: 300 });
  });
  after(async () => {
    await s.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const forecast = (payload: unknown) => s.app.inject({ method: 'POST', url: '/v1/dialog/forecast', headers: json, payload: payload as object });

  it('GET /v1/models says which models forecast the next turn and how many turns they read', async () => {
    const { models } = (await s.app.inject({ method: 'GET', url: '/v1/models' })).json() as { models: { id: string; dialog: unknown }[] };
    assert.deepEqual(models.find((m) => m.id === 'dialog')?.dialog, { target: 'next_turn', context_turns: 3, context_tags: false });
    assert.equal(models.find((m) => m.id === 'starter')?.dialog, null);
  });

  it('answers the distribution over every label, the most likely one and the context used; turns as texts or objects', async () => {
    const turns = ['Guess what ? I got the job !', { text: 'Really ? Congratulations !' }, 'Thanks , I am so happy .'];
    const res = await forecast({ model: 'dialog', turns, top_k: 2 });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { model: string; next: string; distribution: { label: string; probability: number }[]; top: string[]; context: Record<string, number> };
    assert.equal(body.model, 'dialog');
    assert.equal(body.distribution.length, 7);
    assert.equal(body.next, body.distribution[0].label);
    assert.deepEqual(body.top, body.distribution.slice(0, 2).map((d) => d.label));
    assert.ok(Math.abs(body.distribution.reduce((a, d) => a + d.probability, 0) - 1) < 1e-4);
    assert.deepEqual(body.context, { turns_used: 2, context_turns: 3, turns_given: 3 });
    // Strings and objects are the same turns.
    const plain = (await forecast({ model: 'dialog', turns: turns.map((t) => (typeof t === 'string' ? t : t.text)), top_k: 2 })).json();
    assert.deepEqual(plain, body);
  });

  it('refuses a model not trained for next-turn forecasting with 422 saying how to get one', async () => {
    assertError(await forecast({ model: 'starter', turns: ['hello'] }), 422, /not trained for next-turn forecasting.*dialog: \{target: next_turn/);
    assertError(await forecast({ model: 'nope', turns: ['hello'] }), 404, /no model "nope"/);
  });

  it('too many turns or a turn too long: 413 naming the limit; empty turns and wrong fields: 422 naming the field', async () => {
    assertError(await forecast({ model: 'dialog', turns: Array.from({ length: 21 }, (_, i) => `turn ${i}`) }), 413, /too many turns: 21, the limit is 20.*last 4/);
    assertError(await forecast({ model: 'dialog', turns: ['ok', 'x'.repeat(301)] }), 413, /turns\[1\] has 301 characters, the limit is 300/);
    assertError(await forecast({ model: 'dialog', turns: ['ok', '   '] }), 422, /turns\[1\]: is empty/);
    assertError(await forecast({ model: 'dialog', turns: [] }), 422, /turns/);
    assertError(await forecast({ model: 'dialog', turns: [{ text: 'hi', speaker: 'A' }] }), 422, /turns/);
    assertError(await forecast({ model: 'dialog', turns: ['hi'], top_k: 0 }), 422, /top_k/);
    assertError(await forecast({ turns: ['hi'] }), 422, /model/);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, { post?: { requestBody: unknown; responses: Record<string, unknown> } }> };
    const op = doc.paths['/v1/dialog/forecast']?.post;
    assert.ok(op);
    assert.ok(op.responses['200'] && op.responses['413'] && op.responses['422']);
    assert.match(JSON.stringify(op.requestBody), /turns/);
  });
});
