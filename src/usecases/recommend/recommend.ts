import { UsageError } from '../../errors.js';
import { createRng } from '../../util/random.js';
import type { CatalogItem } from './catalog.js';
import type { ScoredCatalog } from './catalog-scores.js';
import { argmax, asRecord, jsDistance, mix, round4 } from './distribution.js';

/** Why an item was picked: what it was compared with, how, and the number that decided. */
export type Why =
  | {
      kind: 'match';
      target: string;
      /** The item's probability of the target: the ranking score. */
      probability: number;
      /** Items scoring within the tie margin of this one when it was picked (itself included). */
      tied_with: number;
      /** Among tied items: the one most unlike those already picked (JS distance to the nearest). */
      diversity?: number;
      summary: string;
    }
  | {
      kind: 'path';
      target: string;
      step: number;
      steps: number;
      /** How far along from the detected distribution to the target this step aims (0 … 1). */
      progress: number;
      goal: Record<string, number>;
      /** Jensen–Shannon distance between the goal and the item's distribution (0 = identical). */
      distance: number;
      summary: string;
    };

export interface Recommendation {
  rank: number;
  id: string;
  title: string;
  text: string;
  creator?: string;
  url?: string;
  distribution: Record<string, number>;
  top_label: string;
  /** match: the target probability; path: 1 − the distance to the step's goal. Higher is better. */
  score: number;
  why: Why;
}

export interface MatchOptions {
  n: number;
  seed: number;
  /** Probabilities closer than this count as a tie, broken by diversity (default 0.02). */
  tieMargin?: number;
}

/** The label index of `name` (exact, else case-insensitive), or a UsageError listing the labels. */
export function labelIndex(labels: readonly string[], name: string, what = 'target'): number {
  let k = labels.indexOf(name);
  if (k < 0) k = labels.findIndex((l) => l.toLowerCase() === name.trim().toLowerCase());
  if (k < 0) throw new UsageError(`${what} "${name.slice(0, 60)}" is not a label of the model; its labels are ${labels.join(', ')}`);
  return k;
}

/**
 * (a) Items that match a target emotion: ranked by the probability of the target. Items within
 * `tieMargin` of the best remaining probability are a tie; the tie goes to the item whose
 * distribution is farthest (JS distance) from those already picked, so five near-identical sad
 * songs do not crowd out a sad song of another colour; a remaining exact tie is settled by a
 * seeded random order, so the same seed gives the same list.
 */
export function recommendForTarget(scored: ScoredCatalog, target: string, options: MatchOptions): Recommendation[] {
  const k = labelIndex(scored.labels, target);
  const label = scored.labels[k];
  const margin = options.tieMargin ?? 0.02;
  const order = seededOrder(scored.items.length, options.seed);
  const left = new Set(order);
  const picked: number[] = [];
  const out: Recommendation[] = [];
  while (out.length < options.n && left.size > 0) {
    let best = -Infinity;
    for (const i of left) best = Math.max(best, scored.distributions[i][k]);
    const tied = [...left].filter((i) => scored.distributions[i][k] >= best - margin);
    let choice = tied[0];
    let diversity: number | undefined;
    if (tied.length > 1 && picked.length > 0) {
      let far = -1;
      for (const i of tied) {
        const d = Math.min(...picked.map((j) => jsDistance(scored.distributions[i], scored.distributions[j])));
        if (d > far + 1e-12) {
          far = d;
          choice = i;
        }
      }
      diversity = round4(far);
    } else if (tied.length > 1) {
      // Nothing picked yet: the best probability opens the list; `tied` keeps the seeded order.
      choice = tied.reduce((a, b) => (scored.distributions[b][k] > scored.distributions[a][k] ? b : a));
    }
    left.delete(choice);
    picked.push(choice);
    const p = scored.distributions[choice][k];
    const summary =
      `${label} ${pct(p)}` +
      (tied.length > 1 && diversity !== undefined
        ? `, tied within ${margin} with ${tied.length - 1} other item${tied.length === 2 ? '' : 's'}; picked as the most unlike the items above (JS distance ${diversity.toFixed(2)})`
        : `, the highest ${label} probability among the items left`);
    out.push(item(scored, choice, out.length + 1, p, { kind: 'match', target: label, probability: round4(p), tied_with: tied.length, ...(diversity !== undefined ? { diversity } : {}), summary }));
  }
  return out;
}

/**
 * (b) A path from the listener's detected emotion toward a chosen one (music therapy's "iso
 * principle": meet the mood first, then lead it). The path ends at the catalog's most
 * target-like item (the first item a match would give, kept for the last step); step s of n aims
 * at the point s/(n−1) of the way from the detected distribution to that item's distribution and
 * takes the unused item nearest to the goal by Jensen–Shannon distance. The first item is thus
 * the one closest to how the listener feels, and the ones between move steadily. Aiming at a
 * real item rather than at a pure (one-hot) target keeps the goals reachable: with a model that
 * is rarely sure, a one-hot end lets the middle steps use up the target-like items early.
 * Exact ties in distance go by a seeded order.
 */
export function recommendPath(scored: ScoredCatalog, from: readonly number[], target: string, options: { n: number; seed: number }): Recommendation[] {
  const k = labelIndex(scored.labels, target);
  const label = scored.labels[k];
  const steps = Math.min(options.n, scored.items.length);
  const order = seededOrder(scored.items.length, options.seed);
  let anchor = order[0];
  for (const i of order) if (scored.distributions[i][k] > scored.distributions[anchor][k]) anchor = i;
  const end = scored.distributions[anchor];
  const used = new Set<number>([anchor]);
  const out: Recommendation[] = [];
  const fromLabel = scored.labels[argmax([...from])];
  const endName = `the catalog's most ${label} item (${label} ${pct(end[k])})`;
  for (let s = 0; s < steps; s++) {
    const last = s === steps - 1;
    const progress = steps === 1 ? 1 : s / (steps - 1);
    const goal = last ? end : mix([...from], end, progress);
    let choice = anchor;
    let distance = jsDistance(goal, end);
    if (!last) {
      distance = Infinity;
      for (const i of order) {
        if (used.has(i)) continue;
        const d = jsDistance(goal, scored.distributions[i]);
        if (d < distance - 1e-12) {
          distance = d;
          choice = i;
        }
      }
      used.add(choice);
    }
    const where = progress === 0 ? `your detected mood (mostly ${fromLabel})` : `${Math.round(progress * 100)}% of the way from your mood (mostly ${fromLabel}) to ${endName}`;
    const summary = last ? `step ${s + 1} of ${steps}: the end of the path, ${endName}` : `step ${s + 1} of ${steps}: aims at ${where}; the closest unused item (JS distance ${distance.toFixed(2)})`;
    out.push(item(scored, choice, s + 1, 1 - distance, { kind: 'path', target: label, step: s + 1, steps, progress: round4(progress), goal: asRecord(scored.labels, goal), distance: round4(distance), summary }));
  }
  return out;
}

function item(scored: ScoredCatalog, i: number, rank: number, score: number, why: Why): Recommendation {
  const it: CatalogItem = scored.items[i];
  const p = scored.distributions[i];
  return {
    rank,
    id: it.id,
    title: it.title,
    text: it.text,
    ...(it.creator !== undefined ? { creator: it.creator } : {}),
    ...(it.url !== undefined ? { url: it.url } : {}),
    distribution: asRecord(scored.labels, p),
    top_label: scored.labels[argmax(p)],
    score: round4(score),
    why,
  };
}

/** Item indices in a seeded random order: the tie-breaker everywhere, so results repeat per seed. */
function seededOrder(n: number, seed: number): number[] {
  const rng = createRng(seed);
  const keys = Array.from({ length: n }, (_, i) => ({ i, r: rng() }));
  return keys.sort((a, b) => a.r - b.r).map((x) => x.i);
}

function pct(p: number): string {
  return `${(100 * p).toFixed(1)}%`;
}
