import { DataError, type DataLocation } from '../../errors.js';
import type { Example, GoEmotionsTsvReaderConfig, ReadOptions } from '../types.js';
import { INVALID_UTF8, NUL_REASON, Utf8Source, explainReason, shortQuote } from './encoding.js';
import { splitLines } from './lines.js';
import { asDataError } from './io-error.js';

/** A row-level problem: the field it is in and what is wrong. */
interface RowProblem {
  field: 'text' | 'labels' | 'id';
  reason: string;
}

/**
 * Reads the GoEmotions TSV layout: `text <TAB> label_ids <TAB> comment_id`, no header, one row per
 * line. Label ids index `config.labelNames`.
 */
export async function* readGoEmotionsTsv(
  path: string,
  config: GoEmotionsTsvReaderConfig,
  options: ReadOptions,
): AsyncGenerator<Example> {
  const labelNames = config.labelNames;
  const source = new Utf8Source(path, options.onProgress);
  let lineNo = 0;
  // Empty lines are only acceptable at the end of the file, which is not known until a later
  // non-empty line turns up (or does not).
  let firstBlank = 0;
  try {
    for await (const line of splitLines(source, path)) {
      lineNo++;
      if (line.length === 0) {
        if (firstBlank === 0) firstBlank = lineNo;
        continue;
      }
      if (firstBlank !== 0) {
        for (let l = firstBlank; l < lineNo; l++) {
          badRow(options, { file: path, line: l, field: 'text' }, 'empty line between rows: remove it (only the end of the file may have blank lines)');
        }
        firstBlank = 0;
      }
      const row = parseLine(line, labelNames);
      if (isProblem(row)) {
        badRow(options, { file: path, line: lineNo, field: row.field }, explainReason(row.reason, path, source.encoding));
        continue;
      }
      yield { text: row.text, labels: row.labels, source: { file: path, line: lineNo } };
    }
  } catch (err) {
    throw asDataError(path, err);
  }
}

function isProblem(r: { text: string; labels: string[] } | RowProblem): r is RowProblem {
  return (r as RowProblem).reason !== undefined;
}

function parseLine(line: string, labelNames: string[]): { text: string; labels: string[] } | RowProblem {
  const tab1 = line.indexOf('\t');
  if (tab1 === -1) return fieldCount(line, 'labels');
  const tab2 = line.indexOf('\t', tab1 + 1);
  if (tab2 === -1) return fieldCount(line, 'id');
  if (line.indexOf('\t', tab2 + 1) !== -1) return fieldCount(line, 'id');

  const rawText = line.slice(0, tab1);
  if (rawText.includes('\uFFFD')) return { field: 'text', reason: INVALID_UTF8 };
  if (rawText.includes('\0')) return { field: 'text', reason: NUL_REASON };
  const text = unquote(rawText);
  if (text.trim().length === 0) return { field: 'text', reason: 'empty text' };

  const idField = line.slice(tab2 + 1);
  if (idField.length === 0) return { field: 'id', reason: 'empty comment id' };
  if (idField.includes('\uFFFD')) return { field: 'id', reason: INVALID_UTF8 };

  const labelIds = line.slice(tab1 + 1, tab2);
  if (labelIds.includes('\uFFFD')) return { field: 'labels', reason: INVALID_UTF8 };
  const labels = parseLabelIds(labelIds, labelNames);
  if (typeof labels === 'string') return { field: 'labels', reason: labels };
  return { text, labels };
}

function fieldCount(line: string, field: RowProblem['field']): RowProblem {
  let n = 1;
  for (let i = line.indexOf('\t'); i !== -1; i = line.indexOf('\t', i + 1)) n++;
  return {
    field,
    reason: `expected 3 tab-separated fields (text, label ids, comment id), found ${n}`,
  };
}

/**
 * Some GoEmotions texts were written with CSV quoting (`"He said ""hi"""`). A text that merely
 * starts and ends with a quote but has an unpaired quote inside (`"a" or "b"`) was not quoted
 * that way, so it is kept as it is.
 */
function unquote(t: string): string {
  const last = t.length - 1;
  if (last < 1 || t.charCodeAt(0) !== 34 || t.charCodeAt(last) !== 34) return t;
  for (let i = t.indexOf('"', 1); i < last; i = t.indexOf('"', i + 2)) {
    if (t.charCodeAt(i + 1) !== 34 || i + 1 === last) return t;
  }
  return t.slice(1, last).replaceAll('""', '"');
}

/** Returns the label names, or a problem description. */
function parseLabelIds(s: string, labelNames: string[]): string[] | string {
  if (s.length === 0) return 'no label ids: every row needs at least one (e.g. "6" or "6,17")';
  const labels: string[] = [];
  let start = 0;
  for (;;) {
    let end = s.indexOf(',', start);
    if (end === -1) end = s.length;
    const id = parseIndex(s, start, end);
    if (id < 0) {
      return `label id ${shortQuote(s.slice(start, end))} is not a non-negative integer (expected e.g. "6,17")`;
    }
    if (id >= labelNames.length) {
      return `label id ${id} is out of range: ${labelNames.length} label names are configured`;
    }
    const name = labelNames[id];
    if (!labels.includes(name)) labels.push(name);
    if (end === s.length) return labels;
    start = end + 1;
  }
}

/** Decimal digits of s[start, end) as a number, or -1. Nine digits at most, so no overflow. */
function parseIndex(s: string, start: number, end: number): number {
  if (start >= end || end - start > 9) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function badRow(options: ReadOptions, location: DataLocation, reason: string): void {
  if (options.onBadRow !== 'skip') throw new DataError(location, reason);
  options.skipped.push({ location, reason });
}
