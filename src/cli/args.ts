import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { UsageError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommand {
  values: Record<string, string | boolean | string[] | undefined> & { help?: boolean };
  positionals: string[];
}

/**
 * Parses one command's flags strictly (unknown flags are errors) and checks the number of
 * positional arguments; every mistake becomes a UsageError that points to `--help`.
 */
export function parseCommandArgs(command: string, argv: string[], options: Options, positionals: { min: number; max: number; names: string }): ParsedCommand {
  let parsed: ParsedCommand;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }) as ParsedCommand;
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (see \`textclass ${command} --help\`)`);
  }
  if (!parsed.values.help) {
    const n = parsed.positionals.length;
    if (n < positionals.min) throw new UsageError(`missing ${positionals.names} (see \`textclass ${command} --help\`)`);
    if (n > positionals.max) throw new UsageError(`unexpected argument "${parsed.positionals[positionals.max]}" (see \`textclass ${command} --help\`)`);
  }
  return parsed;
}

export function stringFlag(p: ParsedCommand, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolFlag(p: ParsedCommand, name: string): boolean {
  return p.values[name] === true;
}

export function listFlag(p: ParsedCommand, name: string): string[] {
  const v = p.values[name];
  return Array.isArray(v) ? v : [];
}

export function requireFlag(p: ParsedCommand, command: string, name: string, what: string): string {
  const v = stringFlag(p, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} <${what}> is required (see \`textclass ${command} --help\`)`);
  return v;
}

/** A whole-number flag from `min` to `max`, or undefined when not given; anything else is a UsageError naming the range. */
export function integerFlag(p: ParsedCommand, command: string, name: string, range: { min: number; max: number }): number | undefined {
  const raw = stringFlag(p, name);
  if (raw === undefined) return undefined;
  const parsed = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(range.min).max(range.max)).safeParse(raw.trim());
  if (!parsed.success) throw new UsageError(`--${name} must be a whole number from ${range.min} to ${range.max}, got "${raw}" (see \`textclass ${command} --help\`)`);
  return parsed.data;
}
