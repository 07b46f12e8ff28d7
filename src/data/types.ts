import type { DataLocation } from '../errors.js';

/** One labelled (or unlabelled) text as it comes out of a reader. */
export interface Example {
  text: string;
  /** Label names; empty when the source has no labels (prediction input). */
  labels: string[];
  /** Where the example came from, for error messages and reports. */
  source: DataLocation;
  /** Dialog readers: the dialog (0-based, in file order) and the turn within it (0-based). */
  dialog?: { id: number; turn: number };
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
  /**
   * Called now and then (at most every 64 KiB or so) with how far the reader got, for progress bars.
   * Units are bytes of the input file(s), or files for the folder reader; `total` is the size of
   * the whole input in the same unit.
   */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Reader configuration as stored in a recipe and in a model manifest. It is plain data, so a trained
 * model can read any other file of the same format without the recipe.
 */
export type ReaderConfig =
  | GoEmotionsTsvReaderConfig
  | FolderReaderConfig
  | CsvReaderConfig
  | JsonlReaderConfig
  | XlsxReaderConfig
  | DailyDialogReaderConfig;

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

/** What the row-oriented readers (csv, tsv, jsonl, xlsx) share: which fields hold text and labels. */
export interface TabularFields {
  /** Column(s) whose values are joined (with a newline) into the text. */
  textFields: string[];
  /**
   * Column(s) holding the label; absent for unlabelled input. Several columns make a hierarchical
   * label: the non-empty values, in order, joined with `labelPathSeparator` (tier 1/2/3 → `a/b/c`).
   */
  labelFields?: string[];
  /** Joins the parts of a hierarchical label; default `/`. */
  labelPathSeparator?: string;
  /** Splits a multi-label cell into labels; absent for single-label data. */
  labelSeparator?: string;
  /** Maps integer-coded label cells to names (index = code). */
  labelNames?: string[];
}

export interface CsvReaderConfig extends TabularFields {
  format: 'csv' | 'tsv';
}

export interface JsonlReaderConfig extends TabularFields {
  format: 'jsonl';
}

export interface XlsxReaderConfig extends TabularFields {
  format: 'xlsx';
  /** Worksheet name; the first sheet of the workbook when absent. The first row is the header. */
  sheet?: string;
}

/**
 * DailyDialog as distributed: a `.zip` (or the folder it unpacks to) holding
 * `dialogues_<split>.txt` (one dialog per line, utterances ending in `__eou__`) and the parallel
 * `dialogues_emotion_<split>.txt` (one integer code per utterance). One example per utterance.
 */
export interface DailyDialogReaderConfig {
  format: 'dailydialog';
  /** Names of the integer emotion codes (index = code). */
  labelNames: string[];
}
