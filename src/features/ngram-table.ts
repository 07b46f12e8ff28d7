/**
 * Open-addressing hash table from n-grams of token ids (n ≤ 3) to dense ids.
 * Keys live in one Int32Array (three slots per key, -1 padded) so that counting millions of
 * n-grams allocates nothing per token, unlike a Map keyed by joined strings.
 */
export class NgramTable {
  private keys: Int32Array; // capacity * 3
  private ids: Int32Array; // capacity; -1 = empty
  private mask: number;
  size = 0;

  constructor(expected = 1 << 16) {
    let cap = 16;
    while (cap < expected * 2) cap <<= 1;
    this.keys = new Int32Array(cap * 3);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  private static hash(a: number, b: number, c: number): number {
    let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 16) ^ c, 0x27d4eb2f);
    return (h ^ (h >>> 15)) >>> 0;
  }

  /** The id of (a, b, c), or -1. Use -1 for the unused trailing positions of shorter n-grams. */
  get(a: number, b: number, c: number): number {
    const keys = this.keys;
    let slot = NgramTable.hash(a, b, c) & this.mask;
    for (;;) {
      const id = this.ids[slot];
      if (id === -1) return -1;
      const k = slot * 3;
      if (keys[k] === a && keys[k + 1] === b && keys[k + 2] === c) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The id of (a, b, c), inserting it with the next dense id when absent. */
  getOrAdd(a: number, b: number, c: number): number {
    let slot = NgramTable.hash(a, b, c) & this.mask;
    for (;;) {
      const id = this.ids[slot];
      if (id === -1) break;
      const k = slot * 3;
      if (this.keys[k] === a && this.keys[k + 1] === b && this.keys[k + 2] === c) return id;
      slot = (slot + 1) & this.mask;
    }
    const id = this.size++;
    const k = slot * 3;
    this.keys[k] = a;
    this.keys[k + 1] = b;
    this.keys[k + 2] = c;
    this.ids[slot] = id;
    if (this.size * 2 > this.ids.length) this.rehash();
    return id;
  }

  /** Writes every key into `out` at `id * 3`; `out` must hold `size * 3` entries. */
  exportKeys(out: Int32Array): void {
    for (let slot = 0; slot < this.ids.length; slot++) {
      const id = this.ids[slot];
      if (id === -1) continue;
      out[id * 3] = this.keys[slot * 3];
      out[id * 3 + 1] = this.keys[slot * 3 + 1];
      out[id * 3 + 2] = this.keys[slot * 3 + 2];
    }
  }

  private rehash(): void {
    const oldKeys = this.keys;
    const oldIds = this.ids;
    const cap = oldIds.length * 2;
    this.keys = new Int32Array(cap * 3);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let slot = 0; slot < oldIds.length; slot++) {
      const id = oldIds[slot];
      if (id === -1) continue;
      const a = oldKeys[slot * 3];
      const b = oldKeys[slot * 3 + 1];
      const c = oldKeys[slot * 3 + 2];
      let s = NgramTable.hash(a, b, c) & this.mask;
      while (this.ids[s] !== -1) s = (s + 1) & this.mask;
      this.keys[s * 3] = a;
      this.keys[s * 3 + 1] = b;
      this.keys[s * 3 + 2] = c;
      this.ids[s] = id;
    }
  }

  /** Rebuilds a table from keys exported by `exportKeys` (ids = position). */
  static fromKeys(keys: Int32Array): NgramTable {
    const n = keys.length / 3;
    const t = new NgramTable(n);
    for (let i = 0; i < n; i++) t.getOrAdd(keys[i * 3], keys[i * 3 + 1], keys[i * 3 + 2]);
    return t;
  }
}
