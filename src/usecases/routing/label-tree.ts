/**
 * The tiers of a model whose labels are paths (`4/2/7`): which nodes each tier has, and how a
 * probability distribution over whole paths becomes per-tier probabilities and one consistent
 * route, every tier's answer a child of the tier above.
 */

export interface LabelTree {
  separator: string;
  /** The model's labels (leaf paths), in model order. */
  labels: readonly string[];
  /** Number of tiers: the depth of the deepest path. */
  depth: number;
  /** tiers[k]: the distinct depth-(k+1) prefixes, in order of first appearance in `labels`. */
  tiers: string[][];
  /** parent[k][m]: index in tiers[k-1] of node m's parent (-1 at tier 1). */
  parent: Int32Array[];
  /** nodeOf[k][j]: index in tiers[k] of label j's depth-(k+1) prefix, -1 where label j is shorter. */
  nodeOf: Int32Array[];
}

export function buildLabelTree(labels: readonly string[], separator: string): LabelTree {
  const parts = labels.map((l) => l.split(separator));
  const depth = Math.max(...parts.map((p) => p.length));
  const tiers: string[][] = [];
  const parent: Int32Array[] = [];
  const nodeOf: Int32Array[] = [];
  for (let k = 0; k < depth; k++) {
    const index = new Map<string, number>();
    const nodes: string[] = [];
    const parents: number[] = [];
    const of = new Int32Array(labels.length).fill(-1);
    parts.forEach((p, j) => {
      if (p.length <= k) return;
      const node = p.slice(0, k + 1).join(separator);
      let m = index.get(node);
      if (m === undefined) {
        m = nodes.length;
        index.set(node, m);
        nodes.push(node);
        parents.push(k === 0 ? -1 : nodeOf[k - 1][j]);
      }
      of[j] = m;
    });
    tiers.push(nodes);
    parent.push(Int32Array.from(parents));
    nodeOf.push(of);
  }
  return { separator, labels, depth, tiers, parent, nodeOf };
}

/** The last part of a node's path (what a breadcrumb shows): `4/2/7` → `7`. */
export function nodeName(tree: LabelTree, node: string): string {
  const i = node.lastIndexOf(tree.separator);
  return i === -1 ? node : node.slice(i + tree.separator.length);
}

/** Per-tier probabilities of one row: tierProba[k][m] = the summed probability of the paths through node m. */
export function tierProbabilities(tree: LabelTree, proba: ArrayLike<number>, offset = 0): Float64Array[] {
  const out = tree.tiers.map((nodes) => new Float64Array(nodes.length));
  for (let j = 0; j < tree.labels.length; j++) {
    const p = proba[offset + j];
    for (let k = 0; k < tree.depth; k++) {
      const m = tree.nodeOf[k][j];
      if (m === -1) break;
      out[k][m] += p;
    }
  }
  return out;
}

/** One tier of a route: the node chosen there and the probability that the path through it is right. */
export interface RouteStep {
  /** 0-based tier. */
  tier: number;
  /** The node's index in tree.tiers[tier]. */
  node: number;
  /** The whole prefix, e.g. `4/2`. */
  path: string;
  /** Its last part, e.g. `2`. */
  label: string;
  /** P(the path down to this tier is right): never more than the tier above's. */
  confidence: number;
}

/**
 * The most probable node at tier 1, then the most probable child of it at tier 2, and so on:
 * a consistent path. Stops where a node has no children, or where the probability of stopping
 * at it (a path that ends there) beats every child.
 */
export function decodeRoute(tree: LabelTree, tierProba: readonly Float64Array[]): RouteStep[] {
  const steps: RouteStep[] = [];
  let chosen = -1;
  for (let k = 0; k < tree.depth; k++) {
    let best = -1;
    let childMass = 0;
    for (let m = 0; m < tree.tiers[k].length; m++) {
      if (k > 0 && tree.parent[k][m] !== chosen) continue;
      childMass += tierProba[k][m];
      if (best === -1 || tierProba[k][m] > tierProba[k][best]) best = m;
    }
    if (best === -1) break;
    if (k > 0) {
      const stopMass = tierProba[k - 1][chosen] - childMass;
      if (stopMass > tierProba[k][best] + 1e-12) break;
    }
    chosen = best;
    const path = tree.tiers[k][best];
    steps.push({ tier: k, node: best, path, label: nodeName(tree, path), confidence: Math.min(1, tierProba[k][best]) });
  }
  return steps;
}

/**
 * How many tiers of the route a ticket is sent down at `threshold`: the leading steps whose
 * confidence is at least the threshold (0: nobody is sure enough, a person routes it).
 */
export function routedDepth(steps: readonly RouteStep[], threshold: number): number {
  let d = 0;
  while (d < steps.length && steps[d].confidence >= threshold) d++;
  return d;
}
