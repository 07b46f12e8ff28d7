import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { testServer } from '../serve/fixtures.js';
import { REPO_ROOT } from '../test-support/starter-data.js';

/** The CLI as a user runs it, in a child process, on the committed tiny BERT fixtures, offline. */
function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'textclass.js'), ...args], { cwd: work, encoding: 'utf8', input, env: { ...process.env, TEXTCLASS_DATA_DIR: '', TEXTCLASS_CACHE_DIR: path.join(work, 'cache') } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-onnx-cli-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));
// The encoders sit beside the models, as a user would keep them: models/encoders/… and models/<name>.
const models = path.join(work, 'models');
fs.mkdirSync(path.join(models, 'encoders'), { recursive: true });
for (const name of ['tiny-bert-encoder', 'tiny-bert-classifier']) fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', name), path.join(models, 'encoders', name), { recursive: true });
const dataDir = path.join(REPO_ROOT, 'data');

function recipe(name: string, body: string): string {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(
    file,
    `name: ${name}
task: multiclass
data:
  format: csv
  train: starter/train.csv
  dev: starter/dev.csv
  text_field: text
${body}`,
  );
  return file;
}

const headRecipe = recipe(
  'starter-onnx-head',
  `  label_field: emotion
model:
  type: onnx
  path: models/encoders/tiny-bert-encoder
  mode: encoder_head
  threads: 1
  combine_tfidf: average
`,
);

test('train → save → load → predict → eval of an encoder + head model through the CLI', () => {
  const out = path.join(models, 'starter-head');
  const t = cli(['train', headRecipe, '--out', out, '--data-dir', dataDir]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /trained starter-onnx-head \(multiclass, 7 labels\)/);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  assert.equal(manifest.model.type, 'onnx-encoder-head');
  const enc = manifest.model.config.encoder;
  assert.equal(enc.path, '../encoders/tiny-bert-encoder', 'the encoder beside the model is stored relative');
  assert.match(enc.sha256, /^[0-9a-f]{64}$/);
  assert.equal(enc.cacheDir, path.join(work, 'cache'));
  assert.equal(manifest.model.config.combine, 'average');
  assert.ok(fs.existsSync(path.join(work, 'cache', 'embeddings.sqlite')));

  const p = cli(['predict', out, '--json'], 'I miss you so much already\nthis is the best day of my life\n');
  assert.equal(p.code, 0, p.stderr);
  const lines = p.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  for (const l of lines) {
    assert.deepEqual(Object.keys(l.scores).sort(), manifest.labels.slice().sort());
    const sum = Object.values(l.scores as Record<string, number>).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-4, `scores sum to ${sum}`);
    assert.equal(l.labels.length, 1);
  }
  // The same texts again: the same scores (and from the embedding cache this time).
  assert.equal(cli(['predict', out, '--json'], 'I miss you so much already\nthis is the best day of my life\n').stdout, p.stdout);
  // Batch scoring of a file (predict --output) goes through the same async path.
  const csv = path.join(work, 'in.csv');
  fs.writeFileSync(csv, 'text\nI miss you so much already\nthis is the best day of my life\n');
  const f = cli(['predict', out, '--input', csv, '--output', path.join(work, 'out.csv')]);
  assert.equal(f.code, 0, f.stderr);
  const rows = fs.readFileSync(path.join(work, 'out.csv'), 'utf8').trim().split('\n');
  assert.equal(rows.length, 3);
  assert.equal(rows[1].split(',')[2], lines[0].labels[0]);

  const e = cli(['eval', out, '--data', path.join(dataDir, 'starter', 'dev.csv'), '--json']);
  assert.equal(e.code, 0, e.stderr);
  const report = JSON.parse(e.stdout);
  assert.equal(report.n, 140);
  // eval re-scores dev exactly as train did.
  assert.ok(Math.abs(report.accuracy - manifest.metrics.dev.accuracy) < 1e-12);

  // A models folder moved as a whole still works: the encoder path is relative.
  const moved = path.join(work, 'moved');
  fs.cpSync(models, moved, { recursive: true });
  const again = cli(['predict', path.join(moved, 'starter-head'), '--json'], 'I miss you so much already\nthis is the best day of my life\n');
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, p.stdout);
  // A changed encoder file is refused with one clear line.
  fs.appendFileSync(path.join(moved, 'encoders', 'tiny-bert-encoder', 'onnx', 'model.onnx'), Buffer.from([1]));
  const changed = cli(['predict', path.join(moved, 'starter-head')], 'hello\n');
  assert.notEqual(changed.code, 0);
  assert.match(changed.stderr, /changed since this model was trained .*; retrain, or restore the original file/);
});

test('a ready classifier: labels mapped, evaluated on dev, served by the HTTP predict route', async () => {
  const file = recipe(
    'starter-onnx-ready',
    `  label_field: sentiment
model:
  type: onnx
  mode: classifier
  path: models/encoders/tiny-bert-classifier
  label_map: {NEGATIVE: negative, POSITIVE: positive}
  window: {aggregate: max}
  threads: 1
`,
  );
  // Kept away from the encoders' folder: the manifest stores the encoder path absolute, so the copy the test server makes still finds it.
  const out = path.join(work, 'elsewhere', 'starter-ready');
  const t = cli(['train', file, '--out', out, '--data-dir', dataDir]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /dev \(140 texts\)/);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  assert.equal(manifest.model.type, 'onnx-classifier');
  assert.deepEqual(manifest.labels, ['negative', 'neutral', 'positive']);
  assert.deepEqual(manifest.model.config.mapping, [0, 1, 2], 'NEUTRAL found by name');
  assert.equal(manifest.model.config.encoder.path, path.join(models, 'encoders', 'tiny-bert-classifier'));

  const s = await testServer({ ready: out });
  try {
    const res = await s.app.inject({ method: 'POST', url: '/v1/models/ready/predict', headers: { 'content-type': 'application/json' }, payload: { texts: ['what a lovely morning', 'x'.repeat(3000)] } });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { results: { labels: string[]; scores: Record<string, number> }[] };
    assert.equal(body.results.length, 2);
    for (const r of body.results) {
      assert.deepEqual(Object.keys(r.scores), ['negative', 'neutral', 'positive']);
      assert.ok(Math.abs(r.scores.negative + r.scores.neutral + r.scores.positive - 1) < 1e-4);
    }
    // explain: token contributions by occlusion, scored through the async path.
    const explain = await s.app.inject({ method: 'POST', url: '/v1/models/ready/predict', headers: { 'content-type': 'application/json' }, payload: { texts: ['what a lovely morning'], explain: true } });
    assert.equal(explain.statusCode, 200, explain.body);
    const [explained] = (explain.json() as { results: { scores: Record<string, number>; tokens: { text: string; contribution: number }[] }[] }).results;
    assert.deepEqual(explained.scores, body.results[0].scores);
    assert.deepEqual(explained.tokens.map((t) => t.text), ['what', 'a', 'lovely', 'morning']);
  } finally {
    await s.close();
  }
});

test('inspect reports the texts longer than the model takes and their windows', () => {
  const r = cli(['inspect', headRecipe, '--data-dir', dataDir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const w = JSON.parse(r.stdout).onnxWindows;
  assert.equal(w.maxLength, 64);
  assert.equal(w.capacity, 62);
  assert.equal(w.stride, 31);
  const train = w.parts.find((p: { name: string }) => p.name === 'train');
  assert.equal(train.texts, 420);
  assert.ok(train.overLimit > 0 && train.maxTokens > 62, 'the starter data has texts longer than 62 word pieces');
  assert.ok(train.windows > train.texts, 'each long text becomes more than one window');
  const text = cli(['inspect', headRecipe, '--data-dir', dataDir]);
  assert.match(text.stdout, /ONNX windows \(max length 64 tokens: 62 of text per window, windows 31 tokens apart\)\n {2}train \d+ of 420 texts longer than a window/);
});

test('clear one-line errors: a missing model folder, a bad onnx section', () => {
  const missing = recipe('missing', `  label_field: emotion\nmodel:\n  type: onnx\n  path: models/encoders/nope\n`);
  const r = cli(['train', missing, '--out', path.join(work, 'x'), '--data-dir', dataDir]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^textclass train: model \S+models\/encoders\/nope: ONNX model folder not found \(expected config\.json, tokenizer\.json and onnx\/model\.onnx\)\n$/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  const bad = recipe('bad', `  label_field: emotion\nmodel:\n  type: onnx\n  path: models/encoders/tiny-bert-encoder\n  label_map: {A: joy}\n  head: {type: mlp}\n  combine_tfidf: concat\n`);
  const b = cli(['train', bad, '--out', path.join(work, 'y'), '--data-dir', dataDir]);
  assert.notEqual(b.code, 0);
  assert.match(b.stderr, /model\.label_map.*only for mode classifier/s);
  assert.match(b.stderr, /model\.combine_tfidf.*needs head\.type logistic_regression/s);
});

test('the core entry point and the CLI start without loading transformers.js or onnxruntime', () => {
  const hook = path.join(work, 'hook.mjs');
  fs.writeFileSync(hook, `export async function resolve(specifier, context, next) { if (/huggingface|onnxruntime/.test(specifier)) process.stderr.write('LOADED ' + specifier + '\\n'); return next(specifier, context); }\n`);
  const register = path.join(work, 'register.mjs');
  fs.writeFileSync(register, `import { register } from 'node:module'; import { pathToFileURL } from 'node:url'; register(${JSON.stringify(new URL(`file://${hook}`).href)}, pathToFileURL('./'));\n`);
  const core = spawnSync(process.execPath, ['--import', register, '-e', `await import(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'index.js'))}); await import(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'persist', 'model-dir.js'))});`, '--input-type=module'], { encoding: 'utf8' });
  assert.equal(core.status, 0, core.stderr);
  assert.doesNotMatch(core.stderr, /LOADED/);
  const help = spawnSync(process.execPath, ['--import', register, path.join(REPO_ROOT, 'bin', 'textclass.js'), 'train', '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  assert.doesNotMatch(help.stderr, /LOADED/);
  // The separate entry point loads them only when a model is used, not on import either.
  const entry = spawnSync(process.execPath, ['--import', register, '--input-type=module', '-e', `await import(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'onnx', 'index.js'))});`], { encoding: 'utf8' });
  assert.equal(entry.status, 0, entry.stderr);
  assert.doesNotMatch(entry.stderr, /LOADED/);
});
