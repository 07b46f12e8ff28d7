import fs from 'node:fs';
import type { ReaderConfig } from '../data/types.js';
import { DataError } from '../errors.js';
import { resolveDataPath } from '../recipe/load.js';
import type { DataSection } from '../recipe/schema.js';

/**
 * Turns the recipe's data section into a self-contained reader config. Label-name files are read
 * here and inlined, so the config stored in a model manifest needs no other file later.
 */
export function readerConfigFromRecipe(data: DataSection, dataDir: string): ReaderConfig {
  const labelNames = data.label_names === undefined ? undefined : resolveLabelNames(data.label_names, dataDir);
  switch (data.format) {
    case 'goemotions-tsv':
      return { format: 'goemotions-tsv', labelNames: labelNames ?? [] };
    case 'folder':
      return { format: 'folder', labels: data.labels, extension: data.extension };
    case 'dailydialog':
      return { format: 'dailydialog', labelNames: labelNames ?? [...DAILYDIALOG_EMOTIONS] };
    case 'csv':
    case 'tsv':
    case 'jsonl':
    case 'xlsx': {
      const fields = {
        textFields: data.text_field ?? [],
        labelFields: data.label_field,
        labelPathSeparator: data.label_path_separator,
        labelSeparator: data.label_separator,
        labelNames,
      };
      return data.format === 'xlsx' ? { format: 'xlsx', sheet: data.sheet, ...fields } : { format: data.format, ...fields };
    }
  }
}

/** DailyDialog's emotion codes 0–6, as its readme.txt names them. */
export const DAILYDIALOG_EMOTIONS = ['no emotion', 'anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise'] as const;

function resolveLabelNames(spec: string | string[], dataDir: string): string[] {
  if (Array.isArray(spec)) return spec;
  const file = resolveDataPath(dataDir, spec);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new DataError({ file, field: 'data.label_names' }, 'label-names file not found (paths resolve against --data-dir)');
  }
  const names = text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length < 2) throw new DataError({ file, field: 'data.label_names' }, `expected one label name per line, found ${names.length}`);
  if (new Set(names).size !== names.length) throw new DataError({ file, field: 'data.label_names' }, 'label names must be distinct');
  return names;
}
