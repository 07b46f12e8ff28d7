import { DataError, ModelFormatError, RecipeError, TextclassError, UsageError } from '../errors.js';
import type { Example } from '../data/types.js';
import type { Recipe } from '../recipe/schema.js';
import type { ResolvedFeatures } from './text-defaults.js';

/** What every fold worker gets once, at start: the rows and folds stay put; only fold numbers travel after. */
export interface FoldWorkerData {
  /** The parsed recipe: plain data, so it arrives equal field for field (no re-parsing, no defaults applied twice). */
  recipe: Recipe;
  labels: readonly string[];
  examples: readonly Example[];
  /** Held-out row indices of every fold. */
  folds: readonly (readonly number[])[];
  resolved: ResolvedFeatures;
  /** Post progress only when the caller listens: the sequential path fits without a callback then, and so must the worker. */
  reportProgress: boolean;
}

export type ToFoldWorker = { type: 'fold'; fold: number };

export type FromFoldWorker =
  | { type: 'progress'; fold: number; phase: string; done: number; total: number }
  /** `proba` is transferred, not copied. */
  | { type: 'scored'; fold: number; proba: Float32Array }
  | { type: 'failed'; fold: number; error: SerializedError };

/**
 * An exception as it crosses the thread boundary. Structured cloning turns every Error subclass
 * into a plain Error, so the class travels by name and the own fields (exitCode, location, …) by value.
 */
export interface SerializedError {
  className: string;
  isTextclassError: boolean;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { className: 'Error', isTextclassError: false, message: String(e), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(e)) {
    try {
      fields[key] = structuredClone((e as unknown as Record<string, unknown>)[key]);
    } catch {
      // A field that cannot cross threads (a function, a socket) is left behind; the message still does.
    }
  }
  return { className: e.constructor.name, isTextclassError: e instanceof TextclassError, message: e.message, stack: e.stack, fields };
}

const ERROR_CLASSES: Record<string, new (...args: never[]) => Error> = {
  TextclassError,
  UsageError,
  RecipeError,
  DataError,
  ModelFormatError,
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
};

/**
 * The error as the main thread throws it: same class (any TextclassError subclass not listed
 * here comes back as a TextclassError with the same name and exit code), message, fields and the
 * worker's stack.
 */
export function reviveError(s: SerializedError): Error {
  const Class = ERROR_CLASSES[s.className] ?? (s.isTextclassError ? TextclassError : Error);
  const error = Object.create(Class.prototype) as Error;
  Object.defineProperty(error, 'message', { value: s.message, writable: true, configurable: true, enumerable: false });
  if (s.stack !== undefined) Object.defineProperty(error, 'stack', { value: s.stack, writable: true, configurable: true, enumerable: false });
  Object.assign(error, s.fields);
  return error;
}
