import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecipeError } from '../errors.js';
import { parseRecipe } from '../recipe/load.js';
import { PERSIAN_TRAIN, RUSSIAN_TRAIN } from '../test-support/fold-letters-texts.js';
import { textPipelineOf } from './fit-recipe.js';
import { resolveFeatures } from './text-defaults.js';

const recipe = (preprocessing: Record<string, unknown> = {}) =>
  parseRecipe({ name: 'x', task: 'binary', data: { format: 'csv', train: 't.csv', text_field: 'text', label_field: 'label' }, preprocessing });

/** The NormalizeConfig that training would store for these texts. */
function foldLettersFor(texts: string[], preprocessing: Record<string, unknown> = {}): boolean | undefined {
  const r = recipe(preprocessing);
  return textPipelineOf(r, resolveFeatures(r.features, texts)).normalize.foldLetters;
}

const TEXTS: Record<string, string[]> = {
  persian: PERSIAN_TRAIN.map((r) => r.text),
  arabic: ['هذا الكتاب جميل جدا', 'الفيلم ممل وطويل'],
  urdu: ['یہ کتاب بہت اچھی ہے', 'کھانا ٹھنڈا تھا'],
  russian: RUSSIAN_TRAIN.map((r) => r.text),
  english: ['great movie, loved it', 'the plot was dull'],
  korean: ['정말 재밌어요', '별로예요'],
  chinese: ['房间很好', '服务不错'],
};

test('fold_letters defaults to auto: on for Arabic-script and Cyrillic training text, off for English, Korean and Chinese', () => {
  assert.equal(recipe().preprocessing.fold_letters, 'auto');
  for (const lang of ['persian', 'arabic', 'urdu', 'russian']) assert.equal(foldLettersFor(TEXTS[lang]), true, lang);
  for (const lang of ['english', 'korean', 'chinese']) assert.equal(foldLettersFor(TEXTS[lang]), false, lang);
  // A few Persian words in mostly English text do not switch it on.
  assert.equal(foldLettersFor([...TEXTS.english, 'کتاب']), false);
});

test('fold_letters: true or false wins over the script', () => {
  assert.equal(foldLettersFor(TEXTS.persian, { fold_letters: false }), false);
  assert.equal(foldLettersFor(TEXTS.english, { fold_letters: true }), true);
  assert.equal(foldLettersFor(TEXTS.korean, { fold_letters: true }), true);
});

test('fold_letters accepts only auto, true or false, and names the field', () => {
  for (const bad of ['yes', 'on', 1, null]) {
    assert.throws(() => recipe({ fold_letters: bad }), (e: Error) => e instanceof RecipeError && /preprocessing\.fold_letters/.test(e.message), String(bad));
  }
});
