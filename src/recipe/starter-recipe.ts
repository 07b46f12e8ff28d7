/**
 * A starter recipe for one data file: the columns sniff-columns.ts proposes, checked by reading the
 * whole file with the reader `train` will use, written as commented YAML that names only what
 * the defaults cannot know (files, columns, a dev split, how bad rows are treated).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { DataError, formatLocation } from '../errors.js';
import { readExamples } from '../data/read.js';
import type { Example, ReaderConfig, SkippedRow } from '../data/types.js';
import type { ProgressCallback } from '../data/readers/read-progress.js';
import { parseRecipe } from './load.js';
import { readSampleTable, type SampleTable, type TabularFormat } from './sample-table.js';
import type { ColumnChoice } from './sniff-columns.js';

/** How the file fared with the real reader and the chosen columns. */
export interface ReaderCheck {
  /** Examples read. */
  read: number;
  /** Rows the reader could not use. */
  skippedCount: number;
  /** The first few of them. */
  skipped: SkippedRow[];
  /** The first example read, if any. */
  first?: Example;
}

export interface StarterRecipe {
  name: string;
  format: TabularFormat;
  /** Written only when the file name does not tell the format. */
  writeFormat: boolean;
  sheet?: string;
  /** data.train as written: relative to the data folder, or absolute. */
  train: string;
  /** data.dev as written, when a dev file was found beside the training file. */
  dev?: string;
  /** Why a dev file beside the training file was not used, if one was. */
  devNote?: string;
  /** data.test as written, when a test file was found beside the training file. */
  test?: string;
  /** Why a test file beside the training file was not used, if one was. */
  testNote?: string;
  choice: ColumnChoice;
  table: SampleTable;
  check: ReaderCheck;
}

/** A recipe name (letters, digits, `.`, `_`, `-`) from a data file's name: `all_tickets_train.csv` → `all_tickets`. */
export function recipeNameFor(file: string): string {
  const stem = path.basename(file).replace(/\.[^.]+$/, '');
  const fromStem = cleanName(stem.replace(/[_.\-\s]*(train|training)$/i, ''));
  if (fromStem) return fromStem;
  const fromFolder = cleanName(path.basename(path.dirname(path.resolve(file))));
  return fromFolder || 'model';
}

function cleanName(s: string): string {
  const cleaned = s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/_+/g, '_').replace(/^[_.-]+|[_.-]+$/g, '');
  // A name of underscores and digits left over from a non-Latin file name says nothing.
  return /[A-Za-z]/.test(cleaned) ? cleaned : '';
}

/**
 * A dev file beside a training file whose name says `train` (`train.csv` → `dev.csv`, `x_train.tsv` →
 * `x_validation.tsv`); with `kind: 'folder'`, a dev folder beside a training folder (`train/` → `dev/`).
 */
export function siblingDevFile(file: string, kind: 'file' | 'folder' = 'file'): string | undefined {
  return siblingDataFile(file, ['dev', 'validation', 'valid', 'val'], kind);
}

/** A test file or folder beside the training data, named as siblingDevFile's (`train.csv` → `test.csv`, `train/` → `test/`). */
export function siblingTestFile(file: string, kind: 'file' | 'folder' = 'file'): string | undefined {
  return siblingDataFile(file, ['test'], kind);
}

function siblingDataFile(file: string, words: readonly string[], kind: 'file' | 'folder'): string | undefined {
  const base = path.basename(file);
  const m = /train(ing)?/i.exec(base);
  if (!m) return undefined;
  for (const word of words) {
    const candidate = path.join(path.dirname(file), base.slice(0, m.index) + word + base.slice(m.index + m[0].length));
    try {
      const st = fs.statSync(candidate);
      if (kind === 'file' ? st.isFile() : st.isDirectory()) return candidate;
    } catch {
      // Not there: try the next name.
    }
  }
  return undefined;
}

/**
 * data.test, with why, when test data lies beside the training data: train scores it once with the
 * final model. When the one beside it cannot be used, only the reason, as a comment.
 */
export function testRecipeLines(test: string | undefined, note: string | undefined, unit: 'file' | 'folder'): string[] {
  if (test !== undefined) {
    return [`  # Found beside the training ${unit}: train scores it once with the final model and reports`, '  # the metrics (an estimate on data nothing was chosen on).', `  test: ${scalar(test)}`];
  }
  return note !== undefined ? [`  # Not using the ${unit} beside it as test data: ${oneLine(note)}.`] : [];
}

/** The reader configuration a recipe with these columns gives `train`. */
export function readerConfigFor(format: TabularFormat, choice: ColumnChoice, sheet?: string): ReaderConfig {
  const fields = {
    textFields: choice.textFields,
    labelFields: [choice.labelField],
    ...(choice.labelSeparator !== undefined ? { labelSeparator: choice.labelSeparator } : {}),
  };
  if (format === 'xlsx') return { format, ...fields, ...(sheet !== undefined ? { sheet } : {}) };
  return { format, ...fields };
}

/**
 * Reads the whole file with the reader `train` uses and the chosen columns, skipping bad rows and
 * counting them: an empty text or label anywhere would otherwise stop `train` there. `onExample`
 * sees every example read (e.g. to count labels).
 */
export async function checkWithReader(
  file: string,
  config: ReaderConfig,
  options: { onProgress?: ProgressCallback; onExample?: (e: Example) => void } = {},
): Promise<ReaderCheck> {
  const skipped = new FirstSkipped();
  let read = 0;
  let first: Example | undefined;
  for await (const e of readExamples(file, config, { onBadRow: 'skip', skipped, onProgress: options.onProgress })) {
    read++;
    first ??= e;
    options.onExample?.(e);
  }
  if (read === 0) {
    const firstBad = skipped[0];
    const what = 'textFields' in config ? ` with text ${choiceList(config)}` : '';
    const fix = 'textFields' in config ? ': name other columns with --text-field / --label-field' : '';
    throw new DataError(
      { file },
      `none of the ${skipped.count} records could be read${what}${firstBad ? ` (first: ${formatLocation(firstBad.location)}: ${firstBad.reason})` : ''}${fix}`,
    );
  }
  return { read, skippedCount: skipped.count, skipped: [...skipped], ...(first !== undefined ? { first } : {}) };
}

/**
 * The readers' list of skipped rows, keeping only the first few and counting the rest: a file of
 * millions of bad rows must not fill memory while init merely counts them. Readers only push.
 */
class FirstSkipped extends Array<SkippedRow> {
  count = 0;

  override push(...rows: SkippedRow[]): number {
    this.count += rows.length;
    for (const r of rows) if (this.length < 5) super.push(r);
    return this.length;
  }
}

function choiceList(config: ReaderConfig): string {
  if (!('textFields' in config)) return '';
  return `[${config.textFields.join(', ')}] and label [${(config.labelFields ?? []).join(', ')}]`;
}

/** Whether a dev file has the chosen columns; a reason when it does not. */
export async function devFileProblem(dev: string, format: TabularFormat, choice: ColumnChoice, sheet?: string): Promise<string | undefined> {
  try {
    const head = await readSampleTable(dev, format, 1, sheet, { headOnly: true });
    const missing = [...choice.textFields, choice.labelField].filter((c) => !head.columns.includes(c));
    return missing.length ? `it has no column ${missing.map((m) => JSON.stringify(m)).join(', ')}` : undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The recipe as YAML with comments that say where each value came from. */
export function renderRecipe(r: StarterRecipe): string {
  const { choice, table } = r;
  const lines: string[] = [];
  lines.push(`# Starter recipe written by \`textclass init\` from ${oneLine(path.basename(table.file))}, after looking at ${sampleWords(table)}.`);
  lines.push('# It names only files and columns: `textclass train` fills in data.format (from the file name)');
  lines.push('# and task (from the labels), and defaults chosen by the script of the text do the rest.');
  lines.push('# Every field is documented in docs/recipes.md; edit freely.');
  lines.push(`name: ${scalar(r.name)}`);
  lines.push('data:');
  if (r.writeFormat) lines.push(`  format: ${r.format}`);
  lines.push(`  train: ${scalar(r.train)}`);
  if (r.sheet !== undefined) lines.push(`  sheet: ${scalar(r.sheet)}`);
  if (r.dev !== undefined) {
    lines.push('  # Found beside the training file; dev data picks thresholds and reports the metrics.');
    lines.push(`  dev: ${scalar(r.dev)}`);
  } else {
    lines.push(`  # ${r.devNote ? `Not using the file beside it as dev data: ${oneLine(r.devNote)}. Instead, hold` : 'No dev file beside the training file: hold'} out a fifth of`);
    lines.push('  # the training rows (seeded, stratified by label) to measure the model and pick thresholds.');
    lines.push('  dev_split: 0.2');
  }
  lines.push(...testRecipeLines(r.test, r.testNote, 'file'));
  lines.push(choice.textFields.length > 1 ? '  # Text: these columns, joined with a newline.' : '  # Text:');
  for (const why of choice.textReasons) lines.push(`  #   ${oneLine(why)}`);
  if (choice.textFields.length === 1) lines.push(`  text_field: ${scalar(choice.textFields[0])}`);
  else {
    lines.push('  text_field:');
    for (const f of choice.textFields) lines.push(`    - ${scalar(f)}`);
  }
  lines.push('  # Label:');
  lines.push(`  #   ${oneLine(choice.labelReason)}`);
  if (choice.otherLabelCandidates.length > 0) {
    lines.push(`  #   Other columns that could be a label: ${oneLine(choice.otherLabelCandidates.map((s) => `${s.name} (${s.distinct} values)`).join(', '))}`);
  }
  const label = choice.stats.find((s) => s.name === choice.labelField);
  if (label && label.numericShare === 1 && !choice.multiLabel) {
    lines.push('  #   The labels are numbers: data.label_names (a file, one name per line) can name the codes.');
  }
  lines.push(`  label_field: ${scalar(choice.labelField)}`);
  if (choice.labelSeparator !== undefined) {
    lines.push(`  # Cells list several labels separated by "${choice.labelSeparator}": a multi-label task.`);
    lines.push(`  label_separator: ${scalar(choice.labelSeparator)}`);
  } else if (choice.multiLabel) {
    lines.push('  # Values are JSON arrays of labels: a multi-label task.');
  }
  lines.push(...badRowLines(r.check, 'rows'));
  return lines.join('\n') + '\n';
}

/** `on_bad_row: skip`, with why, when the reader could not use some rows of the file. */
export function badRowLines(check: ReaderCheck, unit: string, total = check.read + check.skippedCount): string[] {
  if (check.skippedCount === 0) return [];
  const first = check.skipped[0];
  return [
    `  # ${count(check.skippedCount)} of the ${count(total)} ${unit} cannot be used (first: ${oneLine(formatLocation({ ...first.location, file: path.basename(first.location.file) }))}: ${oneLine(first.reason)}):`,
    '  # skip such rows and count them (train and inspect report them) instead of stopping at the first.',
    '  on_bad_row: skip',
  ];
}

/** "4,346 records", or "5,000 of 8,000 records (a seeded sample across the whole file)". */
export function sampleWords(table: SampleTable): string {
  if (!table.sampled) return `${count(table.rows.length)} records`;
  return `${count(table.rows.length)} of ${count(table.totalRecords)} records (a seeded sample across the whole file)`;
}

/** A count with thousands separators, as people read them. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Checks the rendered recipe against the schema as `train` will (format and task filled in), so
 * that init never writes a recipe train would reject.
 */
export function validateRendered(yaml: string, format: string, source: string): void {
  const raw = YAML.parse(yaml) as Record<string, unknown>;
  const data = raw.data as Record<string, unknown>;
  // A task the recipe states is checked as written; otherwise as train's inference may fill it in.
  parseRecipe({ task: 'multiclass', ...raw, data: { format, ...data } }, [], source);
}

export function scalar(s: string): string {
  return YAML.stringify(s, { lineWidth: 0 }).trimEnd();
}

/** Values from the data in a comment: one line, not too long. */
export function oneLine(s: string, max = 300): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}
