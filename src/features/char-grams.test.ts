import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTokenizer } from '../text/tokenize.js';
import { CharGramHasher, CharGramTrie, codePointsOf, createCharGramIdScanner, createCharGramScanner, gramString, isJsWhitespace } from './char-grams.js';
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

test('CharGramTrie: ids are dense and stable through growth, prefixes are grams, unknown windows give -1', () => {
  const trie = new CharGramTrie(2);
  const strings: string[] = [];
  for (let i = 0; i < 5000; i++) strings.push(`g${i}😀`);
  const ids = strings.map((s) => {
    const cps = codePointsOf(s);
    return trie.add(cps, 0, cps.length);
  });
  assert.equal(new Set(ids).size, 5000);
  // Every id below size is some prefix; the five thousand grams share "g" and the digit prefixes.
  assert.ok(trie.size > 5000 && trie.size < 5000 * 3);
  strings.forEach((s, i) => {
    const cps = codePointsOf(`  ${s}`);
    assert.equal(trie.get(cps, 2, cps.length - 2), ids[i]);
    assert.equal(trie.stringOf(ids[i]), s);
  });
  const unknown = codePointsOf('g5000😀');
  assert.equal(trie.get(unknown, 0, unknown.length), -1);
  // A prefix of a known gram is a gram of its own, with its own id.
  const prefix = trie.get(unknown, 0, 2);
  assert.notEqual(prefix, -1);
  assert.equal(trie.stringOf(prefix), 'g5');
  assert.equal(trie.child(prefix, 0x30), trie.get(codePointsOf('g50'), 0, 3));
  assert.equal(trie.get(codePointsOf('x'), 0, 1), -1);
});

test('the id scanner visits the window scanner\'s n-grams in the same order, and a grown trie numbers them first-seen', () => {
  for (const analyzer of ['char', 'char_wb'] as const) {
    for (const [lo, hi] of [[1, 1], [1, 3], [2, 5], [3, 8], [5, 5], [8, 8]] as [number, number][]) {
      const trie = new CharGramTrie(4);
      const grow = createCharGramIdScanner(analyzer, lo, hi, trie, true);
      const seen = new Map<string, number>();
      const order: number[] = [];
      for (const text of [...TEXTS, 'word '.repeat(300), ...TEXTS]) {
        const got: string[] = [];
        grow(text, (id) => {
          got.push(trie.stringOf(id));
          if (!seen.has(trie.stringOf(id))) {
            seen.set(trie.stringOf(id), id);
            order.push(id);
          }
        });
        assert.deepEqual(got, viaScanner(analyzer, lo, hi, text), `${analyzer} [${lo}, ${hi}] ${JSON.stringify(text)}`);
      }
      // Ids of visited grams ascend in first-seen order (shorter prefixes may sit between them).
      assert.deepEqual(order, [...order].sort((a, b) => a - b), `${analyzer} [${lo}, ${hi}] order`);
      // A lookup-only scanner over the same trie finds the same ids and skips unknown grams.
      const look = createCharGramIdScanner(analyzer, lo, hi, trie, false);
      const size = trie.size;
      for (const text of [...TEXTS, 'zzq ' + TEXTS[4]]) {
        const got: string[] = [];
        look(text, (id) => got.push(trie.stringOf(id)));
        assert.deepEqual(got, viaScanner(analyzer, lo, hi, text).filter((g) => seen.has(g)), `${analyzer} [${lo}, ${hi}] lookup ${JSON.stringify(text)}`);
      }
      assert.equal(trie.size, size, 'lookups add nothing');
    }
  }
});
