import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { JournalTrial } from './journal.js';

/**
 * How much of the spread of the metric over the complete trials each parameter explains: the
 * correlation ratio η² = between-group variance / total variance, grouping trials by the
 * parameter's value (choices by value, numbers by quantile bins), normalized to sum to 1. A
 * one-way, model-free cousin of fANOVA: cheap, deterministic, and honest about few trials (a
 * parameter seen in fewer than 3 complete trials gets 0).
 */
export function parameterImportance(trials: readonly Pick<JournalTrial, 'params' | 'state' | 'value'>[], bins = 4): Record<string, number> {
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== null);
  const names = [...new Set(complete.flatMap((t) => Object.keys(t.params)))];
  const raw: Record<string, number> = {};
  for (const name of names) {
    const seen = complete.filter((t) => name in t.params);
    if (seen.length < 3) {
      raw[name] = 0;
      continue;
    }
    const values = seen.map((t) => t.value!);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const total = values.reduce((a, v) => a + (v - mean) ** 2, 0);
    if (total === 0) {
      raw[name] = 0;
      continue;
    }
    const groups = new Map<string, number[]>();
    const keys = groupKeys(seen.map((t) => t.params[name]), bins);
    seen.forEach((t, i) => {
      let g = groups.get(keys[i]);
      if (!g) groups.set(keys[i], (g = []));
      g.push(t.value!);
    });
    let between = 0;
    for (const g of groups.values()) {
      const m = g.reduce((a, b) => a + b, 0) / g.length;
      between += g.length * (m - mean) ** 2;
    }
    raw[name] = between / total;
  }
  const sum = Object.values(raw).reduce((a, b) => a + b, 0);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw).sort((a, b) => b[1] - a[1])) out[k] = sum > 0 ? v / sum : 0;
  return out;
}

/** Numbers (with more distinct values than bins) into quantile bins; anything else by value. */
function groupKeys(values: readonly unknown[], bins: number): string[] {
  const numeric = values.every((v) => typeof v === 'number');
  if (!numeric || new Set(values).size <= bins) return values.map((v) => JSON.stringify(v));
  const sorted = [...(values as number[])].sort((a, b) => a - b);
  const edges = Array.from({ length: bins - 1 }, (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / bins)]);
  return (values as number[]).map((v) => String(edges.filter((e) => v >= e).length));
}

export interface SweepStudy {
  id: string;
  recipeName: string;
  createdAt: string;
  spec: unknown;
  /** In trial order: the metric over trials, for a chart. */
  trials: JournalTrial[];
  importance: Record<string, number>;
}

/**
 * Every study of a tune journal with its trials and parameter importance: what a sweep page
 * shows (the journal path is the `journal` artifact of a tune run in the runs database).
 * Read-only, so it can be opened while the sweep is still writing.
 */
export function readSweep(journalPath: string): SweepStudy[] {
  if (!fs.existsSync(journalPath)) return [];
  const db = new Database(journalPath, { readonly: true, fileMustExist: true });
  try {
    const studies = db.prepare('SELECT id, recipe_name, spec_json, created_at FROM studies ORDER BY created_at').all() as Record<string, string>[];
    const trialRows = db.prepare('SELECT * FROM trials WHERE study_id = ? ORDER BY number');
    return studies.map((s) => {
      const trials = (trialRows.all(s.id) as Record<string, unknown>[]).map(
        (r): JournalTrial => ({
          number: r.number as number,
          params: JSON.parse(r.params_json as string),
          state: r.state as JournalTrial['state'],
          value: (r.value as number | null) ?? null,
          intermediate: (r.intermediate as number | null) ?? null,
          metrics: r.metrics_json ? JSON.parse(r.metrics_json as string) : null,
          seconds: (r.seconds as number | null) ?? null,
          error: (r.error as string | null) ?? null,
        }),
      );
      return { id: s.id, recipeName: s.recipe_name, createdAt: s.created_at, spec: JSON.parse(s.spec_json), trials, importance: parameterImportance(trials) };
    });
  } finally {
    db.close();
  }
}
