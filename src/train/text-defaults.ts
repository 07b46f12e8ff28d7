import { RecipeError } from '../errors.js';
import type { Analyzer } from '../text/tokenize.js';
import { dominantScript, type Script } from '../text/script.js';
import type { Recipe } from '../recipe/schema.js';

/** What `analyzer: auto` and an absent `ngram_range` became for this training data. */
export interface ResolvedFeatures {
  script: Script;
  analyzer: Analyzer;
  ngramRange: [number, number];
}

/**
 * Korean words carry particles and endings, so character n-grams inside words match stems;
 * Chinese has no spaces, so character n-grams stand in for words. Measured on the shared data
 * (dev splits): Korean 4 emotions 0.728 with char_wb 1–4 against 0.567 with words; ChnSentiCorp
 * 0.891 with char 1–3.
 */
const BY_SCRIPT: Partial<Record<Script, Analyzer>> = { hangul: 'char_wb', han: 'char', japanese: 'char', thai: 'char' };

const DEFAULT_RANGE: Record<Analyzer, [number, number]> = { word: [1, 2], char: [1, 3], char_wb: [1, 4] };

export function resolveFeatures(features: Recipe['features'], trainTexts: readonly string[]): ResolvedFeatures {
  const script = dominantScript(trainTexts);
  const analyzer: Analyzer = features.analyzer === 'auto' ? (BY_SCRIPT[script] ?? 'word') : features.analyzer;
  const ngramRange = features.ngram_range ?? DEFAULT_RANGE[analyzer];
  if (analyzer !== 'word' && (features.stop_words || features.stemming)) {
    throw new RecipeError(`features.${features.stop_words ? 'stop_words' : 'stemming'}: applies to word tokens, but analyzer auto chose ${analyzer} n-grams for ${script} text (set features.analyzer: word, or drop the option)`);
  }
  if (analyzer !== 'word' && features.char_ngrams) {
    throw new RecipeError(`features.char_ngrams: adds character n-grams to word n-grams, but analyzer auto chose ${analyzer} n-grams for ${script} text (set features.analyzer: word, or drop char_ngrams)`);
  }
  if (analyzer === 'word' && ngramRange[1] > 3) {
    throw new RecipeError(`features.ngram_range: [${ngramRange.join(', ')}] with analyzer auto, which chose word n-grams for ${script} text; word n-grams go up to 3 (set features.analyzer: char_wb for longer character n-grams)`);
  }
  return { script, analyzer, ngramRange: [ngramRange[0], ngramRange[1]] };
}

/**
 * Scripts whose text mixes letter variants that `preprocessing.fold_letters` unifies: Persian,
 * Arabic and Urdu typed on different keyboards (ك/ک, ي/ى/ی, tatweel, harakat, three sets of
 * digits), Russian with and without ё.
 */
const FOLD_SCRIPTS: ReadonlySet<Script> = new Set<Script>(['arabic', 'cyrillic']);

/** What `preprocessing.fold_letters` is for training text of this dominant script. */
export function resolveFoldLetters(setting: Recipe['preprocessing']['fold_letters'], script: Script): boolean {
  return setting === 'auto' ? FOLD_SCRIPTS.has(script) : setting;
}
