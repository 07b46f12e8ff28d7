import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * When V8's heap is full it aborts the process: a native stack trace, exit 134, no message of
 * ours, and whatever the command was doing lost. Places where data piles up in the heap (the rows
 * of a data file) check it here and stop with a message instead, while there is room to say so.
 */

/**
 * The share of the heap limit that the rows of the data, plus the normalized copy of their texts
 * that training makes next, may fill. Training needs the rest (the vocabulary, the model, the
 * garbage of the work). Calibrated on 800,000 rows of 260 characters (300 MB once read, 208 MB
 * of text): they train in a 650 MB heap and abort node in a 550 MB one.
 */
export const DATA_HEAP_SHARE = 0.8;

export interface HeapUse {
  usedBytes: number;
  limitBytes: number;
}

export function heapUse(): HeapUse {
  const h = v8.getHeapStatistics();
  return { usedBytes: h.used_heap_size, limitBytes: h.heap_size_limit };
}

let gc: (() => void) | null | undefined;

/** A full garbage collection, so that a check sees live data and not garbage V8 has yet to collect. */
function collectGarbage(): void {
  if (gc === undefined) {
    try {
      // Exposes `gc` to contexts created from now on; the one made here is only a way to reach it.
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

/**
 * Counts items as they are kept and, every `every` of them, checks that the heap's use plus
 * `comingBytes` (what the caller knows it will allocate next) stays under `share` of the limit;
 * `check()` returns the heap's use when it does not, else null. A heap over the share is collected
 * in full first, so that garbage V8 has yet to collect is not mistaken for data.
 */
export class HeapGuard {
  private countdown: number;

  constructor(
    private readonly share = DATA_HEAP_SHARE,
    private readonly every = 4096,
  ) {
    this.countdown = every;
  }

  /** Call once per item kept; null while there is room. */
  check(comingBytes = 0): HeapUse | null {
    if (--this.countdown > 0) return null;
    this.countdown = this.every;
    const limit = heapUse().limitBytes * this.share - comingBytes;
    if (heapUse().usedBytes <= limit) return null;
    collectGarbage();
    const use = heapUse();
    return use.usedBytes > limit ? use : null;
  }
}

/** Heap bytes of a copy of `text`: V8 keeps a string of Latin-1 characters one byte each, else two. */
export function stringBytes(text: string): number {
  return LATIN1_ONLY.test(text) ? text.length : 2 * text.length;
}

const LATIN1_ONLY = /^[\u0000-\u00ff]*$/;

const MB = 1024 * 1024;

/**
 * What to do about a full heap, in words: fewer rows, or a larger heap when the machine has the
 * memory (node's default limit is a fraction of it), with the flag to pass.
 */
export function memoryAdvice(use: HeapUse, fewer: string): string {
  const totalMb = Math.floor(os.totalmem() / MB);
  const limitMb = Math.round(use.limitBytes / MB);
  const suggestMb = Math.floor((totalMb * 0.75) / 256) * 256;
  const larger =
    suggestMb > limitMb * 1.25
      ? `, or let node use more of this machine's ${formatMb(totalMb)}: NODE_OPTIONS=--max-old-space-size=${suggestMb} before the command`
      : ` (node may already use most of this machine's ${formatMb(totalMb)})`;
  return `${fewer}${larger}`;
}

/** "3.9 GB" or "412 MB". */
export function formatMb(mb: number): string {
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.round(mb)} MB`;
}

export function formatBytes(bytes: number): string {
  return formatMb(bytes / MB);
}
