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
  toState(): ModelState;
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
}

/** A model type: how to train one from a config and how to restore one from its state. */
export interface ModelFactory<Options> {
  readonly type: string;
  fit(input: FitInput, options: Options): Promise<Classifier>;
  fromState(state: ModelState): Classifier;
}
