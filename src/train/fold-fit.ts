import type { Example } from '../data/types.js';
import type { ProgressFn } from '../models/classifier.js';
import { scoreInBatches } from '../models/score-texts.js';
import type { Recipe } from '../recipe/schema.js';
import { fitRecipeModel } from './fit-recipe.js';
import { resample } from './prepare-data.js';
import type { ResolvedFeatures } from './text-defaults.js';

/**
 * Fits the recipe's model on every row outside `heldOutRows` (after the recipe's sampling) and
 * returns its scores of the held-out rows, `heldOutRows.length × labels.length`. Cross-validation
 * runs this on the main thread and in fold workers alike, so both give the same bytes.
 */
export async function fitAndScoreFold(
  recipe: Recipe,
  labels: readonly string[],
  examples: readonly Example[],
  heldOutRows: readonly number[],
  resolved: ResolvedFeatures,
  progress: ProgressFn | undefined,
): Promise<Float32Array> {
  const inFold = new Uint8Array(examples.length);
  for (const i of heldOutRows) inFold[i] = 1;
  const trainRows = examples.filter((_, i) => inFold[i] === 0);
  const sampled = resample(recipe, trainRows).rows;
  const classifier = await fitRecipeModel(recipe, labels, sampled, resolved, { progress });
  return scoreInBatches(classifier, heldOutRows.map((i) => examples[i].text));
}
