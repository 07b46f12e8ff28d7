/**
 * Human-readable evaluation output. The first block is character-for-character what
 * scikit-learn's `classification_report(y_true, y_pred, labels=range(K), target_names=labels,
 * digits=4)` prints, so users can diff it against a Python baseline; a few textclass extras
 * follow after a blank line.
 */
import type { EvalReport } from './metrics.js';

const DIGITS = 4;
const COLUMN_WIDTH = 9;
const HEADERS = ['precision', 'recall', 'f1-score', 'support'];
/** sklearn sizes the name column to fit this, the longest summary-row heading. */
const LONGEST_SUMMARY_HEADING = 'weighted avg';

/** Length as Python's `len` counts it (code points), which is what its `{:>N}` padding uses. */
function codePointLength(s: string): number {
  let count = 0;
  for (const _ of s) count++;
  return count;
}

function padLeft(s: string, width: number): string {
  const missing = width - codePointLength(s);
  return missing > 0 ? ' '.repeat(missing) + s : s;
}

/**
 * Python's `'{:.{d}f}'.format(x)`. `toFixed` already rounds the exact binary value correctly,
 * but breaks exact ties upwards where Python rounds half to even (0.03125 → '0.0312' in
 * Python, '0.0313' in JS). An exact tie at d digits means x·2^(d+1) is an odd integer (the only
 * decimals ending in 5 that a double can hold exactly), so those few values are fixed up.
 */
export function formatFixed(x: number, digits: number = DIGITS): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const twice = x * 2 ** (digits + 1); // exact: scaling by a power of two
  if (Number.isInteger(twice) && Math.abs(twice % 2) === 1 && Math.abs(x) < 2 ** 20) {
    const scale = 10 ** digits;
    const lower = Math.floor(x * scale); // exact for these dyadic values
    const even = lower % 2 === 0 ? lower : lower + 1;
    return (even / scale).toFixed(digits);
  }
  return x.toFixed(digits);
}

function metricCell(x: number): string {
  return ' ' + padLeft(formatFixed(x), COLUMN_WIDTH);
}

function row(heading: string, width: number, precision: number, recall: number, f1: number, support: number): string {
  return (
    padLeft(heading, width) +
    ' ' +
    metricCell(precision) +
    metricCell(recall) +
    metricCell(f1) +
    ' ' +
    padLeft(String(support), COLUMN_WIDTH) +
    '\n'
  );
}

/**
 * Whether sklearn would label the micro-average row "accuracy". With explicit `labels` it does
 * so only when every label occurs in y_true or y_pred; otherwise it prints a "micro avg" row
 * (same numbers). We read occurrence off the confusion matrix; a report without one (built by
 * hand) gets "accuracy".
 */
function microRowIsAccuracy(r: EvalReport): boolean {
  if (r.task === 'multilabel') return false;
  const cm = r.confusion_matrix;
  if (!cm) return true;
  const K = r.labels.length;
  for (let k = 0; k < K; k++) {
    let seen = 0;
    for (let j = 0; j < K; j++) seen += cm[k][j] + cm[j][k];
    if (seen === 0) return false;
  }
  return true;
}

/** The scikit-learn `classification_report` block alone. */
export function formatSklearnReport(r: EvalReport): string {
  const width = Math.max(
    ...r.labels.map(codePointLength),
    codePointLength(LONGEST_SUMMARY_HEADING),
    DIGITS,
  );
  let out = padLeft('', width) + ' ' + HEADERS.map((h) => ' ' + padLeft(h, COLUMN_WIDTH)).join('') + '\n\n';

  let totalSupport = 0;
  for (const label of r.labels) {
    const c = r.per_class[label];
    out += row(label, width, c.precision, c.recall, c.f1, c.support);
    totalSupport += c.support;
  }
  out += '\n';

  if (microRowIsAccuracy(r)) {
    // sklearn leaves precision and recall blank on the accuracy row.
    out +=
      padLeft('accuracy', width) +
      ' ' +
      ' ' +
      padLeft('', COLUMN_WIDTH) +
      ' ' +
      padLeft('', COLUMN_WIDTH) +
      metricCell(r.micro_f1) +
      ' ' +
      padLeft(String(totalSupport), COLUMN_WIDTH) +
      '\n';
  } else {
    out += row('micro avg', width, r.micro_precision, r.micro_recall, r.micro_f1, totalSupport);
  }
  out += row('macro avg', width, r.macro_precision, r.macro_recall, r.macro_f1, totalSupport);
  out += row('weighted avg', width, r.weighted_precision, r.weighted_recall, r.weighted_f1, totalSupport);
  if (r.task === 'multilabel') {
    out += row(
      'samples avg',
      width,
      r.samples_precision ?? 0,
      r.samples_recall ?? 0,
      r.samples_f1 ?? 0,
      totalSupport,
    );
  }
  return out;
}

/** `name  value` lines for the metrics present, names padded to a common width. */
function metricLines(lines: Array<[string, number | undefined]>): string {
  const present = lines.filter((l): l is [string, number] => l[1] !== undefined);
  if (present.length === 0) return '';
  const nameWidth = Math.max(...present.map(([name]) => name.length));
  return present.map(([name, value]) => `${name.padEnd(nameWidth)}  ${formatFixed(value)}\n`).join('');
}

/**
 * The metrics sklearn's report leaves out, one `name  value` line each, present only when the
 * report has them: balanced accuracy always; exact match and Hamming loss for multilabel
 * (its report shows no accuracy row); ranking metrics and log loss when scores were given.
 * Then the one-vs-rest ranking averages, log loss, Brier score and expected calibration error.
 */
function formatExtras(r: EvalReport): string {
  return metricLines([
    ['balanced accuracy', r.balanced_accuracy],
    ['exact match', r.exact_match],
    ['hamming loss', r.hamming_loss],
    ['roc auc', r.roc_auc],
    ['average precision', r.average_precision],
    ['macro roc auc', r.macro_roc_auc],
    ['weighted roc auc', r.weighted_roc_auc],
    ['micro roc auc', r.micro_roc_auc],
    ['macro average precision', r.macro_average_precision],
    ['weighted average precision', r.weighted_average_precision],
    ['micro average precision', r.micro_average_precision],
    ['log loss', r.log_loss],
    ['brier score', r.brier_score],
    ['expected calibration error', r.ece],
  ]);
}

/** sklearn's classification_report text, a blank line, then the extra metrics. */
export function formatClassificationReport(r: EvalReport): string {
  return formatSklearnReport(r) + '\n' + formatExtras(r);
}
