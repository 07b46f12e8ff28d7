import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../../errors.js';
import { SHARED_DATASETS } from '../../test-support/starter-data.js';
import { writeZip, type ZipWriterEntry } from '../../test-support/zip-writer.js';
import { readExamples } from '../read.js';
import type { DailyDialogReaderConfig, Example, ReadOptions } from '../types.js';
import { readDailyDialog } from './dailydialog.js';

const dir = mkdtempSync(join(tmpdir(), 'textclass-dailydialog-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const labelNames = ['no emotion', 'anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise'];
const config: DailyDialogReaderConfig = { format: 'dailydialog', labelNames };
const strict = (): ReadOptions => ({ onBadRow: 'error', skipped: [] });

let fixtures = 0;
/** A split's zip as distributed: `<split>/dialogues_<split>.txt` and friends. */
function splitZip(text: string, emotion: string, split = 'train', extra: ZipWriterEntry[] = []): string {
  const path = join(dir, `d${fixtures++}.zip`);
  writeZip(path, [
    { name: `${split}/`, data: '', method: 'store' },
    { name: `${split}/dialogues_act_${split}.txt`, data: emotion.replace(/\d/g, '1') },
    { name: `${split}/dialogues_emotion_${split}.txt`, data: emotion },
    { name: `${split}/dialogues_${split}.txt`, data: text },
    ...extra,
  ]);
  return path;
}

async function read(path: string, options: ReadOptions = strict()): Promise<Example[]> {
  const out: Example[] = [];
  for await (const e of readDailyDialog(path, config, options)) out.push(e);
  return out;
}

function dataError(pattern: RegExp, location?: object) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof DataError, String(err));
    if (location !== undefined) assert.deepEqual(err.location, location);
    assert.match(err.message, pattern);
    return true;
  };
}

const TEXT = 'Hi , how are you ? __eou__ Fine , thanks ! __eou__\nIt is raining . __eou__ Oh no . __eou__ Really ? __eou__\n';
const EMOTION = '0 4 \n0 5 6 \n';

test('one example per utterance, with its emotion, dialog line and turn', async () => {
  const path = splitZip(TEXT, EMOTION);
  const file = `${path}:train/dialogues_train.txt`;
  assert.deepEqual(await read(path), [
    { text: 'Hi , how are you ?', labels: ['no emotion'], source: { file, line: 1 }, dialog: { id: 0, turn: 0 } },
    { text: 'Fine , thanks !', labels: ['happiness'], source: { file, line: 1 }, dialog: { id: 0, turn: 1 } },
    { text: 'It is raining .', labels: ['no emotion'], source: { file, line: 2 }, dialog: { id: 1, turn: 0 } },
    { text: 'Oh no .', labels: ['sadness'], source: { file, line: 2 }, dialog: { id: 1, turn: 1 } },
    { text: 'Really ?', labels: ['surprise'], source: { file, line: 2 }, dialog: { id: 1, turn: 2 } },
  ]);
});

test('an unpacked folder (the split folder or its parent) reads the same; CRLF and trailing blank lines are fine', async () => {
  const parent = join(dir, `unpacked${fixtures++}`);
  mkdirSync(join(parent, 'validation'), { recursive: true });
  writeFileSync(join(parent, 'validation', 'dialogues_validation.txt'), TEXT.replace(/\n/g, '\r\n') + '\r\n\r\n');
  writeFileSync(join(parent, 'validation', 'dialogues_emotion_validation.txt'), EMOTION + '\n');
  writeFileSync(join(parent, 'validation', 'dialogues_act_validation.txt'), EMOTION);
  const fromParent = await read(parent);
  const fromSplit = await read(join(parent, 'validation'));
  assert.equal(fromParent.length, 5);
  assert.deepEqual(fromParent[4], {
    text: 'Really ?',
    labels: ['surprise'],
    source: { file: join(parent, 'validation', 'dialogues_validation.txt'), line: 2 },
    dialog: { id: 1, turn: 2 },
  });
  assert.deepEqual(fromSplit, fromParent);
});

test('mismatched counts, bad codes and empty utterances fail the whole dialog, or are skipped and counted', async () => {
  const text =
    'a __eou__ b __eou__\n' + // 1: ok
    'c __eou__ d __eou__ e __eou__\n' + // 2: three utterances, two labels
    'f __eou__\n' + // 3: code out of range
    'g __eou__\n' + // 4: not an integer
    'h __eou__  __eou__ i __eou__\n' + // 5: empty utterance
    'j __eou__\n'; // 6: ok
  const emotion = '1 2\n0 0\n7\nx\n0 0 0\n3\n';
  const path = splitZip(text, emotion);
  const textFile = `${path}:train/dialogues_train.txt`;
  const emotionFile = `${path}:train/dialogues_emotion_train.txt`;
  await assert.rejects(read(path), dataError(/:2: field "emotion": dialog has 3 utterances but 2 emotion labels$/, { file: emotionFile, line: 2, field: 'emotion' }));

  const options: ReadOptions = { onBadRow: 'skip', skipped: [] };
  const got = await read(path, options);
  assert.deepEqual(got.map((e) => [e.text, e.labels[0], e.dialog]), [
    ['a', 'anger', { id: 0, turn: 0 }],
    ['b', 'disgust', { id: 0, turn: 1 }],
    ['j', 'fear', { id: 5, turn: 0 }],
  ]);
  assert.deepEqual(options.skipped, [
    { location: { file: emotionFile, line: 2, field: 'emotion' }, reason: 'dialog has 3 utterances but 2 emotion labels' },
    { location: { file: emotionFile, line: 3, field: 'emotion' }, reason: 'emotion "7" (utterance 1) is not an integer code between 0 and 6 (labelNames has 7 entries)' },
    { location: { file: emotionFile, line: 4, field: 'emotion' }, reason: 'emotion "x" (utterance 1) is not an integer code between 0 and 6 (labelNames has 7 entries)' },
    { location: { file: textFile, line: 5, field: 'text' }, reason: 'utterance 2 is empty' },
  ]);
});

test('files of different lengths: every unmatched dialog is a bad row', async () => {
  const path = splitZip('a __eou__\nb __eou__\nc __eou__\n\n', '0\n\n');
  await assert.rejects(read(path), dataError(/:2: field "emotion": dialog has 1 utterances but 0 emotion labels/));
  const options: ReadOptions = { onBadRow: 'skip', skipped: [] };
  assert.deepEqual((await read(path, options)).map((e) => e.text), ['a']);
  assert.deepEqual(
    options.skipped.map((s) => [s.location.line, s.reason]),
    [
      [2, 'dialog has 1 utterances but 0 emotion labels'],
      [3, 'the emotion file has ended but the text file goes on: the two files must have one line per dialog'],
    ],
  );
  const longer = splitZip('a __eou__\n', '0\n1\n');
  await assert.rejects(read(longer), dataError(/dialogues_train\.txt:2: field "text": the text file has ended but the emotion file goes on/));
});

test('an archive without exactly one text and one emotion file lists what it holds', async () => {
  const both = splitZip(TEXT, EMOTION, 'train', [{ name: 'validation/dialogues_validation.txt', data: TEXT }]);
  await assert.rejects(read(both), dataError(/\(found 2 and 1\); it holds \[.*"validation\/dialogues_validation\.txt"\]$/));
  const path = join(dir, `none${fixtures++}.zip`);
  writeZip(path, [{ name: 'readme.txt', data: 'hello' }]);
  await assert.rejects(read(path), dataError(/expected exactly one dialogues_<split>\.txt and one dialogues_emotion_<split>\.txt in this zip archive \(found 0 and 0\); it holds \["readme\.txt"\]/));
  const empty = join(dir, `emptyfolder${fixtures++}`);
  mkdirSync(empty);
  await assert.rejects(read(empty), dataError(/in this folder \(found 0 and 0\); it holds nothing/));
});

test('readExamples accepts a zip or a folder for dailydialog and reports progress', async () => {
  const path = splitZip(TEXT.repeat(2000), EMOTION.repeat(2000));
  const progress: [number, number][] = [];
  let n = 0;
  for await (const e of readExamples(path, config, { onProgress: (done, total) => progress.push([done, total]) })) {
    assert.equal(e.dialog?.id, e.source.line! - 1);
    n++;
  }
  assert.equal(n, 5 * 2000);
  assert.ok(progress.length > 0);
  const [done, total] = progress[progress.length - 1];
  assert.equal(done, total);
  await assert.rejects(
    async () => {
      for await (const _ of readExamples(join(dir, 'missing.zip'), config)) void _;
    },
    dataError(/file or folder not found/),
  );
});

const DAILYDIALOG = join(SHARED_DATASETS, 'dailydialog');

test('DailyDialog validation.zip: 8,069 utterances with the published emotion counts', async (t) => {
  const path = join(DAILYDIALOG, 'validation.zip');
  if (!existsSync(path)) {
    t.skip(`${path} not present`);
    return;
  }
  const counts: Record<string, number> = {};
  const options: ReadOptions = { onBadRow: 'skip', skipped: [] };
  let n = 0;
  for await (const e of readExamples(path, config, options)) {
    n++;
    counts[e.labels[0]] = (counts[e.labels[0]] ?? 0) + 1;
  }
  assert.equal(n, 8069);
  assert.deepEqual(options.skipped, []);
  assert.deepEqual(counts, { 'no emotion': 7108, happiness: 684, surprise: 107, sadness: 79, anger: 77, fear: 11, disgust: 3 });
});

test('DailyDialog train.zip: line 7852 has 12 utterances but 11 labels', async (t) => {
  const path = join(DAILYDIALOG, 'train.zip');
  if (!existsSync(path)) {
    t.skip(`${path} not present`);
    return;
  }
  await assert.rejects(
    async () => {
      for await (const _ of readExamples(path, config)) void _;
    },
    dataError(/train\.zip:train\/dialogues_emotion_train\.txt:7852: field "emotion": dialog has 12 utterances but 11 emotion labels/),
  );
  const options: ReadOptions = { onBadRow: 'skip', skipped: [] };
  let n = 0;
  for await (const _ of readExamples(path, config, options)) n++;
  // 87,170 emotion labels in the file; the skipped dialog holds 11 of them (and 12 utterances).
  assert.equal(n, 87170 - 11);
  assert.deepEqual(options.skipped.map((s) => [s.location.line, s.reason]), [[7852, 'dialog has 12 utterances but 11 emotion labels']]);
});
