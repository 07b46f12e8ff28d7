import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dominantScript } from './script.js';

test('the dominant script of a corpus, ignoring digits, punctuation and emoji', () => {
  assert.equal(dominantScript(['Great movie!!! 10/10 😀', 'meh']), 'latin');
  assert.equal(dominantScript(['Привет, как дела?', 'ok']), 'cyrillic');
  assert.equal(dominantScript(['정말 재밌어요 ㅋㅋ', 'OK 좋아']), 'hangul');
  assert.equal(dominantScript(['房间设施不错，服务很好', '不错']), 'han');
  assert.equal(dominantScript(['今日はとても楽しかったです', '映画を見ました']), 'japanese');
  assert.equal(dominantScript(['این فیلم عالی بود']), 'arabic');
  assert.equal(dominantScript(['สวัสดีครับ']), 'thai');
  assert.equal(dominantScript(['123 !!!', '']), 'other');
  assert.equal(dominantScript([]), 'other');
});
