import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadStarter } from '../test-support/starter-data.js';
import { DEFAULT_NORMALIZE, normalizeText, type NormalizeConfig } from '../text/normalize.js';
import { createRng } from '../util/random.js';
import { normalizeWithOffsets } from './normalize-offsets.js';

const ALL: NormalizeConfig = { ...DEFAULT_NORMALIZE, urls: true, emails: true, mentions: true, numbers: true };
const CONFIGS: NormalizeConfig[] = [ALL, DEFAULT_NORMALIZE, { unicode: 'NFC', lowercase: false, stripHtml: false }, { unicode: 'none', lowercase: true, stripHtml: true, numbers: true }];

const HOSTILE = [
  '',
  'Plain text.',
  'I LOVE<br /><br />this &amp; that &lt;3 &nbsp;ok',
  '<i>italic</i> <a href="https://x.y">link</a>',
  'visit www.Example.COM/path or HTTP://FOO.bar?q=1, mail A.B+c@Mail-Host.co.uk',
  '@alice and @Bob_2 but not me@x.io; email@ twice @@x',
  'Numbers 1,234.56 and ١٢٣ and ①②③ and 3.',
  'ﬁne ﬂow Ｆｕｌｌ ｗｉｄｔｈ ｶﾀｶﾅ ㌀ ½',
  'İstanbul ΣΊΣΥΦΟΣ ΟΔΟΣ ẞtraße',
  'e\u0301 cafe\u0301 ñ n\u0303 한국어 ᄒ\u1161\u11ab',
  '🙂👍🏽 👨‍👩‍👧 flags 🇫🇷',
  'lone \ud800 surrogate \udc00 here',
];

function checkMap(text: string, config: NormalizeConfig): boolean {
  const r = normalizeWithOffsets(text, config);
  assert.equal(r.text, normalizeText(text, config), `text of ${JSON.stringify(text)}`);
  assert.equal(r.from.length, r.text.length);
  for (let i = 0; i < r.text.length; i++) {
    assert.ok(r.from[i] >= 0 && r.from[i] < r.to[i] && r.to[i] <= text.length, `span ${r.from[i]}..${r.to[i]} at ${i} of ${JSON.stringify(text)}`);
    if (i > 0) assert.ok(r.from[i] >= r.from[i - 1], `spans run forwards in ${JSON.stringify(text)}`);
  }
  return r.exact;
}

test('the normalized text is exactly normalizeText, and every unit maps to a forward span of the original', () => {
  for (const config of CONFIGS) for (const text of HOSTILE) assert.ok(checkMap(text, config), `exact map for ${JSON.stringify(text)}`);
  for (const row of loadStarter('train')) assert.ok(checkMap(row.text, ALL));
});

test('random strings of tricky characters keep the map consistent', () => {
  const rng = createRng(11);
  const alphabet = ['A', 'z', ' ', '\n', '<', '>', '/', 'b', 'r', '&', 'amp;', '@', '.', '1', ',', 'ﬁ', 'Ｆ', 'İ', 'Σ', 'e\u0301', '🙂', 'http://', 'www.', '한', '\u1161', '\u0301'];
  for (let i = 0; i < 2000; i++) {
    let s = '';
    const len = Math.floor(rng() * 30);
    for (let j = 0; j < len; j++) s += alphabet[Math.floor(rng() * alphabet.length)];
    checkMap(s, ALL);
  }
});

test('replaced pieces map to the whole piece they replaced', () => {
  const text = 'A <br /> https://t.co/Xy 42';
  const r = normalizeWithOffsets(text, ALL);
  const spanOf = (needle: string): string => {
    const i = r.text.indexOf(needle);
    return text.slice(r.from[i], r.to[i + needle.length - 1]);
  };
  assert.equal(spanOf('xxurl'), 'https://t.co/Xy');
  assert.equal(spanOf('xxnum'), '42');
  assert.equal(spanOf('a'), 'A');
});
