/**
 * The kinds of job a `textclass worker` can run. A kind is a name (the BullMQ job name) and a
 * handler; the worker looks the job's name up here. Batch scoring registers `score-chunk`; other
 * kinds (tuning trials) register themselves the same way and every worker that imports them can run
 * them, with the same retries and stalled-job recovery.
 */
import type { Redis } from 'ioredis';

export interface JobContext {
  /** A client for textclass's own keys (results, progress), shared by the worker's jobs. */
  redis: Redis;
  /** Where the worker looks for models by name (`--models-dir`), if anywhere. */
  modelsDir?: string;
  /** The base folder for recipes' data paths on this worker (`--data-dir`), for tuning trials. */
  dataDir?: string;
  /** `host:pid` of this worker, as results and the progress view name it. */
  worker?: string;
  /** Which attempt this is, from 1. */
  attempt: number;
  /**
   * Lets the worker breathe between slices of a long computation: yields to the event loop so the
   * job's lock is renewed on time (and waits `sliceDelayMs` when the worker was started with one).
   */
  pause: () => Promise<void>;
  /** One line to the worker's log. */
  log: (line: string) => void;
}

export interface JobKind<Data = unknown> {
  /** The BullMQ job name, e.g. `score-chunk`. */
  name: string;
  /** A short description of one job for logs, e.g. `run 3fa2 chunk 7 (rows 35001–40000)`. */
  describe(data: Data): string;
  /**
   * Does the work and stores its result idempotently (a retried job may run twice). Throw a
   * TextclassError for a failure that retrying cannot fix (it fails the job at once); any other
   * error is retried with backoff.
   */
  run(data: Data, context: JobContext): Promise<void>;
  /**
   * The Redis hash holding the progress of the run the job belongs to, if any: the worker records
   * itself and retries there as it starts the job (run-activity.ts), for the progress view.
   */
  progressKey?(data: Data): string;
}

const kinds = new Map<string, JobKind<never>>();

/** Adds a kind; registering the same object again is harmless, a different one under a taken name is a bug. */
export function registerJobKind<Data>(kind: JobKind<Data>): void {
  const existing = kinds.get(kind.name);
  if (existing !== undefined && existing !== (kind as unknown as JobKind<never>)) throw new Error(`job kind "${kind.name}" is already registered`);
  kinds.set(kind.name, kind as unknown as JobKind<never>);
}

export function getJobKind(name: string): JobKind<unknown> | undefined {
  return kinds.get(name) as JobKind<unknown> | undefined;
}

export function jobKindNames(): string[] {
  return [...kinds.keys()].sort();
}
