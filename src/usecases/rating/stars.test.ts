import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_STARS_PATTERN, starsFromFileName, starsPattern } from './stars.js';

test('the default pattern reads aclImdb names <id>_<stars>.txt', () => {
  const p = starsPattern(undefined);
  assert.equal(p.source, DEFAULT_STARS_PATTERN);
  assert.equal(starsFromFileName('/data/aclImdb/train/pos/10001_10.txt', p), 10);
  assert.equal(starsFromFileName('neg/0_3.txt', p), 3);
  assert.equal(starsFromFileName('C:\\data\\neg\\12_1.txt', p), 1);
});

test('names without a rating, or with one outside 1-10, give null', () => {
  const p = starsPattern(undefined);
  assert.equal(starsFromFileName('pos/review.txt', p), null);
  assert.equal(starsFromFileName('pos/7_0.txt', p), null);
  assert.equal(starsFromFileName('pos/7_11.txt', p), null);
  // The folder name is not part of the file name.
  assert.equal(starsFromFileName('/data/run_7.d/review.txt', p), null);
});

test('a recipe pattern picks its first group', () => {
  assert.equal(starsFromFileName('x/review-stars8.txt', starsPattern('stars(\\d+)')), 8);
});
