import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InputRow } from '../predict/input-rows.js';
import { createRng } from '../util/random.js';
import { chunkRowRange, planChunks, type Chunk } from './chunk-plan.js';

function rows(n: number, text: (i: number) => string = (i) => `text ${i}`, id?: (i: number) => string | undefined): InputRow[] {
  return Array.from({ length: n }, (_, i) => {
    const idValue = id?.(i);
    return { row: i + 1, text: text(i), line: i + 2, ...(idValue !== undefined ? { id: idValue } : {}) };
  });
}

async function collect(source: Iterable<InputRow>, maxRows: number, maxBytes = 1 << 30): Promise<Chunk[]> {
  const out: Chunk[] = [];
  for await (const c of planChunks(source, { maxRows, maxBytes })) out.push(c);
  return out;
}

describe('planChunks', () => {
  test('cuts consecutive rows into full chunks and a last partial one, indexed from 0', async () => {
    const chunks = await collect(rows(12), 5);
    assert.deepEqual(chunks.map((c) => [c.index, c.firstRow, c.texts.length]), [[0, 1, 5], [1, 6, 5], [2, 11, 2]]);
    assert.deepEqual(chunks.map(chunkRowRange), [[1, 5], [6, 10], [11, 12]]);
    assert.deepEqual(chunks.flatMap((c) => c.texts), rows(12).map((r) => r.text));
  });

  test('an exact multiple has no empty trailing chunk; an empty input has no chunk', async () => {
    assert.equal((await collect(rows(10), 5)).length, 2);
    assert.equal((await collect([], 5)).length, 0);
  });

  test('covers every row exactly once for random sizes (no row lost or repeated)', async () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 50; trial++) {
      const n = Math.floor(rng() * 300);
      const maxRows = 1 + Math.floor(rng() * 40);
      const chunks = await collect(rows(n), maxRows);
      const seen = chunks.flatMap((c) => c.texts.map((_, i) => c.firstRow + i));
      assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i + 1));
      chunks.forEach((c, i) => {
        assert.equal(c.index, i);
        assert.ok(c.texts.length >= 1 && c.texts.length <= maxRows);
      });
    }
  });

  test('closes a chunk once its texts reach the byte limit (UTF-8 bytes, not characters)', async () => {
    // "é" is 2 bytes: 3 texts of 4 bytes reach 10 bytes at the third.
    const chunks = await collect(rows(7, () => 'éé'), 100, 10);
    assert.deepEqual(chunks.map((c) => c.texts.length), [3, 3, 1]);
    assert.deepEqual(chunks.map((c) => c.bytes), [12, 12, 4]);
  });

  test('a single text larger than the byte limit is a chunk of its own', async () => {
    const chunks = await collect(rows(3, (i) => (i === 1 ? 'x'.repeat(50) : 'y')), 100, 10);
    assert.deepEqual(chunks.map((c) => c.texts.length), [2, 1]);
  });

  test('carries ids in parallel to texts, null where a row has none; no ids when no row has one', async () => {
    const withIds = await collect(rows(4, undefined, (i) => (i === 1 ? undefined : `id${i}`)), 3);
    assert.deepEqual(withIds.map((c) => c.ids), [['id0', null, 'id2'], ['id3']]);
    const without = await collect(rows(4), 3);
    assert.ok(without.every((c) => c.ids === undefined));
  });

  test('is deterministic: the same input gives the same chunks (what a resumed coordinator relies on)', async () => {
    const a = await collect(rows(101), 7);
    const b = await collect(rows(101), 7);
    assert.deepEqual(a, b);
  });

  test('streams: the first chunk is produced before the input ends', async () => {
    let produced = 0;
    async function* source(): AsyncGenerator<InputRow> {
      for (let i = 0; i < 1000; i++) {
        produced++;
        yield { row: i + 1, text: 't', line: i + 1 };
      }
    }
    const it = planChunks(source(), { maxRows: 10, maxBytes: 1 << 20 });
    const first = await it.next();
    assert.equal(first.value?.texts.length, 10);
    assert.ok(produced <= 11, `read ${produced} rows for the first chunk`);
    await it.return(undefined);
  });

  test('rejects bad limits and non-consecutive rows', async () => {
    await assert.rejects(collect(rows(3), 0), /maxRows/);
    const gap: InputRow[] = [{ row: 1, text: 'a', line: 1 }, { row: 3, text: 'b', line: 2 }];
    await assert.rejects(collect(gap, 5), /consecutive/);
  });
});
