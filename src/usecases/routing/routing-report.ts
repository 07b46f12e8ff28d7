import { buildLabelTree, decodeRoute, routedDepth, tierProbabilities, type LabelTree, type RouteStep } from './label-tree.js';

/**
 * How a routing model does on labelled tickets: per-tier accuracy and macro-F1 of the consistent
 * route, exact-path accuracy, and the abstention curve (how many tickets are routed and how often
 * their route is right as the "send to a person" threshold moves). Stored in the manifest as
 * `routing` and printed by train and eval; the snake_case keys are a public interface.
 */
export interface RoutingReport {
  strategy: 'per_tier' | 'flat';
  separator: string;
  tier_names: string[];
  n: number;
  tiers: TierMetrics[];
  /** Fraction of tickets whose whole decoded path equals the true path. */
  path_accuracy: number;
  /** Precision and coverage at thresholds 0, 0.01, … 1. */
  curve: CurvePoint[];
  threshold: ChosenThreshold;
  /** What the data the report was measured on was (e.g. `dev`). */
  measured_on: string;
}

export interface TierMetrics {
  tier: number;
  name: string;
  /** Tickets whose true path reaches this tier. */
  n: number;
  accuracy: number;
  /** Macro-F1 over the tier's nodes seen in the true or predicted answers (scikit-learn's default label set). */
  macro_f1: number;
  /** Nodes of the tier in the model. */
  nodes: number;
}

export interface CurvePoint {
  threshold: number;
  /** Fraction of tickets routed (tier-1 confidence ≥ threshold); the rest go to a person. */
  coverage: number;
  /** Of the routed tickets, the fraction whose route (down to the tier it stops at) is right. */
  precision: number;
  /** Of the routed tickets, the fraction whose tier-1 answer is right. */
  tier1_precision: number;
  /** Mean number of tiers routed tickets go down. */
  mean_depth: number;
}

export interface ChosenThreshold {
  value: number;
  chosen_by: 'fixed' | 'target_precision' | 'default';
  target_precision?: number;
  /** target_precision only: whether some threshold reached it (else the most precise one was taken). */
  reached?: boolean;
  coverage: number;
  precision: number;
}

export interface ThresholdRule {
  threshold?: number;
  targetPrecision?: number;
}

/** The threshold used when the recipe names neither a threshold nor a target precision. */
export const DEFAULT_ROUTING_THRESHOLD = 0.5;

export function routingReport(
  labels: readonly string[],
  separator: string,
  proba: Float32Array,
  yTrue: Int32Array,
  opts: { strategy: 'per_tier' | 'flat'; tierNames?: readonly string[]; rule: ThresholdRule; measuredOn: string },
): RoutingReport {
  const tree = buildLabelTree(labels, separator);
  const K = labels.length;
  const n = yTrue.length;
  const routes: RouteStep[][] = [];
  for (let i = 0; i < n; i++) routes.push(decodeRoute(tree, tierProbabilities(tree, proba, i * K)));
  const tierNames = tree.tiers.map((_, k) => opts.tierNames?.[k] ?? `tier ${k + 1}`);
  const tiers = tree.tiers.map((nodes, k) => tierMetrics(tree, routes, yTrue, k, tierNames[k], nodes.length));
  let exact = 0;
  for (let i = 0; i < n; i++) exact += routes[i].length > 0 && routes[i][routes[i].length - 1].path === labels[yTrue[i]] ? 1 : 0;
  const curve = abstentionCurve(tree, routes, yTrue);
  return {
    strategy: opts.strategy,
    separator,
    tier_names: tierNames,
    n,
    tiers,
    path_accuracy: n > 0 ? exact / n : 0,
    curve,
    threshold: chooseThreshold(curve, opts.rule),
    measured_on: opts.measuredOn,
  };
}

function tierMetrics(tree: LabelTree, routes: readonly RouteStep[][], yTrue: Int32Array, k: number, name: string, nodes: number): TierMetrics {
  const truth: number[] = [];
  const pred: number[] = [];
  for (let i = 0; i < yTrue.length; i++) {
    const t = tree.nodeOf[k][yTrue[i]];
    if (t === -1) continue;
    truth.push(t);
    pred.push(routes[i].length > k ? routes[i][k].node : -1);
  }
  return { tier: k + 1, name, n: truth.length, accuracy: accuracy(truth, pred), macro_f1: macroF1(truth, pred), nodes };
}

function accuracy(truth: readonly number[], pred: readonly number[]): number {
  let right = 0;
  for (let i = 0; i < truth.length; i++) right += truth[i] === pred[i] ? 1 : 0;
  return truth.length > 0 ? right / truth.length : 0;
}

/** Macro-F1 over the classes present in truth or predictions (-1, "no answer at this tier", counts only as a miss). */
export function macroF1(truth: readonly number[], pred: readonly number[]): number {
  const classes = new Set<number>();
  for (const t of truth) classes.add(t);
  for (const p of pred) if (p !== -1) classes.add(p);
  if (classes.size === 0) return 0;
  let sum = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (pred[i] === c && truth[i] === c) tp++;
      else if (pred[i] === c) fp++;
      else if (truth[i] === c) fn++;
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / classes.size;
}

/** Points at thresholds 0, 0.01, …, 1: coverage, route precision, tier-1 precision and mean depth of routed tickets. */
export function abstentionCurve(tree: LabelTree, routes: readonly RouteStep[][], yTrue: Int32Array): CurvePoint[] {
  const n = yTrue.length;
  const points: CurvePoint[] = [];
  for (let s = 0; s <= 100; s++) {
    const threshold = s / 100;
    let routed = 0;
    let right = 0;
    let tier1Right = 0;
    let depthSum = 0;
    for (let i = 0; i < n; i++) {
      const d = routedDepth(routes[i], threshold);
      if (d === 0) continue;
      routed++;
      depthSum += d;
      const truePath = tree.labels[yTrue[i]];
      const routedPath = routes[i][d - 1].path;
      if (isPrefixPath(routedPath, truePath, tree.separator)) right++;
      if (routes[i][0].node === tree.nodeOf[0][yTrue[i]]) tier1Right++;
    }
    points.push({
      threshold,
      coverage: n > 0 ? routed / n : 0,
      precision: routed > 0 ? right / routed : 0,
      tier1_precision: routed > 0 ? tier1Right / routed : 0,
      mean_depth: routed > 0 ? depthSum / routed : 0,
    });
  }
  return points;
}

/** True when `prefix` is `path` or one of its ancestors. */
export function isPrefixPath(prefix: string, path: string, separator: string): boolean {
  return path === prefix || path.startsWith(prefix + separator);
}

/**
 * The threshold the model routes with: a fixed one, or the lowest threshold of the curve whose
 * routed tickets reach the target precision (the most coverage at that precision); when none
 * reaches it, the most precise point, marked `reached: false`.
 */
export function chooseThreshold(curve: readonly CurvePoint[], rule: ThresholdRule): ChosenThreshold {
  const at = (t: number): CurvePoint => curve.reduce((best, p) => (Math.abs(p.threshold - t) < Math.abs(best.threshold - t) ? p : best), curve[0]);
  if (rule.targetPrecision !== undefined) {
    const target = rule.targetPrecision;
    const hit = curve.find((p) => p.coverage > 0 && p.precision >= target);
    if (hit) return { value: hit.threshold, chosen_by: 'target_precision', target_precision: target, reached: true, coverage: hit.coverage, precision: hit.precision };
    const best = curve.filter((p) => p.coverage > 0).reduce((b, p) => (p.precision > b.precision ? p : b), curve[0]);
    return { value: best.threshold, chosen_by: 'target_precision', target_precision: target, reached: false, coverage: best.coverage, precision: best.precision };
  }
  const value = rule.threshold ?? DEFAULT_ROUTING_THRESHOLD;
  const p = at(value);
  return { value, chosen_by: rule.threshold !== undefined ? 'fixed' : 'default', coverage: p.coverage, precision: p.precision };
}

/** The curve point nearest a threshold (the page and the CLI show coverage and precision there). */
export function curveAt(curve: readonly CurvePoint[], threshold: number): CurvePoint | undefined {
  if (curve.length === 0) return undefined;
  return curve.reduce((best, p) => (Math.abs(p.threshold - threshold) < Math.abs(best.threshold - threshold) ? p : best), curve[0]);
}
