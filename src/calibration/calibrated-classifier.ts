import type { Classifier, ModelState } from '../models/classifier.js';
import { applyCalibration, type CalibrationState } from './calibrator.js';

/**
 * A fitted model whose scores pass through a calibration map. The weights are the inner model's;
 * the map lives in the manifest, so `toState` is the inner model's state.
 */
export class CalibratedClassifier implements Classifier {
  constructor(
    readonly inner: Classifier,
    readonly calibration: CalibrationState,
  ) {}

  get type(): string {
    return this.inner.type;
  }
  get task(): Classifier['task'] {
    return this.inner.task;
  }
  get labels(): readonly string[] {
    return this.inner.labels;
  }

  predictProba(texts: readonly string[]): Float32Array {
    const K = this.labels.length;
    return applyCalibration(this.calibration, this.task, this.inner.predictProba(texts), texts.length, K);
  }

  /** Present when the inner model scores asynchronously (ONNX); the same map applies. */
  get predictProbaAsync(): ((texts: readonly string[]) => Promise<Float32Array>) | undefined {
    const inner = this.inner;
    if (!inner.predictProbaAsync) return undefined;
    return async (texts) => applyCalibration(this.calibration, this.task, await inner.predictProbaAsync!(texts), texts.length, this.labels.length);
  }

  toState(modelDir?: string): ModelState {
    return this.inner.toState(modelDir);
  }
}
