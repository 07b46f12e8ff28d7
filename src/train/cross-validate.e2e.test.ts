import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from '../test-support/starter-data.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-cv-threads-'));

/** The real CLI in a child process; a fold thread left running would keep it alive past the guard. */
function cli(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'textclass.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, TEXTCLASS_DATA_DIR: '' },
    timeout: 180_000,
  });
  assert.equal(r.error, undefined, `textclass ${args.join(' ')} did not exit on its own`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const starter = ['cv', 'recipes/starter.yaml', '--data-dir', 'data', '--no-track', '--folds', '4'];

describe('textclass cv --threads', () => {
  test('two threads print the metrics and write the out-of-fold scores of one thread, byte for byte', () => {
    const outputs = [1, 2].map((threads) => {
      const oof = path.join(work, `oof-${threads}.jsonl`);
      const table = cli([...starter, '--threads', String(threads), '--out-of-fold', oof]);
      assert.equal(table.code, 0, table.stderr);
      const json = cli([...starter, '--threads', String(threads), '--json']);
      assert.equal(json.code, 0, json.stderr);
      return { table: table.stdout.replace(oof, 'OOF'), json: json.stdout, oof: fs.readFileSync(oof, 'utf8') };
    });
    assert.match(outputs[0].table, /^accuracy\s+0\.\d{4}\s+± 0\.\d{4}/m);
    assert.equal(outputs[1].table, outputs[0].table);
    assert.equal(outputs[1].json, outputs[0].json);
    assert.equal(outputs[1].oof, outputs[0].oof);
    assert.equal(outputs[0].oof.trim().split('\n').length, (JSON.parse(outputs[0].json) as { rows: number }).rows);
  });

  test('a fold that fails gives the same message and exit code on two threads, and the process exits', () => {
    const bad = [...starter, '--set', 'model.class_weight={nonsense: 2}'];
    const one = cli([...bad, '--threads', '1']);
    const two = cli([...bad, '--threads', '2']);
    assert.equal(one.code, 1);
    assert.equal(two.code, one.code);
    assert.match(one.stderr, /model\.class_weight: "nonsense" is not a label of the model/);
    assert.equal(two.stderr, one.stderr);
  });

  test('--threads takes 1 or 2 and says so', () => {
    for (const value of ['0', '3', 'two', '1.5']) {
      const r = cli([...starter, '--threads', value]);
      assert.equal(r.code, 2, value);
      assert.match(r.stderr, /--threads must be a whole number from 1 to 2/);
    }
    const help = cli(['cv', '--help']);
    assert.match(help.stdout, /--threads <n>/);
  });
});

describe('textclass train --threads', () => {
  test('calibration fitted by cross-validation inside train: the same model files on one thread and on two', () => {
    const files = [1, 2].map((threads) => {
      const out = path.join(work, `model-${threads}`);
      const r = cli(['train', 'recipes/starter.yaml', '--data-dir', 'data', '--no-track', '--quiet', '--out', out, '--threads', String(threads), '--set', 'evaluation.calibration=temperature', '--set', 'evaluation.tune_on=cv', '--set', 'evaluation.cv_folds=3']);
      assert.equal(r.code, 0, r.stderr);
      const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      assert.ok(manifest.calibration, 'the model is calibrated');
      delete manifest.created_at;
      delete manifest.training_seconds;
      const weights = fs.readdirSync(out).filter((f) => f.endsWith('.bin')).sort();
      return { manifest, weights: weights.map((f) => [f, fs.readFileSync(path.join(out, f)).toString('base64')]) };
    });
    assert.ok(files[0].weights.length > 0);
    assert.deepEqual(files[1].weights, files[0].weights);
    assert.deepEqual(files[1].manifest.calibration, files[0].manifest.calibration);
    for (const value of ['0', '3']) {
      const r = cli(['train', 'recipes/starter.yaml', '--data-dir', 'data', '--no-track', '--out', path.join(work, 'never'), '--threads', value]);
      assert.equal(r.code, 2, value);
      assert.match(r.stderr, /--threads must be a whole number from 1 to 2/);
    }
    assert.equal(fs.existsSync(path.join(work, 'never')), false);
    assert.match(cli(['train', '--help']).stdout, /--threads <n> {8}cross-validation inside train/);
  });
});
