import type { DialogTargets } from '../../data/dialog-targets.js';
import type { Targets } from '../../data/targets.js';
import type { ManifestBody } from '../../persist/model-dir.js';
import { baselines, priorOf, type Baselines } from './baselines.js';

/**
 * Train and eval report baselines for next-turn dialog models only: their labels are dominated by
 * "no emotion", so accuracy means little without what guessing achieves. Stored in the manifest
 * as `metrics.dev_baselines` (with the training prior, so `eval` can score other data the same way).
 */
export function isNextTurn(dialog: DialogTargets | Record<string, unknown> | undefined): boolean {
  return dialog !== undefined && (dialog as { target?: unknown }).target === 'next_turn';
}

/** Baselines on held-out targets for a next-turn model; null for other models and multilabel targets. */
export function nextTurnBaselines(
  dialog: DialogTargets | undefined,
  labels: readonly string[],
  trainCounts: Record<string, number>,
  targets: Targets | null,
  seed: number,
): Baselines | null {
  if (!isNextTurn(dialog) || targets === null || targets.kind !== 'single') return null;
  return baselines(labels, priorOf(labels, trainCounts), targets.y, seed);
}

/**
 * The same baselines on other data, from what the manifest stored: the prior of its dev baselines,
 * else the training label counts before resampling (models trained before baselines were stored).
 */
export function manifestBaselines(manifest: Pick<ManifestBody, 'dialog' | 'labels' | 'metrics' | 'training'>, targets: Targets): Baselines | null {
  if (!isNextTurn(manifest.dialog) || targets.kind !== 'single') return null;
  const stored = (manifest.metrics?.dev_baselines ?? null) as Baselines | null;
  const training = (manifest.training ?? {}) as { seed?: number; sampling?: { before?: Record<string, number> }; label_counts?: { train?: Record<string, number> } };
  const prior = stored?.prior ?? priorOf(manifest.labels, training.sampling?.before ?? training.label_counts?.train ?? {});
  if (!Object.values(prior).some((p) => p > 0)) return null;
  return baselines(manifest.labels, prior, targets.y, stored?.stratified.seed ?? training.seed ?? 0);
}
