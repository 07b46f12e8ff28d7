import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DataError, formatLocation } from '../errors.js';
import { readDailyDialog } from './readers/dailydialog.js';
import { readDelimited } from './readers/delimited.js';
import { readFolder } from './readers/folder.js';
import { readGoEmotionsTsv } from './readers/goemotions-tsv.js';
import { readJsonl } from './readers/jsonl.js';
import { readXlsx } from './readers/xlsx.js';
import type { Example, ReadOptions, ReaderConfig, SkippedRow } from './types.js';

/**
 * Streams the examples of a file (or, for format `folder`, a folder) with the reader its
 * configuration names. Bad rows throw a DataError, or with `onBadRow: 'skip'` are appended to
 * `options.skipped`.
 */
export async function* readExamples(
  path: string,
  config: ReaderConfig,
  options: Partial<ReadOptions> = {},
): AsyncGenerator<Example> {
  const opts: ReadOptions = { onBadRow: options.onBadRow ?? 'error', skipped: options.skipped ?? [], onProgress: options.onProgress };
  await checkPath(path, config);
  switch (config.format) {
    case 'goemotions-tsv':
      yield* readGoEmotionsTsv(path, config, opts);
      return;
    case 'folder':
      yield* readFolder(path, config, opts);
      return;
    case 'csv':
    case 'tsv':
      yield* readDelimited(path, config, opts);
      return;
    case 'jsonl':
      yield* readJsonl(path, config, opts);
      return;
    case 'xlsx':
      yield* readXlsx(path, config, opts);
      return;
    case 'dailydialog':
      yield* readDailyDialog(path, config, opts);
      return;
    default: {
      // Configs are validated upstream; this guards plain-JS callers and stale manifests.
      const format = (config as { format?: unknown }).format;
      throw new DataError({ file: path }, `unknown reader format ${JSON.stringify(format)}`);
    }
  }
}

/**
 * Reads every example into memory. Throws a DataError when nothing is left to use, since a model
 * cannot be trained or evaluated on zero examples.
 */
export async function collectExamples(
  path: string,
  config: ReaderConfig,
  options: Partial<ReadOptions> = {},
): Promise<{ examples: Example[]; skipped: SkippedRow[] }> {
  const skipped = options.skipped ?? [];
  const examples: Example[] = [];
  for await (const e of readExamples(path, config, { onBadRow: options.onBadRow ?? 'error', skipped, onProgress: options.onProgress })) {
    examples.push(e);
  }
  if (examples.length === 0) throw noExamplesError(path, config, skipped, 0);
  return { examples, skipped };
}

/** The error for input that yields nothing to train or score on, saying why where it can. */
export function noExamplesError(path: string, config: ReaderConfig, skipped: readonly SkippedRow[], droppedRows: number): DataError {
  const where = config.format === 'folder' ? 'folder' : 'file';
  let problem = `no examples in this ${where}`;
  if (skipped.length > 0) {
    const first = skipped[0];
    problem += ` (all ${skipped.length} rows were bad and skipped; first: ${formatLocation(first.location)}: ${first.reason})`;
  }
  if (droppedRows > 0) problem += ` (${droppedRows} rows had every label dropped by the recipe's label rules)`;
  if (skipped.length === 0 && droppedRows === 0) {
    problem +=
      config.format === 'folder'
        ? ` (no sub-folder holds ${config.extension} files; expected <folder>/<label>/<text>${config.extension})`
        : ' (it is empty, or holds only a header and blank lines)';
  }
  return new DataError({ file: path }, problem);
}

/** Formats whose input is a folder, a file, or (DailyDialog: its zip or the folder it unpacks to) either. */
function expectedKind(format: ReaderConfig['format']): 'folder' | 'file' | 'file or folder' {
  if (format === 'folder') return 'folder';
  if (format === 'dailydialog') return 'file or folder';
  return 'file';
}

async function checkPath(path: string, config: ReaderConfig): Promise<void> {
  const kind = expectedKind(config.format);
  const wantFolder = kind === 'folder';
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DataError(
        { file: path },
        `${kind} not found (looked for ${resolve(path)}; relative paths start from the current directory)`,
      );
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new DataError({ file: path }, 'permission denied: check the read permission of the path');
    }
    throw new DataError({ file: path }, `cannot read: ${(err as Error).message}`);
  }
  if (wantFolder && !isFolder) {
    throw new DataError(
      { file: path },
      'expected a folder with one sub-folder per label, found a file (for a single file, use format "csv", "tsv", "jsonl", "xlsx", "goemotions-tsv" or "dailydialog")',
    );
  }
  if (kind === 'file' && isFolder) {
    throw new DataError(
      { file: path },
      `expected a ${config.format} file, found a folder (for an unpacked DailyDialog split, use format "dailydialog"; for one sub-folder of text files per label, use format "folder")`,
    );
  }
}
