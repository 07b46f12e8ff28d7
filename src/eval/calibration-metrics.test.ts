import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import {
  DEFAULT_CALIBRATION_BINS,
  calibrationBinEdges,
  reliabilityDiagram,
  scoreReliability,
  topLabelReliability,
  type ReliabilityDiagram,
} from './calibration-metrics.js';
import { evaluateMultiLabel, evaluateSingleLabel } from './metrics.js';
import type { Targets } from '../data/targets.js';

/** Written by scripts/golden/eval_metrics.py: numpy reference bins, sklearn's calibration_curve. */
interface GoldenBin {
  lower: number;
  upper: number;
  count: number;
  mean_confidence: number;
  accuracy: number;
}
interface GoldenReliability {
  kind?: string;
  n_bins: number;
  bins: GoldenBin[];
  ece: number;
  calibration_curve?: { prob_true: number[]; prob_pred: number[] };
}
interface GoldenCase {
  name: string;
  task: 'binary' | 'multiclass' | 'multilabel';
  labels: string[];
  y_true: number[];
  y_pred: number[];
  proba: number[];
  expected: { reliability: GoldenReliability; reliability_positive_class?: GoldenReliability };
}
const golden = JSON.parse(
  fs.readFileSync(new URL('../../test/golden/eval-metrics.json', import.meta.url), 'utf8'),
) as { cases: GoldenCase[]; reliability: Array<GoldenReliability & { confidence: number[]; outcome: number[] }> };

const TOL = 1e-9;

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= TOL, `${what}: got ${actual}, expected ${expected}`);
}

function assertReliability(actual: ReliabilityDiagram, e: GoldenReliability, what: string): void {
  assert.equal(actual.binCount, e.n_bins, `${what}: bin count`);
  if (e.kind) assert.equal(actual.kind, e.kind, `${what}: kind`);
  close(actual.ece, e.ece, `${what}: ece`);
  assert.equal(actual.bins.length, e.bins.length, `${what}: non-empty bins`);
  e.bins.forEach((b, i) => {
    const a = actual.bins[i];
    // Edges are np.linspace's, bit for bit.
    assert.equal(a.lower, b.lower, `${what} bin ${i} lower`);
    assert.equal(a.upper, b.upper, `${what} bin ${i} upper`);
    assert.equal(a.count, b.count, `${what} bin ${i} count`);
    close(a.meanConfidence, b.mean_confidence, `${what} bin ${i} meanConfidence`);
    close(a.accuracy, b.accuracy, `${what} bin ${i} accuracy`);
  });
  if (e.calibration_curve) {
    // sklearn's calibration_curve returns exactly the non-empty bins' means.
    e.calibration_curve.prob_true.forEach((t, i) => close(actual.bins[i].accuracy, t, `${what} prob_true[${i}]`));
    e.calibration_curve.prob_pred.forEach((p, i) => close(actual.bins[i].meanConfidence, p, `${what} prob_pred[${i}]`));
  }
}

function targetsOf(c: GoldenCase): Targets {
  return c.task === 'multilabel'
    ? { kind: 'multi', y: Uint8Array.from(c.y_true), numLabels: c.labels.length }
    : { kind: 'single', y: Int32Array.from(c.y_true) };
}

test('golden parity: bins on and between edges, several bin counts (numpy reference, sklearn calibration_curve)', () => {
  for (const g of golden.reliability) {
    assertReliability(scoreReliability(g.confidence, g.outcome, g.n_bins), g, `${g.n_bins} bins`);
  }
});

for (const c of golden.cases) {
  test(`golden parity: reliability diagram and ECE: ${c.name}`, () => {
    const proba = Float32Array.from(c.proba);
    const diagram = reliabilityDiagram(c.task, targetsOf(c), proba);
    assert.equal(diagram.binCount, DEFAULT_CALIBRATION_BINS);
    assertReliability(diagram, c.expected.reliability, c.task);
    assert.equal(diagram.n, c.y_true.length, 'one score per row, or per cell for multilabel');
    // The default diagram's ECE is the report's.
    const report =
      c.task === 'multilabel'
        ? evaluateMultiLabel(Uint8Array.from(c.y_true), Uint8Array.from(c.y_pred), proba, c.labels)
        : evaluateSingleLabel(Int32Array.from(c.y_true), Int32Array.from(c.y_pred), proba, c.labels, c.task);
    assert.equal(report.ece, diagram.ece);
    if (c.task === 'binary') {
      const positive = reliabilityDiagram(c.task, targetsOf(c), proba, { kind: 'positive-class' });
      assert.equal(positive.kind, 'positive-class');
      assertReliability(positive, c.expected.reliability_positive_class!, 'positive class');
    }
  });
}

test('calibrationBinEdges: linspace(0, 1, B + 1), validated', () => {
  assert.deepEqual(Array.from(calibrationBinEdges(4)), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(Array.from(calibrationBinEdges(1)), [0, 1]);
  assert.equal(calibrationBinEdges(15)[15], 1);
  assert.throws(() => calibrationBinEdges(0), RangeError);
  assert.throws(() => calibrationBinEdges(2.5), RangeError);
});

test('top-label reliability: argmax ties go to the lowest index', () => {
  // Row 0 ties classes 0 and 1 at 0.5: the top label is 0, which is right.
  const d = topLabelReliability(Int32Array.of(0, 1), Float32Array.of(0.5, 0.5, 0, 0, 1, 0), 3, 2);
  assert.deepEqual(d.bins, [
    { lower: 0, upper: 0.5, count: 1, meanConfidence: 0.5, accuracy: 1 },
    { lower: 0.5, upper: 1, count: 1, meanConfidence: 1, accuracy: 1 },
  ]);
  assert.equal(d.ece, 0.25);
});

test('degenerate and invalid input', () => {
  const empty = reliabilityDiagram('multiclass', { kind: 'single', y: new Int32Array(0) }, new Float32Array(0));
  assert.deepEqual(empty, { kind: 'top-label', binCount: 15, n: 0, ece: 0, bins: [] });
  const emptyBinary = reliabilityDiagram('binary', { kind: 'single', y: new Int32Array(0) }, new Float32Array(0), { kind: 'positive-class' });
  assert.equal(emptyBinary.n, 0);
  const multi: Targets = { kind: 'multi', y: Uint8Array.of(1, 0), numLabels: 2 };
  assert.equal(reliabilityDiagram('multilabel', multi, Float32Array.of(0.9, 0.2)).kind, 'all-cells');
  assert.throws(() => reliabilityDiagram('multilabel', multi, Float32Array.of(0.9, 0.2), { kind: 'top-label' }), RangeError);
  assert.throws(() => reliabilityDiagram('multiclass', { kind: 'single', y: Int32Array.of(0) }, Float32Array.of(1, 0, 0), { kind: 'positive-class' }), RangeError);
  assert.throws(() => reliabilityDiagram('multiclass', multi, Float32Array.of(0.9, 0.2)), RangeError);
  assert.throws(() => reliabilityDiagram('binary', { kind: 'single', y: Int32Array.of(0) }, Float32Array.of(0.5, NaN), { kind: 'positive-class' }), RangeError);
  assert.throws(() => topLabelReliability(Int32Array.of(0), Float32Array.of(NaN, 0.5), 2), RangeError);
  assert.throws(() => scoreReliability([0.5], [1, 0]), RangeError);
  // Scores outside [0, 1] (sklearn raises) land in the end bins instead of crashing an evaluation.
  const outside = scoreReliability([-0.5, 1.5], [0, 1], 2);
  assert.deepEqual(outside.bins.map((b) => b.count), [1, 1]);
});
