import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arabicKeyboard, PERSIAN_TRAIN, RUSSIAN_TRAIN, withHarakat, withTatweel } from '../test-support/fold-letters-texts.js';
import { DEFAULT_NORMALIZE, foldLetters, FOLDED_LETTERS, normalizeText, type NormalizeConfig } from './normalize.js';

const FOLD: NormalizeConfig = { ...DEFAULT_NORMALIZE, foldLetters: true };
const hex = (cp: number): string => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/** The documented table (docs/recipes.md), written out independently of normalize.ts. */
const EXPECTED: [number, string][] = [
  [0x0643, '\u06a9'],
  [0x064a, '\u06cc'],
  [0x0649, '\u06cc'],
  [0x0640, ''],
  ...[0x064b, 0x064c, 0x064d, 0x064e, 0x064f, 0x0650, 0x0651, 0x0652].map((cp): [number, string] => [cp, '']),
  ...[0x0656, 0x0657, 0x0658, 0x0659, 0x065a, 0x065b, 0x065c, 0x065d, 0x065e, 0x065f].map((cp): [number, string] => [cp, '']),
  [0x0670, ''],
  ...Array.from({ length: 10 }, (_, d): [number, string] => [0x0660 + d, String(d)]),
  ...Array.from({ length: 10 }, (_, d): [number, string] => [0x06f0 + d, String(d)]),
  [0x0451, '\u0435'],
  [0x0401, '\u0415'],
];

test('every folded code point maps as documented, alone and between letters', () => {
  for (const [cp, to] of EXPECTED) {
    const ch = String.fromCharCode(cp);
    assert.equal(foldLetters(ch), to, hex(cp));
    assert.equal(foldLetters(`س${ch}م`), `س${to}م`, `${hex(cp)} inside a word`);
  }
  // Nothing else is in the table.
  assert.deepEqual(Object.keys(FOLDED_LETTERS).map((k) => k.charCodeAt(0)).sort((a, b) => a - b), EXPECTED.map(([cp]) => cp).sort((a, b) => a - b));
});

test('letters that look alike but mean something else are kept', () => {
  // Alef with madda, the madda and hamza marks (they build آ أ إ ؤ ئ ۀ), teh marbuta, heh, the
  // Persian letters themselves, Urdu bari yeh, plain Cyrillic е and й.
  const kept = [0x0622, 0x0623, 0x0625, 0x0624, 0x0626, 0x0653, 0x0654, 0x0655, 0x0629, 0x0647, 0x06c0, 0x06a9, 0x06cc, 0x06d2, 0x0627, 0x0435, 0x0439, 0x0419];
  for (const cp of kept) assert.equal(foldLetters(String.fromCharCode(cp)), String.fromCharCode(cp), hex(cp));
  // The madda survives even when a text comes decomposed and unicode normalization is off.
  assert.equal(normalizeText('\u0627\u0653ب', { ...FOLD, unicode: 'none' }), '\u0627\u0653ب');
  assert.equal(normalizeText('آب', FOLD), 'آب');
});

test('text without any folded letter comes back unchanged (the fast path)', () => {
  for (const text of ['', 'plain English, 42!', '정말 재밌어요', '房间很好', 'привет мир', 'سلام دنیا', 'کتاب خیلی خوب', '🙂 \ud800 lone']) {
    assert.equal(foldLetters(text), text);
    assert.equal(normalizeText(text, FOLD), normalizeText(text, DEFAULT_NORMALIZE));
  }
});

test('Arabic-keyboard Persian, tatweel and vowel marks normalize to the Persian-keyboard text', () => {
  assert.equal(normalizeText('كتاب خيلي خوب', FOLD), 'کتاب خیلی خوب');
  assert.equal(normalizeText('خیلـــــی خوب', FOLD), 'خیلی خوب');
  assert.equal(normalizeText('کِتابِ خوبٌ', FOLD), 'کتاب خوب');
  assert.equal(normalizeText('مصطفى', FOLD), 'مصطفی');
  for (const { text } of PERSIAN_TRAIN) {
    const persian = normalizeText(text, FOLD);
    assert.equal(normalizeText(arabicKeyboard(withTatweel(withHarakat(text))), FOLD), persian, text);
    assert.ok(!/[\u0643\u064a\u0649\u0640\u064b-\u0652]/.test(persian), `nothing Arabic-keyboard left in ${persian}`);
  }
  // Off (and absent, as in every model written before the option): nothing folds.
  assert.equal(normalizeText('كتاب خيلـــي', DEFAULT_NORMALIZE), 'كتاب خيلـــي');
  assert.equal(normalizeText('كتاب خيلـــي', { ...DEFAULT_NORMALIZE, foldLetters: false }), 'كتاب خيلـــي');
});

test('presentation forms fold too: NFKC runs first, then the letters fold', () => {
  // Isolated kaf, final Arabic yeh, final Farsi yeh, final alef maksura.
  assert.equal(normalizeText('\ufed9 \ufef2 \ufbfd \ufef0', FOLD), 'ک ی ی ی');
});

test('Ё and ё fold to Е and е, before lowercasing and without it', () => {
  assert.equal(normalizeText('Ёлка и ёж ещё', FOLD), 'елка и еж еще');
  assert.equal(normalizeText('Ёлка и ёж ещё', { ...FOLD, lowercase: false }), 'Елка и еж еще');
  for (const { text } of RUSSIAN_TRAIN) assert.ok(!normalizeText(text, FOLD).includes('ё'), text);
});

test('Arabic-Indic and Persian digits become ASCII digits, so replace_numbers catches them', () => {
  assert.equal(normalizeText('قیمت ۱۲۰ و ٣٤٥ تومان', FOLD), 'قیمت 120 و 345 تومان');
  assert.equal(normalizeText('۰۱۲۳۴۵۶۷۸۹ ٠١٢٣٤٥٦٧٨٩', FOLD), '0123456789 0123456789');
  const numbers: NormalizeConfig = { ...FOLD, numbers: true };
  assert.equal(normalizeText('قیمت ۱۲۰ تومان', numbers), 'قیمت  xxnum  تومان');
  assert.equal(normalizeText('قیمت ۱۲۰ تومان', numbers), normalizeText('قیمت 120 تومان', numbers));
  assert.equal(normalizeText('۱٫۵ و ۲,۰۰۰', numbers), ' xxnum ٫ xxnum  و  xxnum ');
});

test('long texts and lone surrogates fold in one pass without losing units', () => {
  const long = 'يك '.repeat(20_000);
  assert.equal(foldLetters(long), 'یک '.repeat(20_000));
  assert.equal(foldLetters('ي\ud800ـك\udc00'), 'ی\ud800ک\udc00');
  assert.equal(foldLetters('ـ'.repeat(10_000)), '');
});
