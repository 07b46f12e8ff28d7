import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../util/random.js';
import { pairedBootstrap, MULTILABEL_METRICS, SINGLE_LABEL_METRICS } from './bootstrap.js';
import { evaluateMultiLabel, evaluateSingleLabel } from './metrics.js';

const K = 4;
const n = 400;
const rng = createRng(7);
const y = Int32Array.from({ length: n }, () => Math.floor(rng() * K));
/** A model right with probability `skill`, else a random class. */
function model(skill: number, seed: number): Int32Array {
  const r = createRng(seed);
  return Int32Array.from(y, (t) => (r() < skill ? t : Math.floor(r() * K)));
}

test('full-data values equal the sklearn-parity metrics', () => {
  const a = model(0.6, 1);
  const b = model(0.8, 2);
  const res = pairedBootstrap({ kind: 'single', y }, [{ kind: 'single', predicted: a }, { kind: 'single', predicted: b }], K, SINGLE_LABEL_METRICS, { resamples: 100, seed: 1, confidence: 0.95 });
  const labels = ['a', 'b', 'c', 'd'];
  for (const [j, pred] of [a, b].entries()) {
    const report = evaluateSingleLabel(y, pred, null, labels, 'multiclass');
    for (const r of res) assert.ok(Math.abs(r.values[j] - (report as unknown as Record<string, number>)[r.metric]) < 1e-12, `${r.metric} of model ${j}`);
  }
});

test('a clearly better model gets an interval above 0; the same model gets [0, 0]', () => {
  const a = model(0.5, 3);
  const b = model(0.9, 4);
  const res = pairedBootstrap({ kind: 'single', y }, [{ kind: 'single', predicted: a }, { kind: 'single', predicted: b }, { kind: 'single', predicted: a }], K, ['accuracy', 'macro_f1'], { resamples: 500, seed: 2, confidence: 0.95 });
  for (const r of res) {
    const better = r.differences[0];
    assert.ok(better.low > 0 && better.high > better.low, `${r.metric}: [${better.low}, ${better.high}]`);
    assert.ok(better.low < better.diff && better.diff < better.high);
    assert.equal(better.pNotBetter, 0);
    const same = r.differences[1];
    assert.deepEqual([same.diff, same.low, same.high, same.pNotBetter], [0, 0, 0, 1]);
  }
});

test('close models get an interval around 0, and the seed makes it reproducible', () => {
  const a = model(0.7, 5);
  const b = model(0.7, 6);
  const run = () => pairedBootstrap({ kind: 'single', y }, [{ kind: 'single', predicted: a }, { kind: 'single', predicted: b }], K, ['accuracy'], { resamples: 300, seed: 9, confidence: 0.9 });
  const [r] = run();
  assert.ok(r.differences[0].low < 0 && r.differences[0].high > 0);
  assert.deepEqual(run(), [r]);
});

test('multilabel metrics match evaluateMultiLabel on the full data', () => {
  const r = createRng(11);
  const truth = Uint8Array.from({ length: n * K }, () => (r() < 0.3 ? 1 : 0));
  const pred = Uint8Array.from(truth, (t) => (r() < 0.8 ? t : 1 - t));
  const [report] = [evaluateMultiLabel(truth, pred, null, ['a', 'b', 'c', 'd'])];
  const res = pairedBootstrap({ kind: 'multi', y: truth }, [{ kind: 'multi', predicted: pred }, { kind: 'multi', predicted: truth }], K, MULTILABEL_METRICS, { resamples: 100, seed: 1, confidence: 0.95 });
  const expected: Record<string, number> = { exact_match: report.exact_match!, micro_f1: report.micro_f1, macro_f1: report.macro_f1, samples_f1: report.samples_f1! };
  for (const m of res) assert.ok(Math.abs(m.values[0] - expected[m.metric]) < 1e-12, m.metric);
  // The perfect model is better on every metric.
  for (const m of res) assert.ok(m.differences[0].low > 0);
});
