import path from 'node:path';
import { encodeTargets } from '../../data/labels.js';
import { loadExamples } from '../../data/dataset.js';
import { formatClassificationReport } from '../../eval/classification-report.js';
import { scoreReport } from '../../eval/evaluate.js';
import { scoreInBatches } from '../../models/score-texts.js';
import type { EvalReport } from '../../eval/metrics.js';
import type { Task } from '../../data/targets.js';
import { dataSpecOf, loadModel } from '../../persist/model-dir.js';
import { boolFlag, parseCommandArgs, requireFlag, stringFlag } from '../args.js';
import { out } from '../output.js';
import { createProgressBar } from '../progress.js';
import { badRowFlag } from './train.js';
import { evalRunRecord } from '../../track/commands.js';
import { tracked, trackingChoice, TRACKING_FLAGS, TRACKING_HELP } from '../../track/record.js';
import { baselinesTable, type Baselines } from '../../usecases/dialog/baselines.js';
import { manifestBaselines } from '../../usecases/dialog/next-turn-baselines.js';
import { evalRatingText, ratingForEval, type EvalRatingFields } from '../../usecases/rating/eval-rating.js';
import { formatRoutingReport } from '../../usecases/routing/format-routing.js';
import { routingForEval, type EvalRoutingFields } from '../../usecases/routing/routing-section.js';

export const evalHelp = `Usage: textclass eval <modelDir> --data <file-or-folder> [--json]

Scores a labelled file (or folder, for folder-per-label models) with a trained model and prints
the metrics. The model remembers how its training data was read, so any file of the same format
works without the recipe.

Options:
  --data <path>        labelled data in the model's training format (required)
  --json               print one JSON object (n, accuracy, balanced_accuracy, macro_f1, micro_f1,
                       weighted_f1, per_class, …) instead of the classification report
                       (next-turn dialog models add "baselines": majority label and
                       stratified random guessing scored on the same data)
                       (models with a rating map add "rating": MAE and Spearman of the
                       learnt stars and of the naive rule against the stars in the file names)
  --on-bad-row <p>     error (default) or skip malformed rows (the count is reported)
${TRACKING_HELP}  -h, --help           show this help

Examples:
  textclass eval models/goemotions --data ../shared/datasets/goemotions/dev.tsv
  textclass eval models/imdb --data path/to/aclImdb/test --json
`;

export async function runEval(argv: string[]): Promise<number> {
  const args = parseCommandArgs('eval', argv, { data: { type: 'string' }, json: { type: 'boolean' }, 'on-bad-row': { type: 'string' }, ...TRACKING_FLAGS }, { min: 1, max: 1, names: 'the model directory' });
  if (args.values.help) {
    out(evalHelp);
    return 0;
  }
  const dataPath = path.resolve(requireFlag(args, 'eval', 'data', 'file-or-folder'));
  const onBadRow = badRowFlag(stringFlag(args, 'on-bad-row')) ?? 'error';
  const model = loadModel(args.positionals[0]);
  const { manifest, classifier } = model;
  // Experiment tracking (src/track): one row in the runs database per eval run.
  const record = evalRunRecord(args.positionals[0], dataPath, manifest, argv);
  const { report, skipped, droppedRows } = await tracked(
    trackingChoice(args),
    record.start,
    async () => {
      const readBar = createProgressBar();
      const { examples, skipped, dropped } = await loadExamples(dataPath, dataSpecOf(manifest), { onBadRow, onProgress: (done, total) => readBar.update('read', done, total) });
      readBar.done();
      const droppedRows = [...dropped.values()].reduce((a, b) => a + b, 0);
      const targets = encodeTargets(examples, manifest.labels, manifest.task as Task);
      const bar = createProgressBar();
      const proba = await scoreInBatches(classifier, examples.map((e) => e.text), 4096, (done) => bar.update('predict', done, examples.length));
      bar.done();
      const report: EvalReport & { skipped_rows?: number; dropped_rows?: Record<string, number>; baselines?: Baselines } & EvalRatingFields & EvalRoutingFields = scoreReport(manifest.task as Task, manifest.labels, targets, proba, manifest.decision);
      if (skipped.length > 0) report.skipped_rows = skipped.length;
      if (droppedRows > 0) report.dropped_rows = Object.fromEntries(dropped);
      const baselines = manifestBaselines(manifest, targets);
      if (baselines) report.baselines = baselines;
      // Models with a rating map: MAE and Spearman of the stars, learnt map vs naive rule, when the file names carry stars.
      Object.assign(report, ratingForEval(manifest, args.positionals[0], examples, proba));
      // Routing models: per-tier metrics, exact paths and the abstention curve at the stored threshold.
      Object.assign(report, routingForEval(manifest, targets, proba));
      return { report, skipped, dropped, droppedRows };
    },
    (r) => record.end(r.report),
    record.onFailure,
  );
  if (boolFlag(args, 'json')) {
    out(JSON.stringify(report) + '\n');
  } else {
    const notes = [skipped.length ? `${skipped.length} bad rows skipped` : '', droppedRows ? `${droppedRows} rows left out by the model's label rules` : ''].filter(Boolean);
    out(`${manifest.name} on ${dataPath} (${report.n} texts${notes.length ? ', ' + notes.join(', ') : ''})\n\n`);
    out(formatClassificationReport(report) + '\n');
    if (report.baselines) out(`\nagainst baselines (next-turn model):\n${baselinesTable(report.baselines, report)}`);
    out(evalRatingText(manifest, report));
    if (report.routing) out(formatRoutingReport(report.routing, dataPath));
  }
  return 0;
}
