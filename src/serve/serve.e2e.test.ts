import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { REPO_ROOT, loadStarter } from '../test-support/starter-data.js';
import { starterModel, tempDir } from './fixtures.js';

/** `textclass serve` once the CLI registers it; until then, the command module itself. */
function serveArgs(args: string[]): string[] {
  const registered = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'textclass.js'), 'serve', '--help'], { encoding: 'utf8' }).status === 0;
  if (registered) return [path.join(REPO_ROOT, 'bin', 'textclass.js'), 'serve', ...args];
  const mod = path.join(REPO_ROOT, 'dist', 'cli', 'commands', 'serve.js');
  return ['--input-type=module', '-e', `const m = await import(${JSON.stringify(mod)}); process.exitCode = await m.runServe(process.argv.slice(1));`, '--', ...args];
}

interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the real server process and resolves with its URL once it prints it. */
function startServer(args: string[], cwd: string): Promise<Server> {
  const child = spawn(process.execPath, serveArgs(['--port', '0', '--log-level', 'warn', ...args]), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

describe('textclass serve end to end (real process, real HTTP)', { timeout: 300_000 }, () => {
  const work = tempDir('e2e');
  const models = path.join(work, 'models');
  const db = path.join(work, 'db.sqlite');
  let server: Server;

  before(async () => {
    fs.mkdirSync(models);
    fs.cpSync(await starterModel(), path.join(models, 'starter'), { recursive: true });
    server = await startServer(['--models', models, '--db', db, '--rate-limit', '0'], work);
  });
  after(async () => {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await exited(server.child);
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('answers health, models and predict over HTTP', async () => {
    assert.deepEqual((await getJson(`${server.url}/healthz`)).body, { status: 'ok' });
    assert.equal((await getJson(`${server.url}/readyz`)).body.models, 1);
    const r = await getJson(`${server.url}/v1/models/starter/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts: ['I miss you so much already'] }) });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.results[0].labels, ['sadness']);
  });

  it('a slow client that never finishes its body does not block others', async () => {
    const net = await import('node:net');
    const { port } = new URL(server.url);
    const sock = net.connect(Number(port), '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write('POST /v1/models/starter/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"texts": [');
    const r = await getJson(`${server.url}/v1/models`);
    assert.equal(r.status, 200);
    sock.destroy();
  });

  it('a batch job killed with SIGKILL mid-way resumes after restart; its result is never served early', async () => {
    const starter = loadStarter('train');
    const n = 120_000;
    const lines = ['id,text'];
    for (let i = 0; i < n; i++) lines.push(`${i},"${starter[i % starter.length].text.replace(/"/g, '""')}"`);
    const upload = await getJson(`${server.url}/v1/models/starter/batch`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: lines.join('\n') + '\n' });
    assert.equal(upload.status, 202, JSON.stringify(upload.body));
    const jobUrl = `${server.url}${upload.body.status_url}`;
    let job = (await getJson(jobUrl)).body;
    for (const until = Date.now() + 60_000; Date.now() < until && !(job.status === 'running' && job.processed > 0); ) {
      await new Promise((r) => setTimeout(r, 5));
      job = (await getJson(jobUrl)).body;
    }
    assert.equal(job.status, 'running', 'caught the job while it runs');
    assert.equal(job.total, n);
    const early = await getJson(`${server.url}${upload.body.result_url}`);
    assert.equal(early.status, 409, 'no result while running');

    server.child.kill('SIGKILL');
    await exited(server.child);

    server = await startServer(['--models', models, '--db', db, '--rate-limit', '0'], work);
    const resultUrl = `${server.url}${upload.body.result_url}`;
    const afterRestart = (await getJson(`${server.url}${upload.body.status_url}`)).body;
    assert.ok(['queued', 'running', 'done'].includes(afterRestart.status), JSON.stringify(afterRestart));
    if (afterRestart.status !== 'done') assert.equal((await getJson(resultUrl)).status, 409);
    for (const until = Date.now() + 120_000; Date.now() < until && !['done', 'failed'].includes(job.status); ) {
      await new Promise((r) => setTimeout(r, 20));
      // The result first, then the status: a job may finish between the two reads, so the only
      // sound check is that a result that was served belongs to a job that says done afterwards.
      const served = (await fetch(resultUrl)).status;
      job = (await getJson(`${server.url}${upload.body.status_url}`)).body;
      if (served === 200) assert.equal(job.status, 'done', 'never served before done');
    }
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.equal(job.processed, n);
    const csv = await (await fetch(resultUrl)).text();
    const rows = parse(csv, { columns: true }) as Array<{ id: string }>;
    assert.equal(rows.length, n);
    for (let i = 0; i < n; i += 997) assert.equal(rows[i].id, String(i));
    assert.equal(new Set(rows.map((r) => r.id)).size, n, 'every row exactly once');
  });

  it('SIGTERM shuts down gracefully (exit code 0)', async () => {
    server.child.kill('SIGTERM');
    assert.equal(await exited(server.child), 0);
  });

  it('refuses a public address without API keys', () => {
    const r = spawnSync(process.execPath, serveArgs(['--host', '0.0.0.0', '--port', '0', '--models', models, '--db', path.join(work, 'other.sqlite')]), { cwd: work, encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /without API keys/);
  });
});

describe('textclass serve on an empty models folder (the `npm start` first run)', () => {
  it('trains the starter model with its report, then serves both, within a minute', async () => {
    const work = tempDir('first-run');
    const started = Date.now();
    const server = await startServer(['--db', path.join(work, 'db.sqlite')], work);
    try {
      const seconds = (Date.now() - started) / 1000;
      assert.ok(seconds < 60, `took ${seconds} s`);
      assert.ok(fs.existsSync(path.join(work, 'models', 'starter', 'manifest.json')));
      const models = (await getJson(`${server.url}/v1/models`)).body.models;
      assert.deepEqual(models.map((m: { id: string }) => m.id), ['starter']);
      assert.equal(models[0].has_report, true);
      const report = await fetch(`${server.url}/v1/models/starter/report`);
      assert.equal(report.status, 200);
      assert.match(await report.text(), /<svg/);
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  });
});
