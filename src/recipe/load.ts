import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { DataError, RecipeError } from '../errors.js';
import { checkedRecipeSchema, type Recipe } from './schema.js';

/** Reads, overrides and validates a recipe file. Every problem is one RecipeError line. */
export function loadRecipe(file: string, overrides: readonly string[] = []): Recipe {
  return parseRecipe(readRecipeFile(file), overrides, file);
}

/** A recipe file's YAML (or JSON) as plain data, before any validation. */
export function readRecipeFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new RecipeError(`cannot read recipe: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message}`, file);
  }
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text, { prettyErrors: true });
  } catch (e) {
    throw new RecipeError(`not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`, file);
  }
  return raw;
}

export function parseRecipe(raw: unknown, overrides: readonly string[] = [], source = 'recipe'): Recipe {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new RecipeError('a recipe must be a mapping of keys to values', source);
  const obj = structuredClone(raw) as Record<string, unknown>;
  for (const o of overrides) applyOverride(obj, o);
  const result = checkedRecipeSchema.safeParse(obj);
  if (!result.success) throw new RecipeError(describeIssues(result.error.issues, obj), source);
  return result.data;
}

/** `--set model.C=8` → obj.model.C = 8 (the value is read as YAML, so 8 is a number, [1,2] a list). */
export function applyOverride(obj: Record<string, unknown>, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new RecipeError(`--set expects key=value (e.g. model.C=8), got "${assignment}"`);
  const keys = assignment.slice(0, eq).split('.');
  let value: unknown;
  try {
    value = YAML.parse(assignment.slice(eq + 1));
  } catch {
    value = assignment.slice(eq + 1);
  }
  let node = obj;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (next === undefined) node[k] = {};
    else if (next === null || typeof next !== 'object' || Array.isArray(next)) throw new RecipeError(`--set ${assignment}: "${k}" is not a section`);
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : '(top level)';
      if (issue.code === 'unrecognized_keys') {
        return `${where === '(top level)' ? '' : where + ': '}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      }
      const value = valueAt(input, issue.path);
      const got = value === undefined ? 'missing' : `got ${JSON.stringify(value)}`;
      return `${where}: ${issue.message} (${got})`;
    })
    .join('; ');
}

function valueAt(input: unknown, p: readonly PropertyKey[]): unknown {
  let node: unknown = input;
  for (const k of p) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[k];
  }
  return node;
}

/** A data path from a recipe, resolved against the data directory unless absolute. */
export function resolveDataPath(dataDir: string, p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(dataDir, p);
}

/**
 * `resolveDataPath` for a recipe's data file, which must exist. A relative path missing from the
 * data directory fails here, saying where relative paths are looked for and, when the same path
 * exists from the current directory, which `--data-dir` would find it: found later by the reader,
 * the miss would read as a typo in the path rather than a data folder that was never given.
 */
export function resolveRecipeDataFile(dataDir: string, p: string, field: string): string {
  const resolved = resolveDataPath(dataDir, p);
  if (path.isAbsolute(p) || fs.existsSync(resolved)) return resolved;
  const fromCwd = path.resolve(p);
  const fix = fs.existsSync(fromCwd)
    ? `${fromCwd} exists: pass --data-dir . or write an absolute path`
    : 'pass --data-dir <folder> (or set TEXTCLASS_DATA_DIR), or write an absolute path';
  throw new DataError(
    { file: resolved },
    `not found: ${field} is "${p}", and a recipe's relative data paths start from --data-dir (here ${path.resolve(dataDir)}; default ./data); ${fix}`,
  );
}
