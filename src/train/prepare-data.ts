import fs from 'node:fs';
import { applyLabelMap, loadExamples, type DataSpec } from '../data/dataset.js';
import type { DialogTargets } from '../data/dialog-targets.js';
import { isIdentity, LabelRuleConflict, resolveLabelMap, type LabelMap, type LabelRules } from '../data/label-map.js';
import { discoverLabels, orderBinaryLabels } from '../data/labels.js';
import { keepRatio, oversample, undersample } from '../data/sampling.js';
import { splitGroupsOf, splitRows } from '../data/split.js';
import type { Example, ReaderConfig, SkippedRow } from '../data/types.js';
import { DataError, RecipeError } from '../errors.js';
import { resolveDataPath, resolveRecipeDataFile } from '../recipe/load.js';
import type { Recipe } from '../recipe/schema.js';
import { readerConfigFromRecipe } from './reader-config.js';

/** The recipe's data, read and prepared for training: what `train` fits and `inspect` reports. */
export interface PreparedData {
  spec: DataSpec;
  /** The model's label order. */
  labels: string[];
  /** Training rows after sampling: what the model is fitted on. */
  train: Example[];
  /** Training rows before sampling (the same array as `train` when the recipe does not resample). */
  unsampledTrain: Example[];
  dev: Example[];
  test: Example[];
  /** Where each part came from: a path, or `split of <train path>`. */
  origin: { train: string; dev?: string; test?: string };
  skipped: SkippedRow[];
  /** Rows left out on purpose (label rules, last dialog turns), by reason. */
  dropped: Map<string, number>;
  /** Training rows before and after sampling, per label; null when the recipe does not resample. */
  sampling: { before: Record<string, number>; after: Record<string, number> } | null;
}

export interface PrepareOptions {
  log?: (line: string) => void;
  onProgress?: (stage: string, done: number, total: number) => void;
  /** Overrides the recipe's data.on_bad_row (the CLI's --on-bad-row). */
  onBadRow?: 'error' | 'skip';
}

export async function prepareData(recipe: Recipe, dataDir: string, options: PrepareOptions = {}): Promise<PreparedData> {
  const log = options.log ?? (() => {});
  const onBadRow = options.onBadRow ?? recipe.data.on_bad_row;
  const reader = readerConfigFromRecipe(recipe.data, dataDir);
  const dialog = dialogTargetsFromRecipe(recipe);
  const skipped: SkippedRow[] = [];
  const dropped = new Map<string, number>();
  const read = async (role: string, file: string, spec: DataSpec): Promise<Example[]> => {
    log(`reading ${role} data ${file}`);
    const progress = options.onProgress;
    const onProgress = progress ? (done: number, total: number) => progress(`read ${role}`, done, total) : undefined;
    return (await loadExamples(file, spec, { onBadRow, skipped, dropped, onProgress })).examples;
  };

  const trainPath = resolveRecipeDataFile(dataDir, recipe.data.train, 'data.train');
  const rawSpec: DataSpec = dialog ? { reader, dialog } : { reader };
  let train = await read('train', trainPath, rawSpec);

  let labelMap: LabelMap | undefined;
  if (recipe.labels) {
    const rules = labelRulesFromRecipe(recipe, dataDir);
    checkRulesNameLabels(rules, train, declaredLabels(reader));
    try {
      labelMap = resolveLabelMap(rules, train, declaredLabels(reader));
    } catch (e) {
      if (e instanceof LabelRuleConflict) throw new RecipeError(`labels: ${e.message}`);
      throw e;
    }
    train = applyLabelMap(train, labelMap, dropped);
    if (train.length === 0) throw new DataError({ file: trainPath, field: 'labels' }, 'the label rules dropped every training row');
  }
  const spec: DataSpec = { reader, ...(dialog ? { dialog } : {}), ...(labelMap ? { labelMap } : {}) };

  const origin: PreparedData['origin'] = { train: trainPath };
  let dev: Example[] = [];
  let test: Example[] = [];
  if (recipe.data.dev) {
    origin.dev = resolveRecipeDataFile(dataDir, recipe.data.dev, 'data.dev');
    dev = await read('dev', origin.dev, spec);
  }
  if (recipe.data.test) {
    origin.test = resolveRecipeDataFile(dataDir, recipe.data.test, 'data.test');
    test = await read('test', origin.test, spec);
  }
  const devSplit = recipe.data.dev_split;
  const testSplit = recipe.data.test_split;
  if (devSplit || testSplit) {
    const parts = splitRows(
      train.map((e) => e.labels),
      {
        fractions: { dev: devSplit, test: testSplit },
        seed: recipe.training.seed,
        multilabel: recipe.task === 'multilabel',
        groups: splitGroupsOf(train, recipe.data.split_groups === 'text'),
      },
    );
    if (devSplit) {
      dev = parts.dev.map((i) => train[i]);
      origin.dev = `${Math.round(devSplit * 100)}% split of ${trainPath}`;
    }
    if (testSplit) {
      test = parts.test.map((i) => train[i]);
      origin.test = `${Math.round(testSplit * 100)}% split of ${trainPath}`;
    }
    train = parts.train.map((i) => train[i]);
  }

  const sampled = resample(recipe, train);
  const labels = labelOrder(recipe, reader, labelMap, sampled.rows);
  return { spec, labels, train: sampled.rows, unsampledTrain: train, dev, test, origin, skipped, dropped, sampling: sampled.summary };
}

function dialogTargetsFromRecipe(recipe: Recipe): DialogTargets | undefined {
  const d = recipe.dialog;
  if (!d) return undefined;
  return { target: d.target, contextTurns: d.context_turns, contextSeparator: d.context_separator, ...(d.context_tags ? { contextTags: true } : {}) };
}

/** Label names a reader declares up front (integer-code names, folder list), in their order. */
function declaredLabels(reader: ReaderConfig): string[] {
  switch (reader.format) {
    case 'goemotions-tsv':
    case 'dailydialog':
      return reader.labelNames;
    case 'folder':
      return reader.labels ?? [];
    default:
      return reader.labelNames ?? [];
  }
}

function labelRulesFromRecipe(recipe: Recipe, dataDir: string): LabelRules {
  const l = recipe.labels!;
  const groups: Record<string, string[]> = {};
  if (l.map_file) Object.assign(groups, readGroupingFile(resolveDataPath(dataDir, l.map_file)));
  for (const [target, sources] of Object.entries(l.merge ?? {})) {
    if (groups[target]) throw new RecipeError(`labels.merge: "${target}" is also a group of labels.map_file`);
    groups[target] = sources;
  }
  const rules: LabelRules = { ungrouped: l.ungrouped };
  if (Object.keys(groups).length > 0) rules.groups = groups;
  if (l.rename) rules.rename = l.rename;
  if (l.drop) rules.drop = l.drop;
  if (l.min_count !== undefined && l.rare !== undefined) {
    rules.minCount = l.min_count;
    rules.rare = l.rare;
    rules.rareLabel = l.rare_label;
    rules.rareScope = l.rare_scope;
    rules.pathSeparator = recipe.data.label_path_separator;
  }
  return rules;
}

/** A JSON object of new label → list of source labels, as GoEmotions' ekman_mapping.json. */
export function readGroupingFile(file: string, field = 'labels.map_file'): Record<string, string[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found (paths resolve against --data-dir)' : `not valid JSON: ${(e as Error).message}`;
    throw new DataError({ file, field }, why);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new DataError({ file, field }, 'expected a JSON object mapping each new label to a list of labels, e.g. {"anger": ["anger", "annoyance"]}');
  }
  const groups: Record<string, string[]> = {};
  for (const [target, sources] of Object.entries(raw)) {
    if (!Array.isArray(sources) || sources.length === 0 || !sources.every((s) => typeof s === 'string' && s.length > 0)) {
      throw new DataError({ file, field: target }, 'expected a non-empty list of label names');
    }
    groups[target] = sources as string[];
  }
  return groups;
}

/**
 * A rule naming a label that does not occur is almost always a typo (`중럽` for `중립`) and would
 * silently do nothing, so it is an error that lists the labels there are.
 */
function checkRulesNameLabels(rules: LabelRules, train: readonly Example[], declared: readonly string[]): void {
  const present = new Set<string>(declared);
  for (const e of train) for (const l of e.labels) present.add(l);
  const list = (): string => {
    const all = [...present].sort();
    return all.length <= 12 ? all.join(', ') : `${all.slice(0, 12).join(', ')}, … (${all.length} labels)`;
  };
  for (const [target, sources] of Object.entries(rules.groups ?? {})) {
    for (const s of sources) {
      if (!present.has(s)) throw new RecipeError(`labels: group "${target}" names "${s}", which is not a label of the training data (labels: ${list()})`);
    }
  }
  const afterGroups = new Set(present);
  for (const target of Object.keys(rules.groups ?? {})) afterGroups.add(target);
  for (const from of Object.keys(rules.rename ?? {})) {
    if (!afterGroups.has(from)) throw new RecipeError(`labels.rename: "${from}" is not a label (labels: ${list()})`);
  }
  const afterRename = new Set(afterGroups);
  for (const to of Object.values(rules.rename ?? {})) afterRename.add(to);
  for (const d of rules.drop ?? []) {
    if (!afterRename.has(d)) throw new RecipeError(`labels.drop: "${d}" is not a label (labels: ${list()})`);
  }
}

/** The recipe's `sampling` applied to training rows (held-out rows are never resampled). */
export function resample(recipe: Recipe, train: Example[]): { rows: Example[]; summary: PreparedData['sampling'] } {
  const { keep, balance } = recipe.sampling;
  const hasKeep = keep !== undefined && Object.keys(keep).length > 0;
  if (!hasKeep && balance === 'none') return { rows: train, summary: null };
  const before = countLabels(train);
  const seed = recipe.training.seed;
  let rows = train;
  if (hasKeep) {
    for (const label of Object.keys(keep)) {
      if (!(label in before)) throw new RecipeError(`sampling.keep: "${label}" is not a training label (labels: ${Object.keys(before).join(', ')})`);
    }
    rows = pick(rows, keepRatio(rows.map((e) => e.labels), keep, seed));
  }
  if (balance === 'undersample') rows = pick(rows, undersample(rows.map((e) => e.labels), seed));
  if (balance === 'oversample') rows = pick(rows, oversample(rows.map((e) => e.labels), seed));
  return { rows, summary: { before, after: countLabels(rows) } };
}

function pick(rows: readonly Example[], indices: ArrayLike<number>): Example[] {
  return Array.from(indices, (i) => rows[i]);
}

export function countLabels(examples: readonly Example[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const e of examples) for (const l of e.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

/**
 * The model's label order: fixed by the data when it names its labels (label-names file, folder
 * list) and no rule changed them; otherwise the training labels in natural order. Binary tasks
 * put the positive label second.
 */
function labelOrder(recipe: Recipe, reader: ReaderConfig, labelMap: LabelMap | undefined, train: readonly Example[]): string[] {
  const declared = declaredLabels(reader);
  const labels = declared.length > 0 && isIdentity(labelMap) ? [...declared] : discoverLabels(train);
  return recipe.task === 'binary' ? orderBinaryLabels(labels, recipe.data.positive_label) : labels;
}
