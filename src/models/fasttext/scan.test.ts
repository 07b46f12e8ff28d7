import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_NORMALIZE, normalizeText } from '../../text/normalize.js';
import { forEachToken, tokenPatternRegex } from '../../text/tokenize.js';
import { loadStarter, SHARED_DATASETS } from '../../test-support/starter-data.js';
import { fnv1a } from './hash.js';
import { TokenInterner, VocabIndex, WordScanner } from './scan.js';

/** The `word` regex tokenizer's tokens (forEachToken's), with what the scanner must report for each. */
function expected(text: string): { start: number; end: number; hash: number }[] {
  const out: { start: number; end: number; hash: number }[] = [];
  const re = tokenPatternRegex('word');
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push({ start: m.index, end: m.index + m[0].length, hash: fnv1a(m[0]) | 0 });
  const tokens: string[] = [];
  forEachToken(text, tokenPatternRegex('word'), (t) => tokens.push(t));
  assert.deepEqual(out.map((t) => text.slice(t.start, t.end)), tokens);
  return out;
}

function scanned(scanner: WordScanner, text: string): { start: number; end: number; hash: number }[] {
  const t = scanner.scan(text);
  return Array.from({ length: t.length }, (_, i) => ({ start: t.starts[i], end: t.ends[i], hash: t.hashes[i] }));
}

// Where hand-scanned ASCII meets the regex: apostrophes, marks, accents, emoji, surrogates, scripts.
const TRICKY = [
  '', ' ', 'a', "don't", 'don’t', "l'été", "abc'", "'abc", "x'y'z", "it's''s", "'''", "A'B'C", '’tis', "o'é",
  'naïve café', 'e\u0301clair', "e\u0301'x", 'a\u0301b', '😀😀x', 'hello😀world', '👍🏽ok', '❤️love', '©2024 ®',
  'ab!?cd', '!!!???', 'what?!', 'x_y 12,5 3.14', 'snake_case_word', '中文字符 test', 'テスト', 'ภาษาไทย',
  'привет, мир', 'مرحبا بالعالم', '한국어 문장', 'Ⅻ ½ ٣ ²', 'ﬁne', 'tab\tnew\nline', 'über-cool', '\ud83d',
  'ab\ud800cd', 'lone\udc00low', "rock'n'roll", "'s", "9's", "ab'\u00e9", "ab'😀", 'end’', "x'_y",
];

test('word scanner: the same tokens (positions and fastText hashes) as the word regex, on tricky text', () => {
  const scanner = new WordScanner();
  for (const text of TRICKY) {
    assert.deepEqual(scanned(scanner, text), expected(text), JSON.stringify(text));
    const norm = normalizeText(text, DEFAULT_NORMALIZE);
    assert.deepEqual(scanned(scanner, norm), expected(norm), JSON.stringify(norm));
  }
});

test('word scanner: long texts grow its buffers', () => {
  const text = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? 'naïve!' : `w${i}`)).join(' ');
  assert.deepEqual(scanned(new WordScanner(), text), expected(text));
});

/** Texts of the shared data sets (GoEmotions: emoji, Reddit markup; IMDB: HTML; ChnSentiCorp: Chinese), when present. */
function sharedTexts(): string[] {
  const out: string[] = [];
  const ge = path.join(SHARED_DATASETS, 'goemotions', 'dev.tsv');
  if (fs.existsSync(ge)) out.push(...fs.readFileSync(ge, 'utf8').split('\n').map((l) => l.split('\t')[0]));
  const imdb = path.join(SHARED_DATASETS, 'imdb', 'aclImdb', 'train', 'pos');
  if (fs.existsSync(imdb)) out.push(...fs.readdirSync(imdb).sort().slice(0, 300).map((f) => fs.readFileSync(path.join(imdb, f), 'utf8')));
  const chn = path.join(SHARED_DATASETS, 'chnsenticorp', 'ChnSentiCorp_htl_all_train.csv');
  if (fs.existsSync(chn)) out.push(...fs.readFileSync(chn, 'utf8').split('\n').slice(0, 500));
  return out;
}

test('word scanner: the same tokens as the word regex on the starter and shared data sets, raw and normalized', () => {
  const texts = [...loadStarter('train').map((r) => r.text), ...sharedTexts()];
  assert.ok(texts.length > 500);
  const scanner = new WordScanner();
  let tokens = 0;
  for (const raw of texts) {
    for (const text of [raw, normalizeText(raw, DEFAULT_NORMALIZE)]) {
      const want = expected(text);
      const got = scanned(scanner, text);
      if (got.length !== want.length || got.some((g, i) => g.start !== want[i].start || g.end !== want[i].end || g.hash !== want[i].hash)) {
        assert.deepEqual(got, want, JSON.stringify(text.slice(0, 300)));
      }
      tokens += got.length;
    }
  }
  assert.ok(tokens > 10_000, `${tokens} tokens`);
});

test('vocabulary index: finds each word by range and hash, and nothing else, even on a hash collision', () => {
  const words = ['the', 'cat', "don't", 'naïve', '😀', '</s>', 'x'];
  const hashes = Int32Array.from(words, (w) => fnv1a(w) | 0);
  const text = `>> ${words.join(' ')} dog th cats`;
  // Built from the words, or from their stored form (joined by newlines): the same index.
  for (const index of [VocabIndex.fromWords(words), VocabIndex.fromJoined(words.join('\n'))]) {
    assert.equal(index.size, words.length);
    words.forEach((w, id) => {
      const at = text.indexOf(` ${w}`) + 1;
      assert.equal(index.find(text, at, at + w.length, hashes[id]), id, w);
    });
    const dog = text.indexOf('dog');
    assert.equal(index.find(text, dog, dog + 3, fnv1a('dog') | 0), -1);
    const th = text.indexOf(' th ') + 1;
    assert.equal(index.find(text, th, th + 2, fnv1a('th') | 0), -1);
    // A token whose hash equals a word's but whose characters differ is not that word.
    const cats = text.indexOf('cats');
    assert.equal(index.find(text, cats, cats + 4, hashes[1]), -1);
    assert.equal(index.find(text, cats, cats + 3, hashes[1]), 1);
  }
  // Many words in a small table: probing goes past occupied slots.
  const many = Array.from({ length: 5000 }, (_, i) => `w${i}`);
  for (const big of [VocabIndex.fromWords(many), VocabIndex.fromJoined(many.join('\n'))]) {
    for (let i = 0; i < many.length; i += 97) assert.equal(big.find(many[i], 0, many[i].length, fnv1a(many[i]) | 0), i);
  }
  for (const empty of [VocabIndex.fromWords([]), VocabIndex.fromJoined('')]) {
    assert.equal(empty.size, 0);
    assert.equal(empty.find('a', 0, 1, fnv1a('a') | 0), -1);
  }
  assert.equal(VocabIndex.fromJoined('a').find('a', 0, 1, fnv1a('a') | 0), 0);
});

test('token interner: ids in first-seen order, as a Map would give them, through growth and collisions', () => {
  const interner = new TokenInterner();
  const map = new Map<string, number>();
  const texts = [...loadStarter('train').map((r) => normalizeText(r.text, DEFAULT_NORMALIZE)), ...Array.from({ length: 6000 }, (_, i) => `t${i % 4500} x${i}`)];
  const scanner = new WordScanner();
  for (const text of texts) {
    const t = scanner.scan(text);
    for (let i = 0; i < t.length; i++) {
      const token = text.slice(t.starts[i], t.ends[i]);
      if (!map.has(token)) map.set(token, map.size);
      assert.equal(interner.intern(text, t.starts[i], t.ends[i], t.hashes[i]), map.get(token), token);
    }
  }
  assert.deepEqual(interner.strings, [...map.keys()]);
  assert.ok(interner.strings.length > 4096, 'grew past its first table');
  // Same hash, other characters: a new id.
  const other = new TokenInterner();
  assert.equal(other.intern('ab', 0, 2, 7), 0);
  assert.equal(other.intern('cd', 0, 2, 7), 1);
  assert.equal(other.intern('xab', 1, 3, 7), 0);
  assert.deepEqual(Array.from(other.hashes.subarray(0, 2)), [7, 7]);
});
