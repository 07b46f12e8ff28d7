import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { JobsRunner } from './jobs-runner.js';
import { starterModel, testServer, waitForJob, type TestServer } from './fixtures.js';
import { predictTexts } from './predict.js';

const admin = (s: TestServer) => s.storage.keys.create('admin', 'jobs').key;


describe('batch jobs', () => {
  let s: TestServer;
  let key: string;
  before(async () => {
    s = await testServer({ starter: await starterModel() }, { uploadLimit: 64 * 1024 });
    key = admin(s);
  });
  after(() => s.close());

  it('CSV upload → 202 → done → result CSV with every row, its labels and scores', async () => {
    const csv = 'id,text\r\na1,"I miss you, so much"\r\na2,"He said ""wow"" and laughed"\r\na3,"two\nlines"\r\n\r\na4,plain\r\n';
    const res = await s.app.inject({ method: 'POST', url: '/v1/models/starter/batch', headers: { 'content-type': 'text/csv', 'x-api-key': key }, payload: csv });
    assert.equal(res.statusCode, 202, res.body);
    const { job_id, status_url, result_url } = res.json() as Record<string, string>;
    assert.equal(status_url, `/v1/jobs/${job_id}`);
    const job = await waitForJob(s, job_id, key);
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.equal(job.processed, 4);
    assert.equal(job.total, 4);
    assert.equal(job.result_url, result_url);
    const out = await s.app.inject({ method: 'GET', url: result_url, headers: { 'x-api-key': key } });
    assert.equal(out.statusCode, 200);
    assert.match(String(out.headers['content-type']), /^text\/csv/);
    const rows = parse(out.body, { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(rows.map((r) => r.id), ['a1', 'a2', 'a3', 'a4']);
    assert.equal(rows[1].text, 'He said "wow" and laughed');
    assert.equal(rows[2].text, 'two\nlines');
    assert.equal(rows[0].labels, 'sadness');
    const labels = s.registry.get('starter')!.model.manifest.labels;
    assert.deepEqual(Object.keys(rows[0]), ['id', 'text', 'labels', ...labels]);
    const sum = labels.reduce((a, l) => a + Number(rows[0][l]), 0);
    assert.ok(Math.abs(sum - 1) < 1e-4);
  });

  it('the result file byte for byte: CRLF lines, RFC 4180 quoting, ids and texts as uploaded (formula-like ones too)', async () => {
    const runner = new JobsRunner(s.storage.jobs, s.registry, path.join(s.dir, 'jobs-bytes'));
    runner.start();
    const upload = 'id,text\na1,"I miss you, so much"\na2,"He said ""wow"" and laughed"\na3,"two\r\nlines"\n=1+2,=SUM(A1:A2) so angry\n-3,@everyone happy news\na6,\n';
    const job = await runner.accept(Readable.from([Buffer.from(upload)]), { model: 'starter', format: 'csv', textField: 'text' }, 1 << 20);
    await runner.idle();
    assert.equal(s.storage.jobs.get(job.id)!.status, 'done');
    // The id and text cells as the result must hold them, written out by hand.
    const cells = [
      ['a1', '"I miss you, so much"'],
      ['a2', '"He said ""wow"" and laughed"'],
      ['a3', '"two\r\nlines"'],
      ['=1+2', '=SUM(A1:A2) so angry'],
      ['-3', '@everyone happy news'],
      ['a6', ''],
    ];
    const texts = ['I miss you, so much', 'He said "wow" and laughed', 'two\r\nlines', '=SUM(A1:A2) so angry', '@everyone happy news', ''];
    const model = s.registry.get('starter')!.model;
    const labels = model.manifest.labels;
    const predicted = predictTexts(model, texts);
    const expected = `id,text,labels,${labels.join(',')}\r\n` + predicted.map((p, i) => `${cells[i][0]},${cells[i][1]},${p.labels.join('|')},${labels.map((l) => p.scores[l]).join(',')}\r\n`).join('');
    assert.equal(fs.readFileSync(runner.resultPath(job.id), 'utf8'), expected);
  });

  it('JSONL upload with another text field; ids default to the row number', async () => {
    const body = '{"body": "I am furious"}\n\n{"body": "what a lovely day", "id": 7}\n';
    const res = await s.app.inject({ method: 'POST', url: '/v1/models/starter/batch?text_field=body', headers: { 'content-type': 'application/x-ndjson', 'x-api-key': key }, payload: body });
    assert.equal(res.statusCode, 202, res.body);
    const id = (res.json() as { job_id: string }).job_id;
    assert.equal((await waitForJob(s, id, key)).status, 'done');
    const rows = parse((await s.app.inject({ method: 'GET', url: `/v1/jobs/${id}/result`, headers: { 'x-api-key': key } })).body, { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(rows.map((r) => [r.id, r.text]), [['1', 'I am furious'], ['7', 'what a lovely day']]);
  });

  it('a file without the text column fails with a message naming it, and has no result', async () => {
    const res = await s.app.inject({ method: 'POST', url: '/v1/models/starter/batch', headers: { 'content-type': 'text/csv', 'x-api-key': key }, payload: 'message\nhello\n' });
    const id = (res.json() as { job_id: string }).job_id;
    const job = await waitForJob(s, id, key);
    assert.equal(job.status, 'failed');
    assert.match(String(job.error), /no column "text".*message/);
    const r = await s.app.inject({ method: 'GET', url: `/v1/jobs/${id}/result`, headers: { 'x-api-key': key } });
    assert.equal(r.statusCode, 409);
    assert.equal((r.json() as any).error.code, 'conflict');
  });

  it('hostile uploads: too large 413, not UTF-8 400, wrong type 415, empty 422, unknown job 404', async () => {
    const big = 'text\n' + 'x'.repeat(70 * 1024) + '\n';
    let res = await s.app.inject({ method: 'POST', url: '/v1/models/starter/batch', headers: { 'content-type': 'text/csv', 'x-api-key': key }, payload: big });
    assert.equal(res.statusCode, 413, res.body);
    // Without a content-length (chunked), the limit is enforced while streaming.
    res = await s.app.inject({ method: 'POST', url: '/v1/models/starter/batch', headers: { 'content-type': 'text/csv', 'x-api-key': key }, payload: Readable.from([Buffer.from(big)]) });
    assert.equal(res.statusCode, 413, res.body);
    res = await s.app.inject({ method: 'POST', url: '/v1/models/starter/batch', headers: { 'content-type': 'text/csv', 'x-api-key': key }, payload: Buffer.from([0x74, 0x65, 0x78, 0x74, 0x0a, 0xff, 0xfe, 0x0a]) });
    assert.equal(res.statusCode, 400, res.body);
    assert.match((res.json() as any).error.message, /UTF-8/);
    res = await s.app.inject({ method: 'POST', url: '/v1/models/starter/batch', headers: { 'content-type': 'application/json', 'x-api-key': key }, payload: '{"texts": ["a"]}' });
    assert.equal(res.statusCode, 415, res.body);
    res = await s.app.inject({ method: 'POST', url: '/v1/models/starter/batch', headers: { 'content-type': 'text/csv', 'x-api-key': key }, payload: '' });
    assert.equal(res.statusCode, 422, res.body);
    res = await s.app.inject({ method: 'GET', url: '/v1/jobs/../../etc/passwd', headers: { 'x-api-key': key } });
    assert.equal(res.statusCode, 404);
    res = await s.app.inject({ method: 'GET', url: '/v1/jobs/ffffffffffffffffffffffff', headers: { 'x-api-key': key } });
    assert.equal(res.statusCode, 404);
    // No partial upload is left behind.
    assert.deepEqual(fs.readdirSync(s.jobs.jobsDir).filter((f) => f.endsWith('.upload') || f.endsWith('.input')), []);
  });

  it('a job interrupted mid-way resumes from its last commit and produces each row exactly once', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => `r${i},"text number ${i} I miss you"`);
    const csv = 'id,text\n' + rows.join('\n') + '\n';
    // A runner with small chunks over the same store: stop it after its first commits, as a crash would.
    const runner = new JobsRunner(s.storage.jobs, s.registry, path.join(s.dir, 'jobs-b'), undefined, 300);
    runner.start();
    const job = await runner.accept(Readable.from([Buffer.from(csv)]), { model: 'starter', format: 'csv', textField: 'text' }, 1 << 30);
    while ((s.storage.jobs.get(job.id)!.processed ?? 0) < 600) await new Promise((r) => setImmediate(r));
    await runner.stop();
    const mid = s.storage.jobs.get(job.id)!;
    assert.equal(mid.status, 'running');
    assert.ok(mid.processed > 0 && mid.processed < 2500);
    assert.ok(!fs.existsSync(runner.resultPath(job.id)), 'no result before done');
    // Garbage after the committed length, as a write cut short by a crash would leave.
    fs.appendFileSync(path.join(runner.jobsDir, `${job.id}.result.tmp`), 'half a ro');
    const restarted = new JobsRunner(s.storage.jobs, s.registry, path.join(s.dir, 'jobs-b'), undefined, 300);
    restarted.start();
    await restarted.idle();
    const done = s.storage.jobs.get(job.id)!;
    assert.equal(done.status, 'done');
    const out = parse(fs.readFileSync(restarted.resultPath(job.id), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(out.map((r) => r.id), rows.map((_, i) => `r${i}`));
  });

  it('ended jobs past their retention are deleted with their files; newer, queued and failed-recently ones stay', async () => {
    const runner = new JobsRunner(s.storage.jobs, s.registry, path.join(s.dir, 'jobs-retention'));
    runner.start();
    const accept = (text: string) => runner.accept(Readable.from([Buffer.from(`text\n${text}\n`)]), { model: 'starter', format: 'csv', textField: 'text' }, 1 << 20);
    const old = await accept('so happy');
    const recent = await accept('so sad');
    await runner.idle();
    assert.equal(s.storage.jobs.get(old.id)!.status, 'done');
    assert.ok(fs.existsSync(runner.resultPath(old.id)));
    const now = Date.now();
    s.storage.db.prepare('UPDATE jobs SET finished_at = ? WHERE id = ?').run(new Date(now - 8 * 86_400_000).toISOString(), old.id);
    // A job still waiting is never purged, whatever its age.
    const waiting = s.storage.jobs.create({ id: '0123456789abcdef01234567', model: 'starter', format: 'csv', textField: 'text', total: null });
    assert.equal(runner.purgeEnded(0, now), 0, '0 keeps everything');
    assert.equal(runner.purgeEnded(7, now), 1);
    assert.equal(s.storage.jobs.get(old.id), undefined);
    assert.ok(!fs.existsSync(runner.resultPath(old.id)));
    assert.equal(s.storage.jobs.get(recent.id)!.status, 'done');
    assert.ok(fs.existsSync(runner.resultPath(recent.id)));
    assert.equal(s.storage.jobs.get(waiting.id)!.status, 'queued');
    const gone = await s.app.inject({ method: 'GET', url: `/v1/jobs/${old.id}`, headers: { 'x-api-key': key } });
    assert.equal(gone.statusCode, 404);
  });
});
