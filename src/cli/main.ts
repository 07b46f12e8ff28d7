import { TextclassError } from '../errors.js';
import { TEXTCLASS_VERSION } from '../version.js';
import { runCompare } from './commands/compare.js';
import { runCv } from './commands/cv.js';
import { runEval } from './commands/eval.js';
import { runRating } from './commands/rating.js';
import { runExplain } from './commands/explain.js';
import { runExport } from './commands/export.js';
import { runInspect } from './commands/inspect.js';
import { runFeedback } from './commands/feedback.js';
import { runKeys } from './commands/keys.js';
import { runPredict } from './commands/predict.js';
import { runForecast } from './commands/forecast.js';
import { runReport } from './commands/report.js';
import { runRuns } from './commands/runs.js';
import { runServe } from './commands/serve.js';
import { runTuneCommand } from './commands/tune.js';
import { runStarter } from './commands/starter.js';
import { runInit } from './commands/init.js';
import { runTrain } from './commands/train.js';
import { runWorker } from './commands/worker.js';
import { runRecommend } from './commands/recommend.js';
import { runRoute } from './commands/route.js';
import { out } from './output.js';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; summary: string }> = {
  init: { run: runInit, summary: 'look at a csv/tsv/jsonl/xlsx file, a folder per label, DailyDialog or GoEmotions data and write a starter recipe' },
  inspect: { run: runInspect, summary: "report what is in a recipe's data (labels, lengths, leaks, bad rows)" },
  train: { run: runTrain, summary: 'train a model from a recipe' },
  eval: { run: runEval, summary: 'measure a model on labelled data' },
  rating: { run: runRating, summary: "show a review model's learnt 1-10 stars map and its error by true star" },
  report: { run: runReport, summary: 'write a self-contained HTML evaluation report with charts' },
  explain: { run: runExplain, summary: 'show why a model labels a text (token contributions) or its top features' },
  compare: { run: runCompare, summary: 'compare models on the same data with paired bootstrap intervals' },
  cv: { run: runCv, summary: "k-fold cross-validation of a recipe: mean ± std of every metric" },
  predict: { run: runPredict, summary: 'label texts from a file or standard input' },
  export: { run: runExport, summary: 'write a model as ONNX (model.onnx + featurizer.json) for other runtimes' },
  forecast: { run: runForecast, summary: "forecast the next speaker's emotion in a dialog (next-turn models)" },
  tune: { run: runTuneCommand, summary: 'search hyperparameters of a recipe (grid, random, TPE) for the best dev metric' },
  runs: { run: runRuns, summary: 'list, show and compare tracked train/tune/eval/cv runs' },
  serve: { run: runServe, summary: 'serve the models folder: REST API, web page, batch jobs' },
  worker: { run: runWorker, summary: 'run distributed jobs (batch-scoring chunks, tuning trials) from a Redis queue' },
  keys: { run: runKeys, summary: 'create, list and revoke API keys of the server' },
  feedback: { run: runFeedback, summary: 'export label corrections users sent to the server' },
  starter: { run: runStarter, summary: 'train the bundled starter model (offline demo)' },
  recommend: { run: runRecommend, summary: 'recommend catalog items (songs, lyrics) by emotion, with the why of each pick' },
  route: { run: runRoute, summary: 'route service-desk tickets tier by tier (category → sub-category → …), or to a person' },
};

export const mainHelp = `textclass ${TEXTCLASS_VERSION} — train, evaluate and serve text classifiers

Usage: textclass <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run \`textclass <command> --help\` for the options of one command.

Start from your own file:
  textclass init my-data.csv      (writes my-data.yaml and prints the next commands)

Example:
  textclass inspect recipes/goemotions.yaml --data-dir ../shared/datasets
  textclass train recipes/goemotions.yaml --out models/goemotions --data-dir ../shared/datasets
  textclass eval models/goemotions --data ../shared/datasets/goemotions/dev.tsv
  echo "thanks, this made my day" | textclass predict models/goemotions
`;

/** Runs one CLI invocation and returns its exit code. Expected failures print one line, never a stack. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(mainHelp);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    out(`${TEXTCLASS_VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    process.stderr.write(`textclass: unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(', ')}; see \`textclass --help\`)\n`);
    return 2;
  }
  try {
    return await entry.run(rest);
  } catch (e) {
    if (e instanceof TextclassError) {
      process.stderr.write(`textclass ${command}: ${e.message}\n`);
      return e.exitCode;
    }
    if (process.env.TEXTCLASS_DEBUG) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === 'string' && err.syscall) {
      // File-system failures the readers did not anticipate (permissions, disk full): still one line.
      process.stderr.write(`textclass ${command}: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`textclass ${command}: internal error: ${err?.message ?? String(e)} (set TEXTCLASS_DEBUG=1 for the stack trace and report it)\n`);
    return 70;
  }
}
