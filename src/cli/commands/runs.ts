import fs from 'node:fs';
import { UsageError } from '../../errors.js';
import { defaultRunsDbPath, RunsDb, type RunDetail, type RunSummary } from '../../track/runs-db.js';
import { boolFlag, parseCommandArgs, stringFlag } from '../args.js';
import { sweepProgressOf, sweepProgressText, type SweepProgress } from './runs-sweep.js';
import { fmt as fmtFraction, out } from '../output.js';

export const runsHelp = `Usage: textclass runs [list | show <id> | compare <id> <id>...] [options]

The experiment-tracking database: every train, tune, eval and cv run (unless --no-track) with
its resolved recipe, seed, git commit of the code, sha256 of each data file, metrics (final and
per epoch / trial / fold), artifacts and duration.

  list                 the latest runs, newest first (default)
  show <id>            everything recorded about one run; a tune run's sweep progress too
                       ("7 of 13 trials done", read from its trial journal while it runs)
  compare <id>...      metrics side by side, and the recipe fields, data and code that differ

Options:
  --command <c>        list only train, tune, eval or cv runs
  --recipe <name>      list only runs of this recipe name
  --limit <n>          list at most n runs (default 50)
  --json               print JSON (list: an array; show: one object; compare: {runs, metrics, recipe_diff})
  --runs-db <file>     the database (default: $TEXTCLASS_RUNS_DB, else ./textclass-runs.sqlite)
  -h, --help           show this help

Examples:
  textclass runs --command train --recipe dailydialog-next
  textclass runs show 12
  textclass runs compare 12 15 --json
`;

export async function runRuns(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'runs',
    argv,
    { command: { type: 'string' }, recipe: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, 'runs-db': { type: 'string' } },
    { min: 0, max: 100, names: 'a subcommand' },
  );
  if (args.values.help) {
    out(runsHelp);
    return 0;
  }
  const [sub = 'list', ...ids] = args.positionals;
  const file = defaultRunsDbPath(stringFlag(args, 'runs-db'));
  if (!fs.existsSync(file)) throw new UsageError(`no runs database at ${file} (runs are recorded by train, tune, eval and cv; pass --runs-db or set TEXTCLASS_RUNS_DB)`);
  const json = boolFlag(args, 'json');
  const db = new RunsDb(file);
  try {
    switch (sub) {
      case 'list': {
        if (ids.length) throw new UsageError(`runs list takes no arguments, got "${ids[0]}" (see \`textclass runs --help\`)`);
        const limitFlag = stringFlag(args, 'limit');
        const limit = limitFlag === undefined ? 50 : Number(limitFlag);
        if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got "${limitFlag}"`);
        const command = stringFlag(args, 'command');
        if (command !== undefined && !['train', 'tune', 'eval', 'cv'].includes(command)) throw new UsageError(`--command must be train, tune, eval or cv, got "${command}"`);
        const runs = db.listRuns({ command, recipe: stringFlag(args, 'recipe'), limit });
        out(json ? JSON.stringify(runs) + '\n' : formatRunList(runs));
        return 0;
      }
      case 'show': {
        if (ids.length !== 1) throw new UsageError('runs show takes one run id (see `textclass runs --help`)');
        const run = db.getRun(runId(ids[0]));
        if (!run) throw new UsageError(`no run ${ids[0]} in ${file} (see \`textclass runs list\`)`);
        const sweep = sweepProgressOf(run);
        out(json ? JSON.stringify(sweep ? { ...run, sweepProgress: sweep } : run) + '\n' : formatRun(run, sweep));
        return 0;
      }
      case 'compare': {
        if (ids.length < 2) throw new UsageError('runs compare takes two or more run ids (see `textclass runs --help`)');
        const runs = ids.map((id) => {
          const run = db.getRun(runId(id));
          if (!run) throw new UsageError(`no run ${id} in ${file} (see \`textclass runs list\`)`);
          return run;
        });
        const comparison = compareRuns(runs);
        out(json ? JSON.stringify(comparison) + '\n' : formatComparison(runs, comparison));
        return 0;
      }
      default:
        throw new UsageError(`unknown runs subcommand "${sub}" (list, show, compare; see \`textclass runs --help\`)`);
    }
  } finally {
    db.close();
  }
}

/** Counts (rows, trials) print as integers, everything else with four decimals. */
function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : fmtFraction(v);
}

function runId(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`a run id is a positive integer, got "${s}"`);
  return n;
}

/** The metrics a list row shows: the usual headline ones, whatever prefix the command gave them. */
const HEADLINE = /(^|_)(balanced_accuracy|macro_f1|accuracy)$/;

function headline(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .filter(([k]) => HEADLINE.test(k) && !k.includes('std') && !k.startsWith('best_trial_'))
    .slice(0, 3)
    .map(([k, v]) => `${k}=${fmt(v)}`)
    .join('  ');
}

export function formatRunList(runs: readonly RunSummary[]): string {
  if (runs.length === 0) return 'no runs recorded (yet)\n';
  const rows = runs.map((r) => [String(r.id), r.command, r.recipeName ?? '-', r.status, r.startedAt.replace('T', ' ').slice(0, 19), r.seconds === null ? '-' : `${r.seconds.toFixed(1)}s`, r.gitCommit.slice(0, 8), headline(r.metrics)]);
  return table(['id', 'command', 'recipe', 'status', 'started (UTC)', 'took', 'commit', 'metrics'], rows);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** @param sweep a tune run's progress (sweepProgressOf), printed as "sweep  7 of 13 trials done". */
export function formatRun(run: RunDetail, sweep: SweepProgress | null = null): string {
  const lines = [
    `run ${run.id}: ${run.command} ${run.recipeName ?? ''}`.trimEnd(),
    `status     ${run.status}${run.error ? `: ${run.error}` : ''}`,
    ...(sweep ? [`sweep      ${sweepProgressText(sweep, run.status)}`] : []),
    `started    ${run.startedAt}${run.seconds === null ? '' : `, took ${run.seconds.toFixed(1)}s`}`,
    `commit     ${run.gitCommit}`,
    `seed       ${run.seed ?? '-'}`,
    `arguments  ${run.argv.join(' ')}`,
  ];
  if (run.data.length) {
    lines.push('', 'data:');
    for (const d of run.data) lines.push(`  ${d.role.padEnd(6)} ${d.sha256}  ${d.path}  (${d.files > 1 ? `${d.files} files, ` : ''}${d.bytes} bytes)`);
  }
  if (Object.keys(run.artifacts).length) {
    lines.push('', 'artifacts:');
    for (const [k, v] of Object.entries(run.artifacts)) lines.push(`  ${k}: ${v}`);
  }
  const metrics = Object.entries(run.metrics);
  if (metrics.length) {
    lines.push('', 'metrics:');
    const w = Math.max(...metrics.map(([k]) => k.length));
    for (const [k, v] of metrics) lines.push(`  ${k.padEnd(w)}  ${fmt(v)}`);
  }
  const byName = new Map<string, { step: number; value: number }[]>();
  for (const s of run.steps) {
    let list = byName.get(s.name);
    if (!list) byName.set(s.name, (list = []));
    list.push(s);
  }
  if (byName.size) {
    lines.push('', 'per step (epoch, trial or fold):');
    for (const [name, steps] of byName) lines.push(`  ${name}: ${steps.map((s) => `${s.step}:${fmt(s.value)}`).join(' ')}`);
  }
  return lines.join('\n') + '\n';
}

export interface RunComparison {
  runs: number[];
  /** metric → value per run (null where a run lacks it). */
  metrics: Record<string, (number | null)[]>;
  /** Recipe field path → value per run, only the fields that differ. */
  recipe_diff: Record<string, unknown[]>;
  git_commits: string[];
  /** Data role → sha256 per run, only the roles whose hashes differ. */
  data_diff: Record<string, (string | null)[]>;
}

export function compareRuns(runs: readonly RunDetail[]): RunComparison {
  const metricNames = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))];
  const metrics: RunComparison['metrics'] = {};
  for (const m of metricNames) metrics[m] = runs.map((r) => r.metrics[m] ?? null);
  const flat = runs.map((r) => flatten(r.recipe));
  const recipeDiff: RunComparison['recipe_diff'] = {};
  for (const key of [...new Set(flat.flatMap((f) => [...f.keys()]))].sort()) {
    const values = flat.map((f) => f.get(key));
    if (new Set(values.map((v) => JSON.stringify(v ?? null))).size > 1) recipeDiff[key] = values.map((v) => v ?? null);
  }
  const dataDiff: RunComparison['data_diff'] = {};
  for (const role of [...new Set(runs.flatMap((r) => r.data.map((d) => d.role)))]) {
    const hashes = runs.map((r) => r.data.find((d) => d.role === role)?.sha256 ?? null);
    if (new Set(hashes).size > 1) dataDiff[role] = hashes;
  }
  return { runs: runs.map((r) => r.id), metrics, recipe_diff: recipeDiff, git_commits: runs.map((r) => r.gitCommit), data_diff: dataDiff };
}

/** `{model: {C: 4}}` → `model.C` → 4; lists are leaves. */
function flatten(value: unknown, prefix = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, into);
  } else if (prefix) {
    into.set(prefix, value);
  }
  return into;
}

function formatComparison(runs: readonly RunDetail[], c: RunComparison): string {
  const header = ['', ...runs.map((r) => `run ${r.id} (${r.command})`)];
  const rows: string[][] = [];
  for (const [m, values] of Object.entries(c.metrics)) {
    const first = values[0];
    rows.push([m, ...values.map((v, i) => (v === null ? '-' : i > 0 && first !== null ? `${fmt(v)} (${v - first >= 0 ? '+' : ''}${fmt(v - first)})` : fmt(v)))]);
  }
  let text = table(header, rows);
  const diffs = Object.entries(c.recipe_diff);
  text += diffs.length ? `\nrecipe fields that differ:\n${table(['', ...runs.map((r) => `run ${r.id}`)], diffs.map(([k, vs]) => [k, ...vs.map((v) => JSON.stringify(v))]))}` : '\nrecipes: identical\n';
  text += new Set(c.git_commits).size > 1 ? `\ncode: different commits ${c.git_commits.map((g) => g.slice(0, 8)).join(' ')}\n` : `\ncode: same commit ${c.git_commits[0].slice(0, 8)}\n`;
  const data = Object.entries(c.data_diff);
  text += data.length ? `data that differs: ${data.map(([role, hs]) => `${role} (${hs.map((h) => (h ? h.slice(0, 8) : '-')).join(' ')})`).join(', ')}\n` : 'data: same files (sha256)\n';
  return text;
}
