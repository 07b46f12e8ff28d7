import { DataError, type DataLocation } from '../../errors.js';
import type { Example, JsonlReaderConfig, ReadOptions } from '../types.js';
import { INVALID_UTF8, Utf8Source, explainReason, shortQuote } from './encoding.js';
import { labelPath } from './cells.js';
import { splitLines } from './lines.js';
import { asDataError } from './io-error.js';

interface RowProblem {
  field?: string;
  reason: string;
}

/**
 * Reads JSON Lines: one object per line. The text is the `textFields` strings joined with
 * newlines. A label is a string (split by `labelSeparator` when set), a number, or an array of
 * those; with `labelNames`, numbers (and integer strings that are not themselves label names)
 * index into it.
 */
export async function* readJsonl(
  path: string,
  config: JsonlReaderConfig,
  options: ReadOptions,
): AsyncGenerator<Example> {
  const { textFields } = config;
  const labelFields = config.labelFields ?? [];
  const pathSeparator = config.labelPathSeparator ?? '/';
  const textFieldName = textFields.join(', ');
  const labels = new LabelParser(config.labelSeparator, config.labelNames);
  const source = new Utf8Source(path, options.onProgress);
  let lineNo = 0;
  try {
    for await (const line of splitLines(source, path)) {
      lineNo++;
      if (line.trim().length === 0) continue;

      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch (err) {
        badRow(options, { file: path, line: lineNo }, `invalid JSON: ${printable((err as Error).message)} (each line must hold one complete JSON object)`);
        continue;
      }
      const result = toExample(row, textFields, textFieldName, labelFields, pathSeparator, labels);
      if ('reason' in result) {
        const location: DataLocation = { file: path, line: lineNo };
        if (result.field !== undefined) location.field = result.field;
        badRow(options, location, explainReason(result.reason, path, source.encoding));
        continue;
      }
      yield { text: result.text, labels: result.labels, source: { file: path, line: lineNo } };
    }
  } catch (err) {
    throw asDataError(path, err);
  }
}

/** V8 quotes the start of the bad input in JSON errors; control characters in it are escaped. */
export function printable(message: string): string {
  const s = message.length > 300 ? message.slice(0, 300) + '…' : message;
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function toExample(
  row: unknown,
  textFields: string[],
  textFieldName: string,
  labelFields: string[],
  pathSeparator: string,
  labelParser: LabelParser,
): { text: string; labels: string[] } | RowProblem {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    return { reason: `expected a JSON object, found ${describeType(row)}` };
  }
  const obj = row as Record<string, unknown>;
  let text = '';
  for (const f of textFields) {
    const v = obj[f];
    if (v === undefined) return { field: f, reason: 'missing key' };
    if (typeof v !== 'string') return { field: f, reason: `expected a string, found ${describeType(v)}` };
    if (v.includes('\uFFFD')) return { field: f, reason: INVALID_UTF8 };
    if (v.trim().length === 0) continue;
    text = text.length === 0 ? v : text + '\n' + v;
  }
  if (text.length === 0) return { field: textFieldName, reason: 'empty text' };

  if (labelFields.length === 0) return { text, labels: [] };
  if (labelFields.length > 1) return hierarchicalLabel(obj, labelFields, pathSeparator, text);
  const labelField = labelFields[0];
  const v = obj[labelField];
  if (v === undefined || v === null) return { field: labelField, reason: 'missing label' };
  const labels: string[] = [];
  const problem = Array.isArray(v) ? labelParser.addAll(v, labels) : labelParser.add(v, labels, true);
  if (problem !== undefined) return { field: labelField, reason: problem };
  if (labels.length === 0) return { field: labelField, reason: 'empty label' };
  return { text, labels };
}

/** Tier values (strings or numbers; null or absent = an empty tier) joined into one path label. */
function hierarchicalLabel(obj: Record<string, unknown>, labelFields: string[], separator: string, text: string): { text: string; labels: string[] } | RowProblem {
  for (const f of labelFields) {
    const v = obj[f];
    if (v !== undefined && v !== null && typeof v !== 'string' && typeof v !== 'number') return { field: f, reason: `expected a string or number, found ${describeType(v)}` };
  }
  const tier = (f: string): string => {
    const v = obj[f];
    return v === undefined || v === null ? '' : String(v);
  };
  const path = labelPath(tier, labelFields, separator);
  return typeof path === 'string' ? { text, labels: [path] } : path;
}

class LabelParser {
  private readonly names: Set<string> | undefined;

  constructor(
    private readonly separator: string | undefined,
    private readonly labelNames: string[] | undefined,
  ) {
    this.names = labelNames === undefined ? undefined : new Set(labelNames);
  }

  /** Appends the labels of one array; returns a problem description, if any. */
  addAll(values: unknown[], out: string[]): string | undefined {
    for (const v of values) {
      const problem = this.add(v, out, false);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }

  /** Appends the label(s) of one value; returns a problem description, if any. */
  add(v: unknown, out: string[], split: boolean): string | undefined {
    if (typeof v === 'number') {
      const name = this.fromNumber(v);
      if (name === undefined) return this.badIndex(String(v));
      if (!out.includes(name)) out.push(name);
      return undefined;
    }
    if (typeof v !== 'string') return `expected a string, number or array of those, found ${describeType(v)}`;
    if (v.includes('\uFFFD')) return INVALID_UTF8;
    const parts = split && this.separator ? v.split(this.separator) : [v];
    for (const raw of parts) {
      const part = raw.trim();
      if (part.length === 0) continue;
      const name = this.fromString(part);
      if (name === undefined) return this.badIndex(part);
      if (!out.includes(name)) out.push(name);
    }
    return undefined;
  }

  private fromNumber(v: number): string | undefined {
    if (this.labelNames === undefined) return String(v);
    return Number.isInteger(v) && v >= 0 && v < this.labelNames.length ? this.labelNames[v] : undefined;
  }

  private fromString(s: string): string | undefined {
    if (this.names === undefined || this.names.has(s)) return s;
    const i = parseIndex(s);
    return i >= 0 ? this.fromNumber(i) : undefined;
  }

  private badIndex(v: string): string {
    const n = (this.labelNames as string[]).length;
    return `unknown label ${shortQuote(v)}: expected one of labelNames or an integer index 0–${n - 1}`;
  }
}

/** Decimal digits as a number, or -1. Nine digits at most, so no overflow. */
function parseIndex(s: string): number {
  if (s.length === 0 || s.length > 9) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function badRow(options: ReadOptions, location: DataLocation, reason: string): void {
  if (options.onBadRow !== 'skip') throw new DataError(location, reason);
  options.skipped.push({ location, reason });
}
