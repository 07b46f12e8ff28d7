import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { averagePrecision, evaluateMultiLabel, evaluateSingleLabel, rocAuc, type EvalReport } from './metrics.js';

/** Written by scripts/golden/eval_metrics.py (scikit-learn 1.2.1). */
interface GoldenPrf {
  precision: number;
  recall: number;
  f1: number;
}
interface GoldenCase {
  name: string;
  task: 'binary' | 'multiclass' | 'multilabel';
  labels: string[];
  y_true: number[];
  y_pred: number[];
  proba: number[];
  expected: {
    accuracy: number;
    balanced_accuracy: number;
    per_class: { precision: number[]; recall: number[]; f1: number[]; support: number[] };
    macro: GoldenPrf;
    micro: GoldenPrf;
    weighted: GoldenPrf;
    samples?: GoldenPrf;
    log_loss?: number;
    roc_auc?: number;
    average_precision?: number;
    confusion_matrix?: number[][];
    exact_match?: number;
    hamming_loss?: number;
    macro_roc_auc?: number;
    macro_average_precision?: number;
    // Score-based metrics added with curves.ts / calibration-metrics.ts; null = undefined for the data.
    brier_score: number;
    reliability: { ece: number };
    per_class_roc_auc?: Array<number | null>;
    per_class_average_precision?: Array<number | null>;
    weighted_roc_auc?: number;
    micro_roc_auc?: number;
    weighted_average_precision?: number;
    micro_average_precision?: number;
  };
}
interface GoldenRanking {
  name: string;
  y_true: number[];
  scores: number[];
  roc_auc: number;
  average_precision: number;
}
const golden = JSON.parse(
  fs.readFileSync(new URL('../../test/golden/eval-metrics.json', import.meta.url), 'utf8'),
) as { cases: GoldenCase[]; ranking: GoldenRanking[] };

const TOL = 1e-9;

function close(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined, `${what}: missing`);
  assert.ok(Math.abs(actual - expected) <= TOL, `${what}: got ${actual}, sklearn ${expected}`);
}

function evaluateGolden(c: GoldenCase): EvalReport {
  const proba = Float32Array.from(c.proba);
  if (c.task === 'multilabel') {
    return evaluateMultiLabel(Uint8Array.from(c.y_true), Uint8Array.from(c.y_pred), proba, c.labels);
  }
  return evaluateSingleLabel(Int32Array.from(c.y_true), Int32Array.from(c.y_pred), proba, c.labels, c.task);
}

/** Every number in the report is finite and survives a JSON round trip (no NaN → null). */
function assertJsonClean(r: EvalReport): void {
  const json = JSON.stringify(r);
  assert.ok(!json.includes('null'), `report has a non-finite number: ${json}`);
}

for (const c of golden.cases) {
  test(`golden parity with sklearn: ${c.name}`, () => {
    const r = evaluateGolden(c);
    const e = c.expected;
    assert.equal(r.task, c.task);
    assert.deepEqual(r.labels, c.labels);
    close(r.accuracy, e.accuracy, 'accuracy');
    close(r.balanced_accuracy, e.balanced_accuracy, 'balanced_accuracy');
    c.labels.forEach((label, k) => {
      const m = r.per_class[label];
      close(m.precision, e.per_class.precision[k], `precision[${label}]`);
      close(m.recall, e.per_class.recall[k], `recall[${label}]`);
      close(m.f1, e.per_class.f1[k], `f1[${label}]`);
      assert.equal(m.support, e.per_class.support[k], `support[${label}]`);
    });
    for (const avg of ['macro', 'micro', 'weighted'] as const) {
      close(r[`${avg}_precision`], e[avg].precision, `${avg}_precision`);
      close(r[`${avg}_recall`], e[avg].recall, `${avg}_recall`);
      close(r[`${avg}_f1`], e[avg].f1, `${avg}_f1`);
    }
    if (c.task === 'multilabel') {
      assert.equal(r.n, c.y_true.length / c.labels.length);
      close(r.samples_precision, e.samples!.precision, 'samples_precision');
      close(r.samples_recall, e.samples!.recall, 'samples_recall');
      close(r.samples_f1, e.samples!.f1, 'samples_f1');
      close(r.exact_match, e.exact_match!, 'exact_match');
      close(r.hamming_loss, e.hamming_loss!, 'hamming_loss');
      close(r.log_loss, e.log_loss!, 'log_loss (mean of per-label binary log losses)');
      assert.equal(r.confusion_matrix, undefined);
    } else {
      assert.equal(r.n, c.y_true.length);
      close(r.log_loss, e.log_loss!, 'log_loss');
      assert.deepEqual(r.confusion_matrix, e.confusion_matrix);
      if (c.task === 'binary') {
        close(r.roc_auc, e.roc_auc!, 'roc_auc');
        close(r.average_precision, e.average_precision!, 'average_precision');
      } else {
        assert.equal(r.roc_auc, undefined);
      }
    }
    close(r.brier_score, e.brier_score, 'brier_score');
    close(r.ece, e.reliability.ece, 'ece');
    if (c.task === 'binary') {
      // Binary keeps its two top-level ranking keys; the one-vs-rest keys are not filled in.
      for (const key of ['macro_roc_auc', 'micro_roc_auc', 'weighted_roc_auc', 'macro_average_precision'] as const) {
        assert.equal(r[key], undefined, key);
      }
      assert.equal(r.per_class[c.labels[1]].roc_auc, undefined);
    } else {
      c.labels.forEach((label, k) => {
        const auc = e.per_class_roc_auc![k];
        const ap = e.per_class_average_precision![k];
        if (auc === null) assert.equal(r.per_class[label].roc_auc, undefined, `roc_auc[${label}] is undefined`);
        else close(r.per_class[label].roc_auc, auc, `roc_auc[${label}]`);
        if (ap === null) assert.equal(r.per_class[label].average_precision, undefined, `average_precision[${label}]`);
        else close(r.per_class[label].average_precision, ap, `average_precision[${label}]`);
      });
      for (const key of [
        'macro_roc_auc', 'weighted_roc_auc', 'micro_roc_auc',
        'macro_average_precision', 'weighted_average_precision', 'micro_average_precision',
      ] as const) {
        close(r[key], e[key]!, key);
      }
    }
    assertJsonClean(r);
  });
}

test('golden parity: rocAuc and averagePrecision with ties', () => {
  for (const g of golden.ranking) {
    const y = Uint8Array.from(g.y_true);
    close(rocAuc(y, g.scores), g.roc_auc, `${g.name} roc_auc`);
    close(averagePrecision(y, g.scores), g.average_precision, `${g.name} average_precision`);
    // Float32 scores (what models emit) give the same answer: the golden scores are float32 values.
    close(rocAuc(y, Float32Array.from(g.scores)), g.roc_auc, `${g.name} roc_auc (f32)`);
  }
});

test('rocAuc / averagePrecision: hand-checked values and undefined cases', () => {
  // Perfect ranking.
  assert.equal(rocAuc(Uint8Array.of(0, 0, 1, 1), [0.1, 0.2, 0.8, 0.9]), 1);
  assert.equal(averagePrecision(Uint8Array.of(0, 0, 1, 1), [0.1, 0.2, 0.8, 0.9]), 1);
  // Inverted ranking: AUC 0; AP = (1/2)(1/3) + (1/2)(2/4).
  assert.equal(rocAuc(Uint8Array.of(1, 1, 0, 0), [0.1, 0.2, 0.8, 0.9]), 0);
  close(averagePrecision(Uint8Array.of(1, 1, 0, 0), [0.1, 0.2, 0.8, 0.9]), 0.5 / 3 + 0.25, 'ap inverted');
  // One positive tied with one negative, above another negative: 1.5 of 2 pairs ordered.
  assert.equal(rocAuc(Uint8Array.of(1, 0, 0), [0.7, 0.7, 0.1]), 0.75);
  assert.equal(averagePrecision(Uint8Array.of(1, 0, 0), [0.7, 0.7, 0.1]), 0.5);
  // Only one class: AUC undefined; AP undefined without positives, 1 with only positives.
  assert.ok(Number.isNaN(rocAuc(Uint8Array.of(1, 1), [0.2, 0.3])));
  assert.ok(Number.isNaN(rocAuc(Uint8Array.of(0, 0), [0.2, 0.3])));
  assert.ok(Number.isNaN(averagePrecision(Uint8Array.of(0, 0), [0.2, 0.3])));
  assert.equal(averagePrecision(Uint8Array.of(1, 1), [0.2, 0.3]), 1);
  assert.ok(Number.isNaN(rocAuc(new Uint8Array(0), [])));
  assert.throws(() => rocAuc(Uint8Array.of(0, 1), [0.5]), RangeError);
  assert.throws(() => rocAuc(Uint8Array.of(0, 1), [0.5, NaN]), RangeError);
});

test('single-label: perfect predictions', () => {
  const y = Int32Array.of(0, 1, 2, 1, 0);
  const proba = Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0);
  const r = evaluateSingleLabel(y, y, proba, ['a', 'b', 'c'], 'multiclass');
  for (const key of ['accuracy', 'balanced_accuracy', 'macro_f1', 'micro_f1', 'weighted_f1'] as const) {
    assert.equal(r[key], 1, key);
  }
  assert.deepEqual(r.confusion_matrix, [
    [2, 0, 0],
    [0, 2, 0],
    [0, 0, 1],
  ]);
  // Probabilities of exactly 1 are clipped at 1 − 1e-15, so the loss is tiny but not 0.
  assert.ok(r.log_loss! > 0 && r.log_loss! < 1e-14);

  const binary = evaluateSingleLabel(Int32Array.of(0, 1, 1), Int32Array.of(0, 1, 1), Float32Array.of(0.9, 0.1, 0.2, 0.8, 0.3, 0.7), ['no', 'yes'], 'binary');
  assert.equal(binary.roc_auc, 1);
  assert.equal(binary.average_precision, 1);
});

test('single-label: all rows one class', () => {
  // Binary with only negatives: sklearn-style 0 for the never-seen positive class.
  const y = new Int32Array(4); // all class 0
  const proba = Float32Array.of(0.9, 0.1, 0.8, 0.2, 0.6, 0.4, 0.7, 0.3);
  const r = evaluateSingleLabel(y, y, proba, ['neg', 'pos'], 'binary');
  assert.equal(r.accuracy, 1);
  assert.equal(r.balanced_accuracy, 1); // only classes present in y_true count
  assert.deepEqual(r.per_class.pos, { precision: 0, recall: 0, f1: 0, support: 0 });
  assert.equal(r.macro_f1, 0.5);
  assert.equal(r.weighted_f1, 1);
  assert.equal(r.roc_auc, undefined, 'AUC is undefined with one class');
  assert.equal(r.average_precision, undefined, 'AP is undefined without positives');
  assertJsonClean(r);

  // Only positives: AP is defined (1), AUC is not.
  const pos = Int32Array.of(1, 1);
  const r2 = evaluateSingleLabel(pos, Int32Array.of(1, 0), Float32Array.of(0.1, 0.9, 0.6, 0.4), ['neg', 'pos'], 'binary');
  assert.equal(r2.roc_auc, undefined);
  assert.equal(r2.average_precision, 1);
  assert.equal(r2.accuracy, 0.5);
  assert.equal(r2.balanced_accuracy, 0.5);
  assert.equal(r2.per_class.neg.precision, 0);
});

test('single-label: empty input gives zeros, not NaN', () => {
  const empty = new Int32Array(0);
  const r = evaluateSingleLabel(empty, empty, new Float32Array(0), ['a', 'b', 'c'], 'multiclass');
  assert.equal(r.n, 0);
  assert.equal(r.accuracy, 0);
  assert.equal(r.balanced_accuracy, 0);
  assert.equal(r.macro_f1, 0);
  assert.equal(r.weighted_precision, 0);
  assert.equal(r.log_loss, undefined);
  assert.deepEqual(r.confusion_matrix, [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ]);
  assertJsonClean(r);
  const rb = evaluateSingleLabel(empty, empty, new Float32Array(0), ['n', 'p'], 'binary');
  assert.equal(rb.roc_auc, undefined);
  assertJsonClean(rb);
});

test('single-label: confidently wrong log loss is finite', () => {
  const r = evaluateSingleLabel(Int32Array.of(0), Int32Array.of(1), Float32Array.of(0, 1), ['a', 'b'], 'binary');
  close(r.log_loss, -Math.log(1e-15 / (1e-15 + (1 - 1e-15))), 'log_loss');
});

test('single-label: invalid input is a RangeError', () => {
  const labels = ['a', 'b'];
  assert.throws(() => evaluateSingleLabel(Int32Array.of(0, 1), Int32Array.of(0), null, labels, 'binary'), RangeError);
  assert.throws(() => evaluateSingleLabel(Int32Array.of(0, 2), Int32Array.of(0, 1), null, labels, 'binary'), RangeError);
  assert.throws(() => evaluateSingleLabel(Int32Array.of(0, -1), Int32Array.of(0, 1), null, labels, 'binary'), RangeError);
  assert.throws(() => evaluateSingleLabel(Int32Array.of(0), Int32Array.of(0), Float32Array.of(1), labels, 'binary'), RangeError);
  assert.throws(() => evaluateSingleLabel(Int32Array.of(0), Int32Array.of(0), null, ['a', 'b', 'c'], 'binary'), RangeError);
});

test('single-label: JSON key names are the documented snake_case ones', () => {
  const y = Int32Array.of(0, 1);
  const r = evaluateSingleLabel(y, y, Float32Array.of(0.8, 0.2, 0.3, 0.7), ['a', 'b'], 'binary');
  assert.deepEqual(Object.keys(r), [
    'task', 'n', 'labels', 'accuracy', 'balanced_accuracy', 'macro_f1', 'micro_f1', 'weighted_f1',
    'macro_precision', 'macro_recall', 'weighted_precision', 'weighted_recall', 'micro_precision',
    'micro_recall', 'per_class', 'roc_auc', 'average_precision', 'log_loss', 'brier_score', 'ece',
    'confusion_matrix',
  ]);
  const multiclass = evaluateSingleLabel(Int32Array.of(0, 1, 2), Int32Array.of(0, 1, 1), Float32Array.of(0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.5, 0.4), ['a', 'b', 'c'], 'multiclass');
  assert.deepEqual(Object.keys(multiclass).slice(15), [
    'macro_roc_auc', 'weighted_roc_auc', 'micro_roc_auc', 'macro_average_precision',
    'weighted_average_precision', 'micro_average_precision', 'log_loss', 'brier_score', 'ece',
    'confusion_matrix',
  ]);
  assert.deepEqual(Object.keys(multiclass.per_class.a), ['precision', 'recall', 'f1', 'support', 'roc_auc', 'average_precision']);
});

test('multilabel: perfect predictions and a label nobody has', () => {
  // 3 rows × 3 labels; label "c" never occurs.
  const y = Uint8Array.of(1, 0, 0, 0, 1, 0, 1, 1, 0);
  const proba = Float32Array.of(0.9, 0.1, 0.2, 0.2, 0.8, 0.1, 0.7, 0.6, 0.3);
  const r = evaluateMultiLabel(y, y, proba, ['a', 'b', 'c']);
  assert.equal(r.n, 3);
  assert.equal(r.accuracy, 1);
  assert.equal(r.exact_match, 1);
  assert.equal(r.hamming_loss, 0);
  assert.equal(r.samples_f1, 1);
  assert.equal(r.micro_f1, 1);
  close(r.macro_f1, 2 / 3, 'macro_f1 counts the empty label as 0');
  assert.equal(r.weighted_f1, 1);
  assert.equal(r.balanced_accuracy, 1);
  assert.equal(r.macro_roc_auc, 1);
  assert.equal(r.macro_average_precision, 1);
  assert.deepEqual(r.per_class.c, { precision: 0, recall: 0, f1: 0, support: 0 });
  assertJsonClean(r);
});

test('multilabel: balanced accuracy skips labels with a single class', () => {
  // Label a: positives rows 0,1; negatives rows 2,3. Predicted 1,0,1,0 → TPR 1/2, TNR 1/2.
  // Label b: all positive → skipped. Label c: all negative → skipped.
  const y = Uint8Array.of(1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0);
  const p = Uint8Array.of(1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1);
  const r = evaluateMultiLabel(y, p, null, ['a', 'b', 'c']);
  assert.equal(r.balanced_accuracy, 0.5);
  assert.equal(r.macro_roc_auc, undefined);
  close(r.hamming_loss, 3 / 12, 'hamming_loss');
  assert.equal(r.exact_match, 0.25);
});

test('a label named __proto__ is an ordinary per_class key', () => {
  const y = Int32Array.of(0, 1);
  const r = evaluateSingleLabel(y, y, null, ['__proto__', 'b'], 'multiclass');
  assert.deepEqual(Object.keys(r.per_class), ['__proto__', 'b']);
  assert.equal(JSON.parse(JSON.stringify(r)).per_class['__proto__'].support, 1);
});

test('multilabel: empty input and no labels', () => {
  const r = evaluateMultiLabel(new Uint8Array(0), new Uint8Array(0), new Float32Array(0), ['a', 'b']);
  assert.equal(r.n, 0);
  assert.equal(r.accuracy, 0);
  assert.equal(r.samples_f1, 0);
  assert.equal(r.hamming_loss, 0);
  assert.equal(r.macro_roc_auc, undefined);
  assertJsonClean(r);
  assert.throws(() => evaluateMultiLabel(new Uint8Array(5), new Uint8Array(5), null, ['a', 'b']), RangeError);
  assert.throws(() => evaluateMultiLabel(new Uint8Array(4), new Uint8Array(2), null, ['a', 'b']), RangeError);
});

test('Brier score: the multiclass formula is twice the binary one on the same rows', () => {
  const y = Int32Array.of(0, 1, 1, 0);
  const proba = Float32Array.of(0.75, 0.25, 0.5, 0.5, 0.125, 0.875, 1, 0); // rows sum to 1 exactly
  const binary = evaluateSingleLabel(y, y, proba, ['n', 'p'], 'binary');
  const multiclass = evaluateSingleLabel(y, y, proba, ['n', 'p'], 'multiclass');
  const expected = (0.25 ** 2 + 0.5 ** 2 + 0.125 ** 2 + 0) / 4;
  assert.equal(binary.brier_score, expected);
  assert.equal(multiclass.brier_score, 2 * expected);
});

test('ECE: perfectly confident and right is 0; half-confident and always right is 0.5', () => {
  const y = Int32Array.of(0, 1, 2);
  const sure = evaluateSingleLabel(y, y, Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), ['a', 'b', 'c'], 'multiclass');
  assert.equal(sure.ece, 0);
  const unsure = evaluateSingleLabel(y, y, Float32Array.of(0.5, 0.25, 0.25, 0.25, 0.5, 0.25, 0.25, 0.25, 0.5), ['a', 'b', 'c'], 'multiclass');
  assert.equal(unsure.ece, 0.5);
});

test('multilabel: a label everybody has gets AP 1 but no AUC, and stays out of the averages', () => {
  // Label "all" is on every row; "a" is ranked perfectly; "none" never occurs.
  const y = Uint8Array.of(1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0);
  const proba = Float32Array.of(0.9, 0.2, 0.1, 0.1, 0.3, 0.2, 0.8, 0.9, 0.3, 0.2, 0.1, 0.4);
  const r = evaluateMultiLabel(y, y, proba, ['a', 'all', 'none']);
  assert.equal(r.per_class.a.roc_auc, 1);
  assert.equal(r.per_class.all.roc_auc, undefined);
  assert.equal(r.per_class.all.average_precision, 1);
  assert.equal(r.per_class.none.roc_auc, undefined);
  assert.equal(r.per_class.none.average_precision, undefined);
  assert.equal(r.macro_roc_auc, 1);
  assert.equal(r.weighted_roc_auc, 1);
  assert.equal(r.macro_average_precision, 1);
  assert.ok(r.micro_roc_auc! > 0 && r.micro_roc_auc! < 1, 'micro pools every label, "all" and "none" included');
  assertJsonClean(r);
});

test('score-based keys are left out without scores and on empty input', () => {
  const keys = ['brier_score', 'ece', 'log_loss', 'micro_roc_auc', 'weighted_roc_auc', 'micro_average_precision'] as const;
  const single = evaluateSingleLabel(Int32Array.of(0, 1, 2), Int32Array.of(0, 1, 2), null, ['a', 'b', 'c'], 'multiclass');
  const empty = evaluateSingleLabel(new Int32Array(0), new Int32Array(0), new Float32Array(0), ['a', 'b', 'c'], 'multiclass');
  const multi = evaluateMultiLabel(Uint8Array.of(1, 0), Uint8Array.of(1, 0), null, ['a', 'b']);
  const emptyMulti = evaluateMultiLabel(new Uint8Array(0), new Uint8Array(0), new Float32Array(0), ['a', 'b']);
  for (const r of [single, empty, multi, emptyMulti]) {
    for (const key of keys) assert.equal(r[key], undefined, `${r.task} n=${r.n}: ${key}`);
    assert.equal(r.per_class.a.roc_auc, undefined);
    assertJsonClean(r);
  }
  // All cells negative: no AUC anywhere, micro included; Brier, ECE and log loss are defined.
  const none = evaluateMultiLabel(new Uint8Array(4), new Uint8Array(4), Float32Array.of(0.1, 0.2, 0.3, 0.4), ['a', 'b']);
  assert.equal(none.micro_roc_auc, undefined);
  assert.equal(none.micro_average_precision, undefined);
  const f = Math.fround;
  close(none.brier_score, (f(0.1) ** 2 + f(0.2) ** 2 + f(0.3) ** 2 + f(0.4) ** 2) / 4, 'brier_score');
  assert.ok(none.log_loss! > 0 && none.ece! > 0);
  assertJsonClean(none);
});

// Speed is measured in bench/, never asserted in unit tests; this pins that a big evaluation stays clean.
test('100k rows × 28 labels: multilabel and multiclass evaluations complete with clean JSON', () => {
  const n = 100_000;
  const K = 28;
  // A fixed LCG keeps the data deterministic without importing the seeded generator's API.
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const truth = new Uint8Array(n * K);
  const proba = new Float32Array(n * K);
  for (let i = 0; i < n * K; i++) {
    truth[i] = next() < 0.05 ? 1 : 0;
    proba[i] = Math.min(1, 0.3 * truth[i] + 0.7 * next());
  }
  const labels = Array.from({ length: K }, (_, k) => `label${k}`);
  const yPred = new Uint8Array(n * K);
  for (let i = 0; i < n * K; i++) yPred[i] = proba[i] >= 0.5 ? 1 : 0;
  const r = evaluateMultiLabel(truth, yPred, proba, labels);

  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.floor(next() * K);
  const softmax = new Float32Array(n * K);
  for (let i = 0, row = 0; i < n; i++, row += K) {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += softmax[row + k] = Math.exp(3 * next() + (k === y[i] ? 1.5 : 0));
    for (let k = 0; k < K; k++) softmax[row + k] /= sum;
  }
  const rc = evaluateSingleLabel(y, y, softmax, labels, 'multiclass');
  assert.equal(r.n, n);
  assert.ok(r.micro_roc_auc! > 0.5 && rc.macro_roc_auc! > 0.5);
  assert.equal(rc.accuracy, 1);
  assertJsonClean(r);
  assertJsonClean(rc);
});
