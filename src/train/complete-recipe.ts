/**
 * A recipe may name only its files and columns. What it leaves out that the files can tell is
 * filled in before the recipe is validated, and each filled field is reported:
 * - `data.format` from the training path: a folder is `folder`; `.csv`, `.tsv`/`.tab`,
 *   `.jsonl`/`.ndjson` and `.xlsx` name theirs;
 * - `task` from the training labels, after the recipe's label rules: `multilabel` when
 *   `data.label_separator` is set or a row carries several labels, `binary` for two labels,
 *   `multiclass` otherwise. This reads the training data once more before training.
 * Everything else has defaults chosen by task and script (src/train/text-defaults.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { RecipeError } from '../errors.js';
import { applyOverride, parseRecipe, readRecipeFile, resolveDataPath } from '../recipe/load.js';
import type { Recipe } from '../recipe/schema.js';
import { prepareData } from './prepare-data.js';

export interface CompletedRecipe {
  recipe: Recipe;
  /** One line per field filled in from the files, e.g. `task: binary (2 labels in the training data)`. */
  filled: string[];
}

const FORMAT_BY_EXTENSION: Record<string, string> = { '.csv': 'csv', '.tsv': 'tsv', '.tab': 'tsv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.xlsx': 'xlsx' };

/** The format a training path implies, or undefined when its name does not tell. */
export function formatFromPath(trainPath: string): string | undefined {
  try {
    if (fs.statSync(trainPath).isDirectory()) return 'folder';
  } catch {
    // A missing file is reported by the reader, with its path.
  }
  return FORMAT_BY_EXTENSION[path.extname(trainPath).toLowerCase()];
}

/** The task that labels imply: several labels on a row make it multilabel; two labels binary. */
export function taskFromLabels(labels: readonly string[], maxLabelsPerRow: number, labelSeparator: boolean): 'binary' | 'multiclass' | 'multilabel' {
  if (labelSeparator || maxLabelsPerRow > 1) return 'multilabel';
  return labels.length === 2 ? 'binary' : 'multiclass';
}

/** loadRecipe, with `data.format` and `task` filled in from the data when the recipe leaves them out. */
export async function loadRecipeCompleting(file: string, overrides: readonly string[], dataDir: string, options: { onBadRow?: 'error' | 'skip' } = {}): Promise<CompletedRecipe> {
  const raw = readRecipeFile(file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { recipe: parseRecipe(raw, overrides, file), filled: [] };
  const obj = structuredClone(raw) as Record<string, unknown>;
  for (const o of overrides) applyOverride(obj, o);
  const filled = await completeRawRecipe(obj, file, dataDir, options);
  return { recipe: parseRecipe(obj, [], file), filled };
}

/**
 * Fills `data.format` and `task` into a recipe's plain data (overrides applied, not yet validated)
 * when it leaves them out; returns one line per filled field. `tune` keeps the plain data to apply
 * each trial's values to, so it completes that instead of a validated recipe.
 */
export async function completeRawRecipe(obj: Record<string, unknown>, file: string, dataDir: string, options: { onBadRow?: 'error' | 'skip' } = {}): Promise<string[]> {
  const filled: string[] = [];
  const data = obj.data;
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const d = data as Record<string, unknown>;
    if (d.format === undefined && typeof d.train === 'string') {
      const format = formatFromPath(resolveDataPath(dataDir, d.train));
      if (format === undefined) throw new RecipeError(`data.format is missing and "${d.train}" does not say it (a folder, .csv, .tsv, .jsonl or .xlsx); set data.format to one of goemotions-tsv, folder, csv, tsv, jsonl, xlsx, dailydialog`, file);
      d.format = format;
      filled.push(`data.format: ${format} (from the file name)`);
    }
  }
  if (obj.task === undefined) {
    // Validated as multiclass until the labels are read: its other mistakes are reported as they
    // are, without a "task missing" the user was allowed to leave out.
    const provisional = parseRecipe({ ...obj, task: 'multiclass' }, [], file);
    const prepared = await prepareData(provisional, dataDir, { onBadRow: options.onBadRow });
    let maxLabels = 0;
    for (const e of prepared.unsampledTrain) if (e.labels.length > maxLabels) maxLabels = e.labels.length;
    const task = taskFromLabels(prepared.labels, maxLabels, provisional.data.label_separator !== undefined);
    obj.task = task;
    const why = task === 'multilabel' ? (maxLabels > 1 ? `rows with up to ${maxLabels} labels` : 'data.label_separator is set') : `${prepared.labels.length} labels in the training data`;
    filled.push(`task: ${task} (${why})`);
  }
  return filled;
}
