/**
 * Every failure a user can cause is one of these classes. The CLI prints `error.message`
 * as a single line and exits non-zero; only errors outside this hierarchy are bugs.
 */
export class TextclassError extends Error {
  /** Process exit code the CLI uses for this kind of failure. */
  readonly exitCode: number = 1;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Wrong command-line usage: unknown flag, missing argument. */
export class UsageError extends TextclassError {
  override readonly exitCode = 2;
}

/** A recipe that fails validation; the message names the field and the offending value. */
export class RecipeError extends TextclassError {
  constructor(
    message: string,
    readonly source?: string,
  ) {
    super(source ? `${source}: ${message}` : message);
  }
}

/** Where in an input file a problem was found. `line` is 1-based; `field` names the column or key. */
export interface DataLocation {
  file: string;
  line?: number;
  field?: string;
}

export function formatLocation(loc: DataLocation): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.field !== undefined) s += `: field "${loc.field}"`;
  return s;
}

/** Bad input data: a missing file, a malformed line, an unknown label. */
export class DataError extends TextclassError {
  constructor(
    readonly location: DataLocation,
    readonly problem: string,
  ) {
    super(`${formatLocation(location)}: ${problem}`);
  }
}

/** A model directory that cannot be used: missing, wrong format version, checksum mismatch. */
export class ModelFormatError extends TextclassError {
  constructor(
    readonly modelDir: string,
    problem: string,
  ) {
    super(`model ${modelDir}: ${problem}`);
  }
}

/**
 * The work does not fit in the memory node allows its heap. Raised before V8 would abort the
 * process (which prints a native stack trace, exits 134 and leaves no message of ours).
 */
export class OutOfMemoryError extends TextclassError {}
