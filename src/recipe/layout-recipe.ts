/**
 * Starter recipes for the layouts sniff-layout.ts recognizes (a folder per label, DailyDialog,
 * GoEmotions TSV): the whole data read once with the reader `train` will use, to count labels and
 * bad rows, then written as commented YAML naming what the defaults cannot know.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Example, ReaderConfig } from '../data/types.js';
import type { ProgressCallback } from '../data/readers/read-progress.js';
import { DAILYDIALOG_EMOTIONS } from '../train/reader-config.js';
import { dialogProblem, folderLabels, goEmotionsHead, FOLDER_EXTENSION, type DialogLayout, type FolderLayout, type GoEmotionsLayout } from './sniff-layout.js';
import { badRowLines, checkWithReader, count, oneLine, scalar, siblingDevFile, siblingTestFile, testRecipeLines, type ReaderCheck } from './starter-recipe.js';

export type KnownLayout = FolderLayout | DialogLayout | GoEmotionsLayout;

/** What reading the whole training data found. */
export interface LayoutSurvey {
  check: ReaderCheck;
  /** Examples per label, most frequent first. */
  labelCounts: { label: string; count: number }[];
  /** DailyDialog: dialogs read. */
  dialogs: number;
  /** GoEmotions: rows with more than one label, and the most labels on one row. */
  severalLabels: number;
  maxLabels: number;
}

export interface LayoutRecipe {
  name: string;
  layout: KnownLayout;
  /** data.train as written. */
  train: string;
  /** data.dev as written, when a dev file or folder was found beside the training data. */
  dev?: string;
  /** Why the one beside it was not used. */
  devNote?: string;
  /** data.test as written, when a test file or folder was found beside the training data. */
  test?: string;
  /** Why the one beside it was not used. */
  testNote?: string;
  /** GoEmotions: data.label_names as written. */
  labelNames?: string;
  survey: LayoutSurvey;
}

/** The reader configuration a recipe for this layout gives `train`. */
export function layoutReaderConfig(layout: KnownLayout): ReaderConfig {
  switch (layout.kind) {
    case 'folder':
      return { format: 'folder', labels: layout.labels.map((l) => l.name), extension: FOLDER_EXTENSION };
    case 'dailydialog':
      return { format: 'dailydialog', labelNames: [...DAILYDIALOG_EMOTIONS] };
    case 'goemotions-tsv':
      return { format: 'goemotions-tsv', labelNames: layout.labelNames };
  }
}

/** Reads all the training data with the reader `train` uses: labels, dialogs and bad rows. */
export async function surveyLayout(layout: KnownLayout, onProgress?: ProgressCallback): Promise<LayoutSurvey> {
  const counts = new Map<string, number>();
  const dialogs = new Set<number>();
  let severalLabels = 0;
  let maxLabels = 0;
  const onExample = (e: Example): void => {
    for (const l of e.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    if (e.labels.length > 1) severalLabels++;
    maxLabels = Math.max(maxLabels, e.labels.length);
    if (e.dialog !== undefined) dialogs.add(e.dialog.id);
  };
  const check = await checkWithReader(layout.path, layoutReaderConfig(layout), { onProgress, onExample });
  const labelCounts = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([label, n]) => ({ label, count: n }));
  return { check, labelCounts, dialogs: dialogs.size, severalLabels, maxLabels };
}

/**
 * Dev data beside the training data, as for files (`train.csv` → `dev.csv`): `train/` → `dev/`,
 * `train.zip` → `validation.zip`, `train.tsv` → `dev.tsv`; with the reason when it cannot be used.
 */
export async function layoutDev(layout: KnownLayout): Promise<{ dev?: string; note?: string }> {
  const { file, note } = await layoutSibling(layout, siblingDevFile);
  return file !== undefined ? { dev: file } : note !== undefined ? { note } : {};
}

/** Test data beside the training data (`train/` → `test/`, `train.zip` → `test.zip`), checked as dev data is. */
export async function layoutTest(layout: KnownLayout): Promise<{ test?: string; note?: string }> {
  const { file, note } = await layoutSibling(layout, siblingTestFile);
  return file !== undefined ? { test: file } : note !== undefined ? { note } : {};
}

async function layoutSibling(layout: KnownLayout, find: (file: string, kind: 'file' | 'folder') => string | undefined): Promise<{ file?: string; note?: string }> {
  const found = find(layout.path, fs.statSync(layout.path).isDirectory() ? 'folder' : 'file');
  if (found === undefined) return {};
  const problem = await siblingProblem(layout, found);
  return problem === undefined ? { file: found } : { note: `${path.basename(found)}: ${problem}` };
}

/** Why data beside the training data (dev or test) cannot be read as the training data is. */
async function siblingProblem(layout: KnownLayout, sibling: string): Promise<string | undefined> {
  switch (layout.kind) {
    case 'folder': {
      const siblingLabels = new Set((await folderLabels(sibling)).labels.map((l) => l.name));
      const missing = layout.labels.map((l) => l.name).filter((l) => !siblingLabels.has(l));
      return missing.length > 0 ? `no ${FOLDER_EXTENSION} files for ${missing.map((m) => `${m}/`).join(', ')}` : undefined;
    }
    case 'dailydialog':
      return dialogProblem(sibling);
    case 'goemotions-tsv': {
      const head = await goEmotionsHead(sibling);
      if (head === undefined) return 'not in the GoEmotions layout (text, label ids, id; no header)';
      return head.maxId >= layout.labelNames.length ? `label id ${head.maxId} on line ${head.maxIdLine} is beyond the ${layout.labelNames.length} label names` : undefined;
    }
  }
}

/** The recipe as YAML with comments that say where each value came from. */
export function renderLayoutRecipe(r: LayoutRecipe): string {
  const { layout, survey } = r;
  const lines: string[] = [];
  const base = oneLine(path.basename(layout.path));
  switch (layout.kind) {
    case 'folder': {
      const files = layout.labels.reduce((n, l) => n + l.files, 0);
      lines.push(`# Starter recipe written by \`textclass init\` from the folder ${base}/: one sub-folder per label,`);
      lines.push(`# one text per ${FOLDER_EXTENSION} file (${count(files)} files). \`textclass train\` fills in the task (binary for two`);
      lines.push('# labels, else multiclass), and defaults chosen by the script of the text do the rest.');
      break;
    }
    case 'dailydialog':
      lines.push(`# Starter recipe written by \`textclass init\` from ${base}, a DailyDialog split (${count(survey.dialogs)} dialogs,`);
      lines.push(`# ${count(survey.check.read)} utterances): each utterance is one example, labelled with its own emotion (codes 0-6 named`);
      lines.push("# as in the dataset's readme). `textclass train` fills in the task; the defaults do the rest.");
      break;
    case 'goemotions-tsv':
      lines.push(`# Starter recipe written by \`textclass init\` from ${base}, in the GoEmotions layout (no header; text,`);
      lines.push(`# label ids, an id; tab-separated; ${count(survey.check.read)} rows): several labels per row, named by`);
      lines.push(`# ${oneLine(path.basename(layout.labelNamesFile))}. The defaults do the rest.`);
      break;
  }
  lines.push('# Every field is documented in docs/recipes.md; edit freely.');
  lines.push(`name: ${scalar(r.name)}`);
  if (layout.kind === 'goemotions-tsv') lines.push('task: multilabel');
  lines.push('data:');
  lines.push(`  format: ${layout.kind}`);
  lines.push(`  train: ${scalar(r.train)}`);
  const unit = layout.kind === 'folder' ? 'folder' : 'file';
  if (r.dev !== undefined) {
    lines.push(`  # Found beside the training ${unit}; dev data picks thresholds and reports the metrics.`);
    lines.push(`  dev: ${scalar(r.dev)}`);
  } else {
    const why = r.devNote ? `Not using the ${unit} beside it as dev data: ${oneLine(r.devNote)}. Instead, hold` : `No dev ${unit} beside the training ${unit}: hold`;
    lines.push(`  # ${why} out a fifth of`);
    lines.push(`  # the training ${{ folder: 'files', dailydialog: 'utterances', 'goemotions-tsv': 'rows' }[layout.kind]} (seeded, stratified by label) to measure the model and pick thresholds.`);
    lines.push('  dev_split: 0.2');
  }
  lines.push(...testRecipeLines(r.test, r.testNote, unit));
  const top = oneLine(survey.labelCounts.slice(0, 12).map((c) => `${c.label} ${count(c.count)}`).join(', ') + (survey.labelCounts.length > 12 ? ', …' : ''));
  switch (layout.kind) {
    case 'folder': {
      lines.push(`  # Labels: the sub-folders holding ${FOLDER_EXTENSION} files (files per label: ${oneLine(layout.labels.map((l) => `${l.name} ${count(l.files)}`).join(', '))}).`);
      const notLabels = [
        ...layout.unlabelled.map((u) => `${u.name}/ (${count(u.files)} ${u.files === 1 ? 'file' : 'files'}, named as unlabelled texts)`),
        ...layout.empty.map((e) => `${e}/ (no ${FOLDER_EXTENSION} files)`),
      ];
      if (notLabels.length > 0) lines.push(`  # Not labels: ${oneLine(notLabels.join(', '))}.`);
      lines.push('  labels:');
      for (const l of layout.labels) lines.push(`    - ${scalar(l.name)}`);
      break;
    }
    case 'dailydialog':
      lines.push(`  # Emotions of the utterances: ${top}`);
      break;
    case 'goemotions-tsv': {
      const several = survey.check.read === 0 ? 0 : Math.round((100 * survey.severalLabels) / survey.check.read);
      lines.push(`  # Label ids index these names, one per line (${layout.labelNames.length} labels); ${several}% of the rows list several`);
      lines.push(`  # (up to ${survey.maxLabels}). Most frequent: ${top}`);
      lines.push(`  label_names: ${scalar(r.labelNames ?? '')}`);
      break;
    }
  }
  if (layout.kind === 'dailydialog') lines.push(...badRowLines(survey.check, 'dialogs', survey.dialogs + survey.check.skippedCount));
  else lines.push(...badRowLines(survey.check, layout.kind === 'folder' ? 'files' : 'rows'));
  lines.push(...closingComments(layout));
  return lines.join('\n') + '\n';
}

/** Options the layout makes possible, left for the user to turn on. */
function closingComments(layout: KnownLayout): string[] {
  switch (layout.kind) {
    case 'folder':
      if (layout.stars === undefined || layout.labels.length !== 2) return [];
      return [
        `# The file names look like aclImdb's <id>_<stars>.txt (stars ${layout.stars.min} to ${layout.stars.max}). A binary model can also`,
        '# learn to predict the stars from its positive probability (docs/usecases/rating.md,',
        '# recipes/imdb-rating.yaml): uncomment',
        '# task: binary',
        '# rating:',
        '#   stars_from: file_name',
      ];
    case 'dailydialog':
      return [
        '# To predict the emotion of the NEXT utterance instead (with the previous turns as context),',
        '# uncomment a dialog section as recipes/dailydialog-next.yaml has it (docs/usecases/dialog.md):',
        '# dialog:',
        '#   target: next_turn',
        '#   context_turns: 4',
      ];
    case 'goemotions-tsv':
      return [
        '# One threshold per label, tuned on held-out scores, usually beats 0.5 for rare labels',
        '# (recipes/goemotions.yaml): uncomment',
        '# evaluation:',
        '#   thresholds: tune',
      ];
  }
}
