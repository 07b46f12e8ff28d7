import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTokenizer } from './tokenize.js';

function tokens(analyzer: 'char' | 'char_wb', text: string, range: [number, number]): string[] {
  const out: string[] = [];
  createTokenizer(analyzer, 'word', range)(text, (t) => out.push(t));
  return out;
}

test('char n-grams: whitespace collapsed, lengths in characters', () => {
  assert.deepEqual(tokens('char', 'ab  c', [2, 3]), ['ab', 'b ', ' c', 'ab ', 'b c']);
  assert.deepEqual(tokens('char', '房间很好', [1, 2]), ['房', '间', '很', '好', '房间', '间很', '很好']);
  // An emoji outside the BMP is one character, never half a surrogate pair.
  assert.deepEqual(tokens('char', 'a😀', [1, 1]), ['a', '😀']);
});

test('char_wb n-grams pad each word with spaces and emit a short word once (scikit-learn semantics)', () => {
  // sklearn: CountVectorizer(analyzer='char_wb', ngram_range=(2, 3)).build_analyzer()('ab c')
  assert.deepEqual(tokens('char_wb', 'ab c', [2, 3]), [' a', 'ab', 'b ', ' ab', 'ab ', ' c', 'c ', ' c ']);
  assert.deepEqual(tokens('char_wb', '행복해', [2, 2]), [' 행', '행복', '복해', '해 ']);
  assert.deepEqual(tokens('char_wb', 'a', [3, 5]), [' a ']);
});

test('segmented words: Chinese and Thai runs split by ICU, other scripts as the word tokenizer', () => {
  const words = (text: string): string[] => {
    const out: string[] = [];
    createTokenizer('word', 'segmented', [1, 1])(text, (t) => out.push(t));
    return out;
  };
  assert.deepEqual(words('房间设施不错，服务很好！'), ['房间', '设施', '不错', '服务', '很好']);
  assert.deepEqual(words('สวัสดีครับ'), ['สวัสดี', 'ครับ']);
  assert.deepEqual(words("don't stop 😀 이 영화 Привет"), ["don't", 'stop', '😀', '이', '영화', 'Привет']);
});
