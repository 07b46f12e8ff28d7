/**
 * RFC 4180 CSV cells for files people open in spreadsheets: a cell is quoted when it holds a
 * quote, comma or line break, and a text cell starting with =, +, - or @ gets a leading ' so a
 * spreadsheet shows it instead of running it as a formula (numbers such as -0.5 are left alone).
 */
export function csvCell(value: string, dialect: CsvDialect = {}): string {
  const safe = dialect.defuseFormulas !== false && /^[=+\-@]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line of `cells`, ending in `\n` (or the dialect's `eol`). */
export function csvLine(cells: readonly string[], dialect: CsvDialect = {}): string {
  return cells.map((c) => csvCell(c, dialect)).join(',') + (dialect.eol ?? '\n');
}

/** How a writer departs from the defaults above (LF lines, formula-like text defused). */
export interface CsvDialect {
  eol?: '\n' | '\r\n';
  /** false: every cell as given, for files whose cells must come back exactly as they were sent. */
  defuseFormulas?: boolean;
}
