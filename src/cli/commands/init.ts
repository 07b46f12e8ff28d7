import fs from 'node:fs';
import path from 'node:path';
import { formatLocation, UsageError } from '../../errors.js';
import { formatFromPath } from '../../train/complete-recipe.js';
import { readSampleTable, DEFAULT_SAMPLE_RECORDS, type SampleTable, type TabularFormat } from '../../recipe/sample-table.js';
import { AmbiguousColumnsError, chooseColumns, type ColumnChoice } from '../../recipe/sniff-columns.js';
import {
  checkWithReader,
  devFileProblem,
  readerConfigFor,
  recipeNameFor,
  renderRecipe,
  siblingDevFile,
  validateRendered,
  type StarterRecipe,
} from '../../recipe/starter-recipe.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { boolFlag, listFlag, parseCommandArgs, stringFlag } from '../args.js';
import { out } from '../output.js';
import { defaultDataDir } from './train.js';

export const initHelp = `Usage: textclass init <data file> [options]

Looks at your data file and writes a starter recipe for it, so that the next step is
\`textclass train\`. Reads csv, tsv, jsonl and xlsx files (the first ${DEFAULT_SAMPLE_RECORDS} records only, however
big the file) and proposes:

  the text   every free-text column: most values distinct, several words each (or a script
             written without spaces); several such columns (title + body) are joined in file order
  the label  the column with few distinct values (2 to 200, at most a fifth of the rows), named
             like a label (label, class, category, sentiment, emotion, intent, target, y, …);
             cells listing several labels ("a,b", "a|b", JSON arrays) make it multi-label

When more than one column could be the label (e.g. ticket_type, category, sub_category1) and none
is clearly it, nothing is guessed: init exits with status 3, lists the candidates with their
number of distinct values and the command to run with --label-field.

The recipe says why each column was chosen (as comments) and names only what the defaults cannot
know: the files, the columns, dev_split: 0.2 when no dev file lies beside the training file
(train.csv → dev.csv), and on_bad_row: skip when sampled rows have an empty text or label.
data.train is written relative to a data folder: --data-dir, else the default one (./data or
$TEXTCLASS_DATA_DIR) when the file is inside it, else the file's own folder; the printed next
commands pass that folder with --data-dir when it is not the default, so they work as printed
from where you ran init.

Options:
  --out <file>          where to write the recipe (default: <name>.yaml); an existing file is
                        kept unless --force
  --text-field <name>   the text column instead of guessing; repeat for several (joined in order)
  --label-field <name>  the label column instead of guessing
  --name <name>         the recipe and model name (default: from the file name: x_train.csv → x)
  --data-dir <dir>      write data.train relative to this folder (default: ./data if the file is
                        in it, else the file's folder)
  --format <f>          csv, tsv, jsonl or xlsx, when the file name does not say it
  --sheet <name>        xlsx: the worksheet (default: the first)
  --force               overwrite an existing recipe file
  --json                print what was chosen as one JSON object instead of the text summary
  -h, --help            show this help

Examples:
  textclass init tickets.csv
  textclass init ../shared/datasets/endava_tickets/all_tickets_train.csv --label-field category
  textclass init reviews.jsonl --text-field title --text-field body --out recipes/reviews.yaml
`;

const FORMATS: readonly TabularFormat[] = ['csv', 'tsv', 'jsonl', 'xlsx'];

export async function runInit(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'init',
    argv,
    {
      out: { type: 'string' },
      'text-field': { type: 'string', multiple: true },
      'label-field': { type: 'string' },
      name: { type: 'string' },
      'data-dir': { type: 'string' },
      format: { type: 'string' },
      sheet: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    { min: 1, max: 1, names: 'the data file' },
  );
  if (args.values.help) {
    out(initHelp);
    return 0;
  }
  const fileArg = args.positionals[0];
  const file = path.resolve(fileArg);
  const format = chooseFormat(file, stringFlag(args, 'format'));
  const name = stringFlag(args, 'name') ?? recipeNameFor(file);
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new UsageError(`--name "${name}": use letters, digits, ".", "_" and "-" only`);
  const sheet = stringFlag(args, 'sheet');
  if (sheet !== undefined && format !== 'xlsx') throw new UsageError('--sheet applies to xlsx files only');
  const outFile = stringFlag(args, 'out') ?? `${name}.yaml`;
  const force = boolFlag(args, 'force');
  // Refuse before any reading: the answer cannot change, and a big file need not be read for it.
  if (!force && fs.existsSync(outFile)) {
    throw new UsageError(`${outFile} already exists: pass --force to overwrite it, or --out <file> to write elsewhere`);
  }
  const textFields = listFlag(args, 'text-field');
  const labelField = stringFlag(args, 'label-field');

  // Read under the name the user typed, so that every message names the file as they know it.
  const table = await readSampleTable(fileArg, format, DEFAULT_SAMPLE_RECORDS, sheet);
  let choice: ColumnChoice;
  try {
    choice = chooseColumns(table, { textFields, labelField });
  } catch (e) {
    if (e instanceof AmbiguousColumnsError) throw withSuggestion(e, argv, fileArg);
    throw e;
  }

  const dataDirFlag = stringFlag(args, 'data-dir');
  // Without --data-dir: the default data folder (./data, or $TEXTCLASS_DATA_DIR) when the file is
  // inside it, so the next commands need no flag; else the file's own folder.
  const defaultDir = defaultDataDir(undefined);
  const insideDefault = !path.relative(defaultDir, file).startsWith('..') && !path.isAbsolute(path.relative(defaultDir, file));
  const dataDir = dataDirFlag !== undefined ? path.resolve(dataDirFlag) : insideDefault ? defaultDir : path.dirname(file);
  const shownDataDir = dataDirFlag ?? (path.isAbsolute(fileArg) ? dataDir : path.relative(process.cwd(), dataDir) || '.');
  const relTrain = (p: string): string => path.relative(dataDir, p).split(path.sep).join('/');

  let dev: string | undefined;
  let devNote: string | undefined;
  const devFile = siblingDevFile(file);
  if (devFile !== undefined) {
    const problem = await devFileProblem(devFile, format, choice, sheet);
    if (problem === undefined) dev = relTrain(devFile);
    else devNote = `${path.basename(devFile)}: ${problem}`;
  }

  const check = await checkWithReader(fileArg, readerConfigFor(format, choice, sheet), table.rows.length);
  const recipe: StarterRecipe = {
    name,
    format,
    writeFormat: formatFromPath(file) !== format,
    ...(sheet !== undefined ? { sheet } : {}),
    train: relTrain(file),
    ...(dev !== undefined ? { dev } : {}),
    ...(devNote !== undefined ? { devNote } : {}),
    choice,
    table,
    check,
  };
  const yaml = renderRecipe(recipe);
  validateRendered(yaml, format, outFile);
  if (!force && fs.existsSync(outFile)) throw new UsageError(`${outFile} already exists: pass --force to overwrite it, or --out <file> to write elsewhere`);
  writeFileAtomic(outFile, yaml);

  const dataDirArgs = dataDir === defaultDir ? '' : ` --data-dir ${shellWord(shownDataDir)}`;
  const modelDir = `models/${name}`;
  const sample = exampleText(table, choice);
  const next = [
    `textclass inspect ${shellWord(outFile)}${dataDirArgs}`,
    `textclass train ${shellWord(outFile)} --out ${shellWord(modelDir)}${dataDirArgs}`,
    `echo ${shellWord(sample)} | textclass predict ${shellWord(modelDir)}`,
    'textclass serve',
  ];

  if (boolFlag(args, 'json')) {
    out(
      JSON.stringify({
        recipe: outFile,
        name,
        format,
        data_dir: shownDataDir,
        train: recipe.train,
        ...(dev !== undefined ? { dev } : { dev_split: 0.2 }),
        text_fields: choice.textFields,
        label_field: choice.labelField,
        ...(choice.labelSeparator !== undefined ? { label_separator: choice.labelSeparator } : {}),
        multilabel: choice.multiLabel,
        reasons: { text: choice.textReasons, label: choice.labelReason },
        other_label_candidates: choice.otherLabelCandidates.map((s) => ({ name: s.name, distinct: s.distinct })),
        sample: { records: table.rows.length, truncated: table.truncated, skipped: check.skipped.length },
        next,
      }) + '\n',
    );
    return 0;
  }
  const lines = [
    `Wrote ${outFile} from ${table.rows.length} records of ${fileArg}${table.truncated ? ' (the first ones)' : ''}:`,
    ...choice.textReasons.map((r) => `  text   ${r}`),
    `  label  ${choice.labelReason}`,
    `  dev    ${dev !== undefined ? `${dev} (beside the training file)` : `dev_split: 0.2${devNote ? ` (${devNote})` : ' (no dev file beside the training file)'}`}`,
  ];
  if (check.skipped.length > 0) {
    const first = check.skipped[0];
    lines.push(`  bad    ${check.skipped.length} sampled rows cannot be used (first: ${formatLocation(first.location)}: ${first.reason}); the recipe skips and counts them`);
  }
  lines.push('', 'Next:', ...next.map((c) => `  ${c}`), '');
  out(lines.join('\n'));
  return 0;
}

function chooseFormat(file: string, flag: string | undefined): TabularFormat {
  if (flag !== undefined) {
    if (!(FORMATS as readonly string[]).includes(flag)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${flag}"`);
    return flag as TabularFormat;
  }
  const inferred = formatFromPath(file);
  if (inferred === 'folder') {
    throw new UsageError(`${file} is a folder: init reads one csv, tsv, jsonl or xlsx file; for a folder of texts per label write a recipe with data.format: folder (docs/recipes.md)`);
  }
  if (inferred === undefined || !(FORMATS as readonly string[]).includes(inferred)) {
    throw new UsageError(`cannot tell the format of ${file} from its name: pass --format csv, tsv, jsonl or xlsx`);
  }
  return inferred as TabularFormat;
}

/** The ambiguity error with the command that settles it: the user's own command plus the flag. */
function withSuggestion(e: AmbiguousColumnsError, argv: string[], fileArg: string): AmbiguousColumnsError {
  const flag = e.role === 'label' ? '--label-field' : '--text-field';
  const best = e.role === 'label' ? e.candidates[0] : [...e.candidates].sort((a, b) => b.meanChars - a.meanChars)[0];
  if (best === undefined) return e;
  const command = ['textclass', 'init', fileArg, ...withoutPositional(argv), flag, best.name].map(shellWord).join(' ');
  return new AmbiguousColumnsError(`${e.message}, e.g.: ${command}`, e.role, e.candidates);
}

/** The flags of an init command line, without its data file (which may equal a flag's value). */
function withoutPositional(argv: string[]): string[] {
  const takesValue = new Set(['--out', '--text-field', '--label-field', '--name', '--data-dir', '--format', '--sheet']);
  const rest: string[] = [];
  let dropped = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (takesValue.has(a) && i + 1 < argv.length) {
      rest.push(a, argv[++i]);
    } else if (!dropped && !a.startsWith('-')) {
      dropped = true;
    } else {
      rest.push(a);
    }
  }
  return rest;
}

/** A sampled text short enough for an `echo` example, on one line. */
function exampleText(t: SampleTable, choice: ColumnChoice): string {
  const i = t.columns.indexOf(choice.textFields[choice.textFields.length - 1]);
  let fallback = '';
  for (const row of t.rows) {
    const v = row[i];
    if (typeof v !== 'string') continue;
    const flat = v.replace(/\s+/g, ' ').trim();
    if (!flat) continue;
    if (flat.length <= 80) return flat;
    fallback ||= flat.slice(0, 80).replace(/\s\S*$/, '');
  }
  return fallback || 'some text to label';
}

/** A word for a POSIX shell: as is when safe, else in single quotes. */
export function shellWord(s: string): string {
  if (/^[A-Za-z0-9_\/.,:=+@%-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
