import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { tempTree } from '../test-support/temp-tree.js';
import { writeZip } from '../test-support/zip-writer.js';
import { layoutDev, layoutTest, renderLayoutRecipe, surveyLayout, type KnownLayout } from './layout-recipe.js';
import { sniffLayout } from './sniff-layout.js';
import { validateRendered } from './starter-recipe.js';

// Made-up texts written by the tests: no third-party data here.
const { dir, write } = tempTree('textclass-layout-recipe-');

async function known(p: string): Promise<KnownLayout> {
  const layout = await sniffLayout(p);
  assert.notEqual(layout.kind, 'table');
  return layout as KnownLayout;
}

/** The recipe with the commented-out option at its end turned on. */
function uncommentTail(yaml: string, firstLine: string): string {
  const at = yaml.indexOf(`${firstLine}\n`);
  assert.ok(at >= 0, yaml);
  return yaml.slice(0, at) + yaml.slice(at).replace(/^# /gm, '');
}

test('folder: the labels with their files, what is not a label, bad files, the dev folder beside it, and the star rating offered', async () => {
  for (let i = 0; i < 6; i++) write(`movies/train/pos/${i}_${7 + (i % 4)}.txt`, `a fine film number ${i}`);
  for (let i = 0; i < 5; i++) write(`movies/train/neg/${10 + i}_${1 + (i % 4)}.txt`, `a dull film number ${i}`);
  write('movies/train/neg/99_2.txt', '  \n');
  write('movies/train/unsup/1_0.txt', 'no label');
  fs.mkdirSync(path.join(dir, 'movies/train/empty'), { recursive: true });
  const layout = await known(path.join(dir, 'movies/train'));
  const survey = await surveyLayout(layout);
  assert.equal(survey.check.read, 11);
  assert.equal(survey.check.skippedCount, 1);
  assert.deepEqual(survey.labelCounts, [
    { label: 'pos', count: 6 },
    { label: 'neg', count: 5 },
  ]);
  assert.deepEqual(await layoutDev(layout), {});
  const yaml = renderLayoutRecipe({ name: 'movies', layout, train: 'train', survey });
  assert.deepEqual(YAML.parse(yaml), { name: 'movies', data: { format: 'folder', train: 'train', dev_split: 0.2, labels: ['neg', 'pos'], on_bad_row: 'skip' } });
  assert.match(yaml, /# Labels: the sub-folders holding \.txt files \(files per label: neg 6, pos 6\)\./);
  assert.match(yaml, /# Not labels: unsup\/ \(1 file, named as unlabelled texts\), empty\/ \(no \.txt files\)\./);
  assert.match(yaml, /# 1 of the 12 files cannot be used \(first: 99_2\.txt: empty file: delete it, or write the text into it\):/);
  validateRendered(yaml, 'folder', 'movies.yaml');
  // The rating option, uncommented, is a valid recipe.
  const rated = YAML.parse(uncommentTail(yaml, '# task: binary')) as Record<string, unknown>;
  assert.deepEqual(rated.rating, { stars_from: 'file_name' });
  validateRendered(uncommentTail(yaml, '# task: binary'), 'folder', 'movies.yaml');

  // train/ → dev/ beside it, when it has the same labels.
  write('movies/dev/pos/a.txt', 'fine');
  assert.deepEqual(await layoutDev(layout), { note: 'dev: no .txt files for neg/' });
  write('movies/dev/neg/b.txt', 'dull');
  assert.deepEqual(await layoutDev(layout), { dev: path.join(dir, 'movies/dev') });
});

test('DailyDialog: dialogs, emotions, a dialog whose codes do not match, validation.zip beside train.zip; next_turn offered', async () => {
  const text: string[] = [];
  const emotion: string[] = [];
  for (let i = 0; i < 12; i++) {
    text.push(`Good morning ${i} . __eou__ Morning ! Lovely day . __eou__`);
    emotion.push(i === 5 ? '0' : `0 ${i % 2 === 0 ? 4 : 6}`);
  }
  const entries = (split: string) => [
    { name: `${split}/dialogues_${split}.txt`, data: text.join('\n') + '\n' },
    { name: `${split}/dialogues_emotion_${split}.txt`, data: emotion.join('\n') + '\n' },
  ];
  const zip = path.join(dir, 'dd', 'train.zip');
  fs.mkdirSync(path.dirname(zip), { recursive: true });
  writeZip(zip, entries('train'));
  writeZip(path.join(dir, 'dd', 'validation.zip'), entries('validation'));
  const layout = await known(zip);
  const survey = await surveyLayout(layout);
  assert.equal(survey.dialogs, 11);
  assert.equal(survey.check.read, 22);
  assert.equal(survey.check.skippedCount, 1);
  assert.deepEqual(survey.labelCounts, [
    { label: 'no emotion', count: 11 },
    { label: 'happiness', count: 6 },
    { label: 'surprise', count: 5 },
  ]);
  const dev = await layoutDev(layout);
  assert.deepEqual(dev, { dev: path.join(dir, 'dd', 'validation.zip') });
  assert.deepEqual(await layoutTest(layout), {});
  // test.zip beside it is test data; a zip that is no DailyDialog split is named and left out.
  writeZip(path.join(dir, 'dd', 'test.zip'), entries('test'));
  assert.deepEqual(await layoutTest(layout), { test: path.join(dir, 'dd', 'test.zip') });
  const yaml = renderLayoutRecipe({ name: 'dd', layout, train: 'train.zip', dev: 'validation.zip', test: 'test.zip', survey });
  assert.deepEqual(YAML.parse(yaml), { name: 'dd', data: { format: 'dailydialog', train: 'train.zip', dev: 'validation.zip', test: 'test.zip', on_bad_row: 'skip' } });
  writeZip(path.join(dir, 'dd', 'test.zip'), [{ name: 'readme.txt', data: 'nothing here\n' }]);
  const bad = await layoutTest(layout);
  assert.match(bad.note ?? '', /^test\.zip: /);
  assert.match(renderLayoutRecipe({ name: 'dd', layout, train: 'train.zip', testNote: bad.note!, survey }), /\n {2}# Not using the file beside it as test data: test\.zip: .+\.\n/);
  fs.rmSync(path.join(dir, 'dd', 'test.zip'));
  assert.match(yaml, /a DailyDialog split \(11 dialogs,\n# 22 utterances\)/);
  assert.match(yaml, /# 1 of the 12 dialogs cannot be used \(first: dialogues_emotion_train\.txt:6: field "emotion": dialog has 2 utterances but 1 emotion labels\):/);
  validateRendered(yaml, 'dailydialog', 'dd.yaml');
  const next = YAML.parse(uncommentTail(yaml, '# dialog:')) as Record<string, unknown>;
  assert.deepEqual(next.dialog, { target: 'next_turn', context_turns: 4 });
  validateRendered(uncommentTail(yaml, '# dialog:'), 'dailydialog', 'dd.yaml');
});

test('GoEmotions: a multi-label recipe with label_names, dev.tsv beside it; tuned thresholds offered', async () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => `made-up comment ${i}\t${i % 3 === 0 ? '0,2' : String(i % 3)}\tc${i}`).join('\n') + '\n';
  const file = write('ge/train.tsv', rows(30));
  write('ge/dev.tsv', rows(6));
  write('ge/emotions.txt', 'joy\nanger\nneutral');
  const layout = await known(file);
  const survey = await surveyLayout(layout);
  assert.equal(survey.check.read, 30);
  assert.equal(survey.severalLabels, 10);
  assert.equal(survey.maxLabels, 2);
  const dev = await layoutDev(layout);
  assert.deepEqual(dev, { dev: path.join(dir, 'ge/dev.tsv') });
  const yaml = renderLayoutRecipe({ name: 'ge', layout, train: 'train.tsv', dev: 'dev.tsv', labelNames: 'emotions.txt', survey });
  assert.deepEqual(YAML.parse(yaml), { name: 'ge', task: 'multilabel', data: { format: 'goemotions-tsv', train: 'train.tsv', dev: 'dev.tsv', label_names: 'emotions.txt' } });
  assert.match(yaml, /\(3 labels\); 33% of the rows list several\n {2}# \(up to 2\)\. Most frequent: neutral 20, anger 10, joy 10/);
  validateRendered(yaml, 'goemotions-tsv', 'ge.yaml');
  validateRendered(uncommentTail(yaml, '# evaluation:'), 'goemotions-tsv', 'ge.yaml');
  // A dev.tsv in another layout is named, not used.
  write('ge/dev.tsv', 'text\tlabels\tid\n');
  assert.deepEqual(await layoutDev(layout), { note: 'dev.tsv: not in the GoEmotions layout (text, label ids, id; no header)' });
});
