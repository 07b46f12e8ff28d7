import fs from 'node:fs';
import { splitLines } from '../../data/readers/lines.js';
import { DataError, UsageError } from '../../errors.js';
import { loadModel } from '../../persist/model-dir.js';
import { dialogsFromLines, type DialogFromLines } from '../../usecases/dialog/dialog-lines.js';
import { forecastDialogs, TurnError, type Forecast } from '../../usecases/dialog/forecast.js';
import { forecastSupport } from '../../usecases/dialog/settings.js';
import { boolFlag, parseCommandArgs, stringFlag } from '../args.js';
import { out } from '../output.js';

export const forecastHelp = `Usage: textclass forecast <modelDir> [--input <file>|-] [--json] [--top <k>]

Forecasts the emotion of the NEXT turn of a dialog: what the other speaker is likely to feel
when they answer. Needs a model trained for it, with a recipe section
  dialog: {target: next_turn, context_turns: N}
(recipes/dailydialog-next-tuned.yaml). The model reads the last turn and up to N turns before
it, joined exactly as in training.

Input (a file, or standard input when --input is - or absent), UTF-8 text:
  one turn per line, oldest first, speakers alternating;
  a blank line ends a dialog, so a file can hold many dialogs.

Output, one line per dialog, in input order:
  default   the most likely emotion, a tab, every emotion's probability (highest first),
            a tab, then which dialog it is and how many previous turns the model read
  --json    {"dialog":1,"line":1,"next":…,"distribution":[{"label":…,"probability":…},…],
             "top":[…],"context":{"turns_used":…,"context_turns":…,"turns_given":…}}

Options:
  --input <file|->     the dialogs (default: standard input)
  --json               JSON lines output
  --top <k>            also list the k most likely emotions ("top" in --json; default 1)
  -h, --help           show this help

Examples:
  textclass train recipes/dailydialog-next-tuned.yaml --out models/dailydialog-next --data-dir ../shared/datasets
  printf 'I got the job!\\nReally? Tell me everything.\\n' | textclass forecast models/dailydialog-next
  textclass forecast models/dailydialog-next --input chats.txt --json --top 3
`;

/** Dialogs forecast together in one scoring call. */
const BATCH = 256;

export async function runForecast(argv: string[]): Promise<number> {
  const args = parseCommandArgs('forecast', argv, { input: { type: 'string' }, json: { type: 'boolean' }, top: { type: 'string' } }, { min: 1, max: 1, names: 'the model directory' });
  if (args.values.help) {
    out(forecastHelp);
    return 0;
  }
  const topFlag = stringFlag(args, 'top');
  const top = topFlag === undefined ? 1 : Number(topFlag);
  if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a positive integer, got "${topFlag}"`);
  const modelDir = args.positionals[0];
  const model = loadModel(modelDir);
  const support = forecastSupport(model.manifest);
  if (!support.ok) throw new UsageError(`${modelDir}: ${support.reason}`);
  const input = stringFlag(args, 'input') ?? '-';
  const name = input === '-' ? '<stdin>' : input;
  if (input !== '-' && !fs.existsSync(input)) throw new DataError({ file: input }, 'file not found');
  const json = boolFlag(args, 'json');

  let number = 0;
  let batch: DialogFromLines[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    let forecasts: Forecast[];
    try {
      forecasts = await forecastDialogs(model, support.settings, batch.map((d) => d.turns), top);
    } catch (e) {
      // Blank lines end dialogs, so no turn read here is empty; kept as a file:line error anyway.
      if (e instanceof TurnError) throw new DataError({ file: name }, e.message);
      throw e;
    }
    let text = '';
    forecasts.forEach((f, i) => {
      number++;
      text += json ? JSON.stringify({ dialog: number, line: batch[i].line, ...f }) + '\n' : plainLine(f, number, batch[i].line, top);
    });
    out(text);
    batch = [];
  };
  const chunks = input === '-' ? (process.stdin as AsyncIterable<Buffer>) : (fs.createReadStream(input) as AsyncIterable<Buffer>);
  for await (const dialog of dialogsFromLines(splitLines(chunks, name), name)) {
    batch.push(dialog);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  if (number === 0) process.stderr.write(`textclass forecast: ${name} held no dialog (one turn per line; a blank line ends a dialog)\n`);
  return 0;
}

function plainLine(f: Forecast, dialog: number, line: number, top: number): string {
  const head = f.not_sure ? '(not sure)' : top > 1 ? f.top.join(',') : f.next;
  const scores = f.distribution.map((d) => `${d.label}=${d.probability.toFixed(3)}`).join(' ');
  const c = f.context;
  return `${head}\t${scores}\tdialog ${dialog} (line ${line}, ${c.turns_given} turn${c.turns_given === 1 ? '' : 's'}; read the last and ${c.turns_used} before it)\n`;
}
