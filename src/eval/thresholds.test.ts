import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { applyThresholds, argmaxOrAbstain, argmaxRows } from './decide.js';
import { evaluateMultiLabel } from './metrics.js';
import { tuneAbstainThreshold, tuneGlobalThreshold, tuneThresholds } from './thresholds.js';
import { createRng as rng } from '../util/random.js';

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * n × K multilabel data whose sigmoid scores are informative but badly calibrated around 0.5:
 * a rare label with low scores, an over-confident one, a reasonable one.
 */
function syntheticMultilabel(n: number, seed: number) {
  const rand = rng(seed);
  const prevalence = [0.5, 0.15, 0.05, 0.3];
  const bias = [0, -2.5, -3, 1.5];
  const K = prevalence.length;
  const yTrue = new Uint8Array(n * K);
  const proba = new Float32Array(n * K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const y = rand() < prevalence[k] ? 1 : 0;
      yTrue[i * K + k] = y;
      const logit = bias[k] + 2.5 * y + gaussian(rand);
      proba[i * K + k] = 1 / (1 + Math.exp(-logit));
    }
  }
  return { yTrue, proba, K };
}

/** F1 of one label when firing on score ≥ t, without applyThresholds' at-least-one fallback. */
function labelF1(yTrue: Uint8Array, proba: Float32Array, n: number, K: number, k: number, t: number): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < n; i++) {
    const fire = proba[i * K + k] >= t;
    const pos = yTrue[i * K + k] !== 0;
    if (fire && pos) tp++;
    else if (fire) fp++;
    else if (pos) fn++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/** Best F1 over every possible cut-off (each observed score, and "never fire"). */
function bruteForceBestF1(yTrue: Uint8Array, proba: Float32Array, n: number, K: number, k: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) best = Math.max(best, labelF1(yTrue, proba, n, K, k, proba[i * K + k]));
  return best;
}

test('tuned thresholds beat a flat 0.5 on macro-F1 (synthetic, miscalibrated)', () => {
  const n = 600;
  const { yTrue, proba, K } = syntheticMultilabel(n, 7);
  const labels = ['common', 'rare', 'very_rare', 'overconfident'];
  const tuned = tuneThresholds(yTrue, proba, n, K);
  const atHalf = evaluateMultiLabel(yTrue, applyThresholds(proba, n, K, 0.5), proba, labels);
  const atTuned = evaluateMultiLabel(yTrue, applyThresholds(proba, n, K, tuned), proba, labels);
  assert.ok(
    atTuned.macro_f1 >= atHalf.macro_f1,
    `tuned macro-F1 ${atTuned.macro_f1} < 0.5-threshold macro-F1 ${atHalf.macro_f1}`,
  );
  // On this data the gain is large, not a rounding artefact.
  assert.ok(atTuned.macro_f1 > atHalf.macro_f1 + 0.05, `${atTuned.macro_f1} vs ${atHalf.macro_f1}`);
});

test('each tuned threshold attains the best per-label F1 (brute force)', () => {
  for (const seed of [1, 2, 3]) {
    const n = 300;
    const { yTrue, proba, K } = syntheticMultilabel(n, seed);
    // Round scores to 2 decimals so there are plenty of ties.
    for (let i = 0; i < proba.length; i++) proba[i] = Math.round(proba[i] * 100) / 100;
    const tuned = tuneThresholds(yTrue, proba, n, K);
    for (let k = 0; k < K; k++) {
      const got = labelF1(yTrue, proba, n, K, k, tuned[k]);
      const best = bruteForceBestF1(yTrue, proba, n, K, k);
      assert.ok(Math.abs(got - best) < 1e-12, `seed ${seed} label ${k}: F1 ${got} at ${tuned[k]}, best ${best}`);
    }
  }
});

test('threshold is the midpoint to the next lower distinct score', () => {
  // One label; positives score 0.9, 0.7, 0.7 and negatives 0.4, 0.2: the cut goes between 0.7 and 0.4.
  const yTrue = Uint8Array.of(1, 1, 1, 0, 0);
  const proba = Float32Array.of(0.9, 0.7, 0.7, 0.4, 0.2);
  const [t] = tuneThresholds(yTrue, proba, 5, 1);
  assert.equal(t, Math.fround((Math.fround(0.7) + Math.fround(0.4)) / 2));
});

test('ties are never split, even between adjacent float32 values', () => {
  const high = Math.fround(0.5);
  const f = new Float32Array(1);
  const bits = new Int32Array(f.buffer);
  f[0] = high;
  bits[0] -= 1;
  const low = f[0]; // the float32 just below 0.5
  const yTrue = Uint8Array.of(1, 1, 0, 0);
  const proba = Float32Array.of(high, high, low, low);
  const [t] = tuneThresholds(yTrue, proba, 4, 1);
  assert.ok(t > low && t <= high, `threshold ${t} does not separate ${low} and ${high}`);
  assert.deepEqual(Array.from(proba, (s) => (s >= t ? 1 : 0)), [1, 1, 0, 0]);

  // A positive and a negative sharing a score go together; here taking both is best.
  const [t2] = tuneThresholds(Uint8Array.of(1, 0, 0), Float32Array.of(0.6, 0.6, 0.1), 3, 1);
  assert.ok(t2 <= Math.fround(0.6) && t2 > Math.fround(0.1));
});

test('labels without positives, with only positives, and empty input', () => {
  // Column 0: no positives, max score 0.3 → 0.5. Column 1: no positives, max 0.8 → just above.
  // Column 2: no positives, a saturated 1.0 → capped at 1. Column 3: all positive → fires on all.
  const yTrue = Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 1);
  const proba = Float32Array.of(0.3, 0.8, 1, 0.4, 0.1, 0.2, 0.5, 0.6);
  const t = tuneThresholds(yTrue, proba, 2, 4);
  assert.equal(t[0], 0.5);
  assert.ok(t[1] > Math.fround(0.8) && t[1] < 0.8000001);
  assert.equal(t[2], 1);
  assert.equal(t[3], Math.fround(Math.fround(0.4) / 2));

  assert.deepEqual(Array.from(tuneThresholds(new Uint8Array(0), new Float32Array(0), 0, 3)), [0.5, 0.5, 0.5]);
  assert.throws(() => tuneThresholds(new Uint8Array(3), new Float32Array(4), 2, 2), RangeError);
});

test('argmaxRows picks the first of tied maxima, like numpy', () => {
  const proba = Float32Array.of(0.2, 0.5, 0.3, 0.4, 0.2, 0.4, 0.1, 0.1, 0.8);
  assert.deepEqual(Array.from(argmaxRows(proba, 3, 3)), [1, 0, 2]);
  assert.deepEqual(Array.from(argmaxRows(new Float32Array(0), 0, 3)), []);
  assert.throws(() => argmaxRows(new Float32Array(5), 2, 3), RangeError);
});

test('applyThresholds: score ≥ threshold, else the single top label', () => {
  const proba = Float32Array.of(
    0.9, 0.6, 0.1, // two labels fire
    0.2, 0.4, 0.3, // none fires → top label (1)
    0.5, 0.5, 0.5, // exactly at threshold fires (≥)
  );
  assert.deepEqual(Array.from(applyThresholds(proba, 3, 3, 0.5)), [1, 1, 0, 0, 1, 0, 1, 1, 1]);
  // Per-label thresholds.
  assert.deepEqual(
    Array.from(applyThresholds(proba, 3, 3, Float32Array.of(0.95, 0.3, 0.05))),
    [0, 1, 1, 0, 1, 1, 0, 1, 1],
  );
  // Nothing fires and the top scores tie: the fallback takes the first, like argmaxRows.
  const low = Float32Array.of(0.1, 0.1);
  assert.deepEqual(Array.from(applyThresholds(low, 1, 2, 0.5)), [1, 0]);
  assert.throws(() => applyThresholds(proba, 3, 3, Float32Array.of(0.5, 0.5)), RangeError);
});

test('shrinkThresholds pulls labels with few positives toward the center, frequent ones barely', async () => {
  const { shrinkThresholds } = await import('./thresholds.js');
  // Label 0: 1 positive of 4 rows; label 1: 3 positives.
  const y = Uint8Array.from([1, 1, 0, 1, 0, 1, 0, 0]);
  const out = shrinkThresholds(Float32Array.from([0.1, 0.1]), y, 4, 2, 0.5, 1);
  assert.ok(Math.abs(out[0] - 0.3) < 1e-6, `label 0: ${out[0]}`);
  assert.ok(Math.abs(out[1] - 0.2) < 1e-6, `label 1: ${out[1]}`);
  assert.deepEqual(Array.from(shrinkThresholds(Float32Array.from([0.1, 0.9]), y, 4, 2, 0.5, 0)), Array.from(Float32Array.from([0.1, 0.9])));
});

describe('F-beta, global and abstain thresholds', () => {
  // One label, scores with positives mostly on top.
  const scores = Float32Array.from([0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]);
  const truth = Uint8Array.from([1, 1, 0, 1, 0, 1, 0, 0, 1, 0]);

  test('beta < 1 raises the threshold (precision), beta > 1 lowers it (recall)', () => {
    const f1 = tuneThresholds(truth, scores, 10, 1)[0];
    const fHalf = tuneThresholds(truth, scores, 10, 1, 0.5)[0];
    const f2 = tuneThresholds(truth, scores, 10, 1, 2)[0];
    assert.ok(fHalf >= f1 && f1 >= f2, `${fHalf} ≥ ${f1} ≥ ${f2}`);
    assert.ok(fHalf > f2);
    // F2 on this column is best when firing down to 0.2 (all five positives): threshold between 0.2 and 0.1.
    assert.ok(f2 > 0.1 && f2 <= 0.2, `f2 threshold ${f2}`);
    assert.throws(() => tuneThresholds(truth, scores, 10, 1, 0), RangeError);
  });

  test('a global threshold maximises the chosen metric on a grid', () => {
    // Two labels whose best cut-offs differ; micro-F1 is maximised by one shared value.
    const n = 6;
    const proba = Float32Array.from([0.9, 0.2, 0.7, 0.35, 0.6, 0.3, 0.4, 0.8, 0.3, 0.1, 0.2, 0.05]);
    const y = Uint8Array.from([1, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0]);
    const t = tuneGlobalThreshold(y, proba, n, 2, 'micro_f1');
    // Brute-force check over the same grid.
    let best = -1;
    for (let s = 1; s <= 99; s++) {
      const d = applyThresholds(proba, n, 2, s / 100);
      let tp = 0, fp = 0, fn = 0;
      for (let c = 0; c < n * 2; c++) {
        if (d[c] && y[c]) tp++;
        else if (d[c]) fp++;
        else if (y[c]) fn++;
      }
      best = Math.max(best, (2 * tp) / (2 * tp + fp + fn));
    }
    const d = applyThresholds(proba, n, 2, t);
    let tp = 0, fp = 0, fn = 0;
    for (let c = 0; c < n * 2; c++) {
      if (d[c] && y[c]) tp++;
      else if (d[c]) fp++;
      else if (y[c]) fn++;
    }
    assert.equal((2 * tp) / (2 * tp + fp + fn), best);
  });

  test('top-k keeps only the k highest firing labels', () => {
    const proba = Float32Array.from([0.9, 0.8, 0.7, 0.1, 0.6, 0.2, 0.1, 0.1]);
    assert.deepEqual(Array.from(applyThresholds(proba, 2, 4, 0.5, 2)), [1, 1, 0, 0, 1, 0, 0, 0]);
    assert.deepEqual(Array.from(applyThresholds(proba, 2, 4, 0.5, 1)), [1, 0, 0, 0, 1, 0, 0, 0]);
  });

  test('abstain threshold: the answered rows reach the accuracy target', () => {
    // Confidence of the top class and whether it is right: right when confident, wrong when not.
    const rows = [[0.95, true], [0.9, true], [0.85, true], [0.8, false], [0.7, true], [0.6, false], [0.55, false]] as const;
    const proba = new Float32Array(rows.length * 2);
    const yTrue = new Int32Array(rows.length);
    rows.forEach(([c, right], i) => {
      proba[2 * i] = c;
      proba[2 * i + 1] = 1 - c;
      yTrue[i] = right ? 0 : 1;
    });
    const t = tuneAbstainThreshold(yTrue, proba, rows.length, 2, 0.8);
    // Prefixes: 3/3, 3/4, 4/5 = 0.8 → answer the top five (down to 0.7), abstain below.
    assert.ok(t > 0.6 && t <= 0.7, `threshold ${t}`);
    const decided = argmaxOrAbstain(proba, rows.length, 2, t);
    assert.deepEqual(Array.from(decided), [0, 0, 0, 0, 0, -1, -1]);
    assert.equal(tuneAbstainThreshold(yTrue, proba, rows.length, 2, 0.3), 0, 'every row can be answered');
    assert.ok(tuneAbstainThreshold(Int32Array.from(yTrue, () => 1), proba, rows.length, 2, 0.9) > 0.95, 'nothing reaches the target');
  });
});
