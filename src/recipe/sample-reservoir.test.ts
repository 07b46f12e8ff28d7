import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Reservoir } from './sample-reservoir.js';

function sampleOf(n: number, size: number, seed?: number): number[] {
  const r = new Reservoir<number>(size, seed);
  for (let i = 0; i < n; i++) r.offer(i);
  assert.equal(r.seen, n);
  assert.equal(r.sampled, n > size);
  return r.items();
}

test('a stream no longer than the reservoir is kept whole, in order', () => {
  assert.deepEqual(sampleOf(5, 5), [0, 1, 2, 3, 4]);
  assert.deepEqual(sampleOf(3, 10), [0, 1, 2]);
  assert.deepEqual(sampleOf(0, 10), []);
});

test('a longer stream: the size asked for, in stream order, spread over the whole stream, the same every time', () => {
  const s = sampleOf(100_000, 1000);
  assert.equal(s.length, 1000);
  assert.equal(new Set(s).size, 1000);
  assert.deepEqual(s, [...s].sort((a, b) => a - b));
  assert.deepEqual(sampleOf(100_000, 1000), s);
  // Uniform: each tenth of the stream holds about a tenth of the sample (100 ± 40 here).
  for (let decile = 0; decile < 10; decile++) {
    const inDecile = s.filter((i) => Math.floor(i / 10_000) === decile).length;
    assert.ok(inDecile > 60 && inDecile < 140, `decile ${decile}: ${inDecile}`);
  }
  assert.notDeepEqual(sampleOf(100_000, 1000, 7), s, 'another seed, another sample');
});
