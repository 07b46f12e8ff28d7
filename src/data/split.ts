import { createRng, shuffleInPlace } from '../util/random.js';
import type { Example } from './types.js';

/**
 * Seeded split stratified by the first label of each example: each label keeps its share on
 * both sides. Returns row indices, each side in the original order.
 */
export function stratifiedSplit(examples: readonly Example[], fraction: number, seed: number): { train: number[]; held: number[] } {
  const byLabel = new Map<string, number[]>();
  examples.forEach((e, i) => {
    const key = e.labels[0] ?? '';
    let bucket = byLabel.get(key);
    if (!bucket) byLabel.set(key, (bucket = []));
    bucket.push(i);
  });
  const rng = createRng(seed);
  const held = new Set<number>();
  for (const key of [...byLabel.keys()].sort()) {
    const bucket = byLabel.get(key)!;
    shuffleInPlace(bucket, rng);
    const take = Math.round(fraction * bucket.length);
    for (let j = 0; j < take; j++) held.add(bucket[j]);
  }
  const train: number[] = [];
  const heldOut: number[] = [];
  for (let i = 0; i < examples.length; i++) (held.has(i) ? heldOut : train).push(i);
  return { train, held: heldOut };
}
