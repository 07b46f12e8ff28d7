/**
 * Rare classes of a hierarchical label (tier 1/2/3 joined into one path) merged within their
 * parent: a tier node with fewer training rows than the minimum becomes its parent's "other"
 * child, so a rare sub-sub-category still routes to the right category and sub-category.
 */

/** Every prefix of a path, shortest first: `4/2/7` → `4`, `4/2`, `4/2/7`. */
export function pathPrefixes(label: string, separator: string): string[] {
  const parts = label.split(separator);
  return parts.map((_, k) => parts.slice(0, k + 1).join(separator));
}

/**
 * Where each path goes: counted top-down, a node (a prefix) with fewer than `minCount` rows below
 * it is replaced by `<parent>/<rareLabel>` and the path stops there; a rare tier-1 node becomes
 * `rareLabel` itself. Paths that stay as they are are left out of the result.
 */
export function mergeRarePaths(counts: ReadonlyMap<string, number>, separator: string, minCount: number, rareLabel: string): Map<string, string> {
  const nodeCount = new Map<string, number>();
  for (const [label, n] of counts) for (const p of pathPrefixes(label, separator)) nodeCount.set(p, (nodeCount.get(p) ?? 0) + n);
  const merged = new Map<string, string>();
  for (const label of counts.keys()) {
    const prefixes = pathPrefixes(label, separator);
    for (let k = 0; k < prefixes.length; k++) {
      if ((nodeCount.get(prefixes[k]) ?? 0) >= minCount) continue;
      merged.set(label, k === 0 ? rareLabel : `${prefixes[k - 1]}${separator}${rareLabel}`);
      break;
    }
  }
  return merged;
}

/**
 * The target of a path never seen in training (a rare class that only turns up in a test file):
 * the `rareLabel` child of its deepest ancestor that has one among the model's labels, else the
 * top-level `rareLabel` when the model has it, else the path unchanged (it then fails as a label
 * the model does not know, naming it).
 */
export function unseenPathTarget(label: string, separator: string, rareLabel: string, targets: ReadonlySet<string>): string {
  const prefixes = pathPrefixes(label, separator);
  for (let k = prefixes.length - 2; k >= 0; k--) {
    const candidate = `${prefixes[k]}${separator}${rareLabel}`;
    if (targets.has(candidate)) return candidate;
  }
  return targets.has(rareLabel) ? rareLabel : label;
}
