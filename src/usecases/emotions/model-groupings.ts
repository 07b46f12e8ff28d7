import { UsageError } from '../../errors.js';
import type { LoadedModel } from '../../persist/model-dir.js';
import { resolveGrouping, type ResolvedGrouping } from './grouping.js';

/** A grouping the model was not trained with was asked for. */
export class UnknownGroupingError extends UsageError {
  constructor(
    readonly requested: string,
    readonly available: readonly string[],
  ) {
    super(
      available.length > 0
        ? `this model has no grouping "${requested}" (it has: ${available.join(', ')})`
        : `this model has no groupings; add a \`groupings:\` section to its recipe (e.g. \`groupings: {ekman: goemotions-ekman}\`) and train it again`,
    );
  }
}

const cache = new WeakMap<LoadedModel, Map<string, ResolvedGrouping>>();

/** The names of the groupings stored in the model, in recipe order. */
export function groupingNames(model: LoadedModel): string[] {
  return (model.manifest.groupings ?? []).map((g) => g.name);
}

/** The model's grouping `name` as label indices (resolved once per loaded model). */
export function modelGrouping(model: LoadedModel, name: string): ResolvedGrouping {
  let byName = cache.get(model);
  if (!byName) {
    byName = new Map();
    cache.set(model, byName);
  }
  let resolved = byName.get(name);
  if (!resolved) {
    const grouping = (model.manifest.groupings ?? []).find((g) => g.name === name);
    if (!grouping) throw new UnknownGroupingError(name, groupingNames(model));
    resolved = resolveGrouping(grouping, model.classifier.labels, model.manifest.task as 'binary' | 'multiclass' | 'multilabel');
    byName.set(name, resolved);
  }
  return resolved;
}
