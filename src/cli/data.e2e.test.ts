import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT } from '../test-support/starter-data.js';
import { writeZip, xlsxEntries } from '../test-support/zip-writer.js';

/** The data features as a user meets them: the CLI on small files written by each test. */

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'textclass.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, TEXTCLASS_DATA_DIR: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-data-e2e-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const file = path.join(work, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

const WORDS: Record<string, string[]> = {
  billing: ['invoice', 'refund', 'charge', 'payment', 'bill'],
  access: ['password', 'login', 'account', 'locked', 'reset'],
  hardware: ['laptop', 'screen', 'keyboard', 'battery', 'printer'],
};

/** Seeded-free, deterministic rows: each class has its own vocabulary. */
function ticketRows(n: number, offset = 0): string[][] {
  const classes = Object.keys(WORDS);
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const c = classes[(i + offset) % classes.length];
    const w = WORDS[c];
    rows.push([`${w[i % 5]} issue ${i + offset}`, `please help with my ${w[(i + 2) % 5]} and ${w[(i + 3) % 5]}`, c, c === 'hardware' ? (i % 2 ? 'laptop' : 'printer') : '']);
  }
  return rows;
}

const csvLine = (cells: string[]): string => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');

function recipe(name: string, body: string): string {
  return write(`${name}.yaml`, `name: ${name}\n${body}`);
}

test('a malformed row stops train with file:line:field and writes no model; --on-bad-row skip counts it', () => {
  const rows = ticketRows(60).map((r) => csvLine(r.slice(0, 3)));
  rows.splice(10, 0, 'broken "title,body text,billing');
  write('bad/train.csv', ['title,body,team', ...rows].join('\n') + '\n');
  const r = recipe('bad', `task: multiclass\ndata:\n  format: csv\n  train: bad/train.csv\n  text_field: [title, body]\n  label_field: team\n`);
  const out = path.join(work, 'models', 'bad');

  const failed = cli(['train', r, '--out', out, '--data-dir', work]);
  assert.equal(failed.code, 1);
  assert.match(failed.stderr.trim(), /^textclass train: .*bad\/train\.csv:12: a quote inside an unquoted field \(column "title"\)/);
  assert.equal(fs.existsSync(out), false, 'no model directory after a failed run');

  const skipped = cli(['train', r, '--out', out, '--data-dir', work, '--on-bad-row', 'skip']);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.match(skipped.stdout, /skipped 1 bad rows; first: .*train\.csv:12/);
  assert.match(skipped.stdout, /on 60 texts/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).training.skipped_rows, 1);
});

test('data too large for the heap: train stops with a message that says what to do, not a V8 abort', () => {
  // About 90 MB of rows against a 128 MB heap: the rows fill its share long before the file ends.
  const rows = ticketRows(260_000).map((r) => csvLine([`${r[0]} ${r[1]} `.repeat(6), r[2]]));
  write('huge/train.csv', ['text,team', ...rows].join('\n') + '\n');
  const r = recipe('huge', `task: multiclass\ndata:\n  format: csv\n  train: huge/train.csv\n  text_field: text\n  label_field: team\n`);
  const out = path.join(work, 'models', 'huge');
  const failed = cli(['train', r, '--out', out, '--data-dir', work], { NODE_OPTIONS: '--max-old-space-size=128' });
  assert.equal(failed.code, 1, failed.stderr);
  assert.doesNotMatch(failed.stderr, /FATAL|heap out of memory/);
  assert.match(
    failed.stderr,
    /^textclass train: .*huge\/train\.csv:\d+: the data does not fit in memory: its first [\d,]+ rows fill \d+ MB of the \d+ MB heap node allows, and training needs room beyond them\. Use fewer rows \(a sample of the file\), or let node use more of this machine's [\d.]+ GB: NODE_OPTIONS=--max-old-space-size=\d+ before the command\n$/,
  );
  assert.equal(fs.existsSync(out), false, 'no model directory after a failed run');
  fs.rmSync(path.join(work, 'huge'), { recursive: true });
});

test('hierarchical labels from tier columns, rare classes merged, and the same rules applied by eval', () => {
  const rows = ticketRows(90);
  rows.push(['toner', 'printer toner is empty', 'supplies', '']);
  write('tiers/train.csv', ['title,body,tier1,tier2', ...rows.map(csvLine)].join('\n') + '\n');
  write('tiers/test.csv', ['title,body,tier1,tier2', ...ticketRows(12, 1).map(csvLine), csvLine(['pens', 'need pens', 'stationery', ''])].join('\n') + '\n');
  const r = recipe(
    'tiers',
    `task: multiclass\ndata:\n  format: csv\n  train: tiers/train.csv\n  text_field: [title, body]\n  label_field: [tier1, tier2]\n  dev_split: 0.2\nlabels:\n  min_count: 2\n  rare: merge\n  rare_label: other\nfeatures:\n  min_df: 1\n`,
  );
  const out = path.join(work, 'models', 'tiers');
  const trained = cli(['train', r, '--out', out, '--data-dir', work]);
  assert.equal(trained.code, 0, trained.stderr);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.labels, ['access', 'billing', 'hardware/laptop', 'hardware/printer', 'other']);
  assert.equal(manifest.labelMap.map.supplies, 'other');

  // "stationery" never occurred in training: as rare as can be, so it is scored as "other".
  const evaluated = cli(['eval', out, '--data', path.join(work, 'tiers/test.csv'), '--json']);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const report = JSON.parse(evaluated.stdout);
  assert.equal(report.n, 13);
  assert.equal(report.per_class.other.support, 1);
});

test('xlsx: label merge and drop, inspect reports the dropped rows and a cross-split leak', () => {
  const texts: [string, string][] = [];
  const vocab: Record<string, string> = { 행복: '좋아 최고 행복해', 슬픔: '슬퍼 눈물 우울해', 분노: '화나 짜증 분노해', 혐오: '역겨워 싫어 혐오해', 중립: '그냥 보통 평범해' };
  for (let i = 0; i < 100; i++) {
    const label = Object.keys(vocab)[i % 5];
    texts.push([`${vocab[label].split(' ')[i % 3]} 문장 ${i % 4}`, label]);
  }
  const cell = (ref: string, s: string) => `<c r="${ref}" t="inlineStr"><is><t>${s}</t></is></c>`;
  const rows = [['Sentence', 'Emotion'], ...texts].map((r, i) => `<row r="${i + 1}">${cell(`A${i + 1}`, r[0])}${cell(`B${i + 1}`, r[1])}</row>`).join('');
  fs.mkdirSync(path.join(work, 'ko'), { recursive: true });
  writeZip(path.join(work, 'ko/train.xlsx'), xlsxEntries({ sheets: [{ name: '감정', rows }] }));
  const r = recipe(
    'ko',
    `task: multiclass\ndata:\n  format: xlsx\n  train: ko/train.xlsx\n  sheet: 감정\n  text_field: Sentence\n  label_field: Emotion\n  dev_split: 0.25\n  split_groups: none\nlabels:\n  merge:\n    분노+혐오: [분노, 혐오]\n  drop: [중립]\nfeatures:\n  analyzer: char_wb\n  ngram_range: [1, 3]\n  min_df: 1\n`,
  );
  const inspected = cli(['inspect', r, '--data-dir', work, '--json']);
  assert.equal(inspected.code, 0, inspected.stderr);
  const report = JSON.parse(inspected.stdout);
  assert.deepEqual(report.labels, ['분노+혐오', '슬픔', '행복']);
  assert.equal(report.dropped['label "중립" dropped by the label rules'], 20);
  assert.equal(report.parts[0].rows + report.parts[1].rows, 80);
  // Few distinct sentences: with split_groups none, the same text lands on both sides.
  assert.ok(report.leaks.exact[0].rows > 0);
  const text = cli(['inspect', r, '--data-dir', work]);
  assert.match(text.stdout, /dev rows whose text is also in train: \d+ exact/);

  const grouped = cli(['inspect', r, '--data-dir', work, '--json', '--set', 'data.split_groups=text']);
  assert.equal(JSON.parse(grouped.stdout).leaks.exact[0].rows, 0, 'grouped split: no text on both sides');

  const out = path.join(work, 'models', 'ko');
  const trained = cli(['train', r, '--out', out, '--data-dir', work]);
  assert.equal(trained.code, 0, trained.stderr);
  assert.match(trained.stdout, /left out 20 rows: label "중립" dropped by the label rules/);
  const evaluated = cli(['eval', out, '--data', path.join(work, 'ko/train.xlsx')]);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  assert.match(evaluated.stdout, /\(80 texts, 20 rows left out by the model's label rules\)/);
});

test('dailydialog zips: next-turn targets with context, and a test zip evaluated by the model alone', () => {
  const dialogs = [
    ['Hi , how are you ?', 'Great , I got the job !', 'Congratulations !'],
    ['My dog died .', 'Oh no , I am so sorry .', 'Thanks .'],
  ];
  const emotions = [['0', '4', '4'], ['5', '5', '0']];
  const text = (rep: number) => Array.from({ length: rep }, (_, i) => dialogs[i % 2].map((u) => `${u} __eou__`).join(' ')).join('\n') + '\n';
  const emo = (rep: number) => Array.from({ length: rep }, (_, i) => emotions[i % 2].join(' ') + ' ').join('\n') + '\n';
  fs.mkdirSync(path.join(work, 'dd'), { recursive: true });
  for (const split of ['train', 'test']) {
    writeZip(path.join(work, `dd/${split}.zip`), [
      { name: `${split}/dialogues_${split}.txt`, data: text(split === 'train' ? 40 : 6) },
      { name: `${split}/dialogues_emotion_${split}.txt`, data: emo(split === 'train' ? 40 : 6) },
    ]);
  }
  const r = recipe('dd', `task: multiclass\ndata:\n  format: dailydialog\n  train: dd/train.zip\ndialog:\n  target: next_turn\n  context_turns: 1\nfeatures:\n  min_df: 1\n`);
  const out = path.join(work, 'models', 'dd');
  const trained = cli(['train', r, '--out', out, '--data-dir', work]);
  assert.equal(trained.code, 0, trained.stderr);
  assert.match(trained.stdout, /on 80 texts/);
  assert.match(trained.stdout, /left out 40 rows: last turn of its dialog/);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.dialog, { target: 'next_turn', contextTurns: 1, contextSeparator: '\n' });

  const evaluated = cli(['eval', out, '--data', path.join(work, 'dd/test.zip'), '--json']);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const report = JSON.parse(evaluated.stdout);
  assert.equal(report.n, 12);
  assert.equal(report.accuracy, 1, 'the next emotion is fully determined by the current turn here');

  // A truncated test zip: one line naming the archive, exit 1.
  const zip = fs.readFileSync(path.join(work, 'dd/test.zip'));
  fs.writeFileSync(path.join(work, 'dd/cut.zip'), zip.subarray(0, zip.length - 30));
  const cut = cli(['eval', out, '--data', path.join(work, 'dd/cut.zip')]);
  assert.equal(cut.code, 1);
  assert.equal(cut.stderr.trim().split('\n').length, 1);
  assert.match(cut.stderr, /cut\.zip/);
});

test('recipe mistakes in the new sections are one-line errors naming the field', () => {
  write('ok/train.csv', ['title,body,team', ...ticketRows(30).map((r) => csvLine(r.slice(0, 3)))].join('\n') + '\n');
  const base = `task: multiclass\ndata:\n  format: csv\n  train: ok/train.csv\n  text_field: [title, body]\n  label_field: team\n`;
  const typo = cli(['train', recipe('typo', base + 'labels:\n  drop: [biling]\n'), '--out', path.join(work, 'x'), '--data-dir', work]);
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /labels\.drop: "biling" is not a label \(labels: access, billing, hardware\)/);
  const half = cli(['train', recipe('half', base + 'labels:\n  min_count: 5\n'), '--out', path.join(work, 'x'), '--data-dir', work]);
  assert.match(half.stderr, /labels\.rare: min_count and rare go together/);
  const keep = cli(['train', recipe('keep', base + 'sampling:\n  keep: {billingg: 0.5}\n'), '--out', path.join(work, 'x'), '--data-dir', work]);
  assert.match(keep.stderr, /sampling\.keep: "billingg" is not a training label/);
  const dialog = cli(['train', recipe('dlg', base + 'dialog:\n  target: next_turn\n'), '--out', path.join(work, 'x'), '--data-dir', work]);
  assert.match(dialog.stderr, /dialog: dialog targets need a dialog format/);
});
