import path from 'node:path';
import { loadExamples } from '../../data/dataset.js';
import { encodeTargets } from '../../data/labels.js';
import type { Task } from '../../data/targets.js';
import { MULTILABEL_METRICS, pairedBootstrap, SINGLE_LABEL_METRICS, type MetricComparison, type Predictions, type Truth } from '../../eval/bootstrap.js';
import { decide } from '../../eval/evaluate.js';
import { argmaxRows } from '../../eval/decide.js';
import { UsageError } from '../../errors.js';
import { scoreInBatches } from '../../models/score-texts.js';
import { dataSpecOf, loadModel, type LoadedModel } from '../../persist/model-dir.js';
import { boolFlag, parseCommandArgs, requireFlag, stringFlag } from '../args.js';
import { fmt, out } from '../output.js';
import { createProgressBar } from '../progress.js';
import { badRowFlag } from './train.js';

export const compareHelp = `Usage: textclass compare <modelDir> <modelDir>... --data <file> [options]

Scores several models on the same labelled data and tells whether the differences are real:
each model's metrics, and for every model after the first its difference to the first (the
baseline) with a paired bootstrap confidence interval (rows resampled with replacement, both
models measured on the same resample). An interval that excludes 0 is a difference the data
supports; p(not better) is the share of resamples where the model did not beat the baseline.

The data is read the way the first model's training data was read (its reader and label rules).
All models must have the same task and the same label set. Each model's own decision rule
(thresholds, top-k) picks its labels; single-label models are compared on their top label.

Options:
  --data <path>          labelled data in the first model's training format (required)
  --resamples <n>        bootstrap resamples (default 1000, at least 100)
  --confidence <c>       two-sided interval level (default 0.95)
  --seed <n>             resampling seed (default 1)
  --json                 one JSON object instead of the table
  --on-bad-row <p>       error (default) or skip malformed rows
  -h, --help             show this help

Example:
  textclass compare models/imdb-lr models/imdb-nbsvm --data path/to/aclImdb/test
`;

export async function runCompare(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'compare',
    argv,
    { data: { type: 'string' }, resamples: { type: 'string' }, confidence: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, 'on-bad-row': { type: 'string' } },
    { min: 2, max: 20, names: 'two or more model directories' },
  );
  if (args.values.help) {
    out(compareHelp);
    return 0;
  }
  const resamples = intFlag(stringFlag(args, 'resamples'), 1000, '--resamples', 100);
  const seed = intFlag(stringFlag(args, 'seed'), 1, '--seed', 0);
  const confidence = Number(stringFlag(args, 'confidence') ?? 0.95);
  if (!(confidence > 0 && confidence < 1)) throw new UsageError(`--confidence must be between 0 and 1, got "${stringFlag(args, 'confidence')}"`);
  const dataPath = path.resolve(requireFlag(args, 'compare', 'data', 'file-or-folder'));
  const models = args.positionals.map((dir) => loadModel(dir));
  const base = models[0];
  checkCompatible(models);
  const task = base.manifest.task as Task;
  const labels = base.manifest.labels;
  const K = labels.length;

  const readBar = createProgressBar();
  const { examples } = await loadExamples(dataPath, dataSpecOf(base.manifest), { onBadRow: badRowFlag(stringFlag(args, 'on-bad-row')) ?? 'error', onProgress: (d, t) => readBar.update('read', d, t) });
  readBar.done();
  if (examples.length === 0) throw new UsageError(`${dataPath}: no labelled rows to compare on`);
  const targets = encodeTargets(examples, labels, task);
  const texts = examples.map((e) => e.text);
  const predictions: Predictions[] = [];
  for (const [j, m] of models.entries()) {
    const bar = createProgressBar();
    const own = await scoreInBatches(m.classifier, texts, 4096, (d) => bar.update(`predict ${j + 1}/${models.length}`, d, texts.length));
    bar.done();
    const proba = reorderColumns(own, m.manifest.labels, labels, texts.length);
    predictions.push(task === 'multilabel' ? { kind: 'multi', predicted: decide(proba, texts.length, K, m.manifest.decision) as Uint8Array } : { kind: 'single', predicted: argmaxRows(proba, texts.length, K) });
  }
  const truth: Truth = targets.kind === 'single' ? { kind: 'single', y: targets.y } : { kind: 'multi', y: targets.y };
  const metrics = task === 'multilabel' ? MULTILABEL_METRICS : SINGLE_LABEL_METRICS;
  const comparison = pairedBootstrap(truth, predictions, K, metrics, { resamples, seed, confidence });
  const names = models.map((m) => m.dir);
  if (boolFlag(args, 'json')) {
    out(JSON.stringify({ data: dataPath, n: examples.length, models: names, resamples, confidence, seed, metrics: comparison }) + '\n');
    return 0;
  }
  out(formatComparison(comparison, names, examples.length, dataPath, confidence, resamples));
  return 0;
}

function intFlag(raw: string | undefined, fallback: number, name: string, min: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return v;
}

function checkCompatible(models: LoadedModel[]): void {
  const [base, ...rest] = models;
  const baseSet = [...base.manifest.labels].sort().join('\u0000');
  for (const m of rest) {
    if (m.manifest.task !== base.manifest.task) throw new UsageError(`${m.dir} is a ${m.manifest.task} model but ${base.dir} is ${base.manifest.task}; compare models of one task`);
    if ([...m.manifest.labels].sort().join('\u0000') !== baseSet) {
      throw new UsageError(`${m.dir} has labels ${m.manifest.labels.join(', ')} but ${base.dir} has ${base.manifest.labels.join(', ')}; compare models with the same label set`);
    }
  }
}

/** A model's n × K scores with its columns put in `target` label order. */
function reorderColumns(proba: Float32Array, own: readonly string[], target: readonly string[], n: number): Float32Array {
  if (own.every((l, k) => l === target[k])) return proba;
  const K = target.length;
  const from = target.map((l) => own.indexOf(l));
  const out = new Float32Array(n * K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) out[i * K + k] = proba[i * K + from[k]];
  return out;
}

function formatComparison(rows: MetricComparison[], names: string[], n: number, data: string, confidence: number, resamples: number): string {
  const pct = Math.round(confidence * 100);
  let text = `${n} texts from ${data}; baseline = ${names[0]}\n`;
  names.forEach((name, j) => (text += `  [${j}] ${name}\n`));
  text += `\n${'metric'.padEnd(18)}${names.map((_, j) => `[${j}]`.padStart(9)).join('')}\n`;
  for (const r of rows) text += `${r.metric.padEnd(18)}${r.values.map((v) => fmt(v).padStart(9)).join('')}\n`;
  for (let j = 1; j < names.length; j++) {
    text += `\n[${j}] − [0], paired bootstrap (${resamples} resamples), ${pct}% interval:\n`;
    for (const r of rows) {
      const d = r.differences[j - 1];
      const verdict = d.low > 0 ? 'better' : d.high < 0 ? 'worse' : 'no clear difference';
      text += `  ${r.metric.padEnd(18)}${signed(d.diff)}  [${signed(d.low)}, ${signed(d.high)}]  p(not better)=${d.pNotBetter.toFixed(3)}  ${verdict}\n`;
    }
  }
  return text;
}

function signed(x: number): string {
  return (x >= 0 ? '+' : '') + x.toFixed(4);
}
