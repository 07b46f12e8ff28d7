/**
 * RFC 4180 CSV cells for files people open in spreadsheets: a cell is quoted when it holds a
 * quote, comma or line break, and a text cell starting with =, +, - or @ gets a leading ' so a
 * spreadsheet shows it instead of running it as a formula (numbers such as -0.5 are left alone).
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line of `cells`, ending in `\n`. */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',') + '\n';
}
