import type { TabularFields } from '../types.js';

/** A row turned into text and labels, or the field that made it unusable. */
export type CellsResult = { text: string; labels: string[] } | { field: string; reason: string };

/**
 * Builds an example from the string cells of one row (CSV, TSV, XLSX). `cell` returns a column's
 * value, or undefined when the row has no such column. Header checks happen before the first row,
 * so undefined here means a short row.
 */
export function exampleFromCells(cell: (field: string) => string | undefined, fields: TabularFields): CellsResult {
  let text = '';
  for (const f of fields.textFields) {
    const v = cell(f);
    if (v === undefined) return { field: f, reason: 'missing value' };
    if (v.includes('\uFFFD')) return { field: f, reason: 'invalid UTF-8' };
    if (v.trim().length === 0) continue;
    text = text.length === 0 ? v : text + '\n' + v;
  }
  if (text.length === 0) return { field: fields.textFields.join(', '), reason: 'empty text' };

  const labelFields = fields.labelFields;
  if (labelFields === undefined || labelFields.length === 0) return { text, labels: [] };
  if (labelFields.length === 1) {
    const f = labelFields[0];
    const parsed = parseLabelCell(cell(f) ?? '', fields.labelSeparator, fields.labelNames);
    return typeof parsed === 'string' ? { field: f, reason: parsed } : { text, labels: parsed };
  }
  const path = labelPath(cell, labelFields, fields.labelPathSeparator ?? '/');
  return typeof path === 'string' ? { text, labels: [path] } : path;
}

/**
 * Joins the tiers of a hierarchical label. Trailing tiers may be empty (a ticket routed only to
 * tier 1); a gap followed by a deeper tier is an error, since the path would be ambiguous.
 */
export function labelPath(cell: (field: string) => string | undefined, labelFields: string[], separator: string): string | { field: string; reason: string } {
  const parts: string[] = [];
  let gapAt: string | undefined;
  for (const f of labelFields) {
    const v = cell(f);
    if (v === undefined) return { field: f, reason: 'missing value' };
    if (v.includes('\uFFFD')) return { field: f, reason: 'invalid UTF-8' };
    const part = v.trim();
    if (part.length === 0) {
      gapAt ??= f;
      continue;
    }
    if (gapAt !== undefined) return { field: gapAt, reason: `empty tier before a non-empty "${f}"` };
    parts.push(part);
  }
  if (parts.length === 0) return { field: labelFields[0], reason: 'empty label' };
  return parts.join(separator);
}

/** Returns the labels of a cell, or a problem description. */
export function parseLabelCell(cell: string, separator: string | undefined, labelNames: string[] | undefined): string[] | string {
  if (cell.includes('\uFFFD')) return 'invalid UTF-8';
  const labels: string[] = [];
  const parts = separator === undefined || separator === '' ? [cell] : cell.split(separator);
  for (const raw of parts) {
    const part = raw.trim();
    if (part.length === 0) continue;
    const name = labelName(part, labelNames);
    if (name === undefined) return unknownCode(part, labelNames as string[]);
    if (!labels.includes(name)) labels.push(name);
  }
  return labels.length === 0 ? 'empty label' : labels;
}

function labelName(part: string, labelNames: string[] | undefined): string | undefined {
  if (labelNames === undefined) return part;
  const i = parseIndex(part);
  return i >= 0 && i < labelNames.length ? labelNames[i] : undefined;
}

function unknownCode(part: string, labelNames: string[]): string {
  return `label ${JSON.stringify(part)} is not an integer code between 0 and ${labelNames.length - 1} (labelNames has ${labelNames.length} entries)`;
}

/** Decimal digits as a number, or -1. Nine digits at most, so no overflow. */
export function parseIndex(s: string): number {
  if (s.length === 0 || s.length > 9) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
