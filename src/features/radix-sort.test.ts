import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RowSorter } from './radix-sort.js';
import { createRng as rng } from '../util/random.js';

/** `length` distinct ids below `bound`, in random order. */
function distinctIds(r: () => number, bound: number, length: number): Int32Array {
  const seen = new Set<number>();
  while (seen.size < length) seen.add(Math.floor(r() * bound));
  return Int32Array.from(seen);
}

test('RowSorter sorts like Int32Array.prototype.sort, for short and long rows and bounds of 1 to 2^31 − 1', () => {
  const r = rng(5);
  // Bounds that give one, two and three radix passes, and digit widths that do not divide the bits.
  for (const bound of [1, 2, 3, 255, 256, 2049, 1 << 11, (1 << 11) + 1, 1 << 20, 3_000_017, 1 << 22, (1 << 22) + 1, 2 ** 31 - 1]) {
    const sorter = new RowSorter(bound);
    for (const length of [0, 1, 2, 127, 128, 129, 255, 256, 257, 511, 512, 513, 1000, 5000]) {
      if (length > bound) continue;
      const ids = distinctIds(r, bound, length);
      const want = ids.slice().sort();
      // A buffer longer than the row, as RowBuilder's: only the first `length` entries are sorted.
      const buffer = new Int32Array(length + 7).fill(-5);
      buffer.set(ids);
      assert.deepEqual(sorter.sort(buffer, length), want, `bound ${bound}, length ${length}`);
      assert.deepEqual(buffer.subarray(length), new Int32Array(7).fill(-5), 'entries past the row are left alone');
    }
  }
});

test('RowSorter reused over many rows of changing length gives each row sorted', () => {
  const r = rng(9);
  const sorter = new RowSorter(300_000);
  for (let row = 0; row < 200; row++) {
    const ids = distinctIds(r, 300_000, Math.floor(r() * 3000));
    const want = ids.slice().sort();
    // The previous result may be a view of the sorter's scratch; copy before the next call.
    assert.deepEqual(sorter.sort(ids, ids.length).slice(), want);
  }
});
