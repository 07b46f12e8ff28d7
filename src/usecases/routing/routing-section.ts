import type { Targets } from '../../data/targets.js';
import type { Recipe } from '../../recipe/schema.js';
import { routingReport, DEFAULT_ROUTING_THRESHOLD, type RoutingReport } from './routing-report.js';

/**
 * What a routing model keeps in its manifest (`routing`): how to read its labels as tiers, the
 * threshold below which a ticket goes to a person, and the dev measurements (curve included).
 */
export interface RoutingSection {
  strategy: 'per_tier' | 'flat';
  separator: string;
  tier_names: string[];
  /** Route down to the deepest tier whose confidence is at least this; tier 1 below it → a person. */
  threshold: number;
  /** Training rows in classes that rare paths were merged into (`…/other`), and how many paths went there. */
  rare_paths: { merged_paths: number; rows_in_merged_classes: number };
  /** Measured on the dev data; null without dev data. */
  dev: RoutingReport | null;
}

export interface RoutingTrainingInput {
  recipe: Recipe;
  labels: readonly string[];
  /** Dev scores (after calibration) and targets; null without dev data. */
  dev: { proba: Float32Array; targets: Targets } | null;
  /** The resolved label map's source → target entries, for counting merged rare paths. */
  labelMap: { map: Record<string, string | null> } | undefined;
  trainLabelCounts: Record<string, number>;
}

/** Builds the manifest's routing section at the end of training; undefined when the recipe has no `routing`. */
export function routingForTraining(input: RoutingTrainingInput): RoutingSection | undefined {
  const { recipe } = input;
  const r = recipe.routing;
  if (!r) return undefined;
  const separator = recipe.data.label_path_separator;
  const tierNames = r.tier_names ?? recipe.data.label_field ?? [];
  const rule = { ...(r.threshold !== undefined ? { threshold: r.threshold } : {}), ...(r.target_precision !== undefined ? { targetPrecision: r.target_precision } : {}) };
  const dev =
    input.dev && input.dev.targets.kind === 'single'
      ? routingReport(input.labels, separator, input.dev.proba, input.dev.targets.y, { strategy: r.strategy, tierNames, rule, measuredOn: 'dev' })
      : null;
  const mergedTargets = new Set(Object.values(input.labelMap?.map ?? {}).filter((t): t is string => t !== null));
  let rows = 0;
  for (const [label, n] of Object.entries(input.trainLabelCounts)) if (mergedTargets.has(label)) rows += n;
  return {
    strategy: r.strategy,
    separator,
    tier_names: dev?.tier_names ?? tierNames.slice(),
    threshold: dev?.threshold.value ?? r.threshold ?? DEFAULT_ROUTING_THRESHOLD,
    rare_paths: { merged_paths: Object.values(input.labelMap?.map ?? {}).filter((t) => t !== null).length, rows_in_merged_classes: rows },
    dev,
  };
}

/** What `eval` adds for a routing model: `routing`, the report on the evaluated file at the model's threshold. */
export interface EvalRoutingFields {
  routing?: RoutingReport;
}

export function routingForEval(manifest: { labels: readonly string[]; routing?: RoutingSection }, targets: Targets, proba: Float32Array): EvalRoutingFields {
  const r = manifest.routing;
  if (!r || targets.kind !== 'single') return {};
  return { routing: routingReport(manifest.labels, r.separator, proba, targets.y, { strategy: r.strategy, tierNames: r.tier_names, rule: { threshold: r.threshold }, measuredOn: 'eval' }) };
}

/** `cv` of a routing recipe: the routing report on the pooled out-of-fold scores (null for other recipes). */
export function routingForCv(recipe: Recipe, labels: readonly string[], outOfFold: Float32Array, targets: Targets): RoutingReport | null {
  const r = recipe.routing;
  if (!r || targets.kind !== 'single') return null;
  const rule = { ...(r.threshold !== undefined ? { threshold: r.threshold } : {}), ...(r.target_precision !== undefined ? { targetPrecision: r.target_precision } : {}) };
  return routingReport(labels, recipe.data.label_path_separator, outOfFold, targets.y, { strategy: r.strategy, tierNames: r.tier_names ?? recipe.data.label_field ?? [], rule, measuredOn: 'out-of-fold' });
}
