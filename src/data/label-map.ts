import { mergeRarePaths, unseenPathTarget } from './rare-paths.js';
import type { Example } from './types.js';

/**
 * Label engineering resolved to plain data: where each source label goes. A model stores this in
 * its manifest and applies it to every file it evaluates, so "anger+disgust" or "neutral dropped"
 * means the same thing at training and at test time.
 */
export interface LabelMap {
  /** Source label → target label, or null to drop it. Labels not listed pass through unchanged. */
  map: Record<string, string | null>;
  /**
   * Where labels never seen while the map was built go (a class too rare to appear in train may
   * still turn up in a test file): a target label, null to drop, or undefined to pass through
   * unchanged (and then fail as a label the model does not know).
   */
  unseen?: string | null;
  /** Every source label the map was built from; `unseen` applies to labels outside this list. */
  known: string[];
  /**
   * Hierarchical labels with `rare_scope: parent`: a path outside `known` goes to the `rareLabel`
   * child of its deepest ancestor among `targets` (src/usecases/routing/rare-paths.ts).
   */
  unseenPath?: { separator: string; rareLabel: string; targets: string[] };
}

/** The label rules of a recipe, before they meet the data. */
export interface LabelRules {
  /** Target → source labels, from `merge` and a grouping file such as GoEmotions' ekman_mapping.json. */
  groups?: Record<string, string[]>;
  /** What happens to labels no group mentions when groups are given. */
  ungrouped?: 'keep' | 'drop';
  rename?: Record<string, string>;
  drop?: string[];
  /** Classes with fewer training rows than this (after the rules above) are dropped or merged. */
  minCount?: number;
  rare?: 'drop' | 'merge';
  /** The class rare labels are merged into. */
  rareLabel?: string;
  /** Hierarchical labels: `parent` merges a rare tier node into its parent's rareLabel child. */
  rareScope?: 'global' | 'parent';
  /** Joins the tiers of a hierarchical label (for rareScope parent). */
  pathSeparator?: string;
}

/** Thrown for rules that contradict each other; the caller turns it into a RecipeError. */
export class LabelRuleConflict extends Error {}

/**
 * The part of the rules that needs no data: groups, then rename, then drop. Returns the target of
 * one source label (null = dropped).
 */
export function staticMapping(rules: LabelRules): (label: string) => string | null {
  const grouped = new Map<string, string>();
  for (const [target, sources] of Object.entries(rules.groups ?? {})) {
    for (const s of sources) {
      const prev = grouped.get(s);
      if (prev !== undefined && prev !== target) throw new LabelRuleConflict(`label "${s}" is put in two groups, "${prev}" and "${target}"`);
      grouped.set(s, target);
    }
  }
  const hasGroups = grouped.size > 0;
  const dropUngrouped = rules.ungrouped === 'drop';
  const rename = new Map(Object.entries(rules.rename ?? {}));
  const drop = new Set(rules.drop ?? []);
  return (label) => {
    let l: string | null = label;
    if (hasGroups) l = grouped.get(label) ?? (dropUngrouped ? null : label);
    if (l === null) return null;
    l = rename.get(l) ?? l;
    return drop.has(l) ? null : l;
  };
}

/**
 * Resolves the rules against the training examples: counts each class after the static rules and
 * folds the rare-class rule in. `sourceLabels` are all labels the reader can produce that are
 * known up front (declared label names), so they are mapped even when absent from train.
 */
export function resolveLabelMap(rules: LabelRules, train: readonly Example[], sourceLabels: readonly string[] = []): LabelMap {
  const stage1 = staticMapping(rules);
  const known = new Set<string>(sourceLabels);
  for (const e of train) for (const l of e.labels) known.add(l);

  const counts = new Map<string, number>();
  for (const e of train) {
    const seen = new Set<string>();
    for (const l of e.labels) {
      const t = stage1(l);
      if (t !== null && !seen.has(t)) {
        seen.add(t);
        counts.set(t, (counts.get(t) ?? 0) + 1);
      }
    }
  }

  const rare = new Set<string>();
  if (rules.minCount !== undefined && rules.rare !== undefined) {
    for (const [label, n] of counts) if (n < rules.minCount) rare.add(label);
  }
  const rareTarget = rules.rare === 'merge' ? (rules.rareLabel ?? 'other') : null;
  const byParent = rules.rareScope === 'parent' && rules.rare === 'merge' && rules.minCount !== undefined
    ? mergeRarePaths(counts, rules.pathSeparator ?? '/', rules.minCount, rules.rareLabel ?? 'other')
    : null;
  const finalTarget = (l: string): string | null => {
    const t = stage1(l);
    if (t === null) return null;
    if (byParent) return byParent.get(t) ?? t;
    return rare.has(t) ? rareTarget : t;
  };

  const map: Record<string, string | null> = {};
  for (const l of [...known].sort()) {
    const t = finalTarget(l);
    if (t !== l) map[l] = t;
  }
  const labelMap: LabelMap = { map, known: [...known].sort() };
  if (rules.rare !== undefined && rules.minCount !== undefined && !byParent) labelMap.unseen = rareTarget;
  if (byParent) {
    const targets = new Set<string>();
    for (const l of known) {
      const t = finalTarget(l);
      if (t !== null) targets.add(t);
    }
    labelMap.unseenPath = { separator: rules.pathSeparator ?? '/', rareLabel: rules.rareLabel ?? 'other', targets: [...targets].sort() };
  }
  return labelMap;
}

/**
 * Returns a function applying the map to one example's labels: mapped, deduplicated, dropped ones
 * removed. An empty result means the example has no label left; the caller counts it as dropped.
 */
export function labelMapper(m: LabelMap): (labels: readonly string[]) => string[] {
  const known = new Set(m.known);
  const unseenTargets = new Set(m.unseenPath?.targets ?? []);
  const targetOf = (l: string): string | null => {
    if (Object.hasOwn(m.map, l)) return m.map[l];
    if (m.unseen !== undefined && !known.has(l)) return m.unseen;
    if (m.unseenPath && !known.has(l)) return unseenPathTarget(l, m.unseenPath.separator, m.unseenPath.rareLabel, unseenTargets);
    return l;
  };
  return (labels) => {
    const out: string[] = [];
    for (const l of labels) {
      const t = targetOf(l);
      if (t !== null && !out.includes(t)) out.push(t);
    }
    return out;
  };
}

/** True when the map changes nothing (so the reader's declared label order can be kept). */
export function isIdentity(m: LabelMap | undefined): boolean {
  return m === undefined || (Object.keys(m.map).length === 0 && m.unseen === undefined && m.unseenPath === undefined);
}

/** A readable one-line summary: `anger, disgust → anger+disgust; 중립 dropped; 3 rare → other`. */
export function describeLabelMap(m: LabelMap): string {
  const byTarget = new Map<string | null, string[]>();
  for (const [from, to] of Object.entries(m.map)) {
    let list = byTarget.get(to);
    if (!list) byTarget.set(to, (list = []));
    list.push(from);
  }
  const parts: string[] = [];
  for (const [to, froms] of byTarget) {
    if (to === null) parts.push(`${froms.join(', ')} dropped`);
    else parts.push(`${froms.join(', ')} → ${to}`);
  }
  return parts.length === 0 ? 'no changes' : parts.join('; ');
}
