import { RecipeError } from '../errors.js';
import type { TfidfConfig } from '../features/tfidf.js';
import type { Classifier, FitInput } from '../models/classifier.js';
import { tfidfLogreg } from '../models/tfidf-logreg.js';
import type { ModelSection } from '../recipe/schema.js';
import type { NormalizeConfig } from '../text/normalize.js';

/** The text pipeline every model type shares, resolved from the recipe (and the data, for `auto`). */
export interface TextPipeline {
  normalize: NormalizeConfig;
  tfidf: TfidfConfig;
}

/** Fits the model the recipe's `model.type` names, with that section's options. */
export async function fitModel(model: ModelSection, input: FitInput, text: TextPipeline): Promise<Classifier> {
  switch (model.type) {
    case 'logistic_regression':
      return tfidfLogreg.fit(input, {
        ...text,
        logistic: { C: model.C, maxIter: model.max_iter, tol: model.tol },
        classWeight: model.class_weight,
      });
    default:
      throw new RecipeError(`model.type: "${model.type}" is not available in this build`);
  }
}
