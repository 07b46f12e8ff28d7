import path from 'node:path';
import { loadExamples } from '../../data/dataset.js';
import { UsageError } from '../../errors.js';
import { scoreInBatches } from '../../models/score-texts.js';
import { dataSpecOf, loadModel } from '../../persist/model-dir.js';
import { breakdownByTrueStars, breakdownTable } from '../../usecases/rating/breakdown.js';
import { evaluateRating, positiveScores, trueStars } from '../../usecases/rating/evaluate-rating.js';
import { mapTable, ratingLines, ratingSummary } from '../../usecases/rating/format-rating.js';
import { ratingSectionOf } from '../../usecases/rating/rating-section.js';
import { boolFlag, parseCommandArgs, stringFlag } from '../args.js';
import { out } from '../output.js';
import { createProgressBar } from '../progress.js';
import { badRowFlag } from './train.js';

export const ratingHelp = `Usage: textclass rating <modelDir> [--data <folder>] [--json]

Shows a model's learnt review -> 1-10 stars map (trained with a recipe that has a rating:
section, e.g. recipes/imdb-rating.yaml): which positive probabilities give which stars, how the
method was chosen (cross-validated MAE of every candidate on out-of-fold training scores), and
the MAE and Spearman correlation measured on held-out reviews, next to the naive rule
clamp(round(10p), 1, 10).

With --data, scores a folder of reviews whose file names carry the true stars
(<id>_<stars>.txt, as aclImdb) and breaks the error down by true star: what the map and the
naive rule give reviews of each rating. To rate new reviews use \`textclass predict\` (it adds
stars=<learnt> naive=<naive> to every line of a model with a rating map).

Options:
  --data <folder>      labelled folder of the model's training format, stars in the file names
  --json               one JSON object: the rating section, plus "evaluation" and
                       "by_true_stars" with --data
  --on-bad-row <p>     error (default) or skip unreadable files (the count is reported)
  -h, --help           show this help

Examples:
  textclass train recipes/imdb-rating.yaml --out models/imdb-rating --data-dir ../shared/datasets
  textclass rating models/imdb-rating
  textclass rating models/imdb-rating --data path/to/aclImdb/test
  echo "A masterpiece, I was moved to tears." | textclass predict models/imdb-rating
`;

export async function runRating(argv: string[]): Promise<number> {
  const args = parseCommandArgs('rating', argv, { data: { type: 'string' }, json: { type: 'boolean' }, 'on-bad-row': { type: 'string' } }, { min: 1, max: 1, names: 'the model directory' });
  if (args.values.help) {
    out(ratingHelp);
    return 0;
  }
  const modelDir = args.positionals[0];
  const model = loadModel(modelDir);
  const { manifest } = model;
  const section = ratingSectionOf(manifest, modelDir);
  if (!section) {
    throw new UsageError(`model ${modelDir} has no rating map: train it with a recipe that has a rating: section (e.g. recipes/imdb-rating.yaml; see docs/usecases/rating.md)`);
  }
  const json = boolFlag(args, 'json');
  const dataFlag = stringFlag(args, 'data');
  if (dataFlag === undefined) {
    if (json) out(JSON.stringify(section) + '\n');
    else out(`${manifest.name}: stars from P(${section.positive_label}) by the ${section.method} map\n${mapTable(section)}${ratingSummary(section)}`);
    return 0;
  }
  const dataPath = path.resolve(dataFlag);
  const onBadRow = badRowFlag(stringFlag(args, 'on-bad-row')) ?? 'error';
  const readBar = createProgressBar();
  const { examples, skipped } = await loadExamples(dataPath, dataSpecOf(manifest), { onBadRow, onProgress: (done, total) => readBar.update('read', done, total) });
  readBar.done();
  const stars = trueStars(examples, section.stars_pattern, dataPath);
  const bar = createProgressBar();
  const proba = await scoreInBatches(model.classifier, examples.map((e) => e.text), 4096, (done) => bar.update('predict', done, examples.length));
  bar.done();
  const scores = positiveScores(section, manifest.labels, proba);
  const evaluation = evaluateRating(section, scores, stars);
  const byTrueStars = breakdownByTrueStars(section.map, scores, stars);
  if (json) {
    out(JSON.stringify({ ...section, evaluation, by_true_stars: byTrueStars, ...(skipped.length ? { skipped_rows: skipped.length } : {}) }) + '\n');
  } else {
    out(`${manifest.name} on ${dataPath} (${examples.length} reviews${skipped.length ? `, ${skipped.length} unreadable files skipped` : ''})\n\n`);
    out(breakdownTable(byTrueStars) + '\n');
    out(ratingLines(section, evaluation, 'data'));
  }
  return 0;
}
