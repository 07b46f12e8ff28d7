/**
 * The median rule of early stopping, as one pure function so the local sweep (tune.ts) and the
 * workers of a distributed sweep (distributed/tune-trial-job.ts) prune by exactly the same rule.
 */

export interface PruneDecision {
  prune: boolean;
  /** The median of the other trials' values at the pruning fraction, once there are enough of them. */
  median?: number;
}

/**
 * A trial whose value at the pruning fraction is worse than the median of the other trials' values
 * at that fraction is pruned, once at least `warmupTrials` other trials have such a value.
 * `direction` says which way is better.
 */
export function medianRule(value: number, others: readonly number[], warmupTrials: number, direction: 'maximize' | 'minimize'): PruneDecision {
  if (others.length < warmupTrials || others.length === 0) return { prune: false };
  const sign = direction === 'maximize' ? -1 : 1;
  // As losses (smaller is better) so one comparison serves both directions.
  const losses = others.map((v) => sign * v).sort((a, b) => a - b);
  const mid = losses.length >> 1;
  const median = losses.length % 2 ? losses[mid] : (losses[mid - 1] + losses[mid]) / 2;
  return { prune: sign * value > median, median: sign * median };
}
