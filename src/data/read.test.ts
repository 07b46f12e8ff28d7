import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { DataError } from '../errors.js';
import { collectExamples, readExamples } from './read.js';
import type { CsvReaderConfig, ReadOptions } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'textclass-read-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fixtures = 0;
function fixture(content: string, ext = 'csv'): string {
  const path = join(dir, `f${fixtures++}.${ext}`);
  writeFileSync(path, content);
  return path;
}

/** The shared datasets sit beside the repository root (the folder holding package.json). */
function datasetsDir(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return join(d, '..', 'shared', 'datasets');
}
const datasets = datasetsDir();

const csv: CsvReaderConfig = { format: 'csv', textFields: ['text'], labelFields: ['label'] };

function rejectsWith(pattern: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof DataError, String(err));
    assert.match(err.message, pattern);
    return true;
  };
}

test('readExamples dispatches on the format and defaults to failing on bad rows', async () => {
  const path = fixture('text,label\na,x\nb,\n');
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const e of readExamples(path, csv)) seen.push(e.text);
  }, rejectsWith(/:3: field "label": empty label/));
  assert.deepEqual(seen, ['a']);

  const jsonl = fixture('{"text": "j", "label": "y"}\n', 'jsonl');
  const got = [];
  for await (const e of readExamples(jsonl, { format: 'jsonl', textFields: ['text'], labelFields: ['label'] })) got.push(e);
  assert.deepEqual(got, [{ text: 'j', labels: ['y'], source: { file: jsonl, line: 1 } }]);
});

test('collectExamples returns examples and skipped rows, filling a given skipped array', async () => {
  const path = fixture('text,label\na,x\nb,\nc,z\n');
  const skipped: ReadOptions['skipped'] = [];
  const result = await collectExamples(path, csv, { onBadRow: 'skip', skipped });
  assert.deepEqual(
    result.examples.map((e) => e.text),
    ['a', 'c'],
  );
  assert.equal(result.skipped, skipped);
  assert.deepEqual(skipped, [{ location: { file: path, line: 3, field: 'label' }, reason: 'empty label' }]);
});

test('the path is checked before reading, with a hint', async () => {
  const missing = join(dir, 'missing.csv');
  await assert.rejects(collectExamples(missing, csv), (err: unknown) => {
    assert.ok(err instanceof DataError);
    assert.deepEqual(err.location, { file: missing });
    assert.match(err.message, /file not found \(looked for .*missing\.csv/);
    return true;
  });
  await assert.rejects(collectExamples(dir, csv), rejectsWith(/expected a csv file, found a folder \(.*use format "folder"\)/));
  await assert.rejects(
    collectExamples(fixture('x'), { format: 'folder', extension: '.txt' }),
    rejectsWith(/expected a folder with one sub-folder per label, found a file/),
  );
  await assert.rejects(
    collectExamples(join(dir, 'no-such-folder'), { format: 'folder', extension: '.txt' }),
    rejectsWith(/folder not found/),
  );
});

test('no examples is an error from collectExamples', async () => {
  const empty = fixture('');
  await assert.rejects(collectExamples(empty, csv), rejectsWith(new RegExp(`^${escape(empty)}: no examples in this file \\(it is empty, or holds only a header and blank lines\\)$`)));
  const allBad = fixture('text,label\na,\nb,\n');
  await assert.rejects(
    collectExamples(allBad, csv, { onBadRow: 'skip' }),
    rejectsWith(/no examples in this file \(all 2 rows were bad and skipped; first: .*:2: field "label": empty label\)/),
  );
  const emptyFolder = join(dir, 'empty-folder');
  mkdirSync(join(emptyFolder, 'pos'), { recursive: true });
  await assert.rejects(collectExamples(emptyFolder, { format: 'folder', extension: '.txt' }), rejectsWith(/no examples in this folder/));
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const goemotions = join(datasets, 'goemotions');
test(
  'real data: GoEmotions dev reads 5,426 rows with 28 labels',
  { skip: existsSync(goemotions) ? false : `shared datasets not found at ${goemotions}` },
  async () => {
    const labelNames = readFileSync(join(goemotions, 'emotions.txt'), 'utf8')
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    assert.equal(labelNames.length, 28);
    const { examples, skipped } = await collectExamples(join(goemotions, 'dev.tsv'), { format: 'goemotions-tsv', labelNames });
    assert.equal(examples.length, 5426);
    assert.equal(skipped.length, 0);
    const counts = new Map<string, number>();
    for (const e of examples) for (const l of e.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    assert.equal(counts.get('neutral'), 1766);
    assert.equal(counts.get('grief'), 13);
    // The CSV-quoted texts come out unquoted.
    assert.ok(!examples.some((e) => e.text.startsWith('"') && e.text.endsWith('"') && e.text.includes('""')));
  },
);

const imdb = join(datasets, 'imdb', 'aclImdb', 'train');
test(
  'real data: IMDB train reads 25,000 reviews, 12,500 per label',
  { skip: existsSync(imdb) ? false : `shared datasets not found at ${imdb}` },
  async () => {
    const { examples } = await collectExamples(imdb, { format: 'folder', extension: '.txt' });
    assert.equal(examples.length, 25000);
    assert.equal(examples.filter((e) => e.labels[0] === 'neg').length, 12500);
    assert.equal(examples.filter((e) => e.labels[0] === 'pos').length, 12500);
    assert.equal(examples[0].source.file, join(imdb, 'neg', '0_3.txt'));
    assert.equal(examples[12500].source.file, join(imdb, 'pos', '0_9.txt'));
    assert.ok(examples[12500].text.startsWith('Bromwell High is a cartoon comedy'));
  },
);
