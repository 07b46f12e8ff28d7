import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { REPO_ROOT } from '../test-support/starter-data.js';
import { createRng } from '../util/random.js';

const BIN = path.join(REPO_ROOT, 'bin', 'textclass.js');
function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, TEXTCLASS_DATA_DIR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-score-file-'));
const model = path.join(work, 'starter');
const input = path.join(work, 'big.csv');
const ROWS = 60_000;

describe('predict --output: streaming, resumable batch scoring', () => {
  before(() => {
    const r = cli(['train', 'recipes/starter.yaml', '--data-dir', 'data', '--out', model, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const rng = createRng(3);
    const words = ['so', 'happy', 'sad', 'angry', 'love', 'it', 'hate', 'the', 'rain', 'today', 'thanks', 'scared', 'wow', 'what', '"quoted, word"'];
    const lines = ['id,text'];
    for (let i = 0; i < ROWS; i++) {
      const n = 3 + Math.floor(rng() * 12);
      const text = Array.from({ length: n }, () => words[Math.floor(rng() * words.length)]).join(' ');
      lines.push(`id${i},"${text.replace(/"/g, '""')}"`);
    }
    fs.writeFileSync(input, lines.join('\n') + '\n');
  });

  test('a run killed with SIGKILL resumes without losing or repeating a row', async () => {
    const whole = path.join(work, 'whole.csv');
    const full = cli(['predict', model, '--input', input, '--id-field', 'id', '--output', whole, '--batch-size', '1000']);
    assert.equal(full.code, 0, full.stderr);
    assert.match(full.stdout, new RegExp(`scored ${ROWS} texts`));

    const out = path.join(work, 'resumed.csv');
    const child = spawn(process.execPath, [BIN, 'predict', model, '--input', input, '--id-field', 'id', '--output', out, '--batch-size', '1000'], { cwd: REPO_ROOT, stdio: 'ignore' });
    // Kill it once a few batches are committed (the checkpoint says so), long before the end.
    const checkpoint = `${out}.checkpoint.json`;
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        try {
          const rows = fs.existsSync(checkpoint) ? (JSON.parse(fs.readFileSync(checkpoint, 'utf8')) as { rows: number }).rows : 0;
          if (rows >= 5000) {
            clearInterval(timer);
            child.kill('SIGKILL');
            resolve();
          }
        } catch {
          // the checkpoint is being replaced; try again
        }
      }, 5);
      child.on('exit', () => {
        clearInterval(timer);
        reject(new Error('the run finished before it could be killed; make the input bigger'));
      });
    });
    await new Promise((r) => child.on('exit', r));
    assert.ok(!fs.existsSync(out), 'an interrupted run leaves no output under the final name');
    assert.ok(fs.existsSync(`${out}.partial`));

    const refused = cli(['predict', model, '--input', input, '--id-field', 'id', '--output', out]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /interrupted run stopped after \d+ rows.*--resume/);

    const resumed = cli(['predict', model, '--input', input, '--id-field', 'id', '--output', out, '--batch-size', '1000', '--resume']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /resumed after \d+/);
    // Same bytes as the uninterrupted run: every row once, in order.
    assert.ok(fs.readFileSync(out).equals(fs.readFileSync(whole)), 'resumed output equals the uninterrupted one');
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, ROWS + 1);
    assert.equal(lines[0], 'row,id,labels,anger,fear,joy,love,neutral,sadness,surprise');
    assert.ok(!fs.existsSync(`${out}.checkpoint.json`) && !fs.existsSync(`${out}.partial`));
  });

  test('JSON lines output, and clear errors for a missing column or a changed input', () => {
    const jsonl = path.join(work, 'out.jsonl');
    const r = cli(['predict', model, '--input', input, '--output', jsonl]);
    assert.equal(r.code, 0, r.stderr);
    const first = JSON.parse(fs.readFileSync(jsonl, 'utf8').split('\n')[0]) as { row: number; scores: Record<string, number> };
    assert.equal(first.row, 1);
    assert.equal(Object.keys(first.scores).length, 7);
    const missing = cli(['predict', model, '--input', input, '--text-field', 'body', '--output', path.join(work, 'x.csv')]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /big\.csv:1: field "body": no "body" column in the header \(columns: id, text\)/);
    const noInput = cli(['predict', model, '--output', path.join(work, 'y.csv')]);
    assert.equal(noInput.code, 2);
    assert.match(noInput.stderr, /--output needs --input/);
  });
});
