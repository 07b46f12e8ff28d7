import { RecipeError } from '../../errors.js';
import type { Task } from '../../data/targets.js';

/**
 * A grouping shows a fine label set through coarser eyes (GoEmotions' 28 emotions as Ekman's six
 * + neutral, or as positive / negative / ambiguous) without training another model: each group
 * is a set of member labels, and a group is chosen when one of its members is.
 */
export interface Grouping {
  name: string;
  /** Groups in display order; each member label belongs to at most one group. */
  groups: { name: string; members: string[] }[];
  /** Labels no group mentions: each kept as a group of its own (`keep`), or left out (`drop`). */
  unmapped: 'keep' | 'drop';
}

/** The same grouping as indices into a model's labels: what scoring needs per request. */
export interface ResolvedGrouping {
  name: string;
  groupNames: string[];
  /** For each model label, its group index, or -1 when it belongs to none (dropped). */
  groupOf: Int32Array;
}

/** GoEmotions' own mappings (ekman_mapping.json and sentiment_dict.json of the dataset). */
export const PRESET_GROUPINGS: Record<string, Omit<Grouping, 'name'>> = {
  'goemotions-ekman': {
    groups: [
      { name: 'anger', members: ['anger', 'annoyance', 'disapproval'] },
      { name: 'disgust', members: ['disgust'] },
      { name: 'fear', members: ['fear', 'nervousness'] },
      { name: 'joy', members: ['joy', 'amusement', 'approval', 'excitement', 'gratitude', 'love', 'optimism', 'relief', 'pride', 'admiration', 'desire', 'caring'] },
      { name: 'sadness', members: ['sadness', 'disappointment', 'embarrassment', 'grief', 'remorse'] },
      { name: 'surprise', members: ['surprise', 'realization', 'confusion', 'curiosity'] },
    ],
    unmapped: 'keep',
  },
  'goemotions-sentiment': {
    groups: [
      { name: 'positive', members: ['amusement', 'excitement', 'joy', 'love', 'desire', 'optimism', 'caring', 'pride', 'admiration', 'gratitude', 'relief', 'approval'] },
      { name: 'negative', members: ['fear', 'nervousness', 'remorse', 'embarrassment', 'disappointment', 'sadness', 'grief', 'disgust', 'anger', 'annoyance', 'disapproval'] },
      { name: 'ambiguous', members: ['realization', 'surprise', 'curiosity', 'confusion'] },
    ],
    unmapped: 'keep',
  },
};

/**
 * Checks a grouping against the model's labels and fixes its group order. Every member must be
 * a label of the model and belong to one group only; a group may not share its name with a kept
 * unmapped label (the two would be indistinguishable in the output).
 */
export function resolveGrouping(grouping: Grouping, labels: readonly string[], task: Task): ResolvedGrouping {
  const where = `groupings.${grouping.name}`;
  if (grouping.groups.length === 0) throw new RecipeError(`${where}: no groups; give at least one group of labels`);
  const index = new Map(labels.map((l, i) => [l, i]));
  const groupOf = new Int32Array(labels.length).fill(-1);
  const groupNames: string[] = [];
  for (const g of grouping.groups) {
    if (groupNames.includes(g.name)) throw new RecipeError(`${where}: the group "${g.name}" is given twice`);
    const gi = groupNames.length;
    groupNames.push(g.name);
    for (const m of g.members) {
      const k = index.get(m);
      if (k === undefined) throw new RecipeError(`${where}.${g.name}: "${m}" is not a label of this model (labels: ${preview(labels)})`);
      if (groupOf[k] !== -1) throw new RecipeError(`${where}: "${m}" is in both "${groupNames[groupOf[k]]}" and "${g.name}"; a label belongs to one group`);
      groupOf[k] = gi;
    }
  }
  const unmapped = labels.filter((_, k) => groupOf[k] === -1);
  if (grouping.unmapped === 'keep') {
    for (const label of unmapped) {
      if (groupNames.includes(label)) throw new RecipeError(`${where}: "${label}" is both a group and a label no group mentions; rename the group or put the label in a group`);
      groupOf[index.get(label)!] = groupNames.length;
      groupNames.push(label);
    }
  } else if (task !== 'multilabel' && unmapped.length > 0) {
    // A single-label text whose one label is in no group would have no answer at all.
    throw new RecipeError(`${where}: unmapped: drop needs a multilabel model; this ${task} model's labels ${preview(unmapped)} are in no group (put them in groups or use unmapped: keep)`);
  }
  return { name: grouping.name, groupNames, groupOf };
}

function preview(labels: readonly string[]): string {
  const shown = labels.slice(0, 8).map((l) => `"${l}"`).join(', ');
  return labels.length > 8 ? `${shown}, … ${labels.length - 8} more` : shown;
}

/**
 * Group scores of one text. Multilabel (independent sigmoids): the group's score is its most
 * likely member's — noisy-OR would assume members independent, and emotions of one group are
 * strongly correlated. Single-label (softmax): the members' probabilities add up exactly.
 */
export function groupScores(resolved: ResolvedGrouping, proba: ArrayLike<number>, row: number, multilabel: boolean): Float64Array {
  const scores = new Float64Array(resolved.groupNames.length);
  const { groupOf } = resolved;
  for (let k = 0; k < groupOf.length; k++) {
    const g = groupOf[k];
    if (g < 0) continue;
    const p = proba[row + k];
    if (multilabel) {
      if (p > scores[g]) scores[g] = p;
    } else {
      scores[g] += p;
    }
  }
  return scores;
}

/** One chosen group of a text: its score and the chosen member labels that put it there, best first. */
export interface GroupResult {
  group: string;
  score: number;
  labels: string[];
}

/**
 * The groups of the labels a model chose for one text (`chosen`: label indices, best first), best
 * group first. A group is chosen exactly when one of its members is, so grouped output never
 * contradicts the fine-grained one.
 */
export function chosenGroups(resolved: ResolvedGrouping, labels: readonly string[], chosen: readonly number[], scores: Float64Array): GroupResult[] {
  const byGroup = new Map<number, string[]>();
  for (const k of chosen) {
    const g = resolved.groupOf[k];
    if (g < 0) continue;
    const members = byGroup.get(g);
    if (members) members.push(labels[k]);
    else byGroup.set(g, [labels[k]]);
  }
  return [...byGroup.entries()]
    .sort((a, b) => scores[b[0]] - scores[a[0]] || a[0] - b[0])
    .map(([g, members]) => ({ group: resolved.groupNames[g], score: scores[g], labels: members }));
}
