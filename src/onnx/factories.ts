import type { ModelFactory } from '../models/classifier.js';
import { HEAD_TYPE, headFromState, READY_TYPE, readyFromState } from './classifiers.js';

/**
 * The registry's entries for ONNX models. Restoring one checks the encoder's files and checksum
 * but loads no runtime: @huggingface/transformers and onnxruntime are imported at the first
 * prediction. Fitting goes through the recipe (src/onnx/fit.ts, imported on demand).
 */
function fitThroughRecipe(): never {
  throw new Error('ONNX models are built from a recipe (model.type: onnx); see fitOnnxModel in src/onnx/fit.ts');
}

export const onnxReadyClassifier: ModelFactory<never> = { type: READY_TYPE, fit: async () => fitThroughRecipe(), fromState: readyFromState };
export const onnxEncoderHead: ModelFactory<never> = { type: HEAD_TYPE, fit: async () => fitThroughRecipe(), fromState: headFromState };
