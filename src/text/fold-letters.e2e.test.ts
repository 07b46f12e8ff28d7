import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadModel } from '../persist/model-dir.js';
import { arabicKeyboard, PERSIAN_TRAIN, withHarakat, withTatweel } from '../test-support/fold-letters-texts.js';
import { REPO_ROOT } from '../test-support/starter-data.js';

/** Runs the real CLI as a user would, in a child process (as cli.e2e.test.ts). */
function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'textclass.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', input, env: { ...process.env, TEXTCLASS_DATA_DIR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-fold-letters-e2e-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));
fs.writeFileSync(path.join(work, 'train.jsonl'), PERSIAN_TRAIN.map((r) => JSON.stringify(r)).join('\n') + '\n');
const recipeText = (extra = '') => `name: persian-tiny
task: binary
data:
  format: jsonl
  train: train.jsonl
  text_field: text
  label_field: label
features:
  min_df: 1
${extra}`;

/** Same sentences, each written twice: Persian keyboard, then Arabic keyboard with tatweel and vowel marks. */
const SENTENCES = ['کتاب خیلی خوب بود', 'غذای این رستوران خیلی بد بود', 'کیفیت گوشی عالی است', 'پشتیبانی هیچ کمکی نکرد'];
const PAIRS = SENTENCES.flatMap((s) => [s, arabicKeyboard(withTatweel(withHarakat(s)))]);

function predictJson(modelDir: string, texts: string[]): { labels: string[]; scores: Record<string, number> }[] {
  const r = cli(['predict', modelDir, '--json'], texts.join('\n') + '\n');
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split('\n').map((line) => JSON.parse(line));
}

test('textclass train on Persian text folds letters (auto): Arabic-keyboard text scores exactly as Persian-keyboard text', () => {
  fs.writeFileSync(path.join(work, 'persian.yaml'), recipeText());
  const modelDir = path.join(work, 'model');
  const r = cli(['train', path.join(work, 'persian.yaml'), '--out', modelDir, '--data-dir', work]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /trained persian-tiny \(binary, 2 labels\) on 40 texts/);
  const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'manifest.json'), 'utf8'));
  assert.equal(manifest.model.config.normalize.foldLetters, true);
  assert.equal(manifest.training.features.fold_letters, true);
  assert.equal(manifest.training.features.script, 'arabic');

  const out = predictJson(modelDir, PAIRS);
  for (let i = 0; i < PAIRS.length; i += 2) assert.deepEqual(out[i + 1], out[i], `${PAIRS[i]} vs ${PAIRS[i + 1]}`);
  assert.ok(new Set(out.map((o) => o.scores.positive)).size > 1, 'the model tells the sentences apart');
  // Bit for bit, not only to the 6 printed digits.
  const p = loadModel(modelDir).classifier.predictProba(PAIRS);
  for (let i = 0; i < PAIRS.length; i += 2) assert.deepEqual(Array.from(p.subarray((i + 1) * 2, (i + 2) * 2)), Array.from(p.subarray(i * 2, (i + 1) * 2)));

  // explain highlights what the user wrote: the tatweel-stretched word and the vowel-marked one.
  const text = 'كتاب خيلـــي خوبِ بود';
  const ex = cli(['explain', modelDir, '--text', text, '--json', '--top', '10']);
  assert.equal(ex.code, 0, ex.stderr);
  const explained = JSON.parse(ex.stdout);
  assert.equal(explained.spans, 'exact');
  const spans = explained.explained[0].positive.concat(explained.explained[0].negative) as { text: string; token: string; start: number; end: number }[];
  const byToken = new Map(spans.map((s) => [s.token, s]));
  for (const [token, written] of [['کتاب', 'كتاب'], ['خیلی', 'خيلـــي'], ['خوب', 'خوبِ']]) {
    const s = byToken.get(token);
    assert.ok(s, `token ${token} explained`);
    assert.equal(s.text, written);
    assert.equal(text.slice(s.start, s.end), written);
  }
});

test('fold_letters: false keeps Arabic and Persian spellings apart', () => {
  fs.writeFileSync(path.join(work, 'no-fold.yaml'), recipeText('preprocessing:\n  fold_letters: false\n'));
  const modelDir = path.join(work, 'model-no-fold');
  const r = cli(['train', path.join(work, 'no-fold.yaml'), '--out', modelDir, '--data-dir', work]);
  assert.equal(r.code, 0, r.stderr);
  const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'manifest.json'), 'utf8'));
  assert.equal(manifest.model.config.normalize.foldLetters, false);
  assert.equal(manifest.training.features.fold_letters, false);
  const out = predictJson(modelDir, PAIRS.slice(0, 2));
  assert.notDeepEqual(out[1], out[0]);
});

test('a bad fold_letters value fails with the field named', () => {
  fs.writeFileSync(path.join(work, 'bad.yaml'), recipeText('preprocessing:\n  fold_letters: sometimes\n'));
  const r = cli(['train', path.join(work, 'bad.yaml'), '--out', path.join(work, 'bad-model'), '--data-dir', work]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /preprocessing\.fold_letters: use auto, true or false \(got "sometimes"\)/);
  assert.equal(fs.existsSync(path.join(work, 'bad-model')), false);
});
