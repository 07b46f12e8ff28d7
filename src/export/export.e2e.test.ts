import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT } from '../test-support/starter-data.js';
import { OnnxFeaturizer } from './featurize-for-onnx.js';
import { runExported, tryLoadOrt } from './onnx-session.js';

/** `textclass train` → `textclass export --format onnx` → onnxruntime-node, against `textclass predict --json`. */

const ort = tryLoadOrt();
const skip = ort === null && !process.env.CI ? 'onnxruntime-node is not installed' : false;

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'textclass.js'), ...args], { cwd: REPO_ROOT, input, encoding: 'utf8', env: { ...process.env, TEXTCLASS_DATA_DIR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-export-e2e-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));
const dataDir = path.join(REPO_ROOT, 'data');
const TEXTS = ['I miss you so much already', '...', 'what a wonderful surprise, thank you!!', 'this is unacceptable, I am furious', 'Привет 你好 🙂', 'okay I guess'];

for (const [name, overrides] of [
  ['logreg-temperature', ['--set', 'evaluation.calibration=temperature']],
  ['fasttext', ['--set', 'model={type: fasttext, epoch: 10, lr: 0.5, dim: 20, buckets: 100000}']],
] as const) {
  test(`CLI: train, export --format onnx, and the graph reproduces predict (${name})`, { skip, timeout: 180_000 }, async () => {
    assert.ok(ort);
    const modelDir = path.join(work, name);
    const trained = cli(['train', 'recipes/starter.yaml', '--out', modelDir, '--data-dir', dataDir, ...overrides]);
    assert.equal(trained.code, 0, trained.stderr);
    const outDir = path.join(work, `${name}-onnx`);
    const exported = cli(['export', modelDir, '--format', 'onnx', '--out', outDir, '--json']);
    assert.equal(exported.code, 0, exported.stderr);
    const report = JSON.parse(exported.stdout);
    assert.deepEqual(report.files.map((f: { name: string }) => f.name), ['model.onnx', 'featurizer.json']);
    assert.equal(report.calibration === null, name === 'fasttext');

    const predicted = cli(['predict', modelDir, '--json'], TEXTS.map((t) => JSON.stringify({ text: t })).join('\n') + '\n');
    assert.equal(predicted.code, 0, predicted.stderr);
    const rows = predicted.stdout.trim().split('\n').map((l) => JSON.parse(l) as { scores: Record<string, number> });
    assert.equal(rows.length, TEXTS.length);

    const featurizer = OnnxFeaturizer.load(outDir);
    const labels = featurizer.spec.model.labels;
    const session = await ort.InferenceSession.create(path.join(outDir, 'model.onnx'));
    const p = await runExported(ort, session, featurizer.featurize(TEXTS));
    let max = 0;
    rows.forEach((row, i) => labels.forEach((label, k) => (max = Math.max(max, Math.abs(row.scores[label] - p[i * labels.length + k])))));
    // predict prints scores rounded to 6 decimals.
    assert.ok(max <= 1e-5, `max difference to textclass predict: ${max}`);

    const human = cli(['export', modelDir, '--format', 'onnx', '--out', outDir]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^exported .* model "starter" \(multiclass, 7 labels.*model\.onnx \(.*\), featurizer\.json/);
  });
}

test('CLI: export --help teaches, and mistakes are one line with a non-zero exit', () => {
  const help = cli(['export', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--format onnx/);
  assert.match(help.stdout, /featurizer\.json/);
  assert.match(help.stdout, /Examples:/);

  const noFormat = cli(['export', 'models/nowhere', '--out', path.join(work, 'x')]);
  assert.equal(noFormat.code, 2);
  assert.match(noFormat.stderr, /--format is required/);
  const badFormat = cli(['export', 'models/nowhere', '--format', 'tflite', '--out', path.join(work, 'x')]);
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /unknown export format; formats: onnx/);
  const noOut = cli(['export', 'models/nowhere', '--format', 'onnx']);
  assert.equal(noOut.code, 2);
  assert.match(noOut.stderr, /--out <dir> is required/);
  const missing = cli(['export', path.join(work, 'nowhere'), '--format', 'onnx', '--out', path.join(work, 'x')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^textclass export: model .*nowhere: directory not found/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  assert.ok(!fs.existsSync(path.join(work, 'x')), 'nothing is written on failure');
});
