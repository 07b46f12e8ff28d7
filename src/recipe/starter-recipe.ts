/**
 * A starter recipe for one data file: the columns sniff-columns.ts proposes, checked by reading the
 * sampled rows with the reader `train` will use, written as commented YAML that names only what
 * the defaults cannot know (files, columns, a dev split, how bad rows are treated).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { DataError, formatLocation } from '../errors.js';
import { readExamples } from '../data/read.js';
import type { ReaderConfig, SkippedRow } from '../data/types.js';
import { parseRecipe } from './load.js';
import { readSampleTable, type SampleTable, type TabularFormat } from './sample-table.js';
import type { ColumnChoice } from './sniff-columns.js';

/** How the sampled rows fared with the real reader and the chosen columns. */
export interface ReaderCheck {
  read: number;
  skipped: SkippedRow[];
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

/** A dev file beside a training file whose name says `train` (`train.csv` → `dev.csv`, `x_train.tsv` → `x_validation.tsv`). */
export function siblingDevFile(file: string): string | undefined {
  const base = path.basename(file);
  const m = /train(ing)?/i.exec(base);
  if (!m) return undefined;
  for (const word of ['dev', 'validation', 'valid', 'val']) {
    const candidate = path.join(path.dirname(file), base.slice(0, m.index) + word + base.slice(m.index + m[0].length));
    try {
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // Not there: try the next name.
    }
  }
  return undefined;
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
 * Reads the sampled records again with the reader `train` uses and the chosen columns, skipping
 * bad rows and counting them: an empty text or label there would otherwise stop `train` at once.
 */
export async function checkWithReader(file: string, config: ReaderConfig, records: number): Promise<ReaderCheck> {
  const skipped: SkippedRow[] = [];
  let read = 0;
  for await (const _ of readExamples(file, config, { onBadRow: 'skip', skipped })) {
    read++;
    if (read + skipped.length >= records) break;
  }
  if (read === 0) {
    const first = skipped[0];
    throw new DataError(
      { file },
      `none of the first ${records} records could be read with text ${choiceList(config)}${first ? ` (first: ${formatLocation(first.location)}: ${first.reason})` : ''}: name other columns with --text-field / --label-field`,
    );
  }
  return { read, skipped };
}

function choiceList(config: ReaderConfig): string {
  if (!('textFields' in config)) return '';
  return `[${config.textFields.join(', ')}] and label [${(config.labelFields ?? []).join(', ')}]`;
}

/** Whether a dev file has the chosen columns; a reason when it does not. */
export async function devFileProblem(dev: string, format: TabularFormat, choice: ColumnChoice, sheet?: string): Promise<string | undefined> {
  try {
    const head = await readSampleTable(dev, format, 1, sheet);
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
  const sampled = `${table.rows.length} records${table.truncated ? ' (the first ones; the file has more)' : ''}`;
  lines.push(`# Starter recipe written by \`textclass init\` from ${oneLine(path.basename(table.file))}, after looking at ${sampled}.`);
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
  if (r.check.skipped.length > 0) {
    const first = r.check.skipped[0];
    lines.push(`  # ${r.check.skipped.length} of the first ${r.check.read + r.check.skipped.length} rows cannot be used (first: line ${first.location.line ?? '?'}: ${oneLine(first.reason)}):`);
    lines.push('  # skip such rows and count them (train and inspect report them) instead of stopping at the first.');
    lines.push('  on_bad_row: skip');
  }
  return lines.join('\n') + '\n';
}

/**
 * Checks the rendered recipe against the schema as `train` will (format and task filled in), so
 * that init never writes a recipe train would reject.
 */
export function validateRendered(yaml: string, format: TabularFormat, source: string): void {
  const raw = YAML.parse(yaml) as Record<string, unknown>;
  const data = raw.data as Record<string, unknown>;
  parseRecipe({ ...raw, task: 'multiclass', data: { format, ...data } }, [], source);
}

function scalar(s: string): string {
  return YAML.stringify(s, { lineWidth: 0 }).trimEnd();
}

/** Values from the data in a comment: one line, not too long. */
function oneLine(s: string, max = 300): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}
