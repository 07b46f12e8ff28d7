import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DataError, UsageError } from '../errors.js';
import { tempTree } from '../test-support/temp-tree.js';
import { writeZip } from '../test-support/zip-writer.js';
import { sniffLayout } from './sniff-layout.js';

// Made-up texts written by the tests: no third-party data here.
const { dir, write } = tempTree('textclass-layout-');

/** Dialog lines in DailyDialog's format: utterances ending in __eou__, and one code per utterance. */
function dialogs(n: number): { text: string; emotion: string } {
  const text: string[] = [];
  const emotion: string[] = [];
  for (let i = 0; i < n; i++) {
    text.push(`Hello number ${i} . __eou__ Hi , how are you ? __eou__ Fine , thanks ! __eou__`);
    emotion.push(`0 ${i % 7} 4`);
  }
  return { text: text.join('\n') + '\n', emotion: emotion.join('\n') + '\n' };
}

test('a folder with one sub-folder of .txt files per label; empty and unlabelled sub-folders are not labels', async () => {
  for (let i = 0; i < 4; i++) write(`reviews/train/pos/${i}_${7 + i}.txt`, `a fine day number ${i}`);
  for (let i = 0; i < 3; i++) write(`reviews/train/neg/${10 + i}_${1 + i}.txt`, `a grey day number ${i}`);
  write('reviews/train/unsup/5_0.txt', 'no label here');
  write('reviews/train/notes/readme.md', 'not a text file');
  write('reviews/train/urls_pos.txt', 'files beside the label folders are not examples');
  const layout = await sniffLayout(path.join(dir, 'reviews/train'));
  assert.deepEqual(layout, {
    kind: 'folder',
    path: path.join(dir, 'reviews/train'),
    labels: [
      { name: 'neg', files: 3 },
      { name: 'pos', files: 4 },
    ],
    empty: ['notes'],
    unlabelled: [{ name: 'unsup', files: 1 }],
    stars: { min: 1, max: 10 },
  });
  // Names without stars: no rating is offered.
  write('plain/a/x.txt', 'one');
  write('plain/b/y.txt', 'two');
  const plain = await sniffLayout(path.join(dir, 'plain'));
  assert.equal(plain.kind === 'folder' && plain.stars, undefined);
});

test('a folder that is no such layout: a UsageError saying what init reads, and what inside it would do', async () => {
  await assert.rejects(
    sniffLayout(path.join(dir, 'reviews')),
    (e: unknown) => e instanceof UsageError && /init reads a folder with one sub-folder per label holding the texts as \.txt files .* or a DailyDialog split/.test(e.message) && /only one sub-folder holds \.txt files \(train\/\): a model needs at least two labels; did you mean .*reviews\/train\?$/.test(e.message),
  );
  write('single/only/x.txt', 'one');
  await assert.rejects(sniffLayout(path.join(dir, 'single')), /only one sub-folder holds \.txt files \(only\/\): a model needs at least two labels/);
  fs.mkdirSync(path.join(dir, 'bare'));
  await assert.rejects(sniffLayout(path.join(dir, 'bare')), /it has no sub-folders/);
});

test('DailyDialog: a zip as distributed or the folder it unpacks to, told by its content', async () => {
  const d = dialogs(30);
  const zip = path.join(dir, 'dd', 'train.zip');
  fs.mkdirSync(path.dirname(zip), { recursive: true });
  writeZip(zip, [
    { name: 'train/dialogues_train.txt', data: d.text },
    { name: 'train/dialogues_emotion_train.txt', data: d.emotion },
    { name: 'train/dialogues_act_train.txt', data: d.emotion },
  ]);
  assert.deepEqual(await sniffLayout(zip), { kind: 'dailydialog', path: zip });
  write('dd-unpacked/train/dialogues_train.txt', d.text);
  write('dd-unpacked/train/dialogues_emotion_train.txt', d.emotion);
  assert.equal((await sniffLayout(path.join(dir, 'dd-unpacked'))).kind, 'dailydialog');
  assert.equal((await sniffLayout(path.join(dir, 'dd-unpacked/train'))).kind, 'dailydialog');

  // The right names with other content are no DailyDialog (and as a folder, no folder per label either).
  write('fake/dialogues_train.txt', 'just a line of text\nand another\n');
  write('fake/dialogues_emotion_train.txt', 'happy\nsad\n');
  await assert.rejects(sniffLayout(path.join(dir, 'fake')), (e: unknown) => e instanceof UsageError && /it has no sub-folders/.test(e.message));
  const other = path.join(dir, 'other.zip');
  writeZip(other, [{ name: 'notes.txt', data: 'hello' }]);
  await assert.rejects(
    sniffLayout(other),
    (e: unknown) => e instanceof UsageError && /other\.zip: expected exactly one dialogues_<split>\.txt .* it holds \["notes\.txt"\]\. Of archives, init reads DailyDialog splits only/.test(e.message),
  );
  // A folder holding the zips points at them.
  await assert.rejects(sniffLayout(path.join(dir, 'dd')), /did you mean .*dd\/train\.zip\?/);
});

test('GoEmotions: a headerless tsv of text, label ids and id, with emotions.txt beside it', async () => {
  const rows = Array.from({ length: 40 }, (_, i) => `a made-up comment ${i}\t${i % 3}${i % 5 === 0 ? ',2' : ''}\tid${i}`);
  const file = write('ge/train.tsv', rows.join('\n') + '\n');
  write('ge/emotions.txt', 'joy\nanger\nneutral');
  assert.deepEqual(await sniffLayout(file), { kind: 'goemotions-tsv', path: file, labelNamesFile: path.join(dir, 'ge/emotions.txt'), labelNames: ['joy', 'anger', 'neutral'] });

  // Ids beyond the names: that emotions.txt is not this file's.
  write('ge-short/emotions.txt', 'joy\nanger\n');
  const short = write('ge-short/train.tsv', rows.join('\n') + '\n');
  await assert.rejects(sniffLayout(short), (e: unknown) => e instanceof DataError && e.location.line === 1 && /label id 2, but emotions\.txt beside the file names 2 labels/.test(e.message));
  // No emotions.txt: a clear message instead of a table whose header is the first comment.
  const bare = write('ge-bare/train.tsv', rows.join('\n') + '\n');
  await assert.rejects(sniffLayout(bare), /looks like the GoEmotions layout .* no emotions\.txt beside it/);
  // A header row, or another number of columns: a plain table.
  assert.deepEqual(await sniffLayout(write('ge-header/train.tsv', `text\tlabels\tid\n${rows.join('\n')}\n`)), { kind: 'table' });
  assert.deepEqual(await sniffLayout(write('ge-two/train.tsv', rows.map((r) => r.split('\t').slice(0, 2).join('\t')).join('\n'))), { kind: 'table' });
  // A csv, or a path that does not exist: left to the table reader.
  assert.deepEqual(await sniffLayout(write('t.csv', 'text,label\na,b\n')), { kind: 'table' });
  assert.deepEqual(await sniffLayout(path.join(dir, 'missing.tsv')), { kind: 'table' });
});
