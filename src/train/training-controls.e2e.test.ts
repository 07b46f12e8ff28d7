import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../test-support/starter-data.js';

/** Runs the real CLI as a user would, in a child process (as cli.e2e.test.ts). */
function cli(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'textclass.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, TEXTCLASS_DATA_DIR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-training-e2e-'));
const recipe = path.join(work, 'starter-fasttext.yaml');
fs.writeFileSync(
  recipe,
  `name: starter-fasttext
task: multiclass
data:
  format: csv
  train: starter/train.csv
  dev: starter/dev.csv
  text_field: text
  label_field: emotion
model:
  type: fasttext
  dim: 24
  epoch: 40
  lr: 1
  buckets: 100000
  threads: 1
training:
  lr_schedule: constant
  early_stopping:
    metric: macro_f1
    patience: 2
`,
);

test('textclass train: fasttext with early stopping writes the epoch curve into the manifest', () => {
  const modelDir = path.join(work, 'model');
  const r = cli(['train', recipe, '--out', modelDir, '--data-dir', path.join(REPO_ROOT, 'data')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /trained starter-fasttext \(multiclass, 7 labels\)/);
  const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'manifest.json'), 'utf8'));
  const t = manifest.training;
  assert.equal(t.early_stopping_metric, 'macro_f1');
  assert.equal(t.stopped_early, true);
  assert.ok(t.epochs.length < 40 && t.epochs.length === t.best_epoch + 2, `${t.epochs.length} epochs, best ${t.best_epoch}`);
  t.epochs.forEach((e: Record<string, number>, i: number) => {
    assert.deepEqual(Object.keys(e), ['epoch', 'train_loss', 'dev_macro_f1', 'lr']);
    assert.equal(e.epoch, i + 1);
    assert.equal(e.lr, 1);
  });
  const best = t.epochs[t.best_epoch - 1].dev_macro_f1;
  assert.equal(best, Math.max(...t.epochs.map((e: Record<string, number>) => e.dev_macro_f1)));
  // The model kept is the best epoch's: its dev report (argmax, as early stopping scored) says the same.
  assert.ok(Math.abs(manifest.metrics.dev.macro_f1 - best) < 1e-12, `dev macro F1 ${manifest.metrics.dev.macro_f1} vs best epoch ${best}`);
});

test('textclass train: a gradient-training field on another model type is one clear line', () => {
  const r = cli(['train', recipe, '--out', path.join(work, 'x'), '--data-dir', path.join(REPO_ROOT, 'data'), '--set', 'model={type: logistic_regression}']);
  assert.notEqual(r.code, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /training\.lr_schedule: constant needs a gradient-trained model \(model\.type fasttext; this recipe has logistic_regression\)/);
});
