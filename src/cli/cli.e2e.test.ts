import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { loadStarter, REPO_ROOT, SHARED_DATASETS } from '../test-support/starter-data.js';

/** Runs the real CLI as a user would, in a child process. */
function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'textclass.js'), ...args], { cwd: REPO_ROOT, input, encoding: 'utf8', env: { ...process.env, TEXTCLASS_DATA_DIR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLineError(r: ReturnType<typeof cli>, pattern: RegExp): void {
  assert.notEqual(r.code, 0, 'expected a non-zero exit');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'stack trace leaked');
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-e2e-'));

describe('GoEmotions slice: train → eval → predict', { skip: !fs.existsSync(path.join(SHARED_DATASETS, 'goemotions')) && 'shared datasets not found beside the repository' }, () => {
  const dataDir = path.join(work, 'data');
  const modelDir = path.join(work, 'models', 'goemotions');
  const slice = (name: string, lines: number) => {
    const all = fs.readFileSync(path.join(SHARED_DATASETS, 'goemotions', name), 'utf8').split('\n');
    fs.writeFileSync(path.join(dataDir, 'goemotions', name), all.slice(0, lines).join('\n') + '\n');
  };

  before(() => {
    fs.mkdirSync(path.join(dataDir, 'goemotions'), { recursive: true });
    slice('train.tsv', 4000);
    slice('dev.tsv', 600);
    // The recipe's groupings read the dataset's own mapping files.
    for (const f of ['emotions.txt', 'ekman_mapping.json', 'sentiment_dict.json']) fs.copyFileSync(path.join(SHARED_DATASETS, 'goemotions', f), path.join(dataDir, 'goemotions', f));
  });

  test('train writes a model and prints dev metrics', () => {
    const r = cli(['train', 'recipes/goemotions.yaml', '--out', modelDir, '--data-dir', dataDir, '--set', 'model.max_iter=100']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /trained goemotions \(multilabel, 28 labels\) on 4000 texts/);
    assert.match(r.stdout, /dev at the fixed threshold 0\.5: n=600 /);
    assert.match(r.stdout, /dev with thresholds tuned on cross-validated training scores: n=600 /);
    const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.labels.length, 28);
    assert.equal(manifest.decision.kind, 'thresholds');
    assert.equal(manifest.decision.thresholds.length, 28);
  });

  test('eval --json prints one object with the contract fields', () => {
    const r = cli(['eval', modelDir, '--data', path.join(dataDir, 'goemotions', 'dev.tsv'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.n, 600);
    for (const key of ['accuracy', 'balanced_accuracy', 'macro_f1', 'micro_f1', 'weighted_f1', 'samples_f1', 'exact_match']) {
      assert.equal(typeof report[key], 'number', key);
      assert.ok(report[key] >= 0 && report[key] <= 1, `${key}=${report[key]}`);
    }
    assert.equal(Object.keys(report.per_class).length, 28);
    assert.deepEqual(Object.keys(report.per_class.neutral).sort(), ['average_precision', 'f1', 'precision', 'recall', 'roc_auc', 'support']);
    assert.ok(report.micro_f1 > 0.3, `micro-F1 ${report.micro_f1} is no better than chance`);
  });

  test('eval without --json prints a classification report', () => {
    const r = cli(['eval', modelDir, '--data', path.join(dataDir, 'goemotions', 'dev.tsv')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /precision\s+recall\s+f1-score\s+support/);
    assert.match(r.stdout, /samples avg/);
  });

  test('predict reads plain lines and JSON lines and scores every label', () => {
    const r = cli(['predict', modelDir, '--json'], 'thank you so much, this is wonderful!\n{"id": "q2", "text": "I am so angry right now"}\n\n');
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(rows.length, 2);
    assert.equal(rows[1].id, 'q2');
    for (const row of rows) {
      assert.ok(row.labels.length >= 1);
      assert.equal(Object.keys(row.scores).length, 28);
    }
    const plain = cli(['predict', modelDir], 'thanks a lot!\n');
    assert.match(plain.stdout, /^[a-z,]+\t[a-z]+=[01]\.\d{3} /);
  });

  test('a malformed line names file and line; --on-bad-row skip counts it', () => {
    const bad = path.join(work, 'bad.tsv');
    fs.writeFileSync(bad, 'fine text\t27\tid1\nonly two fields\t3\n');
    assertOneLineError(cli(['eval', modelDir, '--data', bad]), /bad\.tsv:2/);
    const r = cli(['eval', modelDir, '--data', bad, '--json', '--on-bad-row', 'skip']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).skipped_rows, 1);
  });
});

describe('binary folder-per-label data: ROC AUC and average precision', () => {
  const root = path.join(work, 'reviews');
  before(() => {
    // The starter set's sentiment column, laid out like aclImdb (one file per text, one folder per label).
    for (const split of ['train', 'dev'] as const) {
      loadStarter(split)
        .filter((r) => r.sentiment !== 'neutral')
        .forEach((r, i) => {
          const dir = path.join(root, split, r.sentiment === 'positive' ? 'pos' : 'neg');
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(path.join(dir, `${i}_0.txt`), r.text);
        });
    }
    fs.writeFileSync(
      path.join(work, 'reviews.yaml'),
      'name: reviews\ntask: binary\ndata:\n  format: folder\n  train: train\n  dev: dev\n  positive_label: pos\nfeatures:\n  min_df: 1\nmodel:\n  C: 10\n',
    );
  });

  test('train and eval --json report roc_auc and average_precision', () => {
    const modelDir = path.join(work, 'models', 'reviews');
    const t = cli(['train', path.join(work, 'reviews.yaml'), '--out', modelDir, '--data-dir', root]);
    assert.equal(t.code, 0, t.stderr);
    const r = cli(['eval', modelDir, '--data', path.join(root, 'dev'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.ok(report.roc_auc > 0.7, `roc_auc ${report.roc_auc}`);
    assert.equal(typeof report.average_precision, 'number');
    assert.deepEqual(Object.keys(report.per_class).sort(), ['neg', 'pos']);
  });
});

describe('usage and input errors: one clear line, non-zero exit', () => {
  test('every command has --help with an example', () => {
    for (const c of ['train', 'eval', 'predict', 'starter']) {
      const r = cli([c, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`Usage: textclass ${c}`));
      assert.match(r.stdout, /Example/);
    }
    assert.match(cli(['--help']).stdout, /Commands:/);
  });

  test('missing files, bad recipe fields, unknown flags and commands', () => {
    assertOneLineError(cli(['train', 'nope.yaml', '--out', path.join(work, 'x')]), /nope\.yaml: cannot read recipe: file not found/);
    assertOneLineError(cli(['train', 'recipes/starter.yaml', '--out', path.join(work, 'x'), '--set', 'model.C=-3']), /model\.C: .*got -3/);
    assertOneLineError(cli(['train', 'recipes/goemotions.yaml', '--out', path.join(work, 'x'), '--data-dir', path.join(work, 'empty')]), /emotions\.txt.*not found/);
    assertOneLineError(cli(['train', 'recipes/starter.yaml']), /--out <modelDir> is required/);
    assertOneLineError(cli(['eval', path.join(work, 'no-model'), '--data', 'x']), /directory not found/);
    assertOneLineError(cli(['predict', 'models/x', '--bogus']), /Unknown option '--bogus'/);
    assertOneLineError(cli(['frobnicate']), /unknown command "frobnicate"/);
  });

  test('a recipe pointing at a missing data file names the file', () => {
    const recipe = path.join(work, 'missing-data.yaml');
    fs.writeFileSync(recipe, 'name: m\ntask: multiclass\ndata:\n  format: csv\n  train: nothere.csv\n  text_field: text\n  label_field: label\n');
    assertOneLineError(cli(['train', recipe, '--out', path.join(work, 'y'), '--data-dir', work]), /nothere\.csv/);
  });
});

describe('starter: the offline main job', () => {
  test('trains the bundled starter recipe and prints its report', () => {
    const out = path.join(work, 'models', 'starter');
    const r = cli(['starter', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /trained starter \(multiclass, 7 labels\)/);
    assert.match(r.stdout, /macro avg/);
    const acc = Number(/dev: n=140 {2}accuracy=([\d.]+)/.exec(r.stdout)?.[1]);
    assert.ok(acc > 0.5, `starter dev accuracy ${acc}`);
  });
});
