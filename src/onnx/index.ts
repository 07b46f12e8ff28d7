/**
 * `textclass/onnx`: Hugging Face–format models on onnxruntime (docs/onnx.md). A separate entry
 * point so that `textclass` itself never loads @huggingface/transformers or onnxruntime-node;
 * even here they load only when a model is first used.
 */
export { OnnxTextModel, type TextModelOptions, type TextModelOutput, type TextScores } from './text-model.js';
export { OnnxReadyClassifier, OnnxEncoderHeadClassifier, AsyncOnlyModelError, mapModelProbabilities, embedTexts, type CombineTfidf, type HeadKind } from './classifiers.js';
export { EncoderRef, type EncoderSettings, type EncoderRefState } from './encoder-ref.js';
export { fitOnnxModel, labelMapping, encoderSettingsOf, type OnnxModelSection } from './fit.js';
export { EmbeddingCache, textHash } from './embedding-cache.js';
export { fitMlp, mlpProba, type MlpWeights, type MlpOptions } from './mlp-head.js';
export { windowStarts, windowCount, defaultStride, aggregateRows, type WindowAggregate, type WindowPlan } from './windows.js';
export { lengthSortedBatches, padBatch, meanPool } from './batching.js';
export { resolveModelSource, readModelFolder, defaultCacheDir, type ModelSource, type ModelConfig } from './model-files.js';
export { loadTransformers, OnnxRuntimeMissingError } from './runtime.js';
export { scoreInBatches } from '../models/score-texts.js';
