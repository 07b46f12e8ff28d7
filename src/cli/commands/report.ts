import path from 'node:path';
import { loadExamples } from '../../data/dataset.js';
import type { Example } from '../../data/types.js';
import { UsageError } from '../../errors.js';
import { dataSpecOf, loadModel } from '../../persist/model-dir.js';
import type { Recipe } from '../../recipe/schema.js';
import { collectReportData } from '../../report/collect.js';
import { renderHtmlReport } from '../../report/html.js';
import { prepareData } from '../../train/prepare-data.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { parseCommandArgs, requireFlag, stringFlag } from '../args.js';
import { out } from '../output.js';
import { createProgressBar } from '../progress.js';
import { badRowFlag, defaultDataDir } from './train.js';

export const reportHelp = `Usage: textclass report <modelDir> --out <report.html> [--data <file-or-folder>] [options]

Writes one self-contained HTML page (no network, no CDN; opens offline in any browser) that
evaluates a model on labelled data: headline and per-label metrics, label distribution, labels
per text (multilabel), confusion-matrix heatmap, ROC and precision-recall curves with AUC / AP,
per-label F1 (fixed vs tuned thresholds), training curves, reliability diagram and calibration
table, top features per label, the most confident mistakes with their tokens highlighted by
contribution, and suspected label errors (confident learning). Every chart has a PNG button for
slides.

Data:
  --data <path>          labelled data in the model's training format (its reader and label
                         rules are stored in the model)
  (no --data)            the model's own dev data, re-created from the recipe stored in the model
                         (same files under --data-dir, same seed, same split)

Options:
  --out <file>           where to write the HTML (required; written atomically)
  --data-dir <dir>       base folder for the recipe's data paths when --data is not given
                         (default: $TEXTCLASS_DATA_DIR, else ./data)
  --json-data <file>     also write the report's data as JSON (for your own charts)
  --mistakes <n>         most confident mistakes to show and explain (default 50)
  --on-bad-row <p>       error (default) or skip malformed rows
  -h, --help             show this help

Examples:
  textclass report models/goemotions --data ../shared/datasets/goemotions/dev.tsv --out goemotions.html
  textclass report models/imdb --data-dir ../shared/datasets --out imdb.html
`;

export async function runReport(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'report',
    argv,
    { data: { type: 'string' }, out: { type: 'string' }, 'data-dir': { type: 'string' }, 'json-data': { type: 'string' }, mistakes: { type: 'string' }, 'on-bad-row': { type: 'string' } },
    { min: 1, max: 1, names: 'the model directory' },
  );
  if (args.values.help) {
    out(reportHelp);
    return 0;
  }
  const outPath = requireFlag(args, 'report', 'out', 'report.html');
  const mistakesFlag = stringFlag(args, 'mistakes');
  const mistakes = mistakesFlag === undefined ? undefined : Number(mistakesFlag);
  if (mistakes !== undefined && !(Number.isInteger(mistakes) && mistakes >= 0)) throw new UsageError(`--mistakes must be a non-negative integer, got "${mistakesFlag}"`);
  const onBadRow = badRowFlag(stringFlag(args, 'on-bad-row')) ?? 'error';
  const model = loadModel(args.positionals[0]);
  const bar = createProgressBar();
  let examples: Example[];
  let dataLabel: string;
  try {
    const dataFlag = stringFlag(args, 'data');
    if (dataFlag !== undefined) {
      dataLabel = dataFlag;
      examples = (await loadExamples(path.resolve(dataFlag), dataSpecOf(model.manifest), { onBadRow, onProgress: (d, t) => bar.update('read', d, t) })).examples;
    } else {
      const recipe = model.manifest.recipe as unknown as Recipe;
      const data = await prepareData(recipe, defaultDataDir(stringFlag(args, 'data-dir')), { onBadRow, onProgress: bar.update });
      if (data.dev.length === 0) throw new UsageError(`${model.dir} was trained without dev data; pass labelled data with --data`);
      examples = data.dev;
      dataLabel = `dev data of ${recipe.name} (${data.origin.dev ?? 'dev'})`;
    }
    if (examples.length === 0) throw new UsageError(`${dataLabel}: no labelled rows to report on`);
    const reportData = await collectReportData(model, examples, { dataLabel, createdAt: new Date().toISOString(), mistakes, onProgress: bar.update });
    bar.done();
    const html = renderHtmlReport(reportData);
    writeFileAtomic(outPath, html);
    const jsonPath = stringFlag(args, 'json-data');
    if (jsonPath) writeFileAtomic(jsonPath, JSON.stringify(reportData) + '\n');
    out(`report on ${examples.length} texts written to ${path.resolve(outPath)} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB)\n`);
  } finally {
    bar.done();
  }
  return 0;
}
