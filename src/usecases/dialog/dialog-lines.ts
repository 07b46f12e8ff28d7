import { DataError } from '../../errors.js';

export interface DialogFromLines {
  /** The turns, oldest first, as written (the forecast trims them as training did). */
  turns: string[];
  /** 1-based line of the dialog's first turn. */
  line: number;
}

/**
 * Dialogs from text lines: one turn per line, a blank (or whitespace-only) line ends a dialog, and
 * the end of the input ends the last one. Runs of blank lines are one break. A byte-order mark on
 * the first line is dropped; a line with invalid UTF-8 is an error naming it.
 */
export async function* dialogsFromLines(lines: AsyncIterable<string>, file: string): AsyncGenerator<DialogFromLines> {
  let turns: string[] = [];
  let first = 0;
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    const line = lineNo === 1 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
    if (line.includes('\uFFFD')) throw new DataError({ file, line: lineNo }, 'invalid UTF-8 (save the file as UTF-8)');
    if (line.trim() === '') {
      if (turns.length > 0) yield { turns, line: first };
      turns = [];
      continue;
    }
    if (turns.length === 0) first = lineNo;
    turns.push(line);
  }
  if (turns.length > 0) yield { turns, line: first };
}
