import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { formatClassificationReport, formatFixed, formatSklearnReport } from './classification-report.js';
import { evaluateMultiLabel, evaluateSingleLabel, type EvalReport } from './metrics.js';

/** Written by scripts/golden/eval_metrics.py (scikit-learn 1.2.1). */
interface GoldenCase {
  name: string;
  task: 'binary' | 'multiclass' | 'multilabel';
  labels: string[];
  y_true: number[];
  y_pred: number[];
  proba: number[];
  expected: { report: string; balanced_accuracy: number; roc_auc?: number; average_precision?: number };
}
const golden = JSON.parse(
  fs.readFileSync(new URL('../../test/golden/eval-metrics.json', import.meta.url), 'utf8'),
) as { cases: GoldenCase[]; format_fixed: Array<[number, string]> };

function evaluateGolden(c: GoldenCase): EvalReport {
  const proba = Float32Array.from(c.proba);
  if (c.task === 'multilabel') {
    return evaluateMultiLabel(Uint8Array.from(c.y_true), Uint8Array.from(c.y_pred), proba, c.labels);
  }
  return evaluateSingleLabel(Int32Array.from(c.y_true), Int32Array.from(c.y_pred), proba, c.labels, c.task);
}

for (const c of golden.cases) {
  test(`classification_report text equals sklearn's: ${c.name}`, () => {
    const r = evaluateGolden(c);
    assert.equal(formatSklearnReport(r), c.expected.report);
    const full = formatClassificationReport(r);
    assert.ok(full.startsWith(c.expected.report + '\n'), 'full report starts with the sklearn block');
    assert.ok(full.includes(`balanced accuracy`), 'extras follow');
  });
}

test('formatFixed matches Python str.format, including half-to-even ties', () => {
  for (const [value, python] of golden.format_fixed) {
    assert.equal(formatFixed(value), python, `formatFixed(${value})`);
  }
  assert.equal(formatFixed(NaN), 'nan');
  assert.equal(formatFixed(0.125, 2), '0.12'); // tie at 2 digits → even
  assert.equal(formatFixed(0.375, 2), '0.38');
});

test('extra lines: binary shows ranking metrics, log loss, Brier score and ECE', () => {
  const binary = golden.cases.find((c) => c.task === 'binary')!;
  const r = evaluateGolden(binary);
  const extras = formatClassificationReport(r).slice(binary.expected.report.length + 1);
  assert.equal(
    extras,
    [
      `balanced accuracy           ${formatFixed(r.balanced_accuracy)}`,
      `roc auc                     ${formatFixed(r.roc_auc!)}`,
      `average precision           ${formatFixed(r.average_precision!)}`,
      `log loss                    ${formatFixed(r.log_loss!)}`,
      `brier score                 ${formatFixed(r.brier_score!)}`,
      `expected calibration error  ${formatFixed(r.ece!)}`,
      '',
    ].join('\n'),
  );
  // The printed numbers are sklearn's, rounded.
  const e = binary.expected;
  assert.ok(extras.startsWith(`balanced accuracy           ${formatFixed(e.balanced_accuracy)}\n`));
  assert.ok(extras.includes(`roc auc                     ${formatFixed(e.roc_auc!)}\n`));
  assert.ok(extras.includes(`average precision           ${formatFixed(e.average_precision!)}\n`));
});

test('extra lines: multilabel shows exact match, hamming loss and macro ranking metrics', () => {
  const ml = golden.cases.find((c) => c.task === 'multilabel')!;
  const extras = formatClassificationReport(evaluateGolden(ml)).slice(ml.expected.report.length + 1);
  assert.deepEqual(
    extras.split('\n').map((line) => line.replace(/\s+\S+$/, '')),
    [
      'balanced accuracy',
      'exact match',
      'hamming loss',
      'macro roc auc',
      'weighted roc auc',
      'micro roc auc',
      'macro average precision',
      'weighted average precision',
      'micro average precision',
      'log loss',
      'brier score',
      'expected calibration error',
      '',
    ],
  );
});

test('report without scores has no ranking lines; empty data does not crash', () => {
  const y = Int32Array.of(0, 1, 1);
  const r = evaluateSingleLabel(y, y, null, ['x', 'y'], 'binary');
  assert.equal(
    formatClassificationReport(r),
    [
      '              precision    recall  f1-score   support',
      '',
      '           x     1.0000    1.0000    1.0000         1',
      '           y     1.0000    1.0000    1.0000         2',
      '',
      '    accuracy                         1.0000         3',
      '   macro avg     1.0000    1.0000    1.0000         3',
      'weighted avg     1.0000    1.0000    1.0000         3',
      '',
      'balanced accuracy  1.0000',
      '',
    ].join('\n'),
  );

  const empty = evaluateSingleLabel(new Int32Array(0), new Int32Array(0), null, ['x', 'y'], 'binary');
  const text = formatClassificationReport(empty);
  assert.ok(text.includes('   micro avg     0.0000    0.0000    0.0000         0'), text);
  const emptyMl = evaluateMultiLabel(new Uint8Array(0), new Uint8Array(0), null, ['x', 'y']);
  assert.ok(formatClassificationReport(emptyMl).includes(' samples avg     0.0000    0.0000    0.0000         0'));
});
