import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../test-support/starter-data.js';

/** Every model type from recipe to predictions, through the CLI, on the bundled starter data. */

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'textclass.js'), ...args], { cwd: REPO_ROOT, input, encoding: 'utf8', env: { ...process.env, TEXTCLASS_DATA_DIR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-types-'));
const dataDir = path.join(REPO_ROOT, 'data');

for (const model of ['{type: linear_svm}', '{type: naive_bayes}', '{type: nbsvm}', '{type: fasttext, epoch: 20, lr: 0.5, threads: 2}', '{type: logistic_regression, class_weight: {joy: 2}}']) {
  test(`model ${model}: train, eval and predict from the CLI`, { timeout: 120_000 }, () => {
    const out = path.join(work, model.replace(/\W+/g, '-'));
    const trained = cli(['train', 'recipes/starter.yaml', '--out', out, '--data-dir', dataDir, '--set', `model=${model}`]);
    assert.equal(trained.code, 0, trained.stderr);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    const dev = manifest.metrics.dev as { accuracy: number };
    // Seven emotions: chance is ~0.14; every type must learn something from 420 texts.
    assert.ok(dev.accuracy > 0.35, `dev accuracy ${dev.accuracy}`);
    const evaluated = cli(['eval', out, '--data', path.join(dataDir, 'starter', 'dev.csv'), '--json']);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    assert.ok(Math.abs(JSON.parse(evaluated.stdout).accuracy - dev.accuracy) < 1e-9, 'eval reproduces the dev score of train');
    const predicted = cli(['predict', out, '--json'], 'I miss you so much already\n');
    assert.equal(predicted.code, 0, predicted.stderr);
    const row = JSON.parse(predicted.stdout.trim().split('\n')[0]);
    assert.ok(manifest.labels.includes(row.label ?? row.labels?.[0]), predicted.stdout);
  });
}
