import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * When V8's heap is full it aborts the process: a native stack trace, exit 134, no message of
 * ours, and whatever the command was doing lost. Places where data piles up in the heap (the rows
 * of a data file) check it here and stop with a message instead, while there is room to say so.
 */

/**
 * The share of the old generation the rows of the data may fill while they are read. Training
 * needs the rest (the vocabulary, the model, the garbage of the work; texts are normalized one at a
 * time as the features read them). The old generation is V8's heap limit less the young one, which
 * never holds rows for long (48 MB on 64-bit Node 20; YOUNG_GENERATION_BYTES rounds it up), so
 * that one share fits small and large heaps alike. Measured with 800,000 rows of 260 characters
 * (300 MB once read): they train in a 400 MB heap (limit 448 MB) and abort node in a 350 MB one
 * (limit 398 MB); rows read into a 128 MB heap (limit 176 MB) abort node at about 106 MB.
 */
export const DATA_HEAP_SHARE = 0.75;
const YOUNG_GENERATION_BYTES = 64 * 1024 * 1024;

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
 * Counts items as they are kept and, every `every` of them, checks that the heap holds less than
 * `share` of its limit; `check()` returns the heap's use when it does not, else null. A heap over
 * the share is collected in full first, so that garbage V8 has yet to collect is not mistaken for
 * data: only live data over the share is reported.
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
  check(): HeapUse | null {
    if (--this.countdown > 0) return null;
    this.countdown = this.every;
    const limit = (heapUse().limitBytes - YOUNG_GENERATION_BYTES) * this.share;
    if (heapUse().usedBytes <= limit) return null;
    collectGarbage();
    const use = heapUse();
    return use.usedBytes > limit ? use : null;
  }
}

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
