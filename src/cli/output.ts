import type { EvalReport } from '../eval/metrics.js';

/** Writes to stdout; a closed pipe (`textclass predict … | head`) ends quietly instead of crashing. */
export function out(text: string): void {
  process.stdout.write(text);
}

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

/** The headline numbers of a report on one line. */
export function summaryLine(r: EvalReport): string {
  const parts = [`n=${r.n}`, `accuracy=${fmt(r.accuracy)}`, `balanced_accuracy=${fmt(r.balanced_accuracy)}`, `macro_f1=${fmt(r.macro_f1)}`, `micro_f1=${fmt(r.micro_f1)}`];
  if (r.samples_f1 !== undefined) parts.push(`samples_f1=${fmt(r.samples_f1)}`);
  if (r.roc_auc !== undefined) parts.push(`roc_auc=${fmt(r.roc_auc)}`);
  return parts.join('  ');
}

export function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : String(x);
}
