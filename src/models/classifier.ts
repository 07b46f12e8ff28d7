import type { Task, Targets } from '../data/targets.js';

/**
 * A model's persisted form: JSON-able configuration plus named binary arrays. The model-dir
 * module writes each array to its own file with a checksum; models never touch the file system.
 */
export interface ModelState {
  /** Registry key of the model type, e.g. `tfidf-logreg`. */
  type: string;
  /** Plain JSON configuration and small parameters. */
  config: Record<string, unknown>;
  /** Weight arrays by name; names become file names (`<name>.bin`). */
  arrays: Record<string, Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array>;
}

/**
 * The contract every fitted model meets. Scores are row-major `n × labels.length`:
 * softmax probabilities for single-label tasks, independent sigmoids for multilabel.
 */
export interface Classifier {
  readonly type: string;
  readonly task: Task;
  readonly labels: readonly string[];
  predictProba(texts: readonly string[]): Float32Array;
  /**
   * Models that score asynchronously (ONNX runtimes) implement this, and their predictProba
   * throws; callers that may meet them go through scoreInBatches (src/models/score-texts.ts).
   */
  predictProbaAsync?(texts: readonly string[]): Promise<Float32Array>;
  /** `modelDir`: the folder the state is saved into, for models that refer to files beside it. */
  toState(modelDir?: string): ModelState;
}

/** Reports training progress; `done` and `total` are in the trainer's own units. */
export type ProgressFn = (phase: string, done: number, total: number) => void;

export interface FitInput {
  task: Task;
  labels: readonly string[];
  texts: readonly string[];
  targets: Targets;
  /** Optional per-row weights (class weighting is folded in here by the trainer). */
  sampleWeights?: Float32Array;
  seed: number;
  progress?: ProgressFn;
  /** Held-out data scored after every epoch by gradient-trained models (early stopping, curves). */
  validation?: { texts: readonly string[]; targets: Targets };
  /** Loss, learning-rate schedule and early stopping of gradient-trained models; others ignore it. */
  training?: TrainingControls;
  /** Called after each training epoch by models that train in epochs. */
  onEpoch?: (record: EpochRecord) => void;
}

/** How a gradient-trained model optimizes: the recipe's `training` section, camelCased. */
export interface TrainingControls {
  /** cross_entropy (softmax / sigmoid log loss) or focal (Lin et al. 2017). */
  loss: 'cross_entropy' | 'focal';
  /** Focal loss exponent γ of (1 − p_t)^γ; 0 makes focal loss (α aside) cross entropy. */
  focalGamma: number;
  /** Focal α: none, one for every label, or per label name (labels left out get 0.5). */
  focalAlpha: number | Readonly<Record<string, number>> | null;
  lrSchedule: LrScheduleKind;
  /** Epochs of linear warm-up from 0 to the initial learning rate (may be fractional). */
  warmupEpochs: number;
  /** exponential schedule: the learning rate is multiplied by this every epoch. */
  lrDecay: number;
  /** L2 strength applied to the rows an example touches, at each update. 0 = none. */
  weightDecay: number;
  /** Largest norm of the hidden-layer gradient of one example; null = no clipping. */
  clipGradNorm: number | null;
  earlyStopping: EarlyStopping | null;
}

export type LrScheduleKind = 'linear' | 'constant' | 'cosine' | 'exponential';
export type EarlyStoppingMetric = 'accuracy' | 'balanced_accuracy' | 'macro_f1' | 'micro_f1' | 'loss';

export interface EarlyStopping {
  /** Dev metric watched after every epoch; `loss` (dev log loss, or mean BCE for multilabel) is minimized. */
  metric: EarlyStoppingMetric;
  /** Epochs without an improvement of more than minDelta before training stops. */
  patience: number;
  minDelta: number;
}

/** The controls that reproduce plain fastText training (cross entropy, linear decay, nothing else). */
export const DEFAULT_TRAINING_CONTROLS: TrainingControls = {
  loss: 'cross_entropy',
  focalGamma: 2,
  focalAlpha: null,
  lrSchedule: 'linear',
  warmupEpochs: 0,
  lrDecay: 0.5,
  weightDecay: 0,
  clipGradNorm: null,
  earlyStopping: null,
};

/** One epoch of a gradient-trained model's curve. */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Mean training objective over the epoch's examples, measured before each update. */
  trainLoss: number;
  /** Mean learning rate over the epoch. */
  lr: number;
  /** The early-stopping metric on the validation data after this epoch (absent without early stopping). */
  dev?: number;
}

/** What a gradient-trained model records while training; it goes into the manifest. */
export interface EpochTrace {
  epochs: EpochRecord[];
  /** The watched metric, when early stopping was on. */
  metric: EarlyStoppingMetric | null;
  /** 1-based epoch whose weights the model keeps (the last one without early stopping). */
  bestEpoch: number;
  stoppedEarly: boolean;
}

/** A model type: how to train one from a config and how to restore one from its state. */
export interface ModelFactory<Options> {
  readonly type: string;
  fit(input: FitInput, options: Options): Promise<Classifier>;
  /** `modelDir`: the folder the state was read from, for models that refer to files beside it. */
  fromState(state: ModelState, modelDir?: string): Classifier;
}
