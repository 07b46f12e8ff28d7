import { encodeTargets } from '../data/labels.js';
import type { Example } from '../data/types.js';
import type { Classifier, FitInput } from '../models/classifier.js';
import type { Recipe } from '../recipe/schema.js';
import type { NormalizeConfig } from '../text/normalize.js';
import { fitModel, type TextPipeline } from './model-choice.js';
import { fitPerTierModel } from '../usecases/routing/tiered-fit.js';
import type { Script } from '../text/script.js';
import { resolveFoldLetters, type ResolvedFeatures } from './text-defaults.js';
import { trainingControlsOf } from './training-controls.js';

/** The recipe's text preprocessing and TF-IDF settings, with `auto` features already resolved. */
export function textPipelineOf(recipe: Recipe, resolved: ResolvedFeatures): TextPipeline {
  const f = recipe.features;
  return {
    normalize: normalizeConfigOf(recipe, resolved.script),
    tfidf: {
      analyzer: resolved.analyzer,
      tokenPattern: f.token_pattern,
      ngramRange: resolved.ngramRange,
      minDf: f.min_df,
      maxDf: f.max_df,
      maxFeatures: f.max_features,
      hashBuckets: f.hash_buckets,
      sublinearTf: f.sublinear_tf,
      useIdf: f.use_idf,
      smoothIdf: f.smooth_idf,
      norm: f.norm,
      stopWords: f.stop_words,
      stem: f.stemming,
      charNgrams: f.char_ngrams ? { analyzer: f.char_ngrams.analyzer, ngramRange: [f.char_ngrams.ngram_range[0], f.char_ngrams.ngram_range[1]], weight: f.char_ngrams.weight } : null,
    },
  };
}

/** The recipe's preprocessing as the model stores it; `script` (of the training text) resolves fold_letters: auto. */
export function normalizeConfigOf(recipe: Recipe, script: Script): NormalizeConfig {
  const p = recipe.preprocessing;
  return {
    unicode: p.unicode,
    lowercase: p.lowercase,
    stripHtml: p.strip_html,
    urls: p.replace_urls,
    emails: p.replace_emails,
    mentions: p.replace_mentions,
    numbers: p.replace_numbers,
    foldLetters: resolveFoldLetters(p.fold_letters, script),
  };
}

/**
 * Fits the recipe's model on `examples` (already sampled): what `train` does for the final model
 * and `cv` for each fold. `extra` carries progress, validation data and epoch callbacks.
 */
export async function fitRecipeModel(
  recipe: Recipe,
  labels: readonly string[],
  examples: readonly Example[],
  resolved: ResolvedFeatures,
  extra: Pick<FitInput, 'progress' | 'validation' | 'onEpoch'> = {},
): Promise<Classifier> {
  const fitInput: FitInput = {
    task: recipe.task,
    labels,
    texts: examples.map((e) => e.text),
    targets: encodeTargets(examples, labels, recipe.task),
    seed: recipe.training.seed,
    training: trainingControlsOf(recipe.training, labels),
    ...extra,
  };
  // Ticket routing with one model per tier: each tier's model is the recipe's model (src/usecases/routing).
  if (recipe.routing?.strategy === 'per_tier') return fitPerTierModel(recipe.model, fitInput, textPipelineOf(recipe, resolved), recipe.data.label_path_separator);
  return fitModel(recipe.model, fitInput, textPipelineOf(recipe, resolved));
}
