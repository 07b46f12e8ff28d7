import { RecipeError } from '../errors.js';
import type { EpochRecord, EpochTrace, TrainingControls } from '../models/classifier.js';
import type { Recipe } from '../recipe/schema.js';

/**
 * The recipe's `training` section as the models' TrainingControls. Per-label focal α can only be
 * checked here, against the labels the training data turned out to have.
 */
export function trainingControlsOf(training: Recipe['training'], labels: readonly string[]): TrainingControls {
  const alpha = training.focal_alpha;
  if (alpha !== null && typeof alpha === 'object') {
    const unknown = Object.keys(alpha).filter((l) => !labels.includes(l));
    if (unknown.length > 0) {
      throw new RecipeError(`training.focal_alpha: ${unknown.map((l) => `"${l}"`).join(', ')} ${unknown.length > 1 ? 'are not labels' : 'is not a label'} of the model (labels: ${labels.join(', ')})`);
    }
  }
  const es = training.early_stopping;
  return {
    loss: training.loss,
    focalGamma: training.focal_gamma,
    focalAlpha: alpha,
    lrSchedule: training.lr_schedule,
    warmupEpochs: training.warmup_epochs,
    lrDecay: training.lr_decay,
    weightDecay: training.weight_decay,
    clipGradNorm: training.clip_grad_norm,
    earlyStopping: es ? { metric: es.metric, patience: es.patience, minDelta: es.min_delta } : null,
  };
}

/** The manifest's form of an epoch curve: snake_case, the dev value under `dev_<metric>`. */
export function manifestTrace(trace: EpochTrace): Record<string, unknown> {
  return {
    epochs: trace.epochs.map((r) => ({
      epoch: r.epoch,
      train_loss: r.trainLoss,
      ...(r.dev !== undefined && trace.metric ? { [`dev_${trace.metric}`]: r.dev } : {}),
      lr: r.lr,
    })),
    best_epoch: trace.bestEpoch,
    stopped_early: trace.stoppedEarly,
    ...(trace.metric ? { early_stopping_metric: trace.metric } : {}),
  };
}

/** One line per epoch for a person watching: `epoch 3/20  train loss 1.2345  dev balanced_accuracy 0.4012  lr 0.2500`. */
export function epochLine(r: EpochRecord, epochs: number, metric: string | null): string {
  const dev = r.dev !== undefined && metric ? `  dev ${metric} ${r.dev.toFixed(4)}` : '';
  return `epoch ${r.epoch}/${epochs}  train loss ${r.trainLoss.toFixed(4)}${dev}  lr ${r.lr.toPrecision(4)}`;
}
