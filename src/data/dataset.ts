import { dialogExamples, type DialogTargets } from './dialog-targets.js';
import { labelMapper, type LabelMap } from './label-map.js';
import { noExamplesError, readExamples } from './read.js';
import type { BadRowPolicy, Example, ReaderConfig, SkippedRow } from './types.js';
import { OutOfMemoryError, formatLocation } from '../errors.js';
import { formatBytes, HeapGuard, memoryAdvice } from '../util/heap-guard.js';

/**
 * Everything needed to turn a data file into examples the way a model saw its training data:
 * the reader, dialog targets and the resolved label map. Plain data, stored in the model manifest.
 */
export interface DataSpec {
  reader: ReaderConfig;
  dialog?: DialogTargets;
  labelMap?: LabelMap;
}

export interface LoadOptions {
  onBadRow?: BadRowPolicy;
  /** Bad rows skipped under onBadRow 'skip' are appended here. */
  skipped?: SkippedRow[];
  /** Rows removed on purpose (label dropped, last dialog turn), counted by reason. */
  dropped?: Map<string, number>;
  onProgress?: (done: number, total: number) => void;
}

export interface LoadedExamples {
  examples: Example[];
  skipped: SkippedRow[];
  dropped: Map<string, number>;
}

/**
 * Reads a file through a data spec: reader → dialog targets → label map. Throws a DataError when
 * nothing usable is left, saying why (all rows bad, or every label dropped by the rules).
 */
export async function loadExamples(path: string, spec: DataSpec, options: LoadOptions = {}): Promise<LoadedExamples> {
  const skipped = options.skipped ?? [];
  const dropped = options.dropped ?? new Map<string, number>();
  const skippedBefore = skipped.length;
  const droppedBefore = total(dropped);
  let rows: AsyncIterable<Example> = readExamples(path, spec.reader, { onBadRow: options.onBadRow ?? 'error', skipped, onProgress: options.onProgress });
  if (spec.dialog) rows = dialogExamples(rows, spec.dialog, dropped);
  const map = spec.labelMap ? labelMapper(spec.labelMap) : undefined;
  const examples: Example[] = [];
  const heap = new HeapGuard();
  const labelSets = new LabelSets();
  for await (const e of rows) {
    const full = heap.check();
    if (full) {
      throw new OutOfMemoryError(
        `${formatLocation({ file: e.source.file, ...(e.source.line !== undefined ? { line: e.source.line } : {}) })}: the data does not fit in memory: ` +
          `its first ${examples.length.toLocaleString('en-US')} rows fill ${formatBytes(full.usedBytes)} of the ${formatBytes(full.limitBytes)} heap node allows, ` +
          `and training needs room beyond them. ` +
          memoryAdvice(full, 'Use fewer rows (a sample of the file)'),
      );
    }
    if (map && e.labels.length > 0) {
      const labels = map(e.labels);
      if (labels.length === 0) {
        countDropped(dropped, e.labels);
        continue;
      }
      e.labels = labels;
    }
    e.labels = labelSets.intern(e.labels);
    examples.push(e);
  }
  if (examples.length === 0) throw noExamplesError(path, spec.reader, skipped.slice(skippedBefore), total(dropped) - droppedBefore);
  return { examples, skipped, dropped };
}

/** Applies a label map to examples already in memory (training data, once the map is resolved). */
export function applyLabelMap(examples: readonly Example[], labelMap: LabelMap, dropped: Map<string, number>): Example[] {
  const map = labelMapper(labelMap);
  const kept: Example[] = [];
  for (const e of examples) {
    const labels = map(e.labels);
    if (labels.length === 0) {
      countDropped(dropped, e.labels);
      continue;
    }
    kept.push({ ...e, labels });
  }
  return kept;
}

export function droppedReason(labels: readonly string[]): string {
  return `label ${labels.map((l) => JSON.stringify(l)).join(' + ')} dropped by the label rules`;
}

function countDropped(dropped: Map<string, number>, labels: readonly string[]): void {
  const reason = droppedReason(labels);
  dropped.set(reason, (dropped.get(reason) ?? 0) + 1);
}

function total(m: Map<string, number>): number {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}

/**
 * One frozen array per distinct label set, shared by every example that has it. A data file holds
 * few label sets but many rows, and a label array of its own costs a row about 180 bytes of heap,
 * over half as much again as a 260-character text (800,000 rows: 447 → 300 MB). Frozen, so that
 * code changing one example's labels in place fails loudly instead of changing them all.
 */
export class LabelSets {
  private readonly sets = new Map<string, string[]>();

  intern(labels: string[]): string[] {
    // One label (the common case) is its own key, after a "1"; any other set, its JSON (which starts
    // with "["), so that no two sets share a key whatever characters the labels hold.
    const key = labels.length === 1 ? `1${labels[0]}` : JSON.stringify(labels);
    let shared = this.sets.get(key);
    if (shared === undefined) {
      shared = Object.freeze([...labels]) as string[];
      this.sets.set(key, shared);
    }
    return shared;
  }
}
