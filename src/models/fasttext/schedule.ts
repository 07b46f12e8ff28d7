import type { LrScheduleKind } from '../classifier.js';

/** The learning-rate schedule of one training run, in plain numbers (it crosses to workers). */
export interface Schedule {
  kind: LrScheduleKind;
  /** Peak learning rate: reached at the end of warm-up, the start without warm-up. */
  lr: number;
  /** Planned epochs (early stopping may end sooner; the schedule does not stretch). */
  epochs: number;
  warmupEpochs: number;
  /** exponential: factor per epoch. */
  lrDecay: number;
}

/**
 * Learning rate at `progress` = (epoch + fraction of it done) / epochs, in [0, 1], as fastText
 * measures it over the whole run. Warm-up rises linearly from 0; the schedule proper runs over
 * what is left, so `linear` still ends at 0. Without warm-up `linear` is exactly fastText's
 * lr · (1 − progress), which keeps default training bit-identical to before schedules existed.
 */
export function learningRate(s: Schedule, progress: number): number {
  const warm = s.warmupEpochs / s.epochs;
  if (progress < warm) return (s.lr * progress) / warm;
  const t = warm > 0 ? (progress - warm) / (1 - warm) : progress;
  switch (s.kind) {
    case 'linear':
      return s.lr * (1 - t);
    case 'constant':
      return s.lr;
    case 'cosine':
      return s.lr * 0.5 * (1 + Math.cos(Math.PI * t));
    case 'exponential':
      // Per epoch after warm-up, continuous within an epoch so there is no step at boundaries.
      return s.lr * Math.pow(s.lrDecay, progress * s.epochs - s.warmupEpochs);
  }
}
