import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { applyCalibration } from '../calibration/calibrator.js';
import { loadModel } from '../persist/model-dir.js';
import { loadStarter, REPO_ROOT, SHARED_DATASETS } from '../test-support/starter-data.js';

/** Runs the real CLI as a user would, in a child process. */
function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'textclass.js'), ...args], { cwd: REPO_ROOT, input, encoding: 'utf8', env: { ...process.env, TEXTCLASS_DATA_DIR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-eval-e2e-'));
const starter = ['recipes/starter.yaml', '--data-dir', 'data'];
const devTexts = loadStarter('dev').map((r) => r.text);

describe('calibration, abstain and cross-validation on the starter data', () => {
  const calibrated = path.join(work, 'starter-temperature');
  const isotonicCv = path.join(work, 'starter-isotonic-cv');
  const nb = path.join(work, 'starter-nb');

  before(() => {
    for (const [dir, sets] of [
      [calibrated, ['evaluation.calibration=temperature', 'evaluation.abstain_min_accuracy=0.9']],
      [isotonicCv, ['evaluation.calibration=isotonic', 'evaluation.tune_on=cv', 'evaluation.cv_folds=3']],
      [nb, ['model={type: naive_bayes}']],
    ] as const) {
      const r = cli(['train', ...starter, '--out', dir, ...sets.flatMap((s) => ['--set', s])]);
      assert.equal(r.code, 0, r.stderr);
    }
  });

  test('temperature calibration is stored, lowers dev log loss, and predict serves calibrated scores', () => {
    const { manifest, classifier, rawClassifier } = loadModel(calibrated);
    assert.equal(manifest.calibration?.method, 'temperature');
    const metrics = manifest.metrics as { dev: { log_loss: number }; dev_uncalibrated: { log_loss: number } };
    assert.ok(metrics.dev.log_loss < metrics.dev_uncalibrated.log_loss, `${metrics.dev.log_loss} < ${metrics.dev_uncalibrated.log_loss}`);
    const texts = devTexts.slice(0, 20);
    const expected = applyCalibration(manifest.calibration!, 'multiclass', rawClassifier.predictProba(texts), texts.length, manifest.labels.length);
    assert.deepEqual(classifier.predictProba(texts), expected);
    const r = cli(['predict', calibrated, '--json'], texts.join('\n') + '\n');
    assert.equal(r.code, 0, r.stderr);
    const first = JSON.parse(r.stdout.split('\n')[0]) as { scores: Record<string, number> };
    manifest.labels.forEach((l, k) => assert.ok(Math.abs(first.scores[l] - expected[k]) < 1e-6));
  });

  test('an abstain threshold tuned for 90% answered accuracy says "not sure" below it', () => {
    const { manifest } = loadModel(calibrated);
    assert.equal(manifest.decision.kind, 'argmax');
    const threshold = manifest.decision.kind === 'argmax' ? manifest.decision.abstainBelow! : NaN;
    assert.ok(threshold > 0 && threshold < 1);
    const dev = (manifest.metrics as { dev: { abstention: { coverage: number; accuracy_answered: number } } }).dev.abstention;
    assert.ok(dev.accuracy_answered >= 0.9 && dev.coverage > 0 && dev.coverage < 1, JSON.stringify(dev));
    const r = cli(['predict', calibrated, '--json'], devTexts.join('\n') + '\n');
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { labels: string[]; not_sure?: boolean; scores: Record<string, number> });
    const unsure = lines.filter((l) => l.not_sure);
    assert.ok(unsure.length > 0 && unsure.length < lines.length);
    for (const l of lines) {
      const top = Math.max(...Object.values(l.scores));
      if (l.not_sure) assert.ok(top < threshold + 1e-6 && l.labels.length === 0);
      else assert.ok(top >= threshold - 1e-6 && l.labels.length === 1);
    }
    const plain = cli(['predict', calibrated], devTexts.join('\n') + '\n');
    assert.match(plain.stdout, /^\(not sure\)\t/m);
  });

  test('tune_on cv fits isotonic calibration on out-of-fold training scores', () => {
    const { manifest } = loadModel(isotonicCv);
    assert.equal(manifest.calibration?.method, 'isotonic');
    assert.equal(manifest.calibration?.fittedOn, 'cv');
  });

  test('textclass cv reports mean ± std per metric and writes out-of-fold scores', () => {
    const oof = path.join(work, 'oof.jsonl');
    const r = cli(['cv', ...starter, '--folds', '4', '--json', '--out-of-fold', oof]);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { folds: number; rows: number; fold_sizes: number[]; metrics: Record<string, { mean: number; std: number; folds: number[] }> };
    assert.equal(res.folds, 4);
    assert.equal(res.fold_sizes.reduce((a, b) => a + b, 0), res.rows);
    const acc = res.metrics.accuracy;
    assert.equal(acc.folds.length, 4);
    assert.ok(acc.mean > 0.4 && acc.mean < 1 && acc.std > 0, JSON.stringify(acc));
    assert.ok(Math.abs(acc.mean - acc.folds.reduce((a, b) => a + b, 0) / 4) < 1e-12);
    const lines = fs.readFileSync(oof, 'utf8').trim().split('\n');
    assert.equal(lines.length, res.rows);
    const row = JSON.parse(lines[0]) as { scores: Record<string, number> };
    assert.ok(Math.abs(Object.values(row.scores).reduce((a, b) => a + b, 0) - 1) < 1e-4);
    const issues = path.join(work, 'issues.csv');
    const table = cli(['cv', ...starter, '--folds', '3', '--label-issues', issues]);
    assert.match(table.stdout, /^accuracy\s+0\.\d{4}\s+± 0\.\d{4}/m);
    assert.match(table.stdout, /\d+ suspected label errors written to/);
    const csv = fs.readFileSync(issues, 'utf8').trim().split('\n');
    assert.equal(csv[0], 'row,text,given,suggested,score,self_confidence');
    assert.ok(csv.length > 1);
    const scores = csv.slice(1).map((l) => Number(l.split(',').at(-2)));
    for (let i = 1; i < scores.length; i++) assert.ok(scores[i] <= scores[i - 1], 'most suspicious first');
    const bad = cli(['cv', ...starter, '--folds', '1']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--folds must be an integer from 2 to 20/);
  });

  test('textclass compare gives paired bootstrap intervals against the first model', () => {
    const r = cli(['compare', calibrated, nb, '--data', 'data/starter/dev.csv', '--json', '--resamples', '200']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { n: number; metrics: { metric: string; values: number[]; differences: { diff: number; low: number; high: number }[] }[] };
    assert.equal(res.n, devTexts.length);
    const acc = res.metrics.find((m) => m.metric === 'accuracy')!;
    const d = acc.differences[0];
    assert.ok(Math.abs(d.diff - (acc.values[1] - acc.values[0])) < 1e-12);
    assert.ok(d.low <= d.diff && d.diff <= d.high);
    const table = cli(['compare', calibrated, nb, '--data', 'data/starter/dev.csv']);
    assert.match(table.stdout, /paired bootstrap \(1000 resamples\), 95% interval/);
    const one = cli(['compare', calibrated, '--data', 'data/starter/dev.csv']);
    assert.notEqual(one.code, 0);
  });
});

describe('multilabel decision rules on a GoEmotions slice', { skip: !fs.existsSync(path.join(SHARED_DATASETS, 'goemotions')) && 'shared datasets not found beside the repository' }, () => {
  const dataDir = path.join(work, 'data');
  const slice = (name: string, lines: number) => {
    const all = fs.readFileSync(path.join(SHARED_DATASETS, 'goemotions', name), 'utf8').split('\n');
    fs.writeFileSync(path.join(dataDir, 'goemotions', name), all.slice(0, lines).join('\n') + '\n');
  };
  before(() => {
    fs.mkdirSync(path.join(dataDir, 'goemotions'), { recursive: true });
    slice('train.tsv', 3000);
    slice('dev.tsv', 800);
    for (const f of ['emotions.txt', 'ekman_mapping.json', 'sentiment_dict.json']) fs.copyFileSync(path.join(SHARED_DATASETS, 'goemotions', f), path.join(dataDir, 'goemotions', f));
  });

  test('tune_global stores one shared threshold; top_k caps the labels per text', () => {
    const dir = path.join(work, 'goemotions-global');
    const r = cli(['train', 'recipes/goemotions.yaml', '--data-dir', dataDir, '--out', dir, '--set', 'evaluation.thresholds=tune_global', '--set', 'evaluation.threshold_metric=macro_f1', '--set', 'evaluation.top_k=1', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const { manifest } = loadModel(dir);
    assert.equal(manifest.decision.kind, 'thresholds');
    if (manifest.decision.kind !== 'thresholds') return;
    assert.equal(new Set(manifest.decision.thresholds).size, 1);
    assert.equal(manifest.decision.scope, 'global');
    assert.equal(manifest.decision.topK, 1);
    const p = cli(['predict', dir, '--json'], 'thanks so much, I love it and I am so happy\nthis is terrible and I am angry and sad\n');
    for (const line of p.stdout.trim().split('\n')) assert.equal((JSON.parse(line) as { labels: string[] }).labels.length, 1);
  });

  test('per-label thresholds maximising F2 sit lower than F1 ones', () => {
    const f1 = path.join(work, 'goemotions-f1');
    const f2 = path.join(work, 'goemotions-f2');
    for (const [dir, metric] of [[f1, 'f1'], [f2, 'f2']]) {
      const r = cli(['train', 'recipes/goemotions.yaml', '--data-dir', dataDir, '--out', dir, '--set', `evaluation.threshold_metric=${metric}`, '--set', 'evaluation.threshold_prior_strength=0', '--quiet']);
      assert.equal(r.code, 0, r.stderr);
    }
    const t1 = (loadModel(f1).manifest.decision as { thresholds: number[] }).thresholds;
    const t2 = (loadModel(f2).manifest.decision as { thresholds: number[] }).thresholds;
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    assert.ok(mean(t2) < mean(t1), `${mean(t2)} < ${mean(t1)}`);
  });

  test('a recipe that mixes per-label tuning with a global metric is refused with a clear message', () => {
    const r = cli(['train', 'recipes/goemotions.yaml', '--data-dir', dataDir, '--out', path.join(work, 'x'), '--set', 'evaluation.threshold_metric=micro_f1']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /evaluation\.threshold_metric.*tune_global/);
  });
});
