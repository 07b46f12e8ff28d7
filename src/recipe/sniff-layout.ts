/**
 * What kind of data `textclass init` was pointed at, when it is not a plain table with a header:
 * - a folder with one sub-folder of .txt files per label (aclImdb/train: pos/, neg/);
 * - a DailyDialog split: a .zip as distributed, or the folder it unpacks to, holding
 *   dialogues_<split>.txt and dialogues_emotion_<split>.txt;
 * - a GoEmotions TSV: no header, `text <TAB> 3,27 <TAB> id`, with emotions.txt beside it.
 * Each is recognized by what the files hold, read with the reader `train` will use, not by names
 * alone. Everything else is a table (csv, tsv, jsonl, xlsx) for sample-table.ts.
 */
import fs from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DataError, UsageError } from '../errors.js';
import { readDailyDialog } from '../data/readers/dailydialog.js';
import { Utf8Source } from '../data/readers/encoding.js';
import { listFolderLabels } from '../data/readers/folder.js';
import { splitLines } from '../data/readers/lines.js';
import type { SkippedRow } from '../data/types.js';
import { DAILYDIALOG_EMOTIONS } from '../train/reader-config.js';

export interface FolderLabel {
  name: string;
  /** .txt files in the sub-folder. */
  files: number;
}

export interface FolderLayout {
  kind: 'folder';
  path: string;
  /** Sub-folders holding .txt files, sorted: the labels. */
  labels: FolderLabel[];
  /** Sub-folders without any .txt file: not labels. */
  empty: string[];
  /** Sub-folders of .txt files named as unlabelled data (aclImdb's unsup/): not labels either. */
  unlabelled: FolderLabel[];
  /** When the file names look like aclImdb's `<id>_<stars>.txt`: the range of the stars. */
  stars?: { min: number; max: number };
}

export interface DialogLayout {
  kind: 'dailydialog';
  path: string;
}

export interface GoEmotionsLayout {
  kind: 'goemotions-tsv';
  path: string;
  /** emotions.txt beside the file. */
  labelNamesFile: string;
  labelNames: string[];
}

export type DataLayout = FolderLayout | DialogLayout | GoEmotionsLayout | { kind: 'table' };

/** The extension the folder reader reads by default, and the only one init looks for. */
export const FOLDER_EXTENSION = '.txt';
/** Sub-folder names that hold unlabelled texts, never a label. */
const UNLABELLED = /^(unsup|unsupervised|unlabell?ed)$/i;
/** aclImdb's file names: `<id>_<stars>.txt`. */
const STARS_NAME = /^\d+_(\d+)\.txt$/;
/** Dialogs read to tell a DailyDialog split by its content. */
const DIALOGS_CHECKED = 20;
/** Lines read to tell a GoEmotions TSV by its content. */
const TSV_LINES_CHECKED = 200;

const FOLDER_LAYOUTS =
  'init reads a folder with one sub-folder per label holding the texts as .txt files (e.g. aclImdb/train/pos/*.txt and aclImdb/train/neg/*.txt), ' +
  'or a DailyDialog split (dialogues_<split>.txt and dialogues_emotion_<split>.txt, as in its train.zip)';

/** The layout of `p` (as the user typed it); a table when it is none of the others or does not exist. */
export async function sniffLayout(p: string): Promise<DataLayout> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(p)).isDirectory();
  } catch {
    return { kind: 'table' }; // the table reader reports the missing file in its own words
  }
  if (isFolder) {
    if ((await dialogProblem(p)) === undefined) return { kind: 'dailydialog', path: p };
    return sniffFolder(p);
  }
  const ext = path.extname(p).toLowerCase();
  if (ext === '.zip') {
    const problem = await dialogProblem(p);
    if (problem !== undefined) throw new UsageError(`${p}: ${problem}. Of archives, init reads DailyDialog splits only (a .zip holding dialogues_<split>.txt and dialogues_emotion_<split>.txt); unpack other archives and point init at the file or folder`);
    return { kind: 'dailydialog', path: p };
  }
  if (ext === '.tsv' || ext === '.tab') return (await sniffGoEmotions(p)) ?? { kind: 'table' };
  return { kind: 'table' };
}

// ---------------------------------------------------------------------------------------------
// DailyDialog

/**
 * Why `p` is not a DailyDialog split, or undefined when it is: the reader finds its two files and
 * reads its first dialogs, most of which must have one emotion code per utterance.
 */
export async function dialogProblem(p: string): Promise<string | undefined> {
  const skipped: SkippedRow[] = [];
  const dialogs = new Set<number>();
  try {
    for await (const e of readDailyDialog(p, { format: 'dailydialog', labelNames: [...DAILYDIALOG_EMOTIONS] }, { onBadRow: 'skip', skipped })) {
      dialogs.add(e.dialog?.id ?? -1);
      if (dialogs.size + skipped.length > DIALOGS_CHECKED) break;
    }
  } catch (err) {
    // The path itself is named by the caller; a place inside it (zip:entry:line) is kept.
    if (err instanceof DataError) return err.location.file === p && err.location.line === undefined ? err.problem : err.message;
    throw err;
  }
  if (dialogs.size === 0 || skipped.length > dialogs.size) {
    const first = skipped[0];
    return `its dialogues files do not hold DailyDialog dialogs (utterances ending in __eou__, one emotion code 0-6 each)${first ? `: ${first.reason}` : ''}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Folder per label

/** The folder-per-label layout of `dir`; a UsageError saying what init expects when it is not one. */
export async function sniffFolder(dir: string): Promise<FolderLayout> {
  const layout = await folderLabels(dir);
  if (layout.labels.length >= 2) return layout;
  const found =
    layout.labels.length === 1
      ? `only one sub-folder holds .txt files (${layout.labels[0].name}/): a model needs at least two labels`
      : layout.empty.length === 0
        ? 'it has no sub-folders'
        : `none of its sub-folders (${listNames(layout.empty)}) holds .txt files`;
  const nested = await nestedLayouts(dir, [...layout.labels.map((l) => l.name), ...layout.unlabelled.map((l) => l.name), ...layout.empty]);
  const hint = nested.length > 0 ? `; did you mean ${nested.map((n) => path.join(dir, n)).join(' or ')}?` : '';
  throw new UsageError(`${dir}: ${FOLDER_LAYOUTS}; ${found}${hint}`);
}

/** The sub-folders of `dir` sorted into labels, empty ones and unlabelled ones, with file counts. */
export async function folderLabels(dir: string): Promise<FolderLayout> {
  const labels: FolderLabel[] = [];
  const empty: string[] = [];
  const unlabelled: FolderLabel[] = [];
  let named = 0;
  let withStars = 0;
  let minStars = Infinity;
  let maxStars = -Infinity;
  for (const name of await listFolderLabels(dir)) {
    const files = await textFiles(path.join(dir, name));
    if (files.length === 0) {
      empty.push(name);
      continue;
    }
    if (UNLABELLED.test(name)) {
      unlabelled.push({ name, files: files.length });
      continue;
    }
    labels.push({ name, files: files.length });
    for (const f of files) {
      named++;
      const m = STARS_NAME.exec(f);
      if (!m) continue;
      const stars = Number(m[1]);
      if (stars < 1 || stars > 10) continue;
      withStars++;
      minStars = Math.min(minStars, stars);
      maxStars = Math.max(maxStars, stars);
    }
  }
  // Nearly every name, so that a folder of 1_2.txt-style serial numbers is not taken for ratings
  // by a few coincidences; several distinct values, since a rating that never varies is no rating.
  const stars = named > 0 && withStars >= 0.95 * named && maxStars > minStars ? { min: minStars, max: maxStars } : undefined;
  return { kind: 'folder', path: dir, labels, empty, unlabelled, ...(stars ? { stars } : {}) };
}

/** The .txt files of a folder as the folder reader lists them: not hidden, files or links to files. */
async function textFiles(dir: string): Promise<string[]> {
  let entries: fs.Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || !e.name.endsWith(FOLDER_EXTENSION)) continue;
    if (e.isFile()) names.push(e.name);
    else if (e.isSymbolicLink()) {
      try {
        if ((await stat(path.join(dir, e.name))).isFile()) names.push(e.name);
      } catch {
        // A dangling link: the reader skips it too.
      }
    }
  }
  return names;
}

/**
 * What inside `dir` init could read: sub-folders that are themselves a folder per label
 * (aclImdb/ → train/, test/), and DailyDialog zips (dailydialog/ → train.zip).
 */
async function nestedLayouts(dir: string, subFolders: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of [...subFolders].sort().slice(0, 20)) {
    const inner = await folderLabels(path.join(dir, name));
    if (inner.labels.length >= 2) found.push(name);
  }
  let zips: string[] = [];
  try {
    zips = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.zip')).sort();
  } catch {
    // Unreadable: nothing to suggest.
  }
  for (const zip of zips.slice(0, 5)) {
    if ((await dialogProblem(path.join(dir, zip))) === undefined) found.push(zip);
  }
  return found;
}

function listNames(names: string[]): string {
  const shown = names.slice(0, 10).map((n) => `${n}/`);
  return names.length > 10 ? `${shown.join(', ')} and ${names.length - 10} more` : shown.join(', ');
}

// ---------------------------------------------------------------------------------------------
// GoEmotions TSV

/** Label ids as GoEmotions writes them: `27` or `3,27`. */
const LABEL_IDS = /^\d{1,9}(,\d{1,9})*$/;

/**
 * The GoEmotions layout of a .tsv file, or undefined when the file is not in it (a table with a
 * header). The head must be headerless rows of exactly three tab-separated fields with label ids
 * in the middle; emotions.txt beside the file names the ids.
 */
export async function sniffGoEmotions(file: string): Promise<GoEmotionsLayout | undefined> {
  const head = await goEmotionsHead(file);
  if (head === undefined) return undefined;
  const labelNamesFile = path.join(path.dirname(file), 'emotions.txt');
  if (!fs.existsSync(labelNamesFile)) {
    throw new DataError(
      { file },
      `looks like the GoEmotions layout (no header; text, label ids such as "3,27", an id; tab-separated) but there is no emotions.txt beside it to name the ids: ` +
        'put the label names there, one per line (line 1 names id 0), or add a header row naming the columns to read it as a plain tsv',
    );
  }
  const labelNames = readLabelNames(labelNamesFile);
  if (head.maxId >= labelNames.length) {
    throw new DataError(
      { file, line: head.maxIdLine, field: 'labels' },
      `label id ${head.maxId}, but ${path.basename(labelNamesFile)} beside the file names ${labelNames.length} labels (ids 0 to ${labelNames.length - 1}): it is not this file's list of label names`,
    );
  }
  return { kind: 'goemotions-tsv', path: file, labelNamesFile, labelNames };
}

/**
 * The head of a file in the GoEmotions layout (its largest label id and where), or undefined
 * when the first line is not such a row or fewer than 95% of the first lines are.
 */
export async function goEmotionsHead(file: string): Promise<{ maxId: number; maxIdLine: number } | undefined> {
  let lines = 0;
  let matching = 0;
  let maxId = -1;
  let maxIdLine = 0;
  let lineNo = 0;
  try {
    for await (const line of splitLines(new Utf8Source(file), file)) {
      lineNo++;
      if (line.length === 0) continue;
      lines++;
      const fields = line.split('\t');
      const ok = fields.length === 3 && fields[0].trim() !== '' && LABEL_IDS.test(fields[1]) && fields[2] !== '';
      if (!ok && lines === 1) return undefined; // a header, or not this layout at all
      if (ok) {
        matching++;
        for (const id of fields[1].split(',').map(Number)) {
          if (id > maxId) {
            maxId = id;
            maxIdLine = lineNo;
          }
        }
      }
      if (lines >= TSV_LINES_CHECKED) break;
    }
  } catch {
    return undefined; // unreadable as text: the table reader says why
  }
  return lines > 0 && matching >= 0.95 * lines ? { maxId, maxIdLine } : undefined;
}

/** One label name per line, as the recipe's data.label_names file is read by train. */
export function readLabelNames(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError({ file }, `cannot read the label names: ${(err as Error).message}`);
  }
  const names = text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length < 2) throw new DataError({ file }, `expected one label name per line, found ${names.length}`);
  if (new Set(names).size !== names.length) throw new DataError({ file }, 'label names must be distinct');
  return names;
}
