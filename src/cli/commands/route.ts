import path from 'node:path';
import { UsageError } from '../../errors.js';
import { readExamples } from '../../data/read.js';
import type { Example, ReaderConfig, SkippedRow } from '../../data/types.js';
import { loadModel } from '../../persist/model-dir.js';
import { routeTexts, routingSectionOf, ticketText, type TicketRoute } from '../../usecases/routing/route.js';
import { boolFlag, parseCommandArgs, stringFlag } from '../args.js';
import { out } from '../output.js';
import { badRowFlag } from './train.js';

export const routeHelp = `Usage: textclass route <modelDir> (--title T --body B | --input <file>) [options]

Routes service-desk tickets with a routing model (trained from a recipe with a routing section,
e.g. recipes/tickets-routing.yaml): title + body → tier 1 → tier 2 → tier 3, a consistent path
(each tier's answer is a child of the one above) with a confidence per tier. The ticket is sent
down to the deepest tier whose confidence reaches the threshold; when even tier 1 is below it,
it goes to a person.

Options:
  --title <text>       the ticket's title (with --body; either may be empty, not both)
  --body <text>        the ticket's body
  --input <file>       many tickets: a CSV/TSV with title and body columns, or JSON lines with
                       "title" and "body" keys; one route per row
  --threshold <p>      confidence in [0, 1] a tier needs (default: the model's, tuned on dev for
                       the recipe's routing.target_precision or set by routing.threshold)
  --json               one JSON object per ticket: path, tiers [{tier, name, label, path,
                       confidence, confident}], routed_to (tier name or "person"),
                       routed_depth, routed_path (and line, for --input)
  --on-bad-row <p>     --input: error (default) stops at a malformed row naming file:line:field;
                       skip leaves it out and counts it
  -h, --help           show this help

Examples:
  textclass route models/tickets-routing --title "new starter laptop" --body "hi please set up a laptop for the new starter"
  textclass route models/tickets-routing --input tickets.csv --json > routes.jsonl
  textclass route models/tickets-routing --input tickets.csv --threshold 0.9
`;

export async function runRoute(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'route',
    argv,
    { title: { type: 'string' }, body: { type: 'string' }, input: { type: 'string' }, threshold: { type: 'string' }, json: { type: 'boolean' }, 'on-bad-row': { type: 'string' } },
    { min: 1, max: 1, names: 'the model directory' },
  );
  if (args.values.help) {
    out(routeHelp);
    return 0;
  }
  const threshold = thresholdFlag(stringFlag(args, 'threshold'));
  const input = stringFlag(args, 'input');
  const title = stringFlag(args, 'title');
  const body = stringFlag(args, 'body');
  if (input !== undefined && (title !== undefined || body !== undefined)) throw new UsageError('give either --input <file> or --title/--body, not both (see `textclass route --help`)');
  if (input === undefined && title === undefined && body === undefined) throw new UsageError('give a ticket with --title and --body, or a file of tickets with --input (see `textclass route --help`)');
  const model = loadModel(args.positionals[0]);
  routingSectionOf(model);
  const json = boolFlag(args, 'json');

  if (input === undefined) {
    const text = ticketText(model, { title: title ?? '', body: body ?? '' });
    if (text.length === 0) throw new UsageError('--title and --body are both empty; a ticket needs some text');
    const batch = await routeTexts(model, [text], threshold);
    out(json ? JSON.stringify(batch.routes[0]) + '\n' : formatRoute(batch.routes[0], batch.threshold) + '\n');
    return 0;
  }

  const onBadRow = badRowFlag(stringFlag(args, 'on-bad-row')) ?? 'error';
  const skipped: SkippedRow[] = [];
  const examples: Example[] = [];
  for await (const e of readExamples(path.resolve(input), ticketReader(input, model.manifest.reader), { onBadRow, skipped })) examples.push(e);
  const batch = await routeTexts(model, examples.map((e) => e.text), threshold);
  batch.routes.forEach((r, i) => {
    const line = examples[i].source.line;
    out(json ? JSON.stringify({ ...(line !== undefined ? { line } : {}), ...r }) + '\n' : `${line !== undefined ? `line ${line}: ` : ''}${formatRoute(r, batch.threshold)}\n`);
  });
  if (!json) {
    const toPerson = batch.routes.filter((r) => r.routed_depth === 0).length;
    out(`\n${batch.routes.length} tickets at threshold ${batch.threshold}: ${batch.routes.length - toPerson} routed, ${toPerson} to a person${skipped.length ? `, ${skipped.length} bad rows skipped` : ''}\n`);
  } else if (skipped.length > 0) {
    process.stderr.write(`${skipped.length} bad rows skipped\n`);
  }
  return 0;
}

/** The reader for a file of tickets: its format by extension, the model's title/body order. */
function ticketReader(file: string, modelReader: Record<string, unknown>): ReaderConfig {
  const ext = path.extname(file).toLowerCase();
  const fields = Array.isArray(modelReader.textFields) && modelReader.textFields.every((f) => f === 'title' || f === 'body') ? (modelReader.textFields as string[]) : ['title', 'body'];
  if (ext === '.csv') return { format: 'csv', textFields: fields };
  if (ext === '.tsv') return { format: 'tsv', textFields: fields };
  if (ext === '.jsonl' || ext === '.json' || ext === '.ndjson') return { format: 'jsonl', textFields: fields };
  throw new UsageError(`--input ${file}: use a .csv, .tsv or .jsonl file with title and body columns`);
}

function thresholdFlag(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = Number(v);
  if (v.trim() === '' || !Number.isFinite(t) || t < 0 || t > 1) throw new UsageError(`--threshold must be a number between 0 and 1, got "${v}"`);
  return t;
}

/** `4 (0.93) › 2 (0.81) › 7 (0.41)  → sub-category 4/2`, the tiers below the threshold in brackets. */
export function formatRoute(r: TicketRoute, threshold: number): string {
  const crumbs = r.tiers.map((t) => (t.confident ? `${t.label} (${t.confidence.toFixed(2)})` : `[${t.label} (${t.confidence.toFixed(2)})]`)).join(' › ');
  const where = r.routed_depth === 0 ? `→ a person (tier 1 below ${threshold})` : `→ ${r.routed_to} ${r.routed_path}`;
  return `${crumbs}  ${where}`;
}
