import type { Targets, Task } from '../../data/targets.js';
import type { EvalReport } from '../../eval/metrics.js';
import type { Decision } from '../../persist/model-dir.js';
import { resolveDataPath } from '../../recipe/load.js';
import type { Recipe } from '../../recipe/schema.js';
import { readGroupingFile } from '../../train/prepare-data.js';
import { groupedReport } from './grouped-metrics.js';
import { PRESET_GROUPINGS, resolveGrouping, type Grouping } from './grouping.js';

/** The recipe's `groupings:` as plain data, map files read, each checked against the model's labels. */
export function groupingsFromRecipe(recipe: Recipe, labels: readonly string[], dataDir: string): Grouping[] {
  const out: Grouping[] = [];
  for (const [name, spec] of Object.entries(recipe.groupings ?? {})) {
    let grouping: Grouping;
    if (typeof spec === 'string') {
      grouping = { name, ...structuredClone(PRESET_GROUPINGS[spec]) };
    } else {
      const raw = spec.groups ?? readGroupingFile(resolveDataPath(dataDir, spec.map_file!), `groupings.${name}.map_file`);
      grouping = { name, groups: Object.entries(raw).map(([g, members]) => ({ name: g, members })), unmapped: spec.unmapped };
    }
    resolveGrouping(grouping, labels, recipe.task);
    out.push(grouping);
  }
  return out;
}

/** Dev metrics of every grouping, by name: how the grouped answers fare against grouped truth. */
export function groupingMetrics(groupings: readonly Grouping[], task: Task, labels: readonly string[], targets: Targets, proba: Float32Array, decision: Decision): Record<string, EvalReport> {
  const out: Record<string, EvalReport> = {};
  for (const g of groupings) out[g.name] = groupedReport(task, labels, targets, proba, decision, resolveGrouping(g, labels, task));
  return out;
}
