import path from 'node:path';
import { formatLocation, UsageError } from '../../errors.js';
import { formatClassificationReport } from '../../eval/classification-report.js';
import { loadRecipeCompleting } from '../../train/complete-recipe.js';
import { trainFromRecipe, type TrainResult } from '../../train/train.js';
import { boolFlag, integerFlag, listFlag, parseCommandArgs, requireFlag, stringFlag } from '../args.js';
import type { EvalReport } from '../../eval/metrics.js';
import { fmt, out, summaryLine } from '../output.js';
import { createProgressBar } from '../progress.js';
import { trainRunRecord } from '../../track/commands.js';
import { tracked, trackingChoice, TRACKING_FLAGS, TRACKING_HELP } from '../../track/record.js';
import { baselinesTable, type Baselines } from '../../usecases/dialog/baselines.js';
import { ratingSummary } from '../../usecases/rating/format-rating.js';
import { routingTrainSummary } from '../../usecases/routing/format-routing.js';

export const trainHelp = `Usage: textclass train <recipe> --out <modelDir> [options]

Trains the model a recipe describes, reports metrics on its dev data and writes the model
directory (manifest.json + weight files) atomically.

A recipe may name only its files and columns (name, data.train, data.dev, data.text_field,
data.label_field): data.format then comes from the file name, task from the training labels
(binary for two, multiclass for more, multilabel when rows carry several), and everything else
from defaults chosen by the script of the text; what was inferred is printed first.

Options:
  --out <dir>          where to write the model (required; replaced atomically if it exists)
  --data-dir <dir>     base folder for the recipe's data paths
                       (default: $TEXTCLASS_DATA_DIR, else ./data)
  --set key=value      override a recipe field, repeatable (value read as YAML)
  --on-bad-row <p>     error (default: the recipe's data.on_bad_row) stops at the first malformed
                       row naming file:line:field; skip leaves such rows out and counts them
  --threads <n>        cross-validation inside train (evaluation.tune_on: cv, the rating map):
                       1 fits the folds one after the other, 2 two at a time; default: two
                       when the model fits on one core and the data is large enough. Results
                       are the same either way; use 1 on a machine that is already busy
  --quiet              print only the final summary line
${TRACKING_HELP}  -h, --help           show this help

Examples:
  textclass train recipes/goemotions.yaml --out models/goemotions --data-dir ../shared/datasets
  textclass train recipes/imdb.yaml --out models/imdb --set model.C=8 --set features.min_df=3
`;

export function defaultDataDir(flag: string | undefined): string {
  return path.resolve(flag ?? process.env.TEXTCLASS_DATA_DIR ?? 'data');
}

export async function runTrain(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'train',
    argv,
    { out: { type: 'string' }, 'data-dir': { type: 'string' }, set: { type: 'string', multiple: true }, quiet: { type: 'boolean' }, 'on-bad-row': { type: 'string' }, threads: { type: 'string' }, ...TRACKING_FLAGS },
    { min: 1, max: 1, names: 'the recipe file' },
  );
  if (args.values.help) {
    out(trainHelp);
    return 0;
  }
  const outDir = requireFlag(args, 'train', 'out', 'modelDir');
  const quiet = boolFlag(args, 'quiet');
  const onBadRow = badRowFlag(stringFlag(args, 'on-bad-row'));
  const foldThreads = integerFlag(args, 'train', 'threads', { min: 1, max: 2 });
  const dataDir = defaultDataDir(stringFlag(args, 'data-dir'));
  const { recipe, filled } = await loadRecipeCompleting(args.positionals[0], listFlag(args, 'set'), dataDir, { onBadRow });
  if (!quiet) for (const line of filled) process.stderr.write(`recipe: ${line}\n`);
  // Experiment tracking (src/track): one row in the runs database per train run.
  const record = trainRunRecord(recipe, dataDir, outDir, argv);
  const result = await tracked(trackingChoice(args), record.start, () => trainWithProgress(recipe, dataDir, outDir, quiet, onBadRow, foldThreads), record.end, record.onFailure);
  printTrainSummary(result, outDir, quiet);
  return 0;
}

/** Validates an --on-bad-row value. */
export function badRowFlag(value: string | undefined): 'error' | 'skip' | undefined {
  if (value === undefined || value === 'error' || value === 'skip') return value;
  throw new UsageError(`--on-bad-row must be error or skip, got "${value}"`);
}

export async function trainWithProgress(
  recipe: Parameters<typeof trainFromRecipe>[0]['recipe'],
  dataDir: string,
  outDir: string,
  quiet: boolean,
  onBadRow?: 'error' | 'skip',
  foldThreads?: number,
): Promise<TrainResult> {
  const bar = createProgressBar();
  try {
    return await trainFromRecipe({
      recipe,
      dataDir,
      outDir,
      onBadRow,
      ...(foldThreads !== undefined ? { foldThreads } : {}),
      progress: bar.update,
      // Status lines are for people watching a terminal; logs and pipes get only the summary.
      log: quiet || !process.stderr.isTTY ? undefined : (line) => {
        bar.done();
        process.stderr.write(`${line}\n`);
      },
    });
  } finally {
    bar.done();
  }
}

function fixedThreshold(r: TrainResult): number {
  return (r.manifest.recipe as { evaluation?: { threshold?: number } }).evaluation?.threshold ?? 0.5;
}

/** Log loss, Brier score and ECE of a report, where present. */
function calibrationLine(report: EvalReport): string {
  const fields = report as unknown as Record<string, unknown>;
  return ['log_loss', 'brier_score', 'ece']
    .filter((k) => typeof fields[k] === 'number')
    .map((k) => `${k}=${fmt(fields[k] as number)}`)
    .join('  ');
}

export function printTrainSummary(r: TrainResult, outDir: string, quiet: boolean): void {
  const t = r.manifest.training as { num_features?: number; iterations?: number; converged?: boolean };
  if (!quiet) {
    out(`trained ${r.manifest.name} (${r.manifest.task}, ${r.manifest.labels.length} labels) on ${r.trainRows} texts in ${r.seconds.toFixed(1)}s`);
    if (t.num_features !== undefined) out(`: ${t.num_features} features, ${t.iterations} iterations${t.converged ? '' : ' (not converged; raise model.max_iter)'}`);
    out('\n');
    if (r.skipped.length > 0) {
      out(`skipped ${r.skipped.length} bad rows; first: ${formatLocation(r.skipped[0].location)}: ${r.skipped[0].reason}\n`);
    }
    for (const [reason, n] of r.dropped) out(`left out ${n} rows: ${reason}\n`);
  }
  if (r.dev) {
    if (!quiet) out(`\ndev (${r.devRows} texts):\n${formatClassificationReport(r.dev)}\n`);
    const decision = r.manifest.decision;
    const tunedOn = decision.kind === 'thresholds' ? decision.tunedOn : 'none';
    if (r.devAtFixedThreshold) out(`dev at the fixed threshold ${fixedThreshold(r)}: ${summaryLine(r.devAtFixedThreshold)}\n`);
    if (r.devUncalibrated) out(`dev before calibration: ${calibrationLine(r.devUncalibrated)}\n`);
    if (r.manifest.calibration) out(`dev after ${r.manifest.calibration.method} calibration (fitted on ${r.manifest.calibration.fittedOn}): ${calibrationLine(r.dev)}\n`);
    if (decision.kind === 'argmax' && decision.abstainBelow !== undefined && r.dev.abstention) {
      const a = r.dev.abstention;
      out(`dev "not sure" below ${a.threshold.toFixed(3)}: answers ${(a.coverage * 100).toFixed(1)}% of texts at accuracy ${fmt(a.accuracy_answered)}\n`);
    }
    out(`dev${tunedOn === 'dev' ? ' with thresholds tuned on dev (optimistic)' : tunedOn === 'cv' ? ' with thresholds tuned on cross-validated training scores' : ''}: ${summaryLine(r.dev)}\n`);
    const grouped = (r.manifest.metrics.dev_grouped ?? {}) as Record<string, EvalReport>;
    for (const [name, report] of Object.entries(grouped)) out(`dev through grouping ${name} (${report.labels.length} groups): ${summaryLine(report)}\n`);
    const devBaselines = r.manifest.metrics.dev_baselines as Baselines | undefined;
    if (devBaselines && !quiet) out(`dev against baselines (next-turn model):\n${baselinesTable(devBaselines, r.dev)}`);
  } else {
    out('no dev data (set data.dev or data.dev_split in the recipe to measure the model)\n');
  }
  if (r.test) {
    if (!quiet) out(`\ntest (${r.testRows} texts):\n${formatClassificationReport(r.test)}\n`);
    out(`test: ${summaryLine(r.test)}\n`);
  }
  if (r.manifest.rating) out(ratingSummary(r.manifest.rating));
  if (r.manifest.routing) out(routingTrainSummary(r.manifest.routing));
  out(`model written to ${path.resolve(outDir)}\n`);
}
