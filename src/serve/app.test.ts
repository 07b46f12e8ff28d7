import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { multilabelModel, starterModel, testServer, type TestServer } from './fixtures.js';

const json = { 'content-type': 'application/json' };

/** Every error has the contract's shape and leaks neither a stack trace nor a server path. */
function assertError(res: { statusCode: number; body: string; headers: Record<string, unknown> }, status: number, code: string, mentions?: RegExp): { message: string } {
  assert.equal(res.statusCode, status, res.body);
  const body = JSON.parse(res.body) as { error: { code: string; message: string; request_id: string } };
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.code, code);
  assert.equal(body.error.request_id, res.headers['x-request-id']);
  assert.doesNotMatch(res.body, /\bat .*\(|\.js:\d+|node_modules|\/tmp\/|\/work\//, 'no stack or path');
  if (mentions) assert.match(body.error.message, mentions);
  return body.error;
}

describe('serve: routes (auth off on loopback without keys)', () => {
  let s: TestServer;
  before(async () => {
    s = await testServer({ starter: await starterModel(), tags: await multilabelModel() }, { maxTexts: 50, maxTextChars: 500, bodyLimit: 64 * 1024 });
  });
  after(() => s.close());

  it('GET /v1/models lists both models with summaries', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/v1/models' });
    assert.equal(res.statusCode, 200);
    const { models } = res.json() as { models: Array<Record<string, unknown>> };
    assert.deepEqual(models.map((m) => m.id), ['starter', 'tags']);
    const starter = models[0];
    assert.equal(starter.task, 'multiclass');
    assert.equal((starter.labels as string[]).length, 7);
    assert.equal(starter.model_type, 'tfidf-logreg');
    assert.equal(typeof (starter.metrics as Record<string, number>).macro_f1, 'number');
    assert.equal(starter.has_report, false);
    assert.equal(models[1].task, 'multilabel');
  });

  it('GET /v1/models/{id} adds recipe, full metrics, training and a model card, without file paths', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/v1/models/starter' });
    assert.equal(res.statusCode, 200);
    const m = res.json() as Record<string, any>;
    assert.equal(m.recipe.name, 'starter');
    assert.equal(m.recipe.data_format, 'csv');
    assert.ok(m.metrics_full.dev);
    assert.equal(m.training.train_rows, 420);
    assert.match(m.card, /^# starter/);
    assert.match(m.card, /## Limits/);
    assert.doesNotMatch(res.body, /\/tmp\//);
  });

  it('predict: scores for every label, the chosen label, in input order', async () => {
    const res = await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: { texts: ['I miss you so much already', 'this is great, I love it'] } });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { model: string; results: Array<{ labels: string[]; scores: Record<string, number> }> };
    assert.equal(body.model, 'starter');
    assert.equal(body.results.length, 2);
    for (const r of body.results) {
      assert.equal(Object.keys(r.scores).length, 7);
      const sum = Object.values(r.scores).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-4, `softmax scores sum to 1 (${sum})`);
      const top = Object.entries(r.scores).sort((a, b) => b[1] - a[1])[0][0];
      assert.deepEqual(r.labels, [top]);
    }
    assert.deepEqual(body.results[0].labels, ['sadness']);
  });

  it('predict: top_k returns the k best labels; a high threshold makes a single-label model not sure', async () => {
    let res = await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: { texts: ['I miss you'], top_k: 3 } });
    const r = (res.json() as any).results[0];
    assert.equal(r.labels.length, 3);
    assert.ok(r.scores[r.labels[0]] >= r.scores[r.labels[1]] && r.scores[r.labels[1]] >= r.scores[r.labels[2]]);
    res = await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: { texts: ['hmm'], threshold: 0.99 } });
    const unsure = (res.json() as any).results[0];
    assert.deepEqual(unsure.labels, []);
    assert.equal(unsure.not_sure, true);
  });

  it('predict (multilabel): threshold and top_k override the tuned thresholds', async () => {
    const text = 'We got upgraded to business class for no reason, what a lovely surprise';
    const low = (await s.app.inject({ method: 'POST', url: '/v1/models/tags/predict', headers: json, payload: { texts: [text], threshold: 0.01 } })).json() as any;
    assert.ok(low.results[0].labels.length > 2, 'a tiny threshold fires many labels');
    const capped = (await s.app.inject({ method: 'POST', url: '/v1/models/tags/predict', headers: json, payload: { texts: [text], threshold: 0.01, top_k: 2 } })).json() as any;
    assert.equal(capped.results[0].labels.length, 2);
    assert.deepEqual(capped.results[0].labels, low.results[0].labels.slice(0, 2), 'the two highest-scoring of those that fire');
    const high = (await s.app.inject({ method: 'POST', url: '/v1/models/tags/predict', headers: json, payload: { texts: [text], threshold: 0.999 } })).json() as any;
    assert.equal(high.results[0].labels.length, 1, 'nothing fires: the top label');
  });

  it('predict with explain: tokens with offsets into the text as sent and contributions', async () => {
    const text = 'Honestly, I miss you so much already 😢';
    const res = await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: { texts: [text], explain: true } });
    const r = (res.json() as any).results[0];
    assert.ok(r.tokens.length >= 6);
    for (const t of r.tokens) assert.equal(text.slice(t.start, t.end), t.text);
    const miss = r.tokens.find((t: any) => t.text === 'miss');
    assert.ok(miss.contribution > 0, 'miss supports sadness');
  });

  it('validation: 422 names the field; unknown fields are refused', async () => {
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: { texts: ['a', 3] } }), 422, 'unprocessable', /texts\[1\]/);
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: { texts: [] } }), 422, 'unprocessable', /texts/);
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: { text: 'a' } }), 422, 'unprocessable', /texts|text/);
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: { texts: ['a'], top_k: 0 } }), 422, 'unprocessable', /top_k/);
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: { texts: ['a'], threshold: 1.5 } }), 422, 'unprocessable', /threshold/);
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: { texts: ['a'], sneaky: 1 } }), 422, 'unprocessable', /sneaky/);
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: '[1,2]' }), 422, 'unprocessable');
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict' }), 422, 'unprocessable', /body/);
  });

  it('limits: too many texts, a too-long text and an oversized body are 413', async () => {
    const many = Array.from({ length: 51 }, () => 'x');
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: { texts: many } }), 413, 'payload_too_large', /51.*50/);
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: { texts: ['ok', 'y'.repeat(501)] } }), 413, 'payload_too_large', /texts\[1\].*501/);
    const huge = JSON.stringify({ texts: ['z'.repeat(70 * 1024)] });
    const res = await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: huge });
    assertError(res, 413, 'payload_too_large', /body-limit/);
    const tenThousand = JSON.stringify({ texts: Array.from({ length: 10_000 }, () => 'a') });
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: tenThousand }), 413, 'payload_too_large');
  });

  it('bad bodies: wrong content type 415, invalid JSON 400, invalid UTF-8 400', async () => {
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: { 'content-type': 'text/plain' }, payload: 'hello' }), 415, 'unsupported_media_type');
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: { 'content-type': 'text/csv' }, payload: 'text\nhello' }), 415, 'unsupported_media_type');
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: '{"texts": [' }), 400, 'bad_request', /JSON/);
    const bad = Buffer.concat([Buffer.from('{"texts": ["caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"]}')]);
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: bad }), 400, 'bad_request', /UTF-8/);
  });

  it('model ids that try to leave the folder are 404 before any file is touched', async () => {
    for (const url of ['/v1/models/..', '/v1/models/../predict', '/v1/models/..%2F..%2Fetc', '/v1/models/%2e%2e/report', '/v1/models/starter.tmp-1-ab', '/v1/models/a%00b', '/v1/models/' + 'a'.repeat(300)]) {
      const res = await s.app.inject({ method: 'GET', url });
      assertError(res, 404, 'not_found');
    }
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/..%2Fstarter/predict', headers: json, payload: { texts: ['a'] } }), 404, 'not_found');
  });

  it('404 for unknown routes, 405 for a known path with the wrong method', async () => {
    assertError(await s.app.inject({ method: 'GET', url: '/v2/nothing' }), 404, 'not_found');
    const res = await s.app.inject({ method: 'GET', url: '/v1/models/starter/predict' });
    assertError(res, 405, 'method_not_allowed');
    assert.equal(res.headers.allow, 'POST');
    assertError(await s.app.inject({ method: 'DELETE', url: '/v1/models' }), 405, 'method_not_allowed');
  });

  it('request ids: a sane client id is echoed, anything else is replaced', async () => {
    let res = await s.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    assert.equal(res.headers['x-request-id'], 'abc-123');
    res = await s.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id <script>' } });
    assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('feedback: stored with its labels; unknown labels and models are 422', async () => {
    const res = await s.app.inject({ method: 'POST', url: '/v1/feedback', headers: json, payload: { model: 'starter', text: 'I miss you', labels: ['love'], predicted: ['sadness'], comment: 'it is affection' } });
    assert.equal(res.statusCode, 201, res.body);
    const id = (res.json() as { id: number }).id;
    const rows = [...s.storage.feedback.rows()];
    assert.equal(rows.length, 1);
    assert.equal(rows[0].id, id);
    assert.deepEqual(rows[0].labels, ['love']);
    assert.deepEqual(rows[0].predicted, ['sadness']);
    assertError(await s.app.inject({ method: 'POST', url: '/v1/feedback', headers: json, payload: { model: 'starter', text: 'x', labels: ['nope'] } }), 422, 'unprocessable', /labels\[0\]/);
    assertError(await s.app.inject({ method: 'POST', url: '/v1/feedback', headers: json, payload: { model: 'ghost', text: 'x', labels: [] } }), 422, 'unprocessable', /model/);
    assertError(await s.app.inject({ method: 'POST', url: '/v1/feedback', headers: json, payload: { model: 'starter', labels: [] } }), 422, 'unprocessable', /text/);
  });

  it('healthz, readyz, metrics, openapi.json and docs', async () => {
    assert.deepEqual((await s.app.inject({ method: 'GET', url: '/healthz' })).json(), { status: 'ok' });
    assert.deepEqual((await s.app.inject({ method: 'GET', url: '/readyz' })).json(), { status: 'ready', models: 2 });
    const metrics = await s.app.inject({ method: 'GET', url: '/metrics' });
    assert.match(String(metrics.headers['content-type']), /^text\/plain/);
    assert.match(metrics.body, /textclass_http_requests_total\{method="POST",route="\/v1\/models\/:id\/predict",status="200"\} \d+/);
    assert.match(metrics.body, /textclass_http_request_duration_seconds_bucket\{method="POST",route="\/v1\/models\/:id\/predict",le="\+Inf"\} \d+/);
    assert.match(metrics.body, /textclass_texts_predicted_total\{model="starter"\} \d+/);
    assert.match(metrics.body, /textclass_models_loaded 2/);
    assert.match(metrics.body, /textclass_jobs\{status="done"\} 0/);
    const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json() as any;
    assert.equal(doc.openapi, '3.1.0');
    const predict = doc.paths['/v1/models/{id}/predict'].post;
    const schema = predict.requestBody.content['application/json'].schema;
    assert.deepEqual(schema.required, ['texts']);
    assert.equal(schema.properties.texts.minItems, 1);
    assert.equal(schema.additionalProperties, false);
    for (const p of ['/v1/models', '/v1/models/{id}', '/v1/models/{id}/report', '/v1/models/{id}/batch', '/v1/jobs/{id}', '/v1/jobs/{id}/result', '/v1/feedback', '/v1/admin/reload', '/healthz', '/readyz', '/metrics']) assert.ok(doc.paths[p], p);
    const docs = await s.app.inject({ method: 'GET', url: '/docs' });
    assert.match(String(docs.headers['content-type']), /^text\/html/);
    assert.match(docs.body, /POST.*\/v1\/models\/\{id\}\/predict/s);
    assert.doesNotMatch(docs.body, /<script|https?:\/\/(?!json-schema)/);
  });

  it('report: 404 without report.html, the HTML with one', async () => {
    assertError(await s.app.inject({ method: 'GET', url: '/v1/models/starter/report' }), 404, 'not_found', /report/);
    fs.writeFileSync(path.join(s.config.modelsDir, 'starter', 'report.html'), '<!doctype html><title>r</title>');
    const res = await s.app.inject({ method: 'GET', url: '/v1/models/starter/report' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.body, /<title>r<\/title>/);
    await s.registry.rescan();
    assert.equal(((await s.app.inject({ method: 'GET', url: '/v1/models' })).json() as any).models[0].has_report, true);
  });

  it('web page: / and /static/* from web/, no way out of it', async () => {
    const web = path.join(s.dir, 'web');
    fs.mkdirSync(web, { recursive: true });
    fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><h1>hi</h1>');
    fs.writeFileSync(path.join(web, 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(s.dir, 'secret.txt'), 'secret');
    const index = await s.app.inject({ method: 'GET', url: '/' });
    assert.equal(index.statusCode, 200);
    assert.match(index.body, /<h1>hi/);
    const js = await s.app.inject({ method: 'GET', url: '/static/app.js' });
    assert.match(String(js.headers['content-type']), /^text\/javascript/);
    for (const url of ['/static/../secret.txt', '/static/..%2Fsecret.txt', '/static/%2e%2e/secret.txt', '/static/.hidden', '/static//etc/passwd', '/static/app.js%00.png']) {
      const res = await s.app.inject({ method: 'GET', url });
      assert.notEqual(res.statusCode, 200, url);
      assert.doesNotMatch(res.body, /secret$/, url);
    }
  });

  it('reload: POST /v1/admin/reload rescans', async () => {
    const res = await s.app.inject({ method: 'POST', url: '/v1/admin/reload' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { loaded: [], refused: [] });
  });
});

describe('serve: auth and rate limit', () => {
  let s: TestServer;
  let read: string;
  let admin: string;
  before(async () => {
    s = await testServer({ starter: await starterModel() }, { rateLimit: 5 });
    read = s.storage.keys.create('read', 'tests').key;
    admin = s.storage.keys.create('admin', 'ops').key;
  });
  after(() => s.close());

  it('with keys in the database, requests need one', async () => {
    assertError(await s.app.inject({ method: 'GET', url: '/v1/models' }), 401, 'unauthorized', /API key/);
    assertError(await s.app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: 'Bearer tc_0000000000000000_' + 'A'.repeat(43) } }), 401, 'unauthorized');
    assertError(await s.app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${read}x` } }), 401, 'unauthorized');
    assertError(await s.app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: 'Basic dXNlcjpwdw==' } }), 401, 'unauthorized');
    assert.equal((await s.app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${read}` } })).statusCode, 200);
    assert.equal((await s.app.inject({ method: 'GET', url: '/v1/models', headers: { 'x-api-key': read } })).statusCode, 200);
    assert.equal((await s.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'health needs no key');
  });

  it('read keys cannot upload or reload; admin keys can', async () => {
    assertError(await s.app.inject({ method: 'POST', url: '/v1/admin/reload', headers: { authorization: `Bearer ${read}` } }), 403, 'forbidden', /admin/);
    assertError(await s.app.inject({ method: 'POST', url: '/v1/models/starter/batch', headers: { authorization: `Bearer ${read}`, 'content-type': 'text/csv' }, payload: 'text\nhi\n' }), 403, 'forbidden');
    assert.equal((await s.app.inject({ method: 'POST', url: '/v1/admin/reload', headers: { authorization: `Bearer ${admin}` } })).statusCode, 200);
  });

  it('a revoked key stops working', async () => {
    const k = s.storage.keys.create('read', 'temp');
    assert.equal((await s.app.inject({ method: 'GET', url: '/v1/models', headers: { 'x-api-key': k.key } })).statusCode, 200);
    assert.equal(s.storage.keys.revoke(k.info.id), true);
    assertError(await s.app.inject({ method: 'GET', url: '/v1/models', headers: { 'x-api-key': k.key } }), 401, 'unauthorized');
  });

  it('rate limit: 429 with retry-after once the bucket is empty, per key', async () => {
    const k = s.storage.keys.create('read', 'burst').key;
    const statuses: number[] = [];
    let limited;
    for (let i = 0; i < 12; i++) {
      const res = await s.app.inject({ method: 'GET', url: '/v1/models', headers: { 'x-api-key': k } });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) limited = res;
    }
    assert.ok(statuses.filter((c) => c === 200).length >= 5, statuses.join(','));
    assert.ok(limited, 'some requests were limited');
    assertError(limited, 429, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    const other = s.storage.keys.create('read', 'other').key;
    assert.equal((await s.app.inject({ method: 'GET', url: '/v1/models', headers: { 'x-api-key': other } })).statusCode, 200, 'another key has its own bucket');
  });
});

describe('serve: options (CORS, long texts, prediction log)', () => {
  let s: TestServer;
  before(async () => {
    s = await testServer({ starter: await starterModel() }, { cors: 'http://localhost:3000', longTexts: 'window', maxTextChars: 200, logPredictions: 7 });
  });
  after(() => s.close());

  it('CORS headers only for the configured origin; preflight answered', async () => {
    const ok = await s.app.inject({ method: 'GET', url: '/v1/models', headers: { origin: 'http://localhost:3000' } });
    assert.equal(ok.headers['access-control-allow-origin'], 'http://localhost:3000');
    const other = await s.app.inject({ method: 'GET', url: '/v1/models', headers: { origin: 'http://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const pre = await s.app.inject({ method: 'OPTIONS', url: '/v1/models/starter/predict', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } });
    assert.equal(pre.statusCode, 204);
    assert.match(String(pre.headers['access-control-allow-headers']), /authorization/);
    assert.equal((await s.app.inject({ method: 'GET', url: '/nowhere' })).statusCode, 404, 'the preflight route does not turn 404s into 405s');
  });

  it('--long-texts window scores a text longer than the limit instead of refusing it', async () => {
    const long = 'I miss you so much, I cannot stop crying. '.repeat(20);
    const res = await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: { texts: [long] } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((res.json() as any).results[0].labels.length, 1);
  });

  it('--log-predictions keeps what was asked and answered', async () => {
    await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: json, payload: { texts: ['log me', 'and me'] } });
    const rows = s.storage.db.prepare('SELECT model, text, labels FROM prediction_log ORDER BY id').all() as Array<{ model: string; text: string; labels: string }>;
    assert.deepEqual(rows.slice(-2).map((r) => [r.model, r.text, JSON.parse(r.labels).length]), [['starter', 'log me', 1], ['starter', 'and me', 1]]);
  });
});

describe('serve: without CORS', () => {
  it('sends no CORS headers and has no preflight route', async () => {
    const s = await testServer({ starter: await starterModel() });
    try {
      const res = await s.app.inject({ method: 'GET', url: '/v1/models', headers: { origin: 'http://localhost:3000' } });
      assert.equal(res.headers['access-control-allow-origin'], undefined);
      const pre = await s.app.inject({ method: 'OPTIONS', url: '/v1/models', headers: { origin: 'http://localhost:3000' } });
      assert.notEqual(pre.statusCode, 204);
    } finally {
      await s.close();
    }
  });
});
