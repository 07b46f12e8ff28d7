import { RecipeError } from '../../errors.js';
import type { Classifier, FitInput } from '../../models/classifier.js';
import type { ModelSection } from '../../recipe/schema.js';
import { fitModel, type TextPipeline } from '../../train/model-choice.js';
import { fitTiered } from './tiered-classifier.js';

/**
 * `routing.strategy: per_tier`: the recipe's model (features, type, class weights) fitted once per
 * tier, each on that tier's labels, and combined into one distribution over whole paths.
 */
export async function fitPerTierModel(model: ModelSection, input: FitInput, text: TextPipeline, separator: string): Promise<Classifier> {
  try {
    return await fitTiered(input, { separator, fitTier: (tierInput) => fitModel(model, tierInput, text) });
  } catch (e) {
    if (e instanceof RangeError) throw new RecipeError(`routing.strategy: ${e.message}`);
    throw e;
  }
}
