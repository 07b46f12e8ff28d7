import type { RoutingSection } from './routing-section.js';
import type { CurvePoint, RoutingReport } from './routing-report.js';

const f3 = (v: number): string => v.toFixed(3);
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

/** The routing block `train` and `eval` print: per-tier metrics, exact paths, the curve with the chosen threshold. */
export function formatRoutingReport(report: RoutingReport, title: string): string {
  const lines: string[] = [`\nrouting (${report.strategy === 'per_tier' ? 'one model per tier' : 'one model on whole paths'}) on ${title}, ${report.n} tickets:`];
  const nameWidth = Math.max(4, ...report.tiers.map((t) => t.name.length));
  lines.push(`  ${'tier'.padEnd(nameWidth + 4)}  accuracy  macro_f1  nodes`);
  for (const t of report.tiers) lines.push(`  ${`${t.tier} ${t.name}`.padEnd(nameWidth + 4)}  ${f3(t.accuracy).padStart(8)}  ${f3(t.macro_f1).padStart(8)}  ${String(t.nodes).padStart(5)}`);
  lines.push(`  exact path accuracy: ${f3(report.path_accuracy)}`);
  const chosen = report.threshold;
  const how = chosen.chosen_by === 'target_precision' ? `tuned for precision ≥ ${chosen.target_precision}${chosen.reached ? '' : ' (not reached: the most precise point)'}` : chosen.chosen_by === 'fixed' ? 'from the recipe' : 'default';
  lines.push(`  abstention curve (routed = tier-1 confidence ≥ threshold; precision = routed tickets whose route is right):`);
  lines.push(`    threshold  coverage  precision  tier1_prec  mean_depth`);
  for (const p of curveRows(report.curve, chosen.value)) {
    const mark = Math.abs(p.threshold - chosen.value) < 0.005 ? '  ← chosen' : '';
    lines.push(`    ${p.threshold.toFixed(2).padStart(9)}  ${pct(p.coverage).padStart(8)}  ${f3(p.precision).padStart(9)}  ${f3(p.tier1_precision).padStart(10)}  ${p.mean_depth.toFixed(2).padStart(10)}${mark}`);
  }
  lines.push(`  threshold ${chosen.value.toFixed(2)} (${how}): routes ${pct(chosen.coverage)} of tickets at precision ${f3(chosen.precision)}; the rest go to a person`);
  return lines.join('\n') + '\n';
}

/** Every tenth point of the curve, plus the chosen one. */
function curveRows(curve: readonly CurvePoint[], chosen: number): CurvePoint[] {
  return curve.filter((p) => Math.round(p.threshold * 100) % 10 === 0 || Math.abs(p.threshold - chosen) < 0.005);
}

/** The lines `train` adds for a routing model. */
export function routingTrainSummary(section: RoutingSection): string {
  const merged = section.rare_paths.merged_paths > 0 ? `rare paths: ${section.rare_paths.merged_paths} merged into their parent's other class (${section.rare_paths.rows_in_merged_classes} training tickets in those classes)\n` : '';
  if (!section.dev) return `${merged}routing: no dev data; threshold ${section.threshold} (set data.dev or data.dev_split to measure and tune it)\n`;
  return merged + formatRoutingReport(section.dev, 'dev');
}
