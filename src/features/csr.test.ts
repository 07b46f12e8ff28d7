import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkedFloat32Builder, chunkedInt32Builder } from './csr.js';
import { createRng } from '../util/random.js';

test('a chunked builder gives back exactly what was appended, across chunk boundaries, as one plain array', () => {
  const rng = createRng(7);
  // 2.5 M values: the first chunk (small), then 4-MiB chunks, the last one partly filled.
  const total = 2_500_000;
  const expected = new Int32Array(total);
  for (let i = 0; i < total; i++) expected[i] = (i * 2654435761) | 0;
  const builder = chunkedInt32Builder(1000);
  let at = 0;
  while (at < total) {
    // Pieces from 0 to 300,000 values, so some appends span a chunk boundary and some are empty.
    const n = Math.min(total - at, Math.floor(rng() * 300_000));
    builder.append(expected.subarray(at, at + n));
    at += n;
    assert.equal(builder.length, at);
  }
  const out = builder.detach();
  assert.equal(out.length, total);
  assert.deepEqual(out, expected);
  // Plain, not over a resizable buffer: training loops read it at full speed.
  assert.equal((out.buffer as ArrayBuffer & { resizable?: boolean }).resizable, false);
  assert.equal(builder.length, 0);
});

test('a chunked builder can be filled again after detach, and an empty one detaches to an empty array', () => {
  const builder = chunkedFloat32Builder(4);
  assert.equal(builder.detach().length, 0);
  builder.append(new Float32Array([1.5, 2.5, 3.5, 4.5, 5.5]));
  assert.deepEqual([...builder.detach()], [1.5, 2.5, 3.5, 4.5, 5.5]);
  builder.append(new Float32Array([7]));
  assert.deepEqual([...builder.detach()], [7]);
});
