import { ModelFormatError } from '../errors.js';
import type { Classifier, ModelFactory, ModelState } from './classifier.js';
import { fasttextModel } from './fasttext/index.js';
import { naiveBayes } from './naive-bayes.js';
import { nbsvm } from './nbsvm.js';
import { tfidfLogreg } from './tfidf-logreg.js';
import { tfidfSvm } from './tfidf-svm.js';
import { onnxEncoderHead, onnxReadyClassifier } from '../onnx/factories.js';
import { createTieredFactory, TIERED_MODEL_TYPE } from '../usecases/routing/tiered-classifier.js';

/** Every model type a manifest may name. New model types register here. */
const FACTORIES: Record<string, ModelFactory<never>> = {
  [tfidfLogreg.type]: tfidfLogreg as ModelFactory<never>,
  [tfidfSvm.type]: tfidfSvm as ModelFactory<never>,
  [naiveBayes.type]: naiveBayes as ModelFactory<never>,
  [nbsvm.type]: nbsvm as ModelFactory<never>,
  [fasttextModel.type]: fasttextModel as ModelFactory<never>,
  // ONNX models: restoring needs no runtime; onnxruntime loads at their first prediction.
  [onnxReadyClassifier.type]: onnxReadyClassifier as ModelFactory<never>,
  [onnxEncoderHead.type]: onnxEncoderHead as ModelFactory<never>,
  // Ticket routing, one model per tier (src/usecases/routing); its tier models restore through this registry.
  [TIERED_MODEL_TYPE]: createTieredFactory((state, dir) => restoreClassifier(state, dir)) as ModelFactory<never>,
};

export function restoreClassifier(state: ModelState, modelDir: string): Classifier {
  const factory = FACTORIES[state.type];
  if (!factory) throw new ModelFormatError(modelDir, `unknown model type "${state.type}"; this textclass knows ${Object.keys(FACTORIES).join(', ')}`);
  return factory.fromState(state, modelDir);
}
