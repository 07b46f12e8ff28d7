import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';
import { UsageError } from '../errors.js';
import type { OnnxFeatures } from './featurize-for-onnx.js';

/**
 * Running an exported graph with onnxruntime-node (an optional dependency: exporting never needs
 * it, only the tests, the bench and Node callers that run the graph).
 */
export type OrtModule = typeof Ort;

const require = createRequire(import.meta.url);

/** onnxruntime-node, or null when it is not installed. */
export function tryLoadOrt(): OrtModule | null {
  try {
    return require('onnxruntime-node') as OrtModule;
  } catch {
    return null;
  }
}

export function loadOrt(): OrtModule {
  const ort = tryLoadOrt();
  if (!ort) throw new UsageError('onnxruntime-node is not installed (npm install onnxruntime-node, with ONNXRUNTIME_NODE_INSTALL=skip offline)');
  return ort;
}

/** Probabilities [batch × K], row-major, for features from OnnxFeaturizer. */
export async function runExported(ort: OrtModule, session: Ort.InferenceSession, x: OnnxFeatures): Promise<Float32Array> {
  const result = await session.run({
    feature_ids: new ort.Tensor('int64', x.ids, [x.batch, x.width]),
    feature_values: new ort.Tensor('float32', x.values, [x.batch, x.width]),
  });
  return result.probabilities.data as Float32Array;
}
