import YAML from 'yaml';
import { writeFileAtomic } from '../util/atomic-file.js';
import type { TuneResult } from './tune.js';
import { describeParams } from './space.js';

export interface BestRecipeNote {
  /** The recipe file the sweep started from. */
  source: string;
  metric: string;
  strategy: string;
  /** The command line that ran the sweep, for the comment. */
  command?: string;
}

/**
 * The best trial's recipe as YAML, with a comment that says how it was found and what it scored
 * on dev (and what the recipe as written scored), so the file explains itself in review.
 */
export function bestRecipeYaml(result: TuneResult, note: BestRecipeNote): string {
  if (!result.best || !result.bestRaw) throw new Error('no complete trial to write');
  const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
  const counts = { complete: 0, pruned: 0, failed: 0 };
  for (const t of result.trials) if (t.state !== 'running') counts[t.state]++;
  const lines = [
    `# Found by \`textclass tune\` from ${note.source}: ${note.strategy} search, ${result.trials.length} trials`,
    `# (${counts.complete} complete, ${counts.pruned} pruned, ${counts.failed} failed), ${result.direction} dev ${note.metric}.`,
    `# Best: trial ${result.best.number}, dev ${note.metric} ${fmt(result.best.value)}` + (result.baseline ? `; the recipe as written: ${fmt(result.baseline.value)}.` : '.'),
    ...(Object.keys(result.best.params).length ? [`# Values: ${describeParams(result.best.params)}`] : []),
    ...(note.command ? [`# Command: ${note.command}`] : []),
  ];
  // Short lists of scalars stay on one line, as people write them: `ngram_range: [1, 2]`.
  const doc = new YAML.Document(result.bestRaw);
  YAML.visit(doc, {
    Seq(_, node) {
      if (node.items.every((item) => YAML.isScalar(item))) node.flow = true;
    },
  });
  return lines.join('\n') + '\n' + doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

export function writeBestRecipe(file: string, result: TuneResult, note: BestRecipeNote): void {
  writeFileAtomic(file, bestRecipeYaml(result, note));
}
