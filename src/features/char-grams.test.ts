import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTokenizer } from '../text/tokenize.js';
import { CharGramHasher, CharGramTable, codePointsOf, createCharGramScanner, gramString, isJsWhitespace } from './char-grams.js';
import { TokenHasher } from './hashing.js';

const TEXTS = [
  '',
  '   ',
  'a',
  'ab',
  'good movie, not bad!',
  '  leading and   trailing\tspaces\n\nand lines  ',
  '我今天很高兴，谢谢你的礼物',
  '정말 재밌어요 ㅋㅋ',
  'emoji 😡😡 and 👍🏽 skin tone',
  'lone \ud800 high and \udc00 low surrogates',
  'no\u00a0break\u2003em\u3000ideographic\ufeffbom\u2028line',
  'e\u0301 combining, ﬁ ligature',
  'x'.repeat(20),
];

function viaScanner(analyzer: 'char' | 'char_wb', lo: number, hi: number, text: string): string[] {
  const out: string[] = [];
  createCharGramScanner(analyzer, lo, hi)(text, (cps, start, len) => out.push(gramString(cps, start, len)));
  return out;
}

function viaTokenizer(analyzer: 'char' | 'char_wb', lo: number, hi: number, text: string): string[] {
  const out: string[] = [];
  createTokenizer(analyzer, 'word', [lo, hi])(text, (t) => out.push(t));
  return out;
}

test('the scanner visits exactly the n-grams of the char and char_wb tokenizers, in the same order', () => {
  for (const analyzer of ['char', 'char_wb'] as const) {
    for (const [lo, hi] of [[1, 1], [1, 3], [2, 5], [3, 8], [8, 8]] as [number, number][]) {
      for (const text of TEXTS) assert.deepEqual(viaScanner(analyzer, lo, hi, text), viaTokenizer(analyzer, lo, hi, text), `${analyzer} [${lo}, ${hi}] ${JSON.stringify(text)}`);
    }
  }
});

test('one scanner reused over texts of growing length gives the same n-grams as fresh ones', () => {
  const scan = createCharGramScanner('char_wb', 2, 4);
  for (const text of [...TEXTS, 'word '.repeat(500), ...TEXTS]) {
    const out: string[] = [];
    scan(text, (cps, start, len) => out.push(gramString(cps, start, len)));
    assert.deepEqual(out, viaTokenizer('char_wb', 2, 4, text));
  }
});

test('isJsWhitespace is /\\s/u on every code point', () => {
  const re = /\s/u;
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (isJsWhitespace(cp) !== re.test(String.fromCodePoint(cp))) assert.fail(`U+${cp.toString(16)}`);
  }
});

test('CharGramHasher equals TokenHasher (MurmurHash3 of UTF-8) of the n-gram string, lone surrogates included', () => {
  const grams = new CharGramHasher();
  const tokens = new TokenHasher();
  for (const text of TEXTS) {
    createCharGramScanner('char', 1, 4)(text, (cps, start, len) => assert.equal(grams.hash(cps, start, len), tokens.hash(gramString(cps, start, len))));
  }
});

test('CharGramTable: ids are dense and stable through growth, unknown windows give -1', () => {
  const table = new CharGramTable(2);
  const strings: string[] = [];
  for (let i = 0; i < 5000; i++) strings.push(`g${i}😀`);
  strings.forEach((s, i) => {
    const cps = codePointsOf(s);
    assert.equal(table.getOrAdd(cps, 0, cps.length), i);
  });
  assert.equal(table.size, 5000);
  strings.forEach((s, i) => {
    const cps = codePointsOf(`  ${s}`);
    assert.equal(table.get(cps, 2, cps.length - 2), i);
    assert.equal(table.stringOf(i), s);
  });
  const unknown = codePointsOf('g5000😀');
  assert.equal(table.get(unknown, 0, unknown.length), -1);
  // A prefix of a known gram is a different gram.
  assert.equal(table.get(unknown, 0, 2), -1);
});
