import { createRng } from '../util/random.js';

/** The seed of every init sample: the same file always gives the same sample, so init is repeatable. */
export const SAMPLE_SEED = 20240611;

/**
 * A seeded reservoir sample (Vitter's algorithm R): a uniform sample of at most `size` items of a
 * stream of unknown length, holding no more than `size` items at any time. `items()` returns them
 * in stream order, so a sample of a file reads like the file.
 */
export class Reservoir<T> {
  private readonly kept: { index: number; item: T }[] = [];
  private offered = 0;
  private readonly rng: () => number;

  constructor(
    readonly size: number,
    seed = SAMPLE_SEED,
  ) {
    this.rng = createRng(seed);
  }

  /** Offers the next item of the stream. */
  offer(item: T): void {
    const index = this.offered++;
    if (index < this.size) {
      this.kept.push({ index, item });
      return;
    }
    const slot = Math.floor(this.rng() * (index + 1));
    if (slot < this.size) this.kept[slot] = { index, item };
  }

  /** Items offered so far. */
  get seen(): number {
    return this.offered;
  }

  /** True once more items were offered than are kept. */
  get sampled(): boolean {
    return this.offered > this.size;
  }

  /** The kept items, in the order they were offered. */
  items(): T[] {
    return [...this.kept].sort((a, b) => a.index - b.index).map((k) => k.item);
  }
}
