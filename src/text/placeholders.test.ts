import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_NORMALIZE, normalizeText } from './normalize.js';

const all = { ...DEFAULT_NORMALIZE, urls: true, emails: true, mentions: true, numbers: true };

test('URLs, e-mails, mentions and numbers become placeholder tokens', () => {
  assert.equal(normalizeText('see https://example.com/a?b=1 now', all), 'see  xxurl  now');
  assert.equal(normalizeText('mail ivan.petrov@mail.ru or @support_team!', all), 'mail  xxemail  or  xxuser !');
  assert.equal(normalizeText('rated 10/10, paid 1,299.50', all), 'rated  xxnum / xxnum , paid  xxnum ');
  assert.equal(normalizeText('Visit WWW.SHOP.COM', all), 'visit  xxurl ');
});

test('each replacement is its own switch, and the defaults leave text alone', () => {
  assert.equal(normalizeText('call 911 @bob', { ...DEFAULT_NORMALIZE, mentions: true }), 'call 911  xxuser ');
  assert.equal(normalizeText('call 911 @bob a@b.co', DEFAULT_NORMALIZE), 'call 911 @bob a@b.co');
  // Not a mention: the @ inside a word (no e-mail: the domain lacks a top-level part).
  assert.equal(normalizeText('x@y', all), 'x@y');
});
