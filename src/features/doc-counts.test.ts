import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocumentCounter } from './doc-counts.js';
import { createRng as rng } from '../util/random.js';

/** Documents of candidate ids: empty ones, ids beyond the initial capacity, counts around the 255 escape. */
function documents(): number[][] {
  const r = rng(7);
  const docs: number[][] = [[], [3], []];
  for (let d = 0; d < 40; d++) {
    const doc: number[] = [];
    const len = Math.floor(r() * 30);
    for (let i = 0; i < len; i++) doc.push(Math.floor(r() * (d < 20 ? 10 : 300)));
    docs.push(doc);
  }
  for (const reps of [254, 255, 256, 1000, 70000]) docs.push([...Array<number>(reps).fill(5), 2, ...Array<number>(reps).fill(1)]);
  docs.push([]);
  return docs;
}

test('DocumentCounter: df, totals and per-document (id, count) pairs equal a plain count, across chunks and big counts', () => {
  const docs = documents();
  for (const chunkSize of [1, 3, 64, 1 << 20]) {
    const counter = new DocumentCounter(docs.length, 4, true, chunkSize);
    const wantDf = new Map<number, number>();
    const wantTotal = new Map<number, number>();
    const wantRows: Map<number, number>[] = [];
    for (const doc of docs) {
      const row = new Map<number, number>();
      for (const id of doc) {
        counter.add(id);
        row.set(id, (row.get(id) ?? 0) + 1);
        wantTotal.set(id, (wantTotal.get(id) ?? 0) + 1);
      }
      for (const id of row.keys()) wantDf.set(id, (wantDf.get(id) ?? 0) + 1);
      counter.endDocument();
      wantRows.push(row);
    }
    for (let id = 0; id < 300; id++) {
      assert.equal(counter.df[id] ?? 0, wantDf.get(id) ?? 0, `df of ${id}`);
      assert.equal(counter.total?.[id] ?? 0, wantTotal.get(id) ?? 0, `total of ${id}`);
    }
    assert.equal(counter.numDocuments, docs.length);
    const remap = new Int32Array(300).map((_, id) => (id % 3 === 0 ? -1 : id));
    const wantKept = wantRows.reduce((sum, row) => sum + [...row.keys()].filter((id) => id % 3 !== 0).length, 0);
    assert.equal(counter.countKept(remap), wantKept);

    const gotRows: Map<number, number>[] = [];
    let row = new Map<number, number>();
    counter.drain(
      (id, count) => {
        assert.ok(!row.has(id), `id ${id} twice in one document`);
        row.set(id, count);
      },
      () => {
        gotRows.push(row);
        row = new Map();
      },
    );
    assert.deepEqual(gotRows, wantRows, `chunk size ${chunkSize}`);
  }
});

test('DocumentCounter: totals only when asked for; counting more documents than announced is refused', () => {
  const counter = new DocumentCounter(1, 16, false);
  assert.equal(counter.total, null);
  counter.add(1);
  counter.endDocument();
  assert.throws(() => counter.endDocument(), /more than the 1 documents/);
});
