import { UsageError } from '../../errors.js';
import { findLabelIssues, type LabelIssueReport } from '../../eval/label-issues.js';
import { loadRecipeCompleting } from '../../train/complete-recipe.js';
import type { Recipe } from '../../recipe/schema.js';
import type { Decision } from '../../persist/model-dir.js';
import { crossValidate, summarizeFolds, type CrossValidationResult } from '../../train/cross-validate.js';
import { prepareData } from '../../train/prepare-data.js';
import { resolveFeatures } from '../../train/text-defaults.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { csvCell } from '../../util/csv.js';
import { boolFlag, integerFlag, listFlag, parseCommandArgs, stringFlag } from '../args.js';
import { fmt, out } from '../output.js';
import { createProgressBar } from '../progress.js';
import { badRowFlag, defaultDataDir } from './train.js';
import { formatRoutingReport } from '../../usecases/routing/format-routing.js';
import { routingForCv } from '../../usecases/routing/routing-section.js';
import { cvRunRecord } from '../../track/commands.js';
import { TrackedRun, trackingChoice, TRACKING_FLAGS, TRACKING_HELP } from '../../track/record.js';

export const cvHelp = `Usage: textclass cv <recipe> [--folds k] [options]

k-fold cross-validation of a recipe. The training rows and the dev rows are pooled (the test data
is never touched), split into k stratified folds (iteratively stratified for multilabel; equal
texts kept in one fold when data.split_groups is text), and the recipe's model is fitted k times,
each time on k−1 folds (resampled by the recipe's sampling section) and scored on the fold it did
not see. Prints mean ± standard deviation of every metric over the folds.

Multilabel folds are scored at the recipe's fixed evaluation.threshold: tuning thresholds inside
each fold would need a second held-out layer, and cv is about the model, not the threshold.

Folds are fitted two at a time on worker threads when that pays: the model fits on one core
(logistic regression, linear SVM, naive Bayes, NB-SVM), there are two cores, and the data is
large enough to outweigh starting the threads (about 2 million n-gram positions × labels: the
4346 tickets or 8000 short Korean sentences are; the starter set is not). fastText-style and
ONNX models, and multilabel logistic regression on large data, use threads of their own and get
the folds one after the other. The numbers are the same either way, to the last digit; two
threads hold two folds' models and a copy of the rows each, so peak memory about doubles.

Options:
  --folds <k>             number of folds, 2–20 (default: the recipe's evaluation.cv_folds, 5)
  --data-dir <dir>        base folder for the recipe's data paths (default: $TEXTCLASS_DATA_DIR, else ./data)
  --set key=value         override a recipe field, repeatable (value read as YAML)
  --json                  print one JSON object: {folds, metrics: {name: {mean, std, folds}}}
  --out-of-fold <file>    write every row's out-of-fold scores as JSON lines
                          {"row","text","labels","scores"} (written atomically)
  --label-issues <file>   write the rows whose given label is probably wrong, found by confident
                          learning on the out-of-fold scores, as CSV (row, text, given, suggested,
                          score, self_confidence), most suspicious first
  --on-bad-row <p>        error (default) or skip malformed rows
  --threads <n>           1: fit the folds one after the other; 2: two folds at a time
                          (default: chosen as above)
${TRACKING_HELP}  -h, --help              show this help

Examples:
  textclass cv recipes/starter.yaml --folds 5 --data-dir data
  textclass cv recipes/dailydialog-next.yaml --folds 3 --data-dir ../shared/datasets --json
  textclass cv recipes/korean-emotion4.yaml --data-dir ../shared/datasets --threads 1
`;

export async function runCv(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'cv',
    argv,
    { folds: { type: 'string' }, 'data-dir': { type: 'string' }, set: { type: 'string', multiple: true }, json: { type: 'boolean' }, 'out-of-fold': { type: 'string' }, 'label-issues': { type: 'string' }, 'on-bad-row': { type: 'string' }, threads: { type: 'string' }, ...TRACKING_FLAGS },
    { min: 1, max: 1, names: 'the recipe file' },
  );
  if (args.values.help) {
    out(cvHelp);
    return 0;
  }
  const threads = integerFlag(args, 'cv', 'threads', { min: 1, max: 2 });
  const dataDir = defaultDataDir(stringFlag(args, 'data-dir'));
  const { recipe, filled } = await loadRecipeCompleting(args.positionals[0], listFlag(args, 'set'), dataDir, { onBadRow: badRowFlag(stringFlag(args, 'on-bad-row')) });
  for (const line of filled) process.stderr.write(`recipe: ${line}\n`);
  const foldsFlag = stringFlag(args, 'folds');
  const k = foldsFlag === undefined ? recipe.evaluation.cv_folds : Number(foldsFlag);
  if (!Number.isInteger(k) || k < 2 || k > 20) throw new UsageError(`--folds must be an integer from 2 to 20, got "${foldsFlag}"`);
  // Experiment tracking (src/track): one row in the runs database per cv run.
  const record = cvRunRecord(recipe, dataDir, k, argv);
  const tracker = TrackedRun.start(trackingChoice(args), record.start);
  const bar = createProgressBar();
  const log = process.stderr.isTTY
    ? (line: string) => {
        bar.done();
        process.stderr.write(`${line}\n`);
      }
    : undefined;
  let result: CrossValidationResult;
  let pooled: Awaited<ReturnType<typeof prepareData>>['unsampledTrain'];
  let labels: string[];
  try {
    const data = await prepareData(recipe, dataDir, { onBadRow: badRowFlag(stringFlag(args, 'on-bad-row')), onProgress: bar.update, log });
    pooled = [...data.unsampledTrain, ...data.dev];
    labels = data.labels;
    if (pooled.length < k) throw new UsageError(`--folds ${k} needs at least ${k} rows; the recipe's training and dev data have ${pooled.length}`);
    const resolved = resolveFeatures(recipe.features, pooled.map((e) => e.text));
    result = await crossValidate(recipe, labels, pooled, {
      k,
      resolved,
      decision: fixedDecision(recipe, labels),
      onFold: (f) => log?.(`fold ${f + 1} of ${k}: fitting on ${pooled.length} rows minus the fold`),
      progress: bar.update,
      threads,
    });
  } catch (e) {
    await tracker?.fail(e, record.onFailure);
    throw e;
  } finally {
    bar.done();
  }
  const summary = summarizeFolds(result.reports);
  await tracker?.finish(record.end(summary));
  const oofPath = stringFlag(args, 'out-of-fold');
  if (oofPath) writeFileAtomic(oofPath, outOfFoldLines(result, pooled, labels));
  const issuesPath = stringFlag(args, 'label-issues');
  let issueCount = 0;
  if (issuesPath) {
    const report = findLabelIssues(result.outOfFold, result.targets, labels);
    issueCount = report.issues.length;
    writeFileAtomic(issuesPath, labelIssuesCsv(report, pooled));
  }
  if (boolFlag(args, 'json')) {
    out(JSON.stringify({ recipe: recipe.name, folds: k, rows: pooled.length, fold_sizes: result.folds.map((f) => f.length), metrics: summary }) + '\n');
    return 0;
  }
  out(`${recipe.name}: ${k}-fold cross-validation on ${pooled.length} rows (training + dev data; fold sizes ${result.folds.map((f) => f.length).join(', ')})\n\n`);
  const width = Math.max(...Object.keys(summary).map((m) => m.length));
  out(`${'metric'.padEnd(width)}  ${'mean'.padStart(8)}  ${'± std'.padStart(8)}   per fold\n`);
  for (const [name, s] of Object.entries(summary)) {
    out(`${name.padEnd(width)}  ${fmt(s.mean).padStart(8)}  ${('± ' + fmt(s.std)).padStart(8)}   ${s.folds.map(fmt).join(' ')}\n`);
  }
  // Routing recipes (src/usecases/routing): per-tier metrics and the abstention curve of the out-of-fold scores.
  const routing = routingForCv(recipe, labels, result.outOfFold, result.targets);
  if (routing) out(formatRoutingReport(routing, 'out-of-fold scores'));
  if (oofPath) out(`\nout-of-fold scores written to ${oofPath}\n`);
  if (issuesPath) out(`${issueCount} suspected label errors written to ${issuesPath}\n`);
  return 0;
}

function labelIssuesCsv(report: LabelIssueReport, rows: readonly { text: string; labels: readonly string[] }[]): string {
  const lines = ['row,text,given,suggested,score,self_confidence'];
  if (report.kind === 'single') {
    for (const i of report.issues) lines.push([i.row, csvCell(rows[i.row].text), csvCell(i.givenLabel), csvCell(i.suggestedLabel), i.score.toFixed(6), i.selfConfidence.toFixed(6)].join(','));
  } else {
    for (const i of report.issues) {
      const given = i.given === 1 ? i.labelName : `not ${i.labelName}`;
      const suggested = i.suggested === 1 ? i.labelName : `not ${i.labelName}`;
      lines.push([i.row, csvCell(rows[i.row].text), csvCell(given), csvCell(suggested), i.score.toFixed(6), i.selfConfidence.toFixed(6)].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

function fixedDecision(recipe: Recipe, labels: readonly string[]): Decision {
  return recipe.task === 'multilabel' ? { kind: 'thresholds', thresholds: labels.map(() => recipe.evaluation.threshold), tunedOn: 'none' } : { kind: 'argmax' };
}

function outOfFoldLines(result: CrossValidationResult, rows: readonly { text: string; labels: readonly string[] }[], labels: readonly string[]): string {
  const K = labels.length;
  const lines: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const scores: Record<string, number> = {};
    for (let k = 0; k < K; k++) scores[labels[k]] = Math.round(result.outOfFold[i * K + k] * 1e6) / 1e6;
    lines.push(JSON.stringify({ row: i, text: rows[i].text, labels: rows[i].labels, scores }));
  }
  return lines.join('\n') + '\n';
}
