import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { loadStarter, REPO_ROOT } from '../../test-support/starter-data.js';

/** `textclass explain` as a user runs it, on models trained from the bundled starter data. */

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'textclass.js'), ...args], { cwd: REPO_ROOT, input, encoding: 'utf8', env: { ...process.env, TEXTCLASS_DATA_DIR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLineError(r: { code: number | null; stdout: string; stderr: string }, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
}

const registered = cli(['--help']).stdout.includes('explain');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-explain-'));
const dataDir = path.join(REPO_ROOT, 'data');
const linear = path.join(work, 'starter');
const fasttext = path.join(work, 'starter-fasttext');
const multilabel = path.join(work, 'starter-multilabel');

interface JsonToken {
  text: string;
  start: number;
  end: number;
  contribution: number;
}
interface JsonExplained {
  label: string;
  probability: number;
  score?: number;
  bias?: number;
  unplaced?: number;
  positive: JsonToken[];
  negative: JsonToken[];
}

describe('textclass explain', { skip: !registered && 'the explain command is not registered in src/cli/main.ts yet' }, () => {
  before(() => {
    const trained = cli(['train', 'recipes/starter.yaml', '--out', linear, '--data-dir', dataDir]);
    assert.equal(trained.code, 0, trained.stderr);
  });

  test('--text prints the predicted label and its top tokens', () => {
    const r = cli(['explain', linear, '--text', 'I miss you so much already', '--top', '3']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^"I miss you so much already"\n {2}predicted: sadness\n {2}sadness {2}p=0\.\d{3} {2}logit [+-]\d/);
    assert.match(r.stdout, /\n {4}\+ miss +\+\d\.\d{3}\n/);
  });

  test('--json: exact scores add up from bias and every token, and match predict', () => {
    const text = "WOW, I can't believe they upgraded us!!! See https://example.com";
    const r = cli(['explain', linear, '--text', text, '--json', '--top', '1000']);
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout) as { method: string; labels: string[]; explained: JsonExplained[]; spans: string };
    assert.equal(e.method, 'exact');
    assert.equal(e.spans, 'exact');
    const predicted = JSON.parse(cli(['predict', linear, '--json'], text + '\n').stdout) as { labels: string[]; scores: Record<string, number> };
    assert.deepEqual(e.labels, predicted.labels);
    const x = e.explained[0];
    assert.equal(x.label, predicted.labels[0]);
    assert.ok(Math.abs(x.probability - predicted.scores[x.label]) < 1e-5);
    const sum = (x.bias ?? 0) + (x.unplaced ?? 0) + [...x.positive, ...x.negative].reduce((s, t) => s + t.contribution, 0);
    assert.ok(Math.abs(sum - (x.score ?? NaN)) < 1e-4, `bias + tokens = ${sum}, score ${x.score}`);
    for (const t of [...x.positive, ...x.negative]) assert.equal(text.slice(t.start, t.end), t.text);
  });

  test('--input reads one text per line (JSON lines keep their id); --label picks the label', () => {
    const input = path.join(work, 'texts.txt');
    fs.writeFileSync(input, 'I am so scared of the dark\n{"id": "r2", "text": "Best day ever, so much fun!"}\n');
    const r = cli(['explain', linear, '--input', input, '--json', '--label', 'joy', '--label', 'fear']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id?: string; explained: JsonExplained[] });
    assert.equal(lines.length, 2);
    assert.equal(lines[0].id, undefined);
    assert.equal(lines[1].id, 'r2');
    for (const l of lines) assert.deepEqual(l.explained.map((x) => x.label), ['joy', 'fear']);
    assert.ok(lines[0].explained[1].positive.some((t) => t.text === 'scared'));
    assert.ok(lines[1].explained[0].positive.some((t) => t.text === 'fun'));
    // Standard input works the same way.
    const stdin = cli(['explain', linear, '--json'], 'I am so scared of the dark\n');
    assert.equal(stdin.code, 0, stdin.stderr);
    assert.equal(JSON.parse(stdin.stdout).explained[0].label, 'fear');
  });

  test('--occlusion explains a linear model by removing tokens', () => {
    const r = cli(['explain', linear, '--text', 'I am so scared', '--occlusion', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout);
    assert.equal(e.method, 'occlusion');
    assert.equal(e.window, 1);
  });

  test('--top-features [k] lists features for and against each label', () => {
    const r = cli(['explain', linear, '--top-features', '3', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const top = JSON.parse(r.stdout) as { type: string; weight: string; labels: Record<string, { toward: { name: string; weight: number }[]; against: unknown[] }> };
    assert.equal(top.type, 'tfidf-logreg');
    assert.equal(top.weight, 'coefficient');
    assert.equal(Object.keys(top.labels).length, 7);
    for (const l of Object.values(top.labels)) {
      assert.equal(l.toward.length, 3);
      assert.equal(l.against.length, 3);
    }
    assert.ok(top.labels.fear.toward.some((f) => f.name === 'scared'));
    const text = cli(['explain', linear, '--top-features']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^top 10 features per label of starter \(tfidf-logreg; weight: coefficient\)\n/);
    assert.match(text.stdout, /\nfear\n {2}toward: {2}scared \+\d/);
  });

  test('a multilabel model explains every label its thresholds pick', () => {
    const csv = (rows: ReturnType<typeof loadStarter>) => 'text,labels\n' + rows.map((r) => `"${r.text.replace(/"/g, '""')}","${r.emotion},${r.sentiment}"`).join('\n') + '\n';
    const dir = path.join(work, 'ml');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'train.csv'), csv(loadStarter('train')));
    fs.writeFileSync(path.join(dir, 'dev.csv'), csv(loadStarter('dev')));
    fs.writeFileSync(
      path.join(dir, 'recipe.yaml'),
      'name: ml\ntask: multilabel\ndata:\n  format: csv\n  train: train.csv\n  dev: dev.csv\n  text_field: text\n  label_field: labels\n  label_separator: ","\nfeatures:\n  min_df: 1\n',
    );
    const trained = cli(['train', path.join(dir, 'recipe.yaml'), '--out', multilabel, '--data-dir', dir]);
    assert.equal(trained.code, 0, trained.stderr);
    const r = cli(['explain', multilabel, '--text', 'I am so scared and worried', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout) as { labels: string[]; explained: JsonExplained[] };
    assert.ok(e.labels.length >= 1);
    assert.deepEqual(
      e.explained.map((x) => x.label),
      e.labels,
    );
    assert.ok(e.labels.includes('fear') || e.labels.includes('negative'), e.labels.join(','));
  });

  test('fastText: explained by occlusion; top features refused in one line', () => {
    const trained = cli(['train', 'recipes/starter.yaml', '--out', fasttext, '--data-dir', dataDir, '--set', 'model={type: fasttext, epoch: 5, dim: 16}']);
    assert.equal(trained.code, 0, trained.stderr);
    const r = cli(['explain', fasttext, '--text', 'so scared of the dark', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout);
    assert.equal(e.method, 'occlusion');
    assertOneLineError(cli(['explain', fasttext, '--top-features']), 1, /^textclass explain: top features are not available for model .*: a fasttext model has no per-feature weights/);
  });

  test('mistakes are one-line errors that say what to do', () => {
    assertOneLineError(cli(['explain', linear, '--text', 'x', '--label', 'nope']), 2, /--label "nope" is not a label of this model; its labels: anger, fear/);
    assertOneLineError(cli(['explain', linear, '--text', 'x', '--top', '0']), 2, /--top must be a positive integer, got "0"/);
    assertOneLineError(cli(['explain', linear, '--text', 'x', '--input', 'y.txt']), 2, /--text or with --input, not both/);
    assertOneLineError(cli(['explain', linear, '--input', path.join(work, 'missing.txt')]), 1, /missing\.txt: file not found/);
    assertOneLineError(cli(['explain', path.join(work, 'no-model'), '--text', 'x']), 1, /no-model/);
    assertOneLineError(cli(['explain', '--text', 'x']), 2, /missing the model directory/);
    const help = cli(['explain', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: textclass explain <modelDir>/);
  });
});
