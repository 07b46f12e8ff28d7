import fs from 'node:fs';
import path from 'node:path';
import { DataError, formatLocation, UsageError } from '../../errors.js';
import type { ProgressCallback } from '../../data/readers/read-progress.js';
import { formatFromPath } from '../../train/complete-recipe.js';
import { layoutDev, layoutTest, renderLayoutRecipe, surveyLayout, type KnownLayout, type LayoutRecipe } from '../../recipe/layout-recipe.js';
import { readSampleTable, DEFAULT_SAMPLE_RECORDS, type SampleTable, type TabularFormat } from '../../recipe/sample-table.js';
import { AmbiguousColumnsError, chooseColumns, type ColumnChoice } from '../../recipe/sniff-columns.js';
import { sniffLayout } from '../../recipe/sniff-layout.js';
import {
  checkWithReader,
  count,
  devFileProblem,
  readerConfigFor,
  recipeNameFor,
  renderRecipe,
  sampleWords,
  siblingDevFile,
  siblingTestFile,
  validateRendered,
  type ReaderCheck,
  type StarterRecipe,
} from '../../recipe/starter-recipe.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { boolFlag, listFlag, parseCommandArgs, stringFlag, type ParsedCommand } from '../args.js';
import { out } from '../output.js';
import { createProgressBar } from '../progress.js';
import { defaultDataDir } from './train.js';

export const initHelp = `Usage: textclass init <data file or folder> [options]

Looks at your data and writes a starter recipe for it, so that the next step is
\`textclass train\`. Reads:

  a table      a csv, tsv, jsonl or xlsx file with a header row (jsonl: one object per line)
  a folder     one sub-folder per label holding one text per .txt file (aclImdb/train/pos/*.txt,
               aclImdb/train/neg/*.txt): format folder, the labels are the sub-folder names
  DailyDialog  a split as distributed (train.zip) or unpacked, holding dialogues_<split>.txt and
               dialogues_emotion_<split>.txt: format dailydialog, the emotion of each utterance
  GoEmotions   a .tsv without header (text, label ids such as 3,27, an id) with emotions.txt
               beside it naming the ids: format goemotions-tsv, multi-label

DailyDialog and GoEmotions are recognized by what their files hold (the reader train uses reads
the first dialogs; the first lines must be such rows), not by names alone; a folder per label by
its sub-folders of .txt files.

For a table, every record is read and counted, and a seeded sample of ${DEFAULT_SAMPLE_RECORDS} records spread over the
whole file (the same sample every run; all records of a smaller file) proposes:

  the text   every free-text column: most values distinct, several words each (or a script
             written without spaces); several such columns (title + body) are joined in file order
  the label  the column with few distinct values (2 to 200, at most a fifth of the rows), named
             like a label (label, class, category, sentiment, emotion, intent, target, y, …);
             cells listing several labels ("a,b", "a|b", JSON arrays) make it multi-label

When more than one column could be the label (e.g. ticket_type, category, sub_category1) and none
is clearly it, nothing is guessed: init exits with status 3, lists the candidates with their
number of distinct values and the command to run with --label-field. A record that breaks the
parse for the rest of the file (a quote never closed) stops init with the file:line message train
would give.

Then the whole data is read once more with the reader train uses: rows it cannot use (a wrong
number of columns, a stray quote, a jsonl line that is not an object, an empty text or label, a
dialog whose emotion codes do not match its utterances) make the recipe say on_bad_row: skip,
with their number and the first one's file:line. A large file shows a progress bar on a terminal.

The recipe says why each value was chosen (as comments) and names only what the defaults cannot
know: the files, the columns (folder: the labels, with the files of each; sub-folders without
.txt files and unsup/ are left out and named), dev data beside the training data (train.csv →
dev.csv, train/ → dev/, train.zip → validation.zip; also validation, valid, val), else
dev_split: 0.2, and test data beside it (test.csv, test/, test.zip), which train scores once
with the final model. Comments show options to turn on: the star rating from aclImdb-style file names
(<id>_<stars>.txt), DailyDialog's next-turn target (dialog:), tuned thresholds for GoEmotions.
data.train is written relative to a data folder: --data-dir, else the default one (./data or
$TEXTCLASS_DATA_DIR) when the data is inside it, else the folder holding it; the printed next
commands pass that folder with --data-dir when it is not the default, so they work as printed
from where you ran init.

Options:
  --out <file>          where to write the recipe (default: <name>.yaml); an existing file is
                        kept unless --force
  --text-field <name>   tables: the text column instead of guessing; repeat for several (joined
                        in order)
  --label-field <name>  tables: the label column instead of guessing
  --name <name>         the recipe and model name (default: from the file name: x_train.csv → x;
                        train.csv, train.zip or train/ → the folder holding it)
  --data-dir <dir>      write data.train relative to this folder (default: ./data if the data is
                        in it, else the folder holding it)
  --format <f>          csv, tsv, jsonl or xlsx: read the file as that table, when the file name
                        does not say it (or to read a GoEmotions-like .tsv as a plain table)
  --sheet <name>        xlsx: the worksheet (default: the first)
  --force               overwrite an existing recipe file
  --json                print what was chosen as one JSON object instead of the text summary
                        (and no progress bar)
  -h, --help            show this help

Examples:
  textclass init tickets.csv
  textclass init ../shared/datasets/endava_tickets/all_tickets_train.csv --label-field category
  textclass init reviews.jsonl --text-field title --text-field body --out recipes/reviews.yaml
  textclass init ../shared/datasets/imdb/aclImdb/train
  textclass init ../shared/datasets/dailydialog/train.zip
  textclass init ../shared/datasets/goemotions/train.tsv
`;

const FORMATS: readonly TabularFormat[] = ['csv', 'tsv', 'jsonl', 'xlsx'];

/** Where data paths in the recipe are relative to, and how the printed commands name it. */
interface DataDirChoice {
  dataDir: string;
  /** Whether it is the default one (./data or $TEXTCLASS_DATA_DIR): the commands then need no --data-dir. */
  isDefault: boolean;
  /** As the user would type it. */
  shown: string;
  /** A path as the recipe writes it: relative to the data folder, with forward slashes. */
  rel(p: string): string;
}

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
    { min: 1, max: 1, names: 'the data file or folder' },
  );
  if (args.values.help) {
    out(initHelp);
    return 0;
  }
  const fileArg = args.positionals[0];
  const file = path.resolve(fileArg);
  const formatFlag = stringFlag(args, 'format');
  const name = stringFlag(args, 'name') ?? recipeNameFor(file);
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new UsageError(`--name "${name}": use letters, digits, ".", "_" and "-" only`);
  const outFile = stringFlag(args, 'out') ?? `${name}.yaml`;
  const force = boolFlag(args, 'force');
  // Refuse before any reading: the answer cannot change, and a big file need not be read for it.
  if (!force && fs.existsSync(outFile)) {
    throw new UsageError(`${outFile} already exists: pass --force to overwrite it, or --out <file> to write elsewhere`);
  }
  const json = boolFlag(args, 'json');
  const dirs = chooseDataDir(fileArg, stringFlag(args, 'data-dir'));
  // A progress bar on a terminal only (createProgressBar draws nothing otherwise), never under --json.
  const bar = json ? undefined : createProgressBar();
  const progress = (phase: string): ProgressCallback | undefined => (bar === undefined ? undefined : (done, total) => bar.update(phase, done, total));
  try {
    // Before guessing a format from the name: a path that is not there is that, whatever its name.
    if (!fs.existsSync(file)) throw new DataError({ file: fileArg }, 'file not found');
    // Read under the name the user typed, so that every message names the file as they know it.
    const layout = formatFlag === undefined ? await sniffLayout(fileArg) : { kind: 'table' as const };
    const common: InitContext = { args, argv, fileArg, file, name, outFile, force, json, dirs, progress, done: () => bar?.done() };
    if (layout.kind !== 'table') return await initLayout(layout, common);
    return await initTable(formatFlag, common);
  } finally {
    bar?.done();
  }
}

interface InitContext {
  args: ParsedCommand;
  argv: string[];
  fileArg: string;
  file: string;
  name: string;
  outFile: string;
  force: boolean;
  json: boolean;
  dirs: DataDirChoice;
  progress: (phase: string) => ProgressCallback | undefined;
  /** Clears the progress bar before the summary is printed. */
  done: () => void;
}

async function initTable(formatFlag: string | undefined, c: InitContext): Promise<number> {
  const { args, file, fileArg, name, outFile, dirs } = c;
  const format = chooseFormat(file, formatFlag);
  const sheet = stringFlag(args, 'sheet');
  if (sheet !== undefined && format !== 'xlsx') throw new UsageError('--sheet applies to xlsx files only');
  const textFields = listFlag(args, 'text-field');
  const labelField = stringFlag(args, 'label-field');

  const table = await readSampleTable(fileArg, format, DEFAULT_SAMPLE_RECORDS, sheet, { onProgress: c.progress('sampling') });
  let choice: ColumnChoice;
  try {
    choice = chooseColumns(table, { textFields, labelField });
  } catch (e) {
    if (e instanceof AmbiguousColumnsError) throw withSuggestion(e, c.argv, fileArg);
    throw e;
  }

  // Dev and test data beside the training file, used when they have the chosen columns.
  const beside = async (found: string | undefined): Promise<{ file?: string; note?: string }> => {
    if (found === undefined) return {};
    const problem = await devFileProblem(found, format, choice, sheet);
    return problem === undefined ? { file: dirs.rel(found) } : { note: `${path.basename(found)}: ${problem}` };
  };
  const { file: dev, note: devNote } = await beside(siblingDevFile(file));
  const { file: test, note: testNote } = await beside(siblingTestFile(file));

  const check = await checkWithReader(fileArg, readerConfigFor(format, choice, sheet), { onProgress: c.progress('checking') });
  const recipe: StarterRecipe = {
    name,
    format,
    writeFormat: formatFromPath(file) !== format,
    ...(sheet !== undefined ? { sheet } : {}),
    train: dirs.rel(file),
    ...(dev !== undefined ? { dev } : {}),
    ...(devNote !== undefined ? { devNote } : {}),
    ...(test !== undefined ? { test } : {}),
    ...(testNote !== undefined ? { testNote } : {}),
    choice,
    table,
    check,
  };
  const yaml = renderRecipe(recipe);
  validateRendered(yaml, format, outFile);
  writeRecipe(c, yaml);
  const next = nextCommands(c, exampleText(table, choice));
  c.done();

  if (c.json) {
    out(
      JSON.stringify({
        recipe: outFile,
        name,
        format,
        data_dir: dirs.shown,
        train: recipe.train,
        ...(dev !== undefined ? { dev } : { dev_split: 0.2 }),
        ...(test !== undefined ? { test } : {}),
        text_fields: choice.textFields,
        label_field: choice.labelField,
        ...(choice.labelSeparator !== undefined ? { label_separator: choice.labelSeparator } : {}),
        multilabel: choice.multiLabel,
        reasons: { text: choice.textReasons, label: choice.labelReason },
        other_label_candidates: choice.otherLabelCandidates.map((s) => ({ name: s.name, distinct: s.distinct })),
        sample: { records: table.rows.length, total: table.totalRecords, sampled: table.sampled, skipped: check.skippedCount },
        next,
      }) + '\n',
    );
    return 0;
  }
  const lines = [
    `Wrote ${outFile} from ${sampleWords(table)} of ${fileArg}:`,
    ...choice.textReasons.map((r) => `  text   ${r}`),
    `  label  ${choice.labelReason}`,
    devLine(dev, devNote, 'file'),
    ...testLine(test, testNote, 'file'),
    ...badLine(check, 'rows'),
    '',
    'Next:',
    ...next.map((cmd) => `  ${cmd}`),
    '',
  ];
  out(lines.join('\n'));
  return 0;
}

async function initLayout(layout: KnownLayout, c: InitContext): Promise<number> {
  const { args, fileArg, name, outFile, dirs } = c;
  for (const flag of ['text-field', 'label-field', 'sheet']) {
    if (args.values[flag] !== undefined) throw new UsageError(`--${flag} applies to tables (csv, tsv, jsonl, xlsx); ${fileArg} is ${layoutWords(layout)}`);
  }
  const survey = await surveyLayout(layout, c.progress('reading'));
  const devFound = await layoutDev(layout);
  const testFound = await layoutTest(layout);
  const recipe: LayoutRecipe = {
    name,
    layout,
    train: dirs.rel(path.resolve(layout.path)),
    ...(devFound.dev !== undefined ? { dev: dirs.rel(path.resolve(devFound.dev)) } : {}),
    ...(devFound.note !== undefined ? { devNote: devFound.note } : {}),
    ...(testFound.test !== undefined ? { test: dirs.rel(path.resolve(testFound.test)) } : {}),
    ...(testFound.note !== undefined ? { testNote: testFound.note } : {}),
    ...(layout.kind === 'goemotions-tsv' ? { labelNames: dirs.rel(path.resolve(layout.labelNamesFile)) } : {}),
    survey,
  };
  const yaml = renderLayoutRecipe(recipe);
  validateRendered(yaml, layout.kind, outFile);
  writeRecipe(c, yaml);
  const first = survey.check.first;
  const next = nextCommands(c, first === undefined ? '' : shortText(first.text));
  c.done();

  const labels = survey.labelCounts.map((l) => ({ name: l.label, count: l.count }));
  if (c.json) {
    out(
      JSON.stringify({
        recipe: outFile,
        name,
        format: layout.kind,
        data_dir: dirs.shown,
        train: recipe.train,
        ...(recipe.dev !== undefined ? { dev: recipe.dev } : { dev_split: 0.2 }),
        ...(recipe.test !== undefined ? { test: recipe.test } : {}),
        ...(layout.kind === 'goemotions-tsv' ? { task: 'multilabel', label_names: recipe.labelNames } : {}),
        labels,
        ...(layout.kind === 'folder'
          ? {
              files_per_label: Object.fromEntries(layout.labels.map((l) => [l.name, l.files])),
              ignored_folders: [...layout.unlabelled.map((u) => u.name), ...layout.empty],
              ...(layout.stars ? { stars_in_file_names: layout.stars } : {}),
            }
          : {}),
        ...(layout.kind === 'dailydialog' ? { dialogs: survey.dialogs } : {}),
        examples: { read: survey.check.read, skipped: survey.check.skippedCount },
        next,
      }) + '\n',
    );
    return 0;
  }
  const lines = [`Wrote ${outFile} from ${fileArg}, ${layoutWords(layout)}:`];
  const top = (n: number) => survey.labelCounts.slice(0, n).map((l) => `${l.label} ${count(l.count)}`).join(', ') + (survey.labelCounts.length > n ? ', …' : '');
  switch (layout.kind) {
    case 'folder': {
      lines.push(`  labels ${layout.labels.length} sub-folders with .txt files: ${layout.labels.map((l) => `${l.name} ${count(l.files)}`).join(', ')}`);
      const ignored = [...layout.unlabelled.map((u) => `${u.name}/ (${count(u.files)} ${u.files === 1 ? 'file' : 'files'}, named as unlabelled texts)`), ...layout.empty.map((e) => `${e}/ (no .txt files)`)];
      if (ignored.length > 0) lines.push(`  not    ${ignored.join(', ')}`);
      if (layout.stars) lines.push(`  stars  file names look like <id>_<stars>.txt (${layout.stars.min} to ${layout.stars.max}): the recipe shows how to learn the rating too`);
      break;
    }
    case 'dailydialog':
      lines.push(`  text   each utterance of ${count(survey.dialogs)} dialogs (${count(survey.check.read)} utterances)`);
      lines.push(`  label  its emotion: ${top(7)}`);
      lines.push('  also   dialog.target: next_turn predicts the next utterance\'s emotion (a comment in the recipe)');
      break;
    case 'goemotions-tsv':
      lines.push(`  text   ${count(survey.check.read)} rows, column 1`);
      lines.push(`  label  column 2, ids into ${path.basename(layout.labelNamesFile)} (${layout.labelNames.length} labels), up to ${survey.maxLabels} per row: multi-label (most frequent: ${top(5)})`);
      break;
  }
  lines.push(devLine(recipe.dev, recipe.devNote, layout.kind === 'folder' ? 'folder' : 'file'));
  lines.push(...testLine(recipe.test, recipe.testNote, layout.kind === 'folder' ? 'folder' : 'file'));
  if (layout.kind === 'dailydialog') lines.push(...badLine(survey.check, 'dialogs', survey.dialogs + survey.check.skippedCount));
  else lines.push(...badLine(survey.check, layout.kind === 'folder' ? 'files' : 'rows'));
  lines.push('', 'Next:', ...next.map((cmd) => `  ${cmd}`), '');
  out(lines.join('\n'));
  return 0;
}

function layoutWords(layout: KnownLayout): string {
  switch (layout.kind) {
    case 'folder':
      return 'a folder with one sub-folder of .txt files per label';
    case 'dailydialog':
      return 'a DailyDialog split';
    case 'goemotions-tsv':
      return 'a GoEmotions TSV';
  }
}

function testLine(test: string | undefined, note: string | undefined, unit: 'file' | 'folder'): string[] {
  if (test !== undefined) return [`  test   ${test} (beside the training ${unit}; train reports the final model on it)`];
  return note !== undefined ? [`  test   none (${note})`] : [];
}

function devLine(dev: string | undefined, note: string | undefined, unit: 'file' | 'folder'): string {
  if (dev !== undefined) return `  dev    ${dev} (beside the training ${unit})`;
  return `  dev    dev_split: 0.2${note ? ` (${note})` : ` (no dev ${unit} beside the training ${unit})`}`;
}

function badLine(check: ReaderCheck, unit: string, total = check.read + check.skippedCount): string[] {
  if (check.skippedCount === 0) return [];
  const first = check.skipped[0];
  return [`  bad    ${count(check.skippedCount)} of ${count(total)} ${unit} cannot be used (first: ${formatLocation(first.location)}: ${first.reason}); the recipe skips and counts them`];
}

function writeRecipe(c: InitContext, yaml: string): void {
  if (!c.force && fs.existsSync(c.outFile)) throw new UsageError(`${c.outFile} already exists: pass --force to overwrite it, or --out <file> to write elsewhere`);
  writeFileAtomic(c.outFile, yaml);
}

/** The commands to run next, as printed: they work from where init was run. */
function nextCommands(c: InitContext, sample: string): string[] {
  const dataDirArgs = c.dirs.isDefault ? '' : ` --data-dir ${shellWord(c.dirs.shown)}`;
  const modelDir = `models/${c.name}`;
  return [
    `textclass inspect ${shellWord(c.outFile)}${dataDirArgs}`,
    `textclass train ${shellWord(c.outFile)} --out ${shellWord(modelDir)}${dataDirArgs}`,
    `echo ${shellWord(sample || 'some text to label')} | textclass predict ${shellWord(modelDir)}`,
    'textclass serve',
  ];
}

/**
 * Without --data-dir: the default data folder (./data, or $TEXTCLASS_DATA_DIR) when the data is
 * inside it, so the next commands need no flag; else the folder holding it.
 */
function chooseDataDir(fileArg: string, flag: string | undefined): DataDirChoice {
  const file = path.resolve(fileArg);
  const defaultDir = defaultDataDir(undefined);
  const fromDefault = path.relative(defaultDir, file);
  const insideDefault = !fromDefault.startsWith('..') && !path.isAbsolute(fromDefault);
  const dataDir = flag !== undefined ? path.resolve(flag) : insideDefault ? defaultDir : path.dirname(file);
  const shown = flag ?? (path.isAbsolute(fileArg) ? dataDir : path.relative(process.cwd(), dataDir) || '.');
  return { dataDir, isDefault: dataDir === defaultDir, shown, rel: (p) => path.relative(dataDir, p).split(path.sep).join('/') };
}

function chooseFormat(file: string, flag: string | undefined): TabularFormat {
  const inferred = formatFromPath(file);
  if (inferred === 'folder') {
    // Only reached with --format: without it, a folder is a layout or a UsageError already.
    throw new UsageError(`${file} is a folder: --format names a table file's format; leave it out and init reads a folder per label or an unpacked DailyDialog split`);
  }
  if (flag !== undefined) {
    if (!(FORMATS as readonly string[]).includes(flag)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${flag}"`);
    return flag as TabularFormat;
  }
  if (inferred === undefined || !(FORMATS as readonly string[]).includes(inferred)) {
    throw new UsageError(`cannot tell the format of ${file} from its name: pass --format csv, tsv, jsonl or xlsx (init also reads a folder per label, a DailyDialog .zip and a GoEmotions .tsv)`);
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
    fallback ||= shortText(flat);
  }
  return fallback || 'some text to label';
}

/** A text on one line, cut at a word to at most 80 characters. */
function shortText(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= 80 ? flat : flat.slice(0, 80).replace(/\s\S*$/, '');
}

/** A word for a POSIX shell: as is when safe, else in single quotes. */
export function shellWord(s: string): string {
  if (/^[A-Za-z0-9_\/.,:=+@%-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
