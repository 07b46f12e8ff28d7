import { test } from 'node:test';
import assert from 'node:assert/strict';

import { REPORT_LIMITS, ReportDataError, type ReliabilityBin } from '../report-data.js';
import { HOSTILE_STRINGS } from '../synthetic-report.js';
import { markupProblems } from '../markup-check.js';
import { renderLabelDistributionChart, renderLabelsPerTextChart, renderPerClassF1Chart } from './bar-charts.js';
import { renderConfusionMatrixChart } from './confusion-matrix.js';
import { pickHighlighted, renderPrChart, renderRocChart } from './curves.js';
import { expectedCalibrationError, renderReliabilityChart } from './reliability.js';
import { renderTopFeaturesChart } from './top-features.js';
import { renderTrainingCurvesChart } from './training-curves.js';

const EVIL = '<script>alert(1)</script>';
const labels = [EVIL, ...HOSTILE_STRINGS.slice(1)];

function bins(pairs: Array<[number, number, number]>): ReliabilityBin[] {
  return pairs.map(([conf, acc, count], i) => ({ lower: i / pairs.length, upper: (i + 1) / pairs.length, count, meanConfidence: conf, accuracy: acc }));
}

/** Every chart, rendered from data whose every string is hostile. */
function hostileCharts(): Record<string, string> {
  const counts = Object.fromEntries(labels.map((l, i) => [l, 10 * (i + 1)]));
  const K = labels.length;
  return {
    'label-distribution': renderLabelDistributionChart({ series: [{ name: EVIL, counts }] }),
    'labels-per-text': renderLabelsPerTextChart({ series: [{ name: EVIL, counts: [0, 5, 3, 1] }] }),
    'confusion-matrix': renderConfusionMatrixChart({ labels, counts: labels.map((_, i) => labels.map((_, j) => (i === j ? 20 : 1))) }),
    'per-class-f1': renderPerClassF1Chart([{ name: EVIL, f1: Object.fromEntries(labels.map((l, i) => [l, i / K])) }]),
    roc: renderRocChart({ curves: labels.map((l) => ({ name: l, fpr: [0, 0.2, 1], tpr: [0, 0.7, 1] })) }),
    pr: renderPrChart({ curves: labels.map((l) => ({ name: l, recall: [0, 0.5, 1], precision: [1, 0.8, 0.3], averagePrecision: 0.7 })) }),
    'training-curves': renderTrainingCurvesChart({ xLabel: EVIL, panels: [{ title: EVIL, series: [{ name: EVIL, y: [3, 2, 1] }], marker: { x: 2, label: EVIL } }] }),
    reliability: renderReliabilityChart({ series: [{ name: EVIL, bins: bins([[0.1, 0.2, 5], [0.5, 0.4, 9], [0.9, 0.8, 20]]) }], note: EVIL }),
    'top-features': renderTopFeaturesChart({ perLabel: labels.map((l) => ({ label: l, features: [{ name: EVIL, weight: 1 }, { name: '&amp; <b>', weight: -0.5 }] })) }),
  };
}

test('every chart escapes user text: no raw markup, entities double-escaped, well-formed', () => {
  for (const [kind, svg] of Object.entries(hostileCharts())) {
    assert.ok(!svg.includes('<script'), `${kind}: raw <script>`);
    assert.ok(!svg.includes('<img'), `${kind}: raw <img>`);
    assert.ok(!svg.includes('<b>'), `${kind}: raw <b>`);
    assert.ok(svg.includes('&lt;script&gt;') || svg.includes('&lt;script…') || svg.includes('&lt;scr'), `${kind}: the label is shown escaped`);
    assert.ok(!svg.includes('\uD800'), `${kind}: lone surrogate survived`);
    assert.deepEqual(markupProblems(svg), [], kind);
    assert.ok(svg.startsWith(`<svg xmlns="http://www.w3.org/2000/svg" id="${kind}" data-chart="${kind}"`), `${kind}: data-chart and id`);
    assert.match(svg, /<title id="[^"]+-title">[^<]+<\/title><desc id="[^"]+-desc">[^<]+<\/desc>/, `${kind}: accessible title and desc`);
    assert.ok(!/NaN|Infinity|undefined/.test(svg), `${kind}: no NaN/undefined`);
  }
  const features = hostileCharts()['top-features'];
  assert.ok(features.includes('&amp;amp; &lt;b&gt;'), 'an entity in user text is shown literally');
});

test('ROC chart: axes with ticks 0.0 … 1.0 and axis titles; the legend has AUC values', () => {
  const svg = renderRocChart({ curves: [{ name: 'pos', fpr: [0, 0.1, 0.3, 1], tpr: [0, 0.6, 0.9, 1], auc: 0.912 }] });
  for (const tick of ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']) assert.ok(svg.includes(`>${tick}</text>`), `tick ${tick}`);
  assert.ok(svg.includes('>false positive rate</text>'));
  assert.ok(svg.includes('>true positive rate</text>'));
  assert.ok(svg.includes('>0.912</text>'), 'AUC in the legend');
  assert.ok(svg.includes('>chance</text>'));
});

test('ROC chart computes a missing AUC by the trapezoid rule', () => {
  const svg = renderRocChart({ curves: [{ name: 'x', fpr: [0, 0, 1], tpr: [0, 1, 1] }] });
  assert.ok(svg.includes('>1.000</text>'), svg);
});

test('many label curves: averages and the 2 best and 2 worst labels are highlighted, the rest faint', () => {
  const lines = Array.from({ length: 28 }, (_, i) => ({ name: `l${i}`, kind: 'label' as const, score: i / 28 }));
  const picked = pickHighlighted([...lines, { name: 'micro', kind: 'micro' }, { name: 'macro', kind: 'macro' }]);
  assert.deepEqual([...picked].sort(), ['l0', 'l1', 'l26', 'l27', 'macro', 'micro']);
  assert.deepEqual([...pickHighlighted(lines.slice(0, 5))].sort(), ['l0', 'l1', 'l2', 'l3', 'l4'], 'few curves: all highlighted');
  assert.deepEqual([...pickHighlighted(lines, ['l5'])], ['l5'], 'caller choice wins');
  const svg = renderRocChart({ curves: lines.map((l) => ({ name: l.name, fpr: [0, 1], tpr: [0, 1], auc: l.score })) });
  assert.ok(svg.includes('>24 other labels</text>'));
});

test('curves are thinned to the point cap, keeping the end points', () => {
  const n = 50_000;
  const fpr = Array.from({ length: n }, (_, i) => i / (n - 1));
  const tpr = fpr.map((x) => Math.sqrt(x));
  const svg = renderRocChart({ curves: [{ name: 'big', fpr, tpr }] });
  const path = /<path d="([^"]+)" stroke="#0072B2"/.exec(svg)?.[1] ?? '';
  const points = path.split(/[ML]/).filter(Boolean);
  assert.ok(points.length <= REPORT_LIMITS.pointsPerCurve && points.length > 100, `${points.length} points`);
  assert.ok(svg.length < 20_000, `${svg.length} bytes`);
});

test('degenerate inputs render without NaN: zero rows, one class, 2-point curves, non-finite values', () => {
  const cases: Record<string, string> = {
    emptyDistribution: renderLabelDistributionChart({ series: [{ name: 'eval', counts: {} }] }),
    zeroCounts: renderLabelDistributionChart({ series: [{ name: 'eval', counts: { a: 0, b: 0 } }] }),
    oneClass: renderLabelDistributionChart({ series: [{ name: 'eval', counts: { only: 7 } }] }),
    noLabelsPerText: renderLabelsPerTextChart({ series: [{ name: 'eval', counts: [] }] }),
    emptyMatrix: renderConfusionMatrixChart({ labels: [], counts: [] }),
    oneByOne: renderConfusionMatrixChart({ labels: ['a'], counts: [[0]] }),
    f1OneClass: renderPerClassF1Chart([{ name: 'F1', f1: { a: NaN } }]),
    rocTwoPoints: renderRocChart({ curves: [{ name: 'a', fpr: [0, 1], tpr: [0, 1] }] }),
    rocEmptyCurve: renderRocChart({ curves: [{ name: 'a', fpr: [], tpr: [] }] }),
    rocNoCurves: renderRocChart({ curves: [] }),
    prNaN: renderPrChart({ curves: [{ name: 'a', recall: [0, NaN, 1], precision: [1, NaN, Infinity], averagePrecision: NaN, prevalence: NaN }] }),
    reliabilityEmpty: renderReliabilityChart({ series: [{ name: 'x', bins: bins([[0, 0, 0], [0.5, 0.5, 0]]) }] }),
    reliabilityNoSeries: renderReliabilityChart({ series: [] }),
    trainingEmpty: renderTrainingCurvesChart({ xLabel: 'epoch', panels: [] }),
    trainingOnePoint: renderTrainingCurvesChart({ xLabel: 'epoch', panels: [{ title: 'loss', series: [{ name: 'loss', y: [0.5] }] }] }),
    trainingNaN: renderTrainingCurvesChart({ xLabel: 'epoch', panels: [{ title: 'loss', series: [{ name: 'loss', y: [NaN, NaN] }] }] }),
    featuresEmpty: renderTopFeaturesChart({ perLabel: [{ label: 'a', features: [] }] }),
    featuresNone: renderTopFeaturesChart({ perLabel: [] }),
  };
  for (const [name, svg] of Object.entries(cases)) {
    assert.ok(!/NaN|Infinity|undefined/.test(svg), `${name}: ${svg.match(/.{40}(NaN|Infinity|undefined).{20}/)?.[0]}`);
    assert.deepEqual(markupProblems(svg), [], name);
    assert.match(svg, /viewBox="0 0 \d+(\.\d)? \d+(\.\d)?"/, `${name}: finite size`);
  }
});

test('label distribution: shares of rows, sorted by the first series, counts on hover', () => {
  const svg = renderLabelDistributionChart({ series: [{ name: 'train', counts: { rare: 1, common: 9 } }, { name: 'eval', counts: { rare: 2, common: 2 }, total: 4 }] });
  assert.ok(svg.indexOf('>common</text>') < svg.indexOf('>rare</text>'), 'most frequent first');
  assert.ok(svg.includes('common — train: 9 of 10 rows (90.0%)'));
  assert.ok(svg.includes('>share of rows</text>'));
  assert.ok(svg.includes('>100%</text>'), 'percent ticks');
});

test('labels per text pools the long tail', () => {
  const svg = renderLabelsPerTextChart({ series: [{ name: 'eval', counts: [1, 50, 20, 5, 2, 1, 1, 1, 1] }] });
  assert.ok(svg.includes('>6+</text>'));
  assert.ok(!svg.includes('>7</text>'));
});

test('confusion matrix: counts in big cells, row shares on hover, a wrongly shaped matrix is a ReportDataError', () => {
  const svg = renderConfusionMatrixChart({ labels: ['neg', 'pos'], counts: [[90, 10], [5, 95]] });
  assert.ok(svg.includes('>90</text>') && svg.includes('>95</text>'));
  assert.ok(svg.includes('true &quot;neg&quot; → predicted &quot;pos&quot;: 10 rows (10.0% of &quot;neg&quot;)'));
  assert.throws(() => renderConfusionMatrixChart({ labels: ['a', 'b'], counts: [[1, 2]] }), (e: unknown) => e instanceof ReportDataError && /confusionMatrix\.counts: has 1 rows for 2 labels/.test(e.message));
  assert.throws(() => renderConfusionMatrixChart({ labels: ['a', 'b'], counts: [[1, 2], [3]] }), /confusionMatrix\.counts\[1\]: has 1 columns for 2 labels/);
});

test('28-label confusion matrix: no counts printed in small cells, all counts on hover', () => {
  const K = 28;
  const names = Array.from({ length: K }, (_, i) => `label ${i}`);
  const svg = renderConfusionMatrixChart({ labels: names, counts: names.map((_, i) => names.map((_, j) => (i === j ? 100 : i + j))) });
  assert.equal((svg.match(/<rect[^>]*><title>/g) ?? []).length, K * K);
  assert.ok(!svg.includes('>100</text>'));
});

test('curve length mismatch names the curve and the fields', () => {
  assert.throws(() => renderRocChart({ curves: [{ name: 'joy', fpr: [0, 1], tpr: [0] }] }), /rocCurves\.curves\[0\] \(joy\): fpr has 2 values but tpr has 1/);
  assert.throws(() => renderPrChart({ curves: [{ name: 'joy', recall: [0], precision: [] }] }), /prCurves\.curves\[0\] \(joy\): recall has 1 values but precision has 0/);
  assert.throws(() => renderTrainingCurvesChart({ xLabel: 'epoch', panels: [{ title: 't', series: [{ name: 's', y: [1, 2], x: [1] }] }] }), /trainingCurves\.panels\[0\]\.series\[0\] \(s\): x has 1 values but y has 2/);
});

test('reliability: ECE from bins when not given, one legend entry per series, axes start where the data does', () => {
  const b = bins([[0.55, 0.5, 10], [0.65, 0.6, 10], [0.75, 0.7, 10], [0.85, 0.8, 10], [0.95, 0.9, 10]]);
  assert.ok(Math.abs(expectedCalibrationError(b) - 0.05) < 1e-12);
  assert.ok(Number.isNaN(expectedCalibrationError([])));
  const upperHalf = b.map((x) => ({ ...x, lower: 0.5 + x.lower / 2, upper: 0.5 + x.upper / 2 }));
  const svg = renderReliabilityChart({ series: [{ name: 'uncalibrated', bins: upperHalf }, { name: 'temperature-scaled', bins: upperHalf, ece: 0.01 }] });
  assert.ok(svg.includes('>0.050</text>') && svg.includes('>0.010</text>'));
  assert.ok(svg.includes('>uncalibrated</text>') && svg.includes('>temperature-scaled</text>'));
  assert.ok(svg.includes('>0.5</text>') && !svg.includes('>0.4</text>'), 'axes start at 0.5, where the bins start');
});

test('per-class F1: sorted by the last series, values written when there is one series', () => {
  const one = renderPerClassF1Chart([{ name: 'F1', f1: { a: 0.2, b: 0.9 } }], { a: { precision: 0.5, recall: 0.125, f1: 0.2, support: 8 }, b: { precision: 0.9, recall: 0.9, f1: 0.9, support: 10 } });
  assert.ok(one.indexOf('>b</text>') < one.indexOf('>a</text>'));
  assert.ok(one.includes('>0.90</text>'));
  assert.ok(one.includes('a — F1: F1 0.200 · precision 0.500 · recall 0.125 · support 8'));
  const two = renderPerClassF1Chart([{ name: '0.5', f1: { a: 0.9, b: 0.1 } }, { name: 'tuned', f1: { a: 0.5, b: 0.6 } }]);
  assert.ok(two.indexOf('>b</text>') < two.indexOf('>a</text>'), 'sorted by tuned');
  assert.throws(() => renderPerClassF1Chart([]), ReportDataError);
});

test('top features: the strongest weights per label, positive on top, capped per label', () => {
  const features = Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, weight: i % 2 === 0 ? i : -i }));
  const svg = renderTopFeaturesChart({ perLabel: [{ label: 'x', features }] });
  const shown = [...svg.matchAll(/&quot;(f\d+)&quot; weight/g)].map((m) => m[1]);
  assert.equal(shown.length, REPORT_LIMITS.featuresPerLabel);
  assert.equal(shown[0], 'f28');
  assert.equal(shown[shown.length - 1], 'f29');
});

test('training curves: one panel per quantity; many series drawn without a legend', () => {
  const svg = renderTrainingCurvesChart({
    xLabel: 'iteration',
    panels: [{ title: 'loss', series: Array.from({ length: 28 }, (_, i) => ({ name: `m${i}`, y: [0.7, 0.3 + i / 100, 0.2] })) }],
  });
  assert.ok(svg.includes('>loss (28 curves)</text>'));
  assert.equal((svg.match(/stroke-opacity/g) ?? []).length, 28);
  assert.ok(svg.includes('>iteration</text>'));
});

test('rendering is deterministic', () => {
  assert.deepEqual(hostileCharts(), hostileCharts());
});
