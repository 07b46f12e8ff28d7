/** Messages between the tune coordinator and its trial threads. */
export type ToWorker =
  | {
      type: 'run';
      number: number;
      /** The trial's recipe as a plain object (parsed and validated in the worker). */
      raw: Record<string, unknown>;
      dataDir: string;
      onBadRow?: 'error' | 'skip';
      metric: string;
      /** Score on this fraction of the training rows first and ask whether to go on; null: no pruning. */
      pruneFraction: number | null;
    }
  | { type: 'decision'; number: number; prune: boolean };

export type FromWorker =
  | { type: 'intermediate'; number: number; value: number }
  | {
      type: 'done';
      number: number;
      state: 'complete' | 'pruned' | 'failed';
      value: number | null;
      metrics?: Record<string, number>;
      seconds: number;
      error?: string;
    };
