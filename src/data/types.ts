import type { DataLocation } from '../errors.js';

/** One labelled (or unlabelled) text as it comes out of a reader. */
export interface Example {
  text: string;
  /** Label names; empty when the source has no labels (prediction input). */
  labels: string[];
  /** Where the example came from, for error messages and reports. */
  source: DataLocation;
}

/** How to treat a row that cannot be parsed. */
export type BadRowPolicy = 'error' | 'skip';

/** A row a reader skipped under `onBadRow: 'skip'`. */
export interface SkippedRow {
  location: DataLocation;
  reason: string;
}

export interface ReadOptions {
  onBadRow: BadRowPolicy;
  /** Filled by the reader with every row it skipped. */
  skipped: SkippedRow[];
}

/**
 * Reader configuration as stored in a recipe and in a model manifest. It is plain data, so a trained
 * model can read any other file of the same format without the recipe.
 */
export type ReaderConfig =
  | GoEmotionsTsvReaderConfig
  | FolderReaderConfig
  | CsvReaderConfig
  | JsonlReaderConfig;

export interface GoEmotionsTsvReaderConfig {
  format: 'goemotions-tsv';
  /** Label names indexed by the integer ids in the file. */
  labelNames: string[];
}

export interface FolderReaderConfig {
  format: 'folder';
  /** Only these sub-folders (label names) are read; all sub-folders when absent. */
  labels?: string[];
  /** File extension of the text files, with the dot. */
  extension: string;
}

export interface CsvReaderConfig {
  format: 'csv' | 'tsv';
  /** Column(s) whose values are joined (with a newline) into the text. */
  textFields: string[];
  /** Column holding the label(s); absent for unlabelled input. */
  labelField?: string;
  /** Splits a multi-label cell into labels; absent for single-label data. */
  labelSeparator?: string;
  /** Maps integer-coded label cells to names (index = code). */
  labelNames?: string[];
}

export interface JsonlReaderConfig {
  format: 'jsonl';
  textFields: string[];
  /** Key holding a label string or an array of label strings. */
  labelField?: string;
  labelSeparator?: string;
  labelNames?: string[];
}
