import { RecipeError } from '../errors.js';
import { parseRecipe } from '../recipe/load.js';
import { recipeSchema, type TuneParam, type TuneSection } from '../recipe/schema.js';

/** The values one tuned parameter can take. Integer ranges include both ends. */
export type Domain =
  | { kind: 'choice'; values: unknown[] }
  | { kind: 'range'; low: number; high: number }
  | { kind: 'log_range'; low: number; high: number }
  | { kind: 'int_range'; low: number; high: number };

export interface SpaceParam {
  /** A recipe field path, e.g. `model.alpha`, or a whole section such as `model`. */
  path: string;
  domain: Domain;
  /** The parameter applies only where every listed field has one of the listed values. */
  when: { path: string; values: unknown[] }[];
}

/** The parameters in the recipe's order: a parameter's `when` may read parameters listed before it. */
export type SearchSpace = SpaceParam[];

/** One trial's values, only of the parameters that applied to it. */
export type Params = Record<string, unknown>;

export function spaceOf(tune: TuneSection): SearchSpace {
  return Object.entries(tune.space).map(([path, p]) => ({ path, domain: domainOf(p), when: conditionsOf(p) }));
}

function domainOf(p: TuneParam): Domain {
  if (p.choice) return { kind: 'choice', values: p.choice };
  if (p.range) return { kind: 'range', low: p.range[0], high: p.range[1] };
  if (p.log_range) return { kind: 'log_range', low: p.log_range[0], high: p.log_range[1] };
  const r = p.int_range!;
  return { kind: 'int_range', low: r[0], high: r[1] };
}

function conditionsOf(p: TuneParam): SpaceParam['when'] {
  return Object.entries(p.when ?? {}).map(([path, v]) => ({ path, values: Array.isArray(v) ? v : [v] }));
}

/** Sets `a.b.c` in a raw recipe object, creating sections on the way; values are deep-copied. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = obj;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = structuredClone(value);
}

function rawValueAt(obj: unknown, path: string): unknown {
  let node = obj;
  for (const k of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  return node;
}

/**
 * The value a condition reads: the raw field, else the schema's default for it (a recipe without
 * `model.type` has logistic_regression), so `when: {model.type: logistic_regression}` works on it.
 */
function effectiveValueAt(raw: Record<string, unknown>, path: string): unknown {
  const v = rawValueAt(raw, path);
  if (v !== undefined) return v;
  const parsed = recipeSchema.safeParse(raw);
  return parsed.success ? rawValueAt(parsed.data, path) : undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function conditionsHold(param: SpaceParam, raw: Record<string, unknown>): boolean {
  return param.when.every((c) => c.values.some((v) => sameValue(effectiveValueAt(raw, c.path), v)));
}

/**
 * Walks the space in order, asks `choose` for each parameter whose conditions hold on the recipe
 * built so far, and returns the chosen values. The base raw recipe is not modified.
 */
export function chooseParams(space: SearchSpace, baseRaw: Record<string, unknown>, choose: (param: SpaceParam) => unknown): Params {
  const raw = structuredClone(baseRaw);
  const params: Params = {};
  for (const p of space) {
    if (!conditionsHold(p, raw)) continue;
    const value = choose(p);
    params[p.path] = value;
    setPath(raw, p.path, value);
  }
  return params;
}

/** The base raw recipe with a trial's values applied and its `tune` section removed. */
export function applyParams(baseRaw: Record<string, unknown>, params: Params): Record<string, unknown> {
  const raw = structuredClone(baseRaw);
  delete raw.tune;
  for (const [path, value] of Object.entries(params)) setPath(raw, path, value);
  return raw;
}

/**
 * Checks every parameter before any trial runs, so a typo fails in a second, not an hour into a
 * sweep: each choice and both ends of each range are applied to the recipe (with the parameter's
 * conditions made true) and the result must be a valid recipe. The error names the parameter.
 */
export function validateSpace(space: SearchSpace, baseRaw: Record<string, unknown>, source: string): void {
  const base = structuredClone(baseRaw);
  delete base.tune;
  for (const p of space) {
    for (const c of p.when) {
      if (c.values.length === 0) throw new RecipeError(`tune.space."${p.path}".when."${c.path}": needs at least one value`, source);
    }
    const probes = p.domain.kind === 'choice' ? p.domain.values : [p.domain.low, p.domain.high];
    for (const value of probes) {
      const raw = structuredClone(base);
      for (const c of p.when) satisfy(space, raw, c.path, c.values[0]);
      setPath(raw, p.path, value);
      try {
        parseRecipe(raw, [], source);
      } catch (e) {
        if (!(e instanceof RecipeError)) throw e;
        const why = e.message.startsWith(`${source}: `) ? e.message.slice(source.length + 2) : e.message;
        throw new RecipeError(`tune.space."${p.path}": the value ${JSON.stringify(value)} makes an invalid recipe: ${why}`, source);
      }
    }
  }
}

/**
 * Makes `path` read `value` the way a trial would: through the parameter that sets it (a `model`
 * choice whose object has `type: naive_bayes` replaces the whole section, so no field of another
 * model type is left over), else by setting the field.
 */
function satisfy(space: SearchSpace, raw: Record<string, unknown>, path: string, value: unknown): void {
  for (const p of space) {
    if (p.domain.kind !== 'choice' || !(path === p.path || path.startsWith(p.path + '.'))) continue;
    const rest = path.slice(p.path.length + 1);
    const match = p.domain.values.find((v) => sameValue(rest ? rawValueAt(v, rest) : v, value));
    if (match !== undefined) {
      setPath(raw, p.path, match);
      return;
    }
  }
  setPath(raw, path, value);
}

/**
 * A short readable form of a trial's values: `model={type: naive_bayes, alpha: 0.3} features.min_df=2`.
 */
export function describeParams(params: Params): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${compact(v)}`)
    .join(' ');
}

function compact(v: unknown): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${compact(x)}`)
      .join(', ')}}`;
  }
  if (Array.isArray(v)) return `[${v.map(compact).join(', ')}]`;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Losses are minimized; every other metric of the dev report is maximized. */
export function defaultDirection(metric: string): 'maximize' | 'minimize' {
  return /loss|brier|ece|error/.test(metric) ? 'minimize' : 'maximize';
}
