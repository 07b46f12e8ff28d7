import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadStarter } from '../test-support/starter-data.js';
import { DEFAULT_NORMALIZE, normalizeText, type NormalizeConfig } from '../text/normalize.js';
import { createRng } from '../util/random.js';
import { normalizeWithOffsets, originalSpan } from './normalize-offsets.js';

const ALL: NormalizeConfig = { ...DEFAULT_NORMALIZE, urls: true, emails: true, mentions: true, numbers: true };
const FOLD: NormalizeConfig = { ...ALL, foldLetters: true };
const CONFIGS: NormalizeConfig[] = [ALL, DEFAULT_NORMALIZE, { unicode: 'NFC', lowercase: false, stripHtml: false }, { unicode: 'none', lowercase: true, stripHtml: true, numbers: true }, FOLD, { unicode: 'none', lowercase: false, stripHtml: false, foldLetters: true, numbers: true }];

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
  'این كتاب خيلـــــي خوبِ است، قیمت ۱۲۰ و ٣٤ تومان',
  'ـــ اول ـ وسط ـــ',
  'مُحَمَّدٌ هٰذا عَلى مصطفى \ufed9\ufef2 آب \u0627\u0653ب',
  'Ёлка и ёж ещё, ЁЖ ÉЁ',
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

test('letter folding: Persian text with Arabic letters, tatweel and harakat highlights what was written', () => {
  const text = 'این كتاب خيلـــــي خوبِ است ۱۲۰';
  const r = normalizeWithOffsets(text, FOLD);
  assert.ok(r.exact);
  assert.equal(r.text, 'این کتاب خیلی خوب است  xxnum ');
  const spanOf = (needle: string): string => {
    const i = r.text.indexOf(needle);
    assert.ok(i >= 0, needle);
    return text.slice(...originalSpan(r, i, i + needle.length));
  };
  // Substituted letters map one to one; tatweel inside a word and a vowel mark after it stay in its span.
  assert.equal(spanOf('کتاب'), 'كتاب');
  assert.equal(spanOf('خیلی'), 'خيلـــــي');
  assert.equal(spanOf('خوب'), 'خوبِ');
  assert.equal(spanOf('است'), 'است');
  assert.equal(spanOf('xxnum'), '۱۲۰');
  // Russian: ё and Ё fold to е one to one.
  const ru = normalizeWithOffsets('Ёлка ещё', FOLD);
  assert.equal(ru.text, 'елка еще');
  assert.deepEqual([...ru.from], [0, 1, 2, 3, 4, 5, 6, 7]);
});

test('random Persian strings with tatweel, marks and digits keep the map consistent and exact', () => {
  const rng = createRng(12);
  const alphabet = ['ك', 'ک', 'ي', 'ی', 'ى', 'ـ', '\u064e', '\u0650', '\u0651', '\u0670', '\u0653', '\u0654', 'ا', 'آ', 'ه', '۱', '٢', '3', ' ', '.', ',', 'ё', 'Ё', '@', 'http://', '<br>', '\ufed9', '\ufbfd'];
  for (let i = 0; i < 2000; i++) {
    let s = '';
    const len = Math.floor(rng() * 30);
    for (let j = 0; j < len; j++) s += alphabet[Math.floor(rng() * alphabet.length)];
    assert.ok(checkMap(s, FOLD), `exact map for ${JSON.stringify(s)}`);
  }
});
