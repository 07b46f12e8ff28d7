import { DataError } from '../../errors.js';

/**
 * A failure to open or read an input file, as the DataError a user can act on (not found, a folder,
 * no permission); a DataError passes through, and anything else (a bug) is returned unchanged.
 */
export function asDataError(file: string, err: unknown): unknown {
  if (err instanceof DataError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new DataError({ file }, 'file not found');
  if (code === 'EISDIR') return new DataError({ file }, 'expected a file, found a folder');
  if (code === 'EACCES' || code === 'EPERM') return new DataError({ file }, 'permission denied');
  if (typeof code === 'string') return new DataError({ file }, `cannot read: ${(err as Error).message}`);
  return err;
}
