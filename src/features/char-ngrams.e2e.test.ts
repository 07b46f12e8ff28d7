import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { REPO_ROOT, SHARED_DATASETS } from '../test-support/starter-data.js';

/**
 * Word + character n-grams end to end on real Chinese reviews (ChnSentiCorp, a quarter of it):
 * train from a recipe with features.char_ngrams, then predict, eval, explain and export the model
 * with the CLI alone. Floors are loose: they catch a broken block, not a regression of a point.
 */

const SOURCE = path.join(SHARED_DATASETS, 'chnsenticorp', 'ChnSentiCorp_htl_all_train.csv');
const skip = !fs.existsSync(SOURCE) && !process.env.CI ? 'shared datasets not found beside the repository' : false;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-char-ngrams-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'textclass.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', input, env: { ...process.env, TEXTCLASS_DATA_DIR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Every 4th row of ChnSentiCorp for training, another 4th for eval (written to a temp folder, not the repository). */
function writeSubsets(): void {
  const rows = parse(fs.readFileSync(SOURCE, 'utf8'), { columns: true }) as { label: string; review: string }[];
  const write = (name: string, keep: (i: number) => boolean) =>
    fs.writeFileSync(path.join(work, name), ['label,review', ...rows.filter((_, i) => keep(i)).map((r) => `${r.label},${csvField(r.review)}`)].join('\n') + '\n');
  write('train.csv', (i) => i % 4 === 0);
  write('test.csv', (i) => i % 4 === 1);
}

const RECIPE = `
name: chn-words-chars
task: binary
data:
  format: csv
  train: train.csv
  text_field: review
  label_field: label
  label_names: [negative, positive]
  positive_label: positive
  dev_split: 0.2
features:
  analyzer: word
  token_pattern: segmented
  ngram_range: [1, 2]
  char_ngrams:
    analyzer: char
    ngram_range: [1, 3]
model:
  C: 8
`;

test('train → predict → eval → explain → export a word + character model on ChnSentiCorp', { skip, timeout: 300_000 }, () => {
  writeSubsets();
  const recipe = path.join(work, 'recipe.yaml');
  fs.writeFileSync(recipe, RECIPE);
  const modelDir = path.join(work, 'model');

  const train = cli(['train', recipe, '--out', modelDir, '--data-dir', work, '--no-track']);
  assert.equal(train.code, 0, train.stderr);
  const dev = /^dev: n=(\d+)\s+accuracy=([\d.]+)/m.exec(train.stdout);
  assert.ok(dev, train.stdout);
  assert.ok(Number(dev[2]) > 0.8, `dev accuracy ${dev[2]}`);

  // The model directory records the character block; a load round trip is what predict does.
  const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'manifest.json'), 'utf8')) as { recipe: { features: { char_ngrams: unknown } }; model: { config: { tfidf: { charNgrams: unknown } } }; training: { features: Record<string, unknown> } };
  assert.deepEqual(manifest.recipe.features.char_ngrams, { analyzer: 'char', ngram_range: [1, 3], weight: 1 });
  // fold_letters (auto) resolves to false for Han script.
  assert.deepEqual(manifest.training.features, { script: 'han', analyzer: 'word', ngram_range: [1, 2], fold_letters: false, char_ngrams: { analyzer: 'char', ngram_range: [1, 3], weight: 1 } });
  assert.deepEqual(manifest.model.config.tfidf.charNgrams, { analyzer: 'char', ngramRange: [1, 3], weight: 1 });

  const predict = cli(['predict', modelDir, '--json'], '房间很干净，服务很好，下次还会再来\n太差了，房间又脏又吵，再也不来了\n');
  assert.equal(predict.code, 0, predict.stderr);
  const labels = predict.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { labels: string[] }).labels);
  assert.deepEqual(labels, [['positive'], ['negative']]);

  const evaluation = cli(['eval', modelDir, '--data', path.join(work, 'test.csv'), '--json', '--no-track']);
  assert.equal(evaluation.code, 0, evaluation.stderr);
  const metrics = JSON.parse(evaluation.stdout) as { n: number; accuracy: number };
  assert.ok(metrics.n > 1500, `n ${metrics.n}`);
  assert.ok(metrics.accuracy > 0.8, `held-out accuracy ${metrics.accuracy}`);

  // Character n-grams are named as such among the top features, and explanations stay exact.
  const top = cli(['explain', modelDir, '--top-features', '30', '--json']);
  assert.equal(top.code, 0, top.stderr);
  const names = Object.values((JSON.parse(top.stdout) as { labels: Record<string, { toward: { name: string }[] }> }).labels).flatMap((l) => l.toward.map((f) => f.name));
  assert.ok(names.some((n) => n.startsWith('⟨char⟩')), names.join(' '));
  assert.ok(names.some((n) => !n.startsWith('⟨char⟩')), names.join(' '));
  const explained = cli(['explain', modelDir, '--text', '服务很好，房间不错', '--json']);
  assert.equal(explained.code, 0, explained.stderr);
  assert.match(explained.stdout, /"method":"exact"/);

  const exported = cli(['export', modelDir, '--format', 'onnx', '--out', path.join(work, 'onnx')]);
  assert.equal(exported.code, 0, exported.stderr);
  const spec = JSON.parse(fs.readFileSync(path.join(work, 'onnx', 'featurizer.json'), 'utf8')) as { features: { charBlock: { analyzer: string; firstFeature: number }; idf: number[] } };
  assert.equal(spec.features.charBlock.analyzer, 'char');
  assert.ok(spec.features.charBlock.firstFeature > 0 && spec.features.charBlock.firstFeature < spec.features.idf.length);
});

test('a recipe with char_ngrams on a character analyzer stops before training, naming the field', { skip }, () => {
  const recipe = path.join(work, 'bad.yaml');
  fs.writeFileSync(recipe, RECIPE.replace('analyzer: word', 'analyzer: char_wb'));
  const r = cli(['train', recipe, '--out', path.join(work, 'bad-model'), '--data-dir', work, '--no-track']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /features\.char_ngrams: adds character n-grams to word n-grams; analyzer char_wb makes character n-grams already/);
  assert.ok(!fs.existsSync(path.join(work, 'bad-model')));
});
