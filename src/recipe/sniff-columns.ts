/**
 * Proposes which columns of a table hold the text and which the label, from a sample of its
 * records (see sample-table.ts), with the reason for each choice. Pure: no files, no output.
 *
 * - Text: free text varies from row to row (most values distinct), is long and has several
 *   words (or is in a script written without spaces). Every column that qualifies is used, in
 *   file order (`title` + `body`).
 * - Label: few distinct values relative to the rows (2..200, at most a fifth of the rows). A
 *   column whose cells list several values (`a,b`, `a|b`, or a JSON array) on a good share of
 *   the rows is a multi-label column.
 * - When several columns could be the label, one is taken only when its name says "label" and no
 *   other candidate's name looks like a label; otherwise an AmbiguousColumnsError lists them.
 */
import { DataError, TextclassError } from '../errors.js';
import type { SampleCell, SampleTable } from './sample-table.js';

/** Several columns could be the label (or none could), and nothing says which: the user must name it. */
export class AmbiguousColumnsError extends TextclassError {
  override readonly exitCode = 3;
  constructor(
    message: string,
    readonly role: 'text' | 'label',
    readonly candidates: readonly ColumnStats[],
  ) {
    super(message);
  }
}

export interface ColumnStats {
  name: string;
  /** 0-based position in the file. */
  index: number;
  /** Rows with a non-empty value. */
  filled: number;
  /** Distinct trimmed non-empty values (for a multi-label column: distinct labels after splitting). */
  distinct: number;
  /** Distinct whole values, before any splitting. */
  distinctValues: number;
  meanChars: number;
  meanWords: number;
  /** Share of filled cells that are numbers. */
  numericShare: number;
  /** Share of characters in scripts written without spaces between words (Chinese, Japanese, Thai). */
  spacelessShare: number;
  /** How the cells of a multi-label column list their labels, if they do. */
  multiLabel?: { separator: string | null; share: number };
  /** The most frequent values, most frequent first (labels after splitting). */
  top: { value: string; count: number }[];
}

export interface ColumnChoice {
  textFields: string[];
  labelField: string;
  /** Splits a multi-label cell; absent for single-label columns and JSON arrays. */
  labelSeparator?: string;
  multiLabel: boolean;
  /** Why each text field was taken, one line each. */
  textReasons: string[];
  /** Why the label field was taken. */
  labelReason: string;
  /** Other columns that could have been the label. */
  otherLabelCandidates: ColumnStats[];
  stats: ColumnStats[];
}

export interface ColumnOverrides {
  textFields?: readonly string[];
  labelField?: string;
}

/** Names that say "this is the label" (compared lower-case, without spaces, dashes, underscores). */
const LABEL_NAMES = new Set(['label', 'labels', 'class', 'classes', 'category', 'categories', 'sentiment', 'emotion', 'emotions', 'intent', 'target', 'y', 'tag', 'tags', 'topic', 'polarity', 'gold', 'goldlabel']);
/** Words in a name that make a column look like some label (`sub_category1`, `ticket_type`, `urgency`). */
const LABELISH_WORDS = ['label', 'class', 'categor', 'type', 'tag', 'topic', 'sentiment', 'emotion', 'intent', 'target', 'polarity', 'priority', 'urgency', 'impact', 'severity', 'rating', 'score', 'star', 'level', 'group', 'kind', 'stance', 'gold'];
/** Names that say "this is the text": they qualify with fewer words (a `title`, a short `sentence`). */
const TEXT_NAMES = new Set(['text', 'texts', 'body', 'review', 'reviews', 'sentence', 'sentences', 'content', 'message', 'comment', 'comments', 'title', 'subject', 'description', 'document', 'utterance', 'tweet', 'question', 'query', 'headline', 'summary', 'abstract', 'post']);

const MAX_LABELS = 200;
/** A label column has at most this share of the rows as distinct values. */
const MAX_LABEL_SHARE = 0.2;
/** A multi-label column lists several labels on at least this share of its filled cells. */
const MIN_MULTI_SHARE = 0.05;
const SEPARATORS = [',', '|', ';'];

function normName(name: string): string {
  return name.toLowerCase().replace(/[\s_\-.]+/g, '');
}

export function hasLabelName(name: string): boolean {
  return LABEL_NAMES.has(normName(name));
}

export function looksLikeLabelName(name: string): boolean {
  const n = normName(name);
  return LABEL_NAMES.has(n) || LABELISH_WORDS.some((w) => n.includes(w));
}

function hasTextName(name: string): boolean {
  return TEXT_NAMES.has(normName(name));
}

const NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/;
const SPACELESS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/gu;

/** Statistics of every column of the sample. */
export function columnStats(table: SampleTable): ColumnStats[] {
  return table.columns.map((name, index) => statsOf(name, index, table.rows.map((r) => r[index] ?? null)));
}

function statsOf(name: string, index: number, cells: SampleCell[]): ColumnStats {
  let filled = 0;
  let chars = 0;
  let words = 0;
  let numeric = 0;
  let spaceless = 0;
  let lists = 0;
  const values = new Map<string, number>();
  const strings: string[] = [];
  for (const cell of cells) {
    if (cell === null) continue;
    if (Array.isArray(cell)) {
      if (cell.length === 0) continue;
      filled++;
      lists++;
      continue;
    }
    const v = cell.trim();
    if (v.length === 0) continue;
    filled++;
    strings.push(v);
    values.set(v, (values.get(v) ?? 0) + 1);
    chars += v.length;
    words += v.split(/\s+/).length;
    if (NUMBER.test(v)) numeric++;
    spaceless += v.match(SPACELESS)?.length ?? 0;
  }
  const strCount = strings.length;
  const stats: ColumnStats = {
    name,
    index,
    filled,
    distinct: values.size,
    distinctValues: values.size,
    meanChars: strCount ? chars / strCount : 0,
    meanWords: strCount ? words / strCount : 0,
    numericShare: strCount ? numeric / strCount : 0,
    spacelessShare: chars ? spaceless / chars : 0,
    top: topValues(values),
  };
  if (filled > 0 && lists / filled >= MIN_MULTI_SHARE) {
    // JSON arrays: labels are the elements; plain strings count as one label each.
    const labels = new Map<string, number>();
    for (const cell of cells) {
      if (cell === null) continue;
      for (const part of Array.isArray(cell) ? cell : [cell]) {
        const p = part.trim();
        if (p) labels.set(p, (labels.get(p) ?? 0) + 1);
      }
    }
    return { ...stats, distinct: labels.size, top: topValues(labels), multiLabel: { separator: null, share: lists / filled } };
  }
  const multi = separatedLabels(strings, values);
  if (multi) return { ...stats, distinct: multi.labels.size, top: topValues(multi.labels), multiLabel: { separator: multi.separator, share: multi.share } };
  return stats;
}

/**
 * The separator that splits a column's cells into a small set of short labels, if one does on a
 * good share of the cells. At least one part must also stand alone as a whole cell somewhere, as
 * single labels do in multi-label data; prose with commas has no such parts.
 */
function separatedLabels(strings: string[], values: Map<string, number>): { separator: string; share: number; labels: Map<string, number> } | undefined {
  if (strings.length === 0) return undefined;
  for (const sep of SEPARATORS) {
    let withSep = 0;
    const labels = new Map<string, number>();
    let partChars = 0;
    let partWords = 0;
    let parts = 0;
    for (const v of strings) {
      if (v.includes(sep)) withSep++;
      for (const raw of v.split(sep)) {
        const p = raw.trim();
        if (!p) continue;
        parts++;
        partChars += p.length;
        partWords += p.split(/\s+/).length;
        labels.set(p, (labels.get(p) ?? 0) + 1);
      }
    }
    const share = withSep / strings.length;
    if (share < MIN_MULTI_SHARE || parts === 0) continue;
    if (partChars / parts > 40 || partWords / parts > 4) continue;
    if (labels.size < 2 || labels.size > MAX_LABELS || labels.size > Math.max(2, MAX_LABEL_SHARE * strings.length)) continue;
    let standsAlone = false;
    for (const l of labels.keys()) if (values.has(l)) standsAlone = true;
    if (!standsAlone) continue;
    return { separator: sep, share, labels };
  }
  return undefined;
}

function topValues(counts: Map<string, number>, n = 5): { value: string; count: number }[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([value, count]) => ({ value, count }));
}

/** Why a column is free text, or undefined when it is not. */
export function textReason(s: ColumnStats, rows: number, nonString: boolean): string | undefined {
  if (nonString || s.multiLabel || rows === 0) return undefined;
  if (s.filled < 0.5 * rows || s.numericShare > 0.5) return undefined;
  if (s.distinctValues < 0.5 * s.filled) return undefined;
  const spaceless = s.spacelessShare >= 0.5;
  const named = hasTextName(s.name);
  const wordy = s.meanWords >= 3 || (named && s.meanWords >= 1.5) || (spaceless && s.meanChars >= 5);
  if (!wordy || s.meanChars < (named || spaceless ? 5 : 12)) return undefined;
  const length = spaceless ? `${fmt(s.meanChars)} characters on average` : `${fmt(s.meanWords)} words / ${fmt(s.meanChars)} characters on average`;
  return `${s.name}: free text (${pct(s.distinctValues, s.filled)} of ${s.filled} filled values distinct, ${length}${named ? ', named like a text' : ''})`;
}

/** True when a column could be the label: few distinct values (or labels) relative to the rows. */
export function isLabelCandidate(s: ColumnStats, rows: number): boolean {
  if (s.filled < 0.5 * rows) return false;
  return s.distinct >= 2 && s.distinct <= MAX_LABELS && s.distinct <= Math.max(2, MAX_LABEL_SHARE * s.filled);
}

/** Chooses the text and label columns of a sample, honouring what the user named. */
export function chooseColumns(table: SampleTable, overrides: ColumnOverrides = {}): ColumnChoice {
  const stats = columnStats(table);
  const rows = table.rows.length;
  if (rows === 0) throw new DataError({ file: table.file }, 'the file has a header but no records: nothing to look at');
  const byName = new Map<string, ColumnStats>();
  for (const s of stats) if (s.name !== '' && !byName.has(s.name)) byName.set(s.name, s);
  const duplicated = new Set(stats.filter((s, i) => stats.findIndex((t) => t.name === s.name) !== i).map((s) => s.name));

  const checkNamed = (field: string, flag: string): ColumnStats => {
    const s = byName.get(field);
    if (s === undefined) {
      throw new DataError(
        { file: table.file, line: table.headerLine, field },
        `${flag} names a column the file does not have; its columns are ${table.columns.map((c) => JSON.stringify(c)).join(', ')}`,
      );
    }
    if (duplicated.has(field)) throw new DataError({ file: table.file, line: table.headerLine, field }, `${flag}: the header has this column more than once; rename all but one`);
    return s;
  };

  // Text
  let textFields: string[];
  let textReasons: string[];
  if (overrides.textFields && overrides.textFields.length > 0) {
    textFields = [];
    for (const f of overrides.textFields) {
      const s = checkNamed(f, '--text-field');
      if (table.nonStringColumns.has(f)) throw new DataError({ file: table.file, field: f }, '--text-field: this key holds values that are not strings (numbers or lists); the jsonl reader needs text as strings');
      if (!textFields.includes(f)) textFields.push(s.name);
    }
    textReasons = textFields.map((f) => `${f}: named with --text-field`);
  } else {
    const found = stats
      .filter((s) => s.name !== '' && !duplicated.has(s.name) && s.name !== overrides.labelField)
      .map((s) => ({ s, why: textReason(s, rows, table.nonStringColumns.has(s.name)) }))
      .filter((x): x is { s: ColumnStats; why: string } => x.why !== undefined);
    if (found.length === 0) {
      const listed = stats.map((s) => `${JSON.stringify(s.name)} (${s.distinctValues} distinct, ${fmt(s.meanWords)} words on average)`).join(', ');
      throw new AmbiguousColumnsError(
        `no column looks like free text (most values distinct, several words each) in ${rowsSeen(table)}; columns: ${listed}. Name the text column(s) with --text-field`,
        'text',
        stats,
      );
    }
    textFields = found.map((x) => x.s.name);
    textReasons = found.map((x) => x.why);
  }

  // Label
  const usable = stats.filter((s) => s.name !== '' && !duplicated.has(s.name) && !textFields.includes(s.name));
  const candidates = usable.filter((s) => isLabelCandidate(s, rows));
  let label: ColumnStats;
  let labelReason: string;
  if (overrides.labelField !== undefined) {
    label = checkNamed(overrides.labelField, '--label-field');
    if (textFields.includes(label.name)) throw new DataError({ file: table.file, field: label.name }, 'the same column cannot be both the text and the label');
    labelReason = `${describeLabel(label, table)}; named with --label-field`;
  } else if (candidates.length === 1) {
    label = candidates[0];
    labelReason = `${describeLabel(label, table)}; the only column with few distinct values`;
  } else {
    const named = candidates.filter((s) => hasLabelName(s.name));
    const rivals = candidates.filter((s) => !named.includes(s) && looksLikeLabelName(s.name));
    if (named.length === 1 && rivals.length === 0) {
      label = named[0];
      const others = candidates.filter((s) => s !== label).map((s) => s.name);
      labelReason = `${describeLabel(label, table)}; its name says label, and the other columns with few values (${others.join(', ')}) are not named like labels`;
    } else {
      throw ambiguousLabel(table, stats, candidates);
    }
  }
  const multiLabel = label.multiLabel !== undefined;
  return {
    textFields,
    labelField: label.name,
    ...(label.multiLabel?.separator ? { labelSeparator: label.multiLabel.separator } : {}),
    multiLabel,
    textReasons,
    labelReason,
    otherLabelCandidates: candidates.filter((s) => s !== label),
    stats,
  };
}

/** "5000 rows", or "5000 rows sampled from 8000" when the table is a sample of a bigger file. */
function rowsSeen(table: SampleTable): string {
  return `${table.rows.length} rows${table.sampled ? ` sampled from ${table.totalRecords}` : ''}`;
}

function describeLabel(s: ColumnStats, table: SampleTable): string {
  const top = s.top.map((t) => `${t.value} ${t.count}`).join(', ');
  const kind = s.multiLabel
    ? `multi-label: ${s.distinct} labels, listed ${s.multiLabel.separator === null ? 'as JSON arrays' : `with "${s.multiLabel.separator}"`} on ${pct(Math.round(s.multiLabel.share * s.filled), s.filled)} of rows`
    : `${s.distinct} distinct values in ${rowsSeen(table)}`;
  return `${s.name}: ${kind} (most frequent: ${top})`;
}

function ambiguousLabel(table: SampleTable, stats: ColumnStats[], candidates: ColumnStats[]): AmbiguousColumnsError {
  if (candidates.length === 0) {
    const listed = stats.map((s) => `${JSON.stringify(s.name)} (${s.distinct} distinct)`).join(', ');
    return new AmbiguousColumnsError(
      `no column looks like a label (2 to ${MAX_LABELS} distinct values, at most ${MAX_LABEL_SHARE * 100}% of the rows) in ${rowsSeen(table)}; columns: ${listed}. Name the label column with --label-field`,
      'label',
      stats,
    );
  }
  const ranked = [...candidates].sort((a, b) => Number(hasLabelName(b.name)) - Number(hasLabelName(a.name)) || a.index - b.index);
  const listed = ranked.map((s) => `${s.name} (${s.distinct} ${s.multiLabel ? 'labels, multi-label' : 'distinct'})`).join(', ');
  return new AmbiguousColumnsError(
    `${table.file}: ${candidates.length} columns could be the label: ${listed}; choose one with --label-field`,
    'label',
    ranked,
  );
}

function pct(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${Math.round((100 * part) / whole)}%`;
}

function fmt(x: number): string {
  return x >= 10 ? String(Math.round(x)) : x.toFixed(1);
}
