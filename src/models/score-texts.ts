import type { Classifier } from './classifier.js';

/**
 * Scores `texts` in batches with any classifier: through predictProbaAsync when the model scores
 * asynchronously (ONNX runtimes), else predictProba. The async twin of predictInBatches
 * (src/eval/evaluate.ts), for the paths that may meet such models: train's dev and test scores,
 * `eval`, `predict` and the server's predict route.
 */
export async function scoreInBatches(classifier: Classifier, texts: readonly string[], batchSize = 4096, onBatch?: (done: number) => void): Promise<Float32Array> {
  const K = classifier.labels.length;
  const out = new Float32Array(texts.length * K);
  for (let start = 0; start < texts.length; start += batchSize) {
    const batch = texts.slice(start, start + batchSize);
    out.set(classifier.predictProbaAsync ? await classifier.predictProbaAsync(batch) : classifier.predictProba(batch), start * K);
    onBatch?.(Math.min(texts.length, start + batchSize));
  }
  return out;
}
