import { ModelFormatError } from '../../errors.js';
import type { Classifier, FitInput, ModelFactory, ModelState } from '../../models/classifier.js';
import { buildLabelTree, type LabelTree } from './label-tree.js';

/**
 * Routing with one model per tier: tier k's model scores the depth-k prefixes of the paths, and a
 * whole path's probability is the product down the tree of each node's probability renormalized
 * among its siblings, P(4/2/7) = P₁(4) · P₂(4/2 | 4) · P₃(4/2/7 | 4/2). The result is an ordinary
 * distribution over paths, so predict, eval, calibration and routing treat it like any model,
 * and summing it per tier gives back each tier model's (constrained) answer.
 */
export const TIERED_MODEL_TYPE = 'routing-tiers';

export class TieredClassifier implements Classifier {
  readonly type = TIERED_MODEL_TYPE;
  readonly task = 'multiclass' as const;
  private readonly tree: LabelTree;
  /** tierIndex[k][m]: the column of tree node (k, m) in tier model k's scores. */
  private readonly tierIndex: Int32Array[];

  constructor(
    readonly labels: readonly string[],
    readonly separator: string,
    /** tiers[k] scores the depth-(k+1) prefixes of `labels`. */
    readonly tiers: readonly Classifier[],
  ) {
    this.tree = buildLabelTree(labels, separator);
    if (tiers.length !== this.tree.depth) throw new RangeError(`${tiers.length} tier models for labels ${this.tree.depth} tiers deep`);
    this.tierIndex = this.tree.tiers.map((nodes, k) => {
      const cols = new Map(tiers[k].labels.map((l, i) => [l, i]));
      return Int32Array.from(nodes, (node) => {
        const c = cols.get(node);
        if (c === undefined) throw new RangeError(`tier ${k + 1} model has no label "${node}"`);
        return c;
      });
    });
  }

  predictProba(texts: readonly string[]): Float32Array {
    return this.combine(this.tiers.map((c) => c.predictProba(texts)), texts.length);
  }

  /** Present when a tier model scores asynchronously (ONNX): every tier is then scored through its own path. */
  get predictProbaAsync(): ((texts: readonly string[]) => Promise<Float32Array>) | undefined {
    if (!this.tiers.some((c) => c.predictProbaAsync)) return undefined;
    return async (texts) => {
      const scores: Float32Array[] = [];
      for (const c of this.tiers) scores.push(c.predictProbaAsync ? await c.predictProbaAsync(texts) : c.predictProba(texts));
      return this.combine(scores, texts.length);
    };
  }

  /** Whole-path probabilities from each tier model's scores (n × that tier's labels). */
  private combine(scores: readonly Float32Array[], n: number): Float32Array {
    const K = this.labels.length;
    const { tree } = this;
    const out = new Float32Array(n * K);
    const cond = tree.tiers.map((nodes) => new Float64Array(nodes.length));
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < tree.depth; k++) {
        const Kk = this.tiers[k].labels.length;
        const nodes = tree.tiers[k];
        // Sum of sibling scores per parent, so each node's share is conditional on its parent.
        const parentSum = new Map<number, number>();
        for (let m = 0; m < nodes.length; m++) {
          const p = scores[k][i * Kk + this.tierIndex[k][m]];
          parentSum.set(tree.parent[k][m], (parentSum.get(tree.parent[k][m]) ?? 0) + p);
        }
        for (let m = 0; m < nodes.length; m++) {
          const p = scores[k][i * Kk + this.tierIndex[k][m]];
          const total = parentSum.get(tree.parent[k][m])!;
          const siblings = countSiblings(tree, k, m);
          cond[k][m] = total > 0 ? p / total : 1 / siblings;
        }
      }
      for (let j = 0; j < K; j++) {
        let p = 1;
        for (let k = 0; k < tree.depth; k++) {
          const m = tree.nodeOf[k][j];
          if (m === -1) break;
          p *= cond[k][m];
        }
        out[i * K + j] = p;
      }
    }
    return out;
  }

  toState(modelDir?: string): ModelState {
    const arrays: ModelState['arrays'] = {};
    const tiers = this.tiers.map((c, k) => {
      const s = c.toState(modelDir);
      const names: string[] = [];
      for (const [name, a] of Object.entries(s.arrays)) {
        arrays[`tier${k + 1}_${name}`] = a;
        names.push(name);
      }
      return { type: s.type, config: s.config, labels: [...c.labels], arrays: names };
    });
    return { type: TIERED_MODEL_TYPE, config: { labels: [...this.labels], separator: this.separator, tiers }, arrays };
  }
}

function countSiblings(tree: LabelTree, k: number, m: number): number {
  let n = 0;
  for (const p of tree.parent[k]) if (p === tree.parent[k][m]) n++;
  return n;
}

interface TierStateConfig {
  type: string;
  config: Record<string, unknown>;
  labels: string[];
  arrays: string[];
}

/** Options of `fit`: how to fit one tier's model on that tier's labels and targets. */
export interface TieredFitOptions {
  separator: string;
  fitTier: (input: FitInput, tier: number) => Promise<Classifier>;
}

/**
 * The factory the model registry lists. Restoring the tier models goes through the registry
 * itself, which is handed in (rather than imported) so the two modules do not import each other.
 */
export function createTieredFactory(restore: (state: ModelState, modelDir: string) => Classifier): ModelFactory<TieredFitOptions> {
  return {
    type: TIERED_MODEL_TYPE,
    fit: (input, options) => fitTiered(input, options),
    fromState(state, modelDir = 'memory') {
      const c = state.config as { labels?: unknown; separator?: unknown; tiers?: unknown };
      if (!Array.isArray(c.labels) || typeof c.separator !== 'string' || !Array.isArray(c.tiers)) throw new ModelFormatError(modelDir, 'routing-tiers model: config needs labels, separator and tiers');
      const tiers = (c.tiers as TierStateConfig[]).map((t, k) => {
        const arrays: ModelState['arrays'] = {};
        for (const name of t.arrays) {
          const a = state.arrays[`tier${k + 1}_${name}`];
          if (!a) throw new ModelFormatError(modelDir, `routing-tiers model: weight array tier${k + 1}_${name} is missing`);
          arrays[name] = a;
        }
        return t.type === CONSTANT_TYPE ? new ConstantClassifier(t.labels) : restore({ type: t.type, config: t.config, arrays }, modelDir);
      });
      try {
        return new TieredClassifier(c.labels as string[], c.separator, tiers);
      } catch (e) {
        throw new ModelFormatError(modelDir, `routing-tiers model: ${(e as Error).message}`);
      }
    },
  };
}

/**
 * Fits one model per tier on the training rows deep enough to have that tier: tier k's labels are
 * the depth-k prefixes. A path that is also the parent of another path (a ticket routed to tier 2
 * only, beside tickets with a tier 3 under the same node) has no tier-k+1 class to learn, so it
 * is refused with a pointer to the flat strategy.
 */
export async function fitTiered(input: FitInput, options: TieredFitOptions): Promise<TieredClassifier> {
  if (input.targets.kind !== 'single') throw new RangeError('per-tier routing models are single-label (task multiclass)');
  const { separator } = options;
  const tree = buildLabelTree(input.labels, separator);
  const labelSet = new Set(input.labels);
  for (const l of input.labels) {
    const parts = l.split(separator);
    for (let k = 1; k < parts.length; k++) {
      const prefix = parts.slice(0, k).join(separator);
      if (labelSet.has(prefix)) throw new RangeError(`label "${prefix}" is both a whole path and the parent of "${l}"; per-tier models need every path to end at a leaf (use routing.strategy: flat)`);
    }
  }
  const y = input.targets.y;
  // Dev scoring after each epoch compares against whole-path targets; tier models go without.
  const { validation: _validation, onEpoch: _onEpoch, ...shared } = input;
  const tiers: Classifier[] = [];
  for (let k = 0; k < tree.depth; k++) {
    const rows: number[] = [];
    for (let i = 0; i < y.length; i++) if (tree.nodeOf[k][y[i]] !== -1) rows.push(i);
    const tierY = Int32Array.from(rows, (i) => tree.nodeOf[k][y[i]]);
    const tierLabels = tree.tiers[k];
    if (tierLabels.length === 1) {
      tiers.push(new ConstantClassifier(tierLabels));
      continue;
    }
    tiers.push(
      await options.fitTier(
        {
          ...shared,
          labels: tierLabels,
          texts: rows.map((i) => input.texts[i]),
          targets: { kind: 'single', y: tierY },
          ...(input.sampleWeights ? { sampleWeights: Float32Array.from(rows, (i) => input.sampleWeights![i]) } : {}),
          ...(input.progress ? { progress: (phase: string, done: number, total: number) => input.progress!(`tier ${k + 1}: ${phase}`, done, total) } : {}),
        },
        k,
      ),
    );
  }
  return new TieredClassifier(input.labels, separator, tiers);
}

/** A tier with a single node (nothing to decide): probability 1. */
const CONSTANT_TYPE = 'routing-constant';

export class ConstantClassifier implements Classifier {
  readonly type = CONSTANT_TYPE;
  readonly task = 'multiclass' as const;
  constructor(readonly labels: readonly string[]) {}
  predictProba(texts: readonly string[]): Float32Array {
    return new Float32Array(texts.length).fill(1);
  }
  toState(): ModelState {
    return { type: this.type, config: { labels: [...this.labels] }, arrays: {} };
  }
}
