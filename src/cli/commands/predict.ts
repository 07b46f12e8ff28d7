import fs from 'node:fs';
import { readPredictionInput } from '../../data/readers/prediction-input.js';
import { decide } from '../../eval/evaluate.js';
import { loadModel } from '../../persist/model-dir.js';
import { UsageError } from '../../errors.js';
import { scoreFile } from '../../predict/score-file.js';
import { scoreInBatches } from '../../models/score-texts.js';
import { chosenGroups, groupScores, type GroupResult } from '../../usecases/emotions/grouping.js';
import { modelGrouping } from '../../usecases/emotions/model-groupings.js';
import { rateRow, ratingSectionOf, starsColumn } from '../../usecases/rating/rating-section.js';
import { predictOnQueue, predictQueueHelp } from './predict-queue.js';
import { boolFlag, parseCommandArgs, stringFlag } from '../args.js';
import { createProgressBar } from '../progress.js';
import { out } from '../output.js';

export const predictHelp = `Usage: textclass predict <modelDir> [--input <file>|-] [--json]
       textclass predict <modelDir> --input <file> --output <file.csv|file.jsonl> [--resume]
       textclass predict <modelDir> --input <file> --output <file> --queue redis://host:port[/db] [--chunk-rows n] [--resume]

Predicts labels for texts: one text per line, or JSON lines with a "text" field (and an optional
"id"). Reads standard input when --input is - or absent. Streams: texts are scored in batches.

Output, one line per text:
  default   the chosen label(s), a tab, then every label's score, highest first
  --json    {"id":…,"labels":[…],"scores":{"label":score,…}}

The model's stored decision rule picks the labels: per-label (or one global) thresholds and an
optional top-k for multilabel models; the top label for single-label ones, or "(not sure)"
(JSON: "labels":[], "not_sure":true) when the top score is below a trained abstain threshold
(recipe evaluation.abstain_below or abstain_min_accuracy). Scores are calibrated when the
model was trained with evaluation.calibration.

With --output the file is scored in batches with constant memory and a progress bar, and the
results go to the output file (CSV: row,id,labels,<score per label>, then stars,naive_stars for
a model with a learnt rating map; .jsonl: one object per row, with "rating"). Input: .csv/.tsv with a header (--text-field, default text; --id-field optional), else one
text per line or JSON lines. The output appears only when complete; a run that was interrupted
(killed, machine down) continues where it stopped with --resume, never losing or repeating a row.

Options:
  --input <file|->     input file (default: standard input)
  --output <file>      write results to this file instead of standard output
  --resume             continue an interrupted --output run of the same input and model
  --text-field <name>  csv/tsv input: the text column (default text)
  --id-field <name>    csv/tsv input: a column copied to the output as id
  --json               JSON lines output
  --group <name>       also show the chosen labels through one of the model's groupings (recipe
                       groupings:, e.g. ekman or sentiment for GoEmotions): plain output gets a
                       third column group=<groups>; JSON gets "groups" and "group_scores"
                       Models trained with a rating map (recipe rating:, e.g. imdb-rating.yaml)
                       add 1-10 stars: plain output a column stars=<learnt> naive=<round(10p)>,
                       JSON "rating": {"stars", "naive_stars", "positive_probability"}
  --batch-size <n>     texts scored together (default 1024)
${predictQueueHelp}  -h, --help           show this help

Examples:
  echo "I can't believe how good this was!" | textclass predict models/starter
  textclass predict models/goemotions --input comments.jsonl --json > scores.jsonl
  textclass predict models/imdb --input reviews.csv --text-field review --output scored.csv
  echo "wow, thanks so much!" | textclass predict models/goemotions --group ekman
`;

export async function runPredict(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'predict',
    argv,
    { input: { type: 'string' }, output: { type: 'string' }, resume: { type: 'boolean' }, 'text-field': { type: 'string' }, 'id-field': { type: 'string' }, queue: { type: 'string' }, 'chunk-rows': { type: 'string' }, json: { type: 'boolean' }, 'batch-size': { type: 'string' }, group: { type: 'string' } },
    { min: 1, max: 1, names: 'the model directory' },
  );
  if (args.values.help) {
    out(predictHelp);
    return 0;
  }
  const batchSize = Number(stringFlag(args, 'batch-size') ?? (stringFlag(args, 'output') !== undefined ? 2048 : 1024));
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new UsageError(`--batch-size must be a positive integer, got "${stringFlag(args, 'batch-size')}"`);
  }
  const output = stringFlag(args, 'output');
  const queue = stringFlag(args, 'queue');
  if (queue !== undefined) {
    if (output === undefined) throw new UsageError('--queue needs --output <file> (the results are written to it in input order)');
    return predictOnQueue({ modelDir: args.positionals[0], input: stringFlag(args, 'input'), output, queue, resume: boolFlag(args, 'resume'), textField: stringFlag(args, 'text-field'), idField: stringFlag(args, 'id-field'), chunkRows: stringFlag(args, 'chunk-rows') });
  }
  const groupName = stringFlag(args, 'group');
  if (groupName !== undefined && (output !== undefined || queue !== undefined)) throw new UsageError('--group applies to the standard output; --output files carry every label\'s score, from which groups can be computed');
  if (output !== undefined) return predictToFile(args, output, batchSize);
  const model = loadModel(args.positionals[0]);
  const { manifest, classifier } = model;
  const grouping = groupName !== undefined ? modelGrouping(model, groupName) : null;
  // Models with a learnt rating map (recipe rating:) also give 1–10 stars per text.
  const rating = ratingSectionOf(manifest, args.positionals[0]);
  const input = stringFlag(args, 'input') ?? '-';
  const source = input === '-' ? process.stdin : input;
  const name = input === '-' ? '<stdin>' : input;
  if (input !== '-' && !fs.existsSync(input)) {
    const { DataError } = await import('../../errors.js');
    throw new DataError({ file: input }, 'file not found');
  }
  const json = boolFlag(args, 'json');
  const labels = manifest.labels;
  const K = labels.length;
  let batch: { text: string; id?: string }[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const proba = await scoreInBatches(classifier, batch.map((b) => b.text), batch.length);
    const chosen = decide(proba, batch.length, K, manifest.decision);
    let text = '';
    for (let i = 0; i < batch.length; i++) {
      const row = proba.subarray(i * K, (i + 1) * K);
      const abstained = manifest.decision.kind === 'argmax' && chosen[i] === -1;
      const picked = manifest.decision.kind === 'argmax' ? (abstained ? [] : [labels[chosen[i]]]) : labels.filter((_, k) => chosen[i * K + k] === 1);
      let groups: GroupResult[] = [];
      let groupScoreRow: Float64Array | null = null;
      if (grouping) {
        groupScoreRow = groupScores(grouping, proba, i * K, manifest.task === 'multilabel');
        const pickedIdx = picked.map((l) => labels.indexOf(l)).sort((a, b) => row[b] - row[a]);
        groups = chosenGroups(grouping, labels, pickedIdx, groupScoreRow);
      }
      if (json) {
        const scores: Record<string, number> = {};
        labels.forEach((l, k) => (scores[l] = round(row[k])));
        const grouped = grouping && groupScoreRow ? { groups: groups.map((g) => ({ ...g, score: round(g.score) })), group_scores: Object.fromEntries(grouping.groupNames.map((g, j) => [g, round(groupScoreRow![j])])) } : {};
        const record = { ...(batch[i].id === undefined ? {} : { id: batch[i].id }), labels: picked, ...(abstained ? { not_sure: true } : {}), scores, ...grouped, ...(rating ? { rating: rateRow(rating, labels, row) } : {}) };
        text += JSON.stringify(record) + '\n';
      } else {
        const order = labels.map((_, k) => k).sort((a, b) => row[b] - row[a]);
        const groupColumn = grouping ? `\tgroup=${groups.map((g) => g.group).join(',')}` : '';
        text += `${abstained ? NOT_SURE : picked.join(',')}\t${order.map((k) => `${labels[k]}=${row[k].toFixed(3)}`).join(' ')}${groupColumn}${rating ? starsColumn(rateRow(rating, labels, row)) : ''}\n`;
      }
    }
    out(text);
    batch = [];
  };
  for await (const item of readPredictionInput(source, name)) {
    batch.push({ text: item.text, id: item.id });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return 0;
}

async function predictToFile(args: ReturnType<typeof parseCommandArgs>, output: string, batchSize: number): Promise<number> {
  const input = stringFlag(args, 'input');
  if (input === undefined || input === '-') throw new UsageError('--output needs --input <file> (standard input cannot be resumed)');
  const model = loadModel(args.positionals[0]);
  const bar = createProgressBar();
  const started = performance.now();
  try {
    const result = await scoreFile({
      input,
      output,
      model,
      batchSize,
      resume: boolFlag(args, 'resume'),
      textField: stringFlag(args, 'text-field'),
      idField: stringFlag(args, 'id-field'),
      onProgress: (done) => bar.update(`predict (${Math.round(done / ((performance.now() - started) / 1000))} texts/s)`, done, 0),
    });
    bar.done();
    const rate = (result.rows - result.resumedFrom) / Math.max(result.seconds, 1e-9);
    out(`scored ${result.rows} texts${result.resumedFrom ? ` (resumed after ${result.resumedFrom})` : ''} in ${result.seconds.toFixed(1)}s (${Math.round(rate)} texts/s) → ${output}\n`);
  } finally {
    bar.done();
  }
  return 0;
}

/** What the plain output says for a text below the model's abstain threshold. */
const NOT_SURE = '(not sure)';

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
