import { describeLabelMap } from '../../data/label-map.js';
import { findLeaks, type LeakReport } from '../../data/leaks.js';
import { profileSplit, type Percentiles, type SplitProfile } from '../../data/profile.js';
import { formatLocation } from '../../errors.js';
import { loadRecipeCompleting } from '../../train/complete-recipe.js';
import type { OnnxWindowReport } from '../../onnx/inspect-windows.js';
import { prepareData, type PreparedData } from '../../train/prepare-data.js';
import { boolFlag, listFlag, parseCommandArgs, stringFlag } from '../args.js';
import { out } from '../output.js';
import { createProgressBar } from '../progress.js';
import { badRowFlag, defaultDataDir } from './train.js';

export const inspectHelp = `Usage: textclass inspect <recipe> [options]

Reads a recipe's data exactly as \`train\` would (reader, label rules, dialog targets, splits,
sampling) and reports what is in it, before any time goes into training:

  rows per part (train, dev, test) and where each came from
  label counts per part, labels per text, text length percentiles (characters, words)
  duplicate texts within a part and texts shared across parts (exact and case/space-insensitive)
  rows skipped as malformed and why, rows left out by the label rules, sampling before/after

Malformed rows are counted and listed rather than stopping the report (as with
--on-bad-row skip); \`train\` still stops at the first one unless the recipe or flag says skip.

Options:
  --data-dir <dir>     base folder for the recipe's data paths
                       (default: $TEXTCLASS_DATA_DIR, else ./data)
  --set key=value      override a recipe field, repeatable (value read as YAML)
  --on-bad-row <p>     skip (default here) or error
  --json               print one JSON object instead of the text report
  -h, --help           show this help

Examples:
  textclass inspect recipes/dailydialog-next.yaml --data-dir ../shared/datasets
  textclass inspect recipes/tickets-category.yaml --data-dir ../shared/datasets --json
`;

export interface InspectReport {
  recipe: string;
  parts: (SplitProfile & { origin: string })[];
  labels: string[];
  labelRules: string | null;
  leaks: LeakReport;
  skipped: { total: number; byReason: { reason: string; rows: number; first: string }[] };
  dropped: Record<string, number>;
  sampling: PreparedData['sampling'];
  /** model.type onnx: texts longer than the model's max length and the windows they become. */
  onnxWindows?: OnnxWindowReport;
}

export async function runInspect(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'inspect',
    argv,
    { 'data-dir': { type: 'string' }, set: { type: 'string', multiple: true }, json: { type: 'boolean' }, 'on-bad-row': { type: 'string' } },
    { min: 1, max: 1, names: 'the recipe file' },
  );
  if (args.values.help) {
    out(inspectHelp);
    return 0;
  }
  const dataDir = defaultDataDir(stringFlag(args, 'data-dir'));
  const onBadRow = badRowFlag(stringFlag(args, 'on-bad-row')) ?? 'skip';
  const { recipe, filled } = await loadRecipeCompleting(args.positionals[0], listFlag(args, 'set'), dataDir, { onBadRow });
  for (const line of filled) process.stderr.write(`recipe: ${line}\n`);
  const bar = createProgressBar();
  let data: PreparedData;
  try {
    data = await prepareData(recipe, dataDir, {
      onBadRow,
      onProgress: bar.update,
    });
  } finally {
    bar.done();
  }
  const report = inspectReport(recipe.name, data);
  if (recipe.model.type === 'onnx') {
    // Loads only the model's tokenizer, and only for onnx recipes (the runtime stays out of inspect otherwise).
    const { onnxWindowReport } = await import('../../onnx/inspect-windows.js');
    const named = [{ name: 'train', texts: data.unsampledTrain }, { name: 'dev', texts: data.dev }, { name: 'test', texts: data.test }].filter((p) => p.texts.length > 0);
    report.onnxWindows = await onnxWindowReport(recipe.model, named.map((p) => ({ name: p.name, texts: p.texts.map((e) => e.text) })));
  }
  out(boolFlag(args, 'json') ? JSON.stringify(report) + '\n' : formatInspectReport(report));
  return 0;
}

export function inspectReport(name: string, data: PreparedData): InspectReport {
  const parts: InspectReport['parts'] = [];
  const named = [
    { name: 'train', examples: data.unsampledTrain, origin: data.origin.train },
    { name: 'dev', examples: data.dev, origin: data.origin.dev },
    { name: 'test', examples: data.test, origin: data.origin.test },
  ];
  for (const p of named) {
    if (p.origin === undefined) continue;
    parts.push({ ...profileSplit(p.name, p.examples), origin: p.origin });
  }
  const byReason = new Map<string, { rows: number; first: string }>();
  for (const s of data.skipped) {
    const entry = byReason.get(s.reason);
    if (entry) entry.rows++;
    else byReason.set(s.reason, { rows: 1, first: formatLocation(s.location) });
  }
  return {
    recipe: name,
    parts,
    labels: data.labels,
    labelRules: data.spec.labelMap ? describeLabelMap(data.spec.labelMap) : null,
    leaks: findLeaks(named.filter((p) => p.origin !== undefined).map((p) => ({ name: p.name, texts: p.examples.map((e) => e.text) }))),
    skipped: { total: data.skipped.length, byReason: [...byReason].map(([reason, v]) => ({ reason, ...v })).sort((a, b) => b.rows - a.rows) },
    dropped: Object.fromEntries(data.dropped),
    sampling: data.sampling,
  };
}

export function formatInspectReport(r: InspectReport): string {
  const lines: string[] = [`${r.recipe}: ${r.labels.length} labels`, ''];
  for (const p of r.parts) lines.push(`${p.name.padEnd(5)} ${fmt(p.rows).padStart(9)} rows  from ${p.origin}`);
  if (r.labelRules) lines.push('', `label rules: ${r.labelRules}`);

  lines.push('', 'labels');
  const width = Math.max(5, ...r.labels.map(displayWidth));
  lines.push(`  ${padDisplay('label', width)}${r.parts.map((p) => p.name.padStart(16)).join('')}`);
  const labelsShown = new Set([...r.labels, ...r.parts.flatMap((p) => Object.keys(p.labelCounts))]);
  for (const label of labelsShown) {
    const cells = r.parts.map((p) => {
      const n = p.labelCounts[label] ?? 0;
      return `${fmt(n)} ${pct(n, p.rows)}`.padStart(16);
    });
    lines.push(`  ${padDisplay(label, width)}${cells.join('')}`);
  }
  if (r.parts.some((p) => Object.keys(p.labelsPerText).some((k) => k !== '1'))) {
    lines.push('', 'labels per text');
    for (const p of r.parts) lines.push(`  ${p.name.padEnd(5)} ${Object.entries(p.labelsPerText).map(([k, v]) => `${k}: ${fmt(v)}`).join(', ')}`);
  }

  lines.push('', 'text length          min     p50     p90     p99     max    mean');
  for (const p of r.parts) {
    lines.push(`  ${p.name.padEnd(5)} characters ${lengths(p.chars)}`);
    lines.push(`  ${p.name.padEnd(5)} words      ${lengths(p.words)}`);
  }

  lines.push('', 'duplicates and leaks');
  for (const d of r.leaks.duplicatesWithin) {
    lines.push(`  ${d.split.padEnd(5)} ${fmt(d.duplicateRows)} rows repeat an earlier text of the same part (${fmt(d.distinctTexts)} distinct texts in ${fmt(d.rows)} rows)`);
  }
  for (const l of r.leaks.normalized) {
    const exact = r.leaks.exact.find((e) => e.from === l.from && e.to === l.to);
    lines.push(`  ${l.to} rows whose text is also in ${l.from}: ${fmt(exact?.rows ?? 0)} exact, ${fmt(l.rows)} ignoring case and spacing`);
  }
  for (const ex of r.leaks.examples.slice(0, 5)) lines.push(`    e.g. (${ex.from} & ${ex.to}) ${JSON.stringify(ex.text)}`);

  lines.push('', `rows skipped as malformed: ${fmt(r.skipped.total)}`);
  for (const s of r.skipped.byReason.slice(0, 10)) lines.push(`  ${fmt(s.rows)} × ${s.reason} (first at ${s.first})`);
  const dropped = Object.entries(r.dropped);
  if (dropped.length > 0) {
    lines.push('', 'rows left out on purpose');
    for (const [reason, n] of dropped) lines.push(`  ${fmt(n)} × ${reason}`);
  }
  if (r.sampling) {
    lines.push('', 'training sampling (rows before → after)');
    for (const [label, n] of Object.entries(r.sampling.before)) lines.push(`  ${padDisplay(label, width)} ${fmt(n).padStart(9)} → ${fmt(r.sampling.after[label] ?? 0)}`);
  }
  if (r.onnxWindows) {
    const w = r.onnxWindows;
    lines.push('', `ONNX windows (max length ${w.maxLength} tokens: ${w.capacity} of text per window, windows ${w.stride} tokens apart)`);
    for (const p of w.parts) lines.push(`  ${p.name.padEnd(5)} ${fmt(p.overLimit)} of ${fmt(p.texts)} texts longer than a window (longest ${fmt(p.maxTokens)} tokens) → ${fmt(p.windows)} windows in all`);
  }
  return lines.join('\n') + '\n';
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function pct(n: number, total: number): string {
  return total === 0 ? '(  -  )' : `(${((100 * n) / total).toFixed(1).padStart(4)}%)`;
}

function lengths(p: Percentiles): string {
  return [p.min, p.p50, p.p90, p.p99, p.max].map((v) => fmt(v).padStart(7)).join(' ') + ' ' + p.mean.toFixed(1).padStart(7);
}

/** Terminal columns of a label: Hangul, CJK and full-width forms take two. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xff60) || (c >= 0x20000 && c <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

function padDisplay(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}
