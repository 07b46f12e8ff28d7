import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import {
  curvesFor,
  precisionRecallCurve,
  rocCurve,
  splitScores,
  thinCurveIndices,
  thinPrCurve,
  thinRocCurve,
  vector,
  type CurveSet,
  type PrPlot,
  type RocPlot,
} from './curves.js';
import { evaluateMultiLabel, evaluateSingleLabel } from './metrics.js';

/** Written by scripts/golden/eval_metrics.py (scikit-learn 1.2.1); null stands for NaN. */
type GoldenArray = Array<number | null>;
interface GoldenRoc {
  fpr: GoldenArray;
  tpr: GoldenArray;
  thresholds: GoldenArray;
}
interface GoldenPr {
  precision: GoldenArray;
  recall: GoldenArray;
  thresholds: GoldenArray;
}
interface GoldenCurveCase {
  name: string;
  y_true: number[];
  scores: number[];
  roc_curve: GoldenRoc;
  pr_curve: GoldenPr;
}
interface GoldenPair {
  roc: GoldenRoc | null;
  pr: GoldenPr | null;
}
interface GoldenCase {
  name: string;
  task: 'binary' | 'multiclass' | 'multilabel';
  labels: string[];
  y_true: number[];
  y_pred: number[];
  proba: number[];
  expected: {
    curves: { positive?: GoldenPair; per_class?: GoldenPair[]; micro?: GoldenPair };
  };
}
const golden = JSON.parse(
  fs.readFileSync(new URL('../../test/golden/eval-metrics.json', import.meta.url), 'utf8'),
) as { cases: GoldenCase[]; ranking: GoldenCurveCase[]; curves: GoldenCurveCase[] };

const TOL = 1e-9;

function assertArrayClose(actual: ArrayLike<number>, expected: GoldenArray, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (e === null) assert.ok(Number.isNaN(a), `${what}[${i}]: got ${a}, sklearn NaN`);
    else assert.ok(Math.abs(a - e) <= TOL, `${what}[${i}]: got ${a}, sklearn ${e}`);
  }
}

function assertRoc(actual: { fpr: ArrayLike<number>; tpr: ArrayLike<number>; thresholds: ArrayLike<number> }, e: GoldenRoc, what: string): void {
  assertArrayClose(actual.fpr, e.fpr, `${what} fpr`);
  assertArrayClose(actual.tpr, e.tpr, `${what} tpr`);
  assertArrayClose(actual.thresholds, e.thresholds, `${what} thresholds`);
}

function assertPr(actual: { precision: ArrayLike<number>; recall: ArrayLike<number>; thresholds: ArrayLike<number> }, e: GoldenPr, what: string): void {
  assertArrayClose(actual.precision, e.precision, `${what} precision`);
  assertArrayClose(actual.recall, e.recall, `${what} recall`);
  assertArrayClose(actual.thresholds, e.thresholds, `${what} thresholds`);
}

test('golden parity: rocCurve and precisionRecallCurve, full arrays, ties and degenerate inputs', () => {
  for (const g of [...golden.ranking, ...golden.curves]) {
    const y = Uint8Array.from(g.y_true);
    assertRoc(rocCurve(y, g.scores), g.roc_curve, `${g.name} roc`);
    assertPr(precisionRecallCurve(y, g.scores), g.pr_curve, `${g.name} pr`);
    // Float32 scores (what models emit) give the same curves where the golden scores are float32 values.
    if (g.scores.every((v) => Math.fround(v) === v)) {
      assertRoc(rocCurve(y, Float32Array.from(g.scores)), g.roc_curve, `${g.name} roc (f32)`);
      assertPr(precisionRecallCurve(y, Float32Array.from(g.scores)), g.pr_curve, `${g.name} pr (f32)`);
    }
  }
});

/** Plots are thinned; with room for every point they must be sklearn's curves verbatim. */
const NO_THINNING = 1_000_000;

function assertPlots(plots: { roc: RocPlot | null; pr: PrPlot | null }, e: GoldenPair, what: string): void {
  if (e.roc === null) assert.equal(plots.roc, null, `${what}: ROC undefined`);
  else assertRoc(plots.roc!, e.roc, `${what} roc`);
  if (e.pr === null) assert.equal(plots.pr, null, `${what}: PR undefined`);
  else assertPr(plots.pr!, e.pr, `${what} pr`);
}

function curvesOfCase(c: GoldenCase, maxPoints: number): CurveSet {
  const proba = Float32Array.from(c.proba);
  if (c.task === 'multilabel') {
    return curvesFor(c.task, { kind: 'multi', y: Uint8Array.from(c.y_true), numLabels: c.labels.length }, proba, c.labels, maxPoints);
  }
  return curvesFor(c.task, { kind: 'single', y: Int32Array.from(c.y_true) }, proba, c.labels, maxPoints);
}

for (const c of golden.cases) {
  test(`golden parity: curvesFor per class and micro: ${c.name}`, () => {
    const set = curvesOfCase(c, NO_THINNING);
    const e = c.expected.curves;
    // The AUC / AP attached to each plot are the report's numbers.
    const proba = Float32Array.from(c.proba);
    if (c.task === 'binary') {
      assert.equal(set.perClass.length, 1);
      assert.equal(set.perClass[0].label, c.labels[1]);
      assert.equal(set.micro, null);
      assertPlots(set.perClass[0], e.positive!, 'positive class');
      const y = Int32Array.from(c.y_true);
      const report = evaluateSingleLabel(y, Int32Array.from(c.y_pred), proba, c.labels, c.task);
      assert.equal(set.perClass[0].roc!.auc, report.roc_auc);
      assert.equal(set.perClass[0].pr!.averagePrecision, report.average_precision);
      assert.equal(set.perClass[0].support, y.filter((v) => v === 1).length);
      return;
    }
    const report =
      c.task === 'multilabel'
        ? evaluateMultiLabel(Uint8Array.from(c.y_true), Uint8Array.from(c.y_pred), proba, c.labels)
        : evaluateSingleLabel(Int32Array.from(c.y_true), Int32Array.from(c.y_pred), proba, c.labels, c.task);
    assert.equal(set.perClass.length, c.labels.length);
    set.perClass.forEach((plots, k) => {
      const label = c.labels[k];
      assert.equal(plots.label, label);
      assert.equal(plots.support, report.per_class[label].support);
      assertPlots(plots, e.per_class![k], label);
      assert.equal(plots.roc?.auc, report.per_class[label].roc_auc);
      assert.equal(plots.pr?.averagePrecision, report.per_class[label].average_precision);
      if (plots.pr) assert.equal(plots.pr.prevalence, plots.support / report.n);
    });
    assertPlots(set.micro!, e.micro!, 'micro');
    assert.equal(set.micro!.roc!.auc, report.micro_roc_auc);
    assert.equal(set.micro!.pr!.averagePrecision, report.micro_average_precision);
    // Plain data: survives JSON unchanged (no typed arrays, no NaN).
    assert.deepEqual(JSON.parse(JSON.stringify(set)), set);
  });
}

test('curvesFor thins every curve to maxPoints and keeps the endpoints', () => {
  const c = golden.cases.find((g) => g.name === 'multilabel_extremes')!;
  const full = curvesOfCase(c, NO_THINNING);
  const thin = curvesOfCase(c, 12);
  assert.equal(thin.maxPoints, 12);
  const pairs = [...full.perClass.map((p, k) => [p, thin.perClass[k]] as const), [full.micro!, thin.micro!] as const];
  for (const [f, t] of pairs) {
    if (f.roc) {
      const r = t.roc!;
      assert.ok(r.fpr.length <= 12 && r.fpr.length === r.tpr.length && r.tpr.length === r.thresholds.length);
      assert.deepEqual([r.fpr[0], r.tpr[0], r.fpr.at(-1), r.tpr.at(-1)], [f.roc.fpr[0], f.roc.tpr[0], f.roc.fpr.at(-1), f.roc.tpr.at(-1)]);
      assert.equal(r.auc, f.roc.auc, 'AUC is the full curve’s');
    }
    if (f.pr) {
      const p = t.pr!;
      assert.ok(p.precision.length <= 12 && p.recall.length === p.precision.length);
      assert.equal(p.thresholds.length, p.precision.length - 1);
      assert.deepEqual([p.recall.at(-1), p.precision.at(-1)], [0, 1]);
      assert.equal(p.recall[0], f.pr.recall[0]);
      assert.equal(p.thresholds[0], f.pr.thresholds[0]);
      assert.equal(p.averagePrecision, f.pr.averagePrecision);
    }
  }
});

test('thinCurveIndices: bounded, ordered, endpoints kept, corners of a step curve survive', () => {
  // A ROC-like staircase of 1001 points: flat to x = 0.5, a jump to y = 1 there, flat again.
  const n = 1001;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = i < 500 ? i / 1000 : 0.5 + (i - 500) / 1000;
    y[i] = i <= 500 ? 0 : 1;
  }
  x[500] = 0.5;
  for (const maxPoints of [2, 3, 10, 50, 1000, 1001, 5000]) {
    const keep = thinCurveIndices(x, y, maxPoints);
    assert.equal(keep.length, Math.min(n, maxPoints), `length for ${maxPoints}`);
    assert.equal(keep[0], 0);
    assert.equal(keep[keep.length - 1], n - 1);
    for (let i = 1; i < keep.length; i++) assert.ok(keep[i] > keep[i - 1], 'strictly increasing');
    if (maxPoints >= 10) {
      // The jump stays sharp: a kept point at y = 0 and one at y = 1 within 0.01 of x = 0.5.
      const kept = Array.from(keep);
      assert.ok(kept.some((i) => y[i] === 0 && x[i] >= 0.49), `bottom corner kept at ${maxPoints}: ${kept}`);
      assert.ok(kept.some((i) => y[i] === 1 && x[i] <= 0.51), `top corner kept at ${maxPoints}: ${kept}`);
    }
  }
  assert.deepEqual(Array.from(thinCurveIndices([0, 1], [0, 1], 2)), [0, 1]);
  assert.deepEqual(Array.from(thinCurveIndices([], [], 5)), []);
  assert.throws(() => thinCurveIndices([0, 1], [0, 1], 1), RangeError);
  assert.throws(() => thinCurveIndices([0, 1], [0, 1], 2.5), RangeError);
  assert.throws(() => thinCurveIndices([0, 1], [0], 2), RangeError);
});

test('thinRocCurve / thinPrCurve keep the arrays aligned', () => {
  const n = 3000;
  let state = 7;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const y = new Uint8Array(n);
  const s = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = next() < 0.3 ? 1 : 0;
    s[i] = 0.4 * y[i] + 0.6 * next();
  }
  const roc = rocCurve(y, s);
  const thinRoc = thinRocCurve(roc, 50);
  assert.equal(thinRoc.fpr.length, 50);
  for (let i = 0; i < 50; i++) {
    const j = roc.thresholds.indexOf(thinRoc.thresholds[i]);
    assert.ok(j >= 0 && roc.fpr[j] === thinRoc.fpr[i] && roc.tpr[j] === thinRoc.tpr[i], 'every kept point is a point of the curve');
  }
  const pr = precisionRecallCurve(y, s);
  const thinPr = thinPrCurve(pr, 40);
  assert.equal(thinPr.precision.length, 40);
  assert.equal(thinPr.thresholds.length, 39);
  for (let i = 0; i < 39; i++) {
    const j = pr.thresholds.indexOf(thinPr.thresholds[i]);
    assert.ok(j >= 0 && pr.precision[j] === thinPr.precision[i] && pr.recall[j] === thinPr.recall[i]);
  }
});

test('float32 radix sort path equals the float64 native sort path, bit for bit', () => {
  // Long enough for the radix sort; negatives, ±0, ±Infinity, subnormals and many ties included.
  let state = 99;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const n = 20_000;
  const scores = new Float32Array(n);
  const y = new Uint8Array(n);
  const specials = [0, -0, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38];
  for (let i = 0; i < n; i++) {
    const r = next();
    scores[i] = r < 0.05 ? specials[i % specials.length] : r < 0.5 ? Math.round(next() * 20) / 20 : (next() - 0.3) * 1000;
    y[i] = next() < 0.4 ? 1 : 0;
  }
  const as64 = Float64Array.from(scores);
  const split32 = splitScores(vector(y), vector(scores), n);
  const split64 = splitScores(vector(y), vector(as64), n);
  assert.ok(split32.pos instanceof Float32Array, 'float32 input takes the float32 path');
  assert.deepEqual(Array.from(split32.pos), Array.from(split64.pos));
  assert.deepEqual(Array.from(split32.neg), Array.from(split64.neg));
  assert.deepEqual(rocCurve(y, scores), rocCurve(y, as64));
  assert.deepEqual(precisionRecallCurve(y, scores), precisionRecallCurve(y, as64));
});

test('rocCurve / precisionRecallCurve: hand-checked values and invalid input', () => {
  // The negatives at 0.6 and 0.5 lie on the straight run from (0, 1) to (1, 1) and are dropped.
  const roc = rocCurve(Uint8Array.of(1, 0, 0, 0), [0.9, 0.6, 0.5, 0.4]);
  assert.deepEqual(Array.from(roc.fpr), [0, 0, 1]);
  assert.deepEqual(Array.from(roc.tpr), [0, 1, 1]);
  assert.deepEqual(Array.from(roc.thresholds), [1.9, 0.9, 0.4]);
  const pr = precisionRecallCurve(Uint8Array.of(1, 0, 1), [0.8, 0.5, 0.5]);
  assert.deepEqual(Array.from(pr.thresholds), [0.5, 0.8]);
  assert.deepEqual(Array.from(pr.precision), [2 / 3, 1, 1]);
  assert.deepEqual(Array.from(pr.recall), [1, 0.5, 0]);
  for (const empty of [rocCurve(new Uint8Array(0), []), precisionRecallCurve(new Uint8Array(0), [])]) {
    for (const values of Object.values(empty)) assert.equal(values.length, 0);
  }
  assert.throws(() => rocCurve(Uint8Array.of(0, 1), [0.5]), RangeError);
  assert.throws(() => precisionRecallCurve(Uint8Array.of(0, 1), [0.5, NaN]), RangeError);
});

test('curvesFor: undefined curves are null, shapes are checked', () => {
  // Multiclass, class "c" absent: no ROC, no PR for it; micro still defined.
  const y = Int32Array.of(0, 1, 0, 1);
  const proba = Float32Array.of(0.7, 0.2, 0.1, 0.2, 0.7, 0.1, 0.5, 0.3, 0.2, 0.3, 0.3, 0.4);
  const set = curvesFor('multiclass', { kind: 'single', y }, proba, ['a', 'b', 'c']);
  assert.equal(set.maxPoints, 200);
  assert.equal(set.perClass[2].roc, null);
  assert.equal(set.perClass[2].pr, null);
  assert.equal(set.perClass[2].support, 0);
  assert.ok(set.micro!.roc !== null && set.micro!.pr !== null);
  // Binary with only negatives: nothing to draw.
  const neg = curvesFor('binary', { kind: 'single', y: Int32Array.of(0, 0) }, Float32Array.of(0.6, 0.4, 0.3, 0.7), ['n', 'p']);
  assert.deepEqual(neg.perClass, [{ label: 'p', support: 0, roc: null, pr: null }]);
  // Empty multilabel input.
  const none = curvesFor('multilabel', { kind: 'multi', y: new Uint8Array(0), numLabels: 2 }, new Float32Array(0), ['a', 'b']);
  assert.deepEqual(none.micro, { roc: null, pr: null });
  assert.throws(() => curvesFor('multiclass', { kind: 'single', y }, proba.subarray(1), ['a', 'b', 'c']), RangeError);
  assert.throws(() => curvesFor('multilabel', { kind: 'single', y }, proba, ['a', 'b', 'c']), RangeError);
  assert.throws(() => curvesFor('multiclass', { kind: 'single', y }, proba, ['a', 'b', 'c'], 1), RangeError);
  assert.throws(() => curvesFor('multiclass', { kind: 'single', y: Int32Array.of(0, 1, 3, 0) }, proba, ['a', 'b', 'c']), RangeError);
});
