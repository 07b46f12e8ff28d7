import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../util/random.js';
import { findLabelIssues, groupCellIssuesByRow, type LabelIssue, type LabelIssueMethod } from './label-issues.js';

/**
 * Synthetic data: each row has a true class; an imperfect "model" puts a noisy logit boost on it
 * (about 89 % top-1 accuracy), so the probabilities are out of sample by construction. Then a
 * known fraction of the given labels is flipped, and the finder should point at those rows.
 */
function gaussian(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function synthetic(n: number, K: number, seed: number, flip: (truth: number, rng: () => number) => number | null) {
  const rng = createRng(seed);
  const proba = new Float32Array(n * K);
  const truth = new Int32Array(n);
  const given = new Int32Array(n);
  const flipped = new Uint8Array(n);
  const z = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng() * K);
    truth[i] = c;
    for (let k = 0; k < K; k++) z[k] = 1.2 * gaussian(rng) + (k === c ? 3 : 0);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(z[k]);
    for (let k = 0; k < K; k++) proba[i * K + k] = Math.exp(z[k]) / sum;
    const to = flip(c, rng);
    given[i] = to ?? c;
    flipped[i] = to !== null && to !== c ? 1 : 0;
  }
  return { proba, truth, given, flipped };
}

function precisionRecall(flaggedRows: number[], flipped: Uint8Array): { precision: number; recall: number } {
  let hit = 0;
  for (const r of flaggedRows) hit += flipped[r];
  const total = flipped.reduce((a, b) => a + b, 0);
  return { precision: flaggedRows.length ? hit / flaggedRows.length : 1, recall: hit / total };
}

const LABELS5 = ['a', 'b', 'c', 'd', 'e'];
const uniformFlip = (rate: number) => (c: number, rng: () => number) => (rng() < rate ? (c + 1 + Math.floor(rng() * 4)) % 5 : null);

for (const method of ['prune_by_noise_rate', 'confident_learning'] as LabelIssueMethod[]) {
  test(`${method}: finds most of 10 % uniformly flipped labels and few clean rows`, (t) => {
    const { proba, given, flipped } = synthetic(4000, 5, 1, uniformFlip(0.1));
    const report = findLabelIssues(proba, { kind: 'single', y: given }, LABELS5, { method });
    assert.equal(report.kind, 'single');
    const { precision, recall } = precisionRecall(
      report.issues.map((i) => i.row),
      flipped,
    );
    // Observed (model 89 % accurate): prune_by_noise_rate P 0.79 R 0.86; confident_learning P 0.85 R 0.66.
    // Most false positives are the model's own confident mistakes, which no finder can tell apart.
    t.diagnostic(`precision ${precision.toFixed(3)} recall ${recall.toFixed(3)} (${report.issues.length} flagged)`);
    const [minP, minR] = method === 'prune_by_noise_rate' ? [0.72, 0.8] : [0.8, 0.6];
    assert.ok(precision > minP && recall > minR, `precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`);
    // The most confident issues are almost all real flips.
    const top = precisionRecall(
      report.issues.slice(0, 100).map((i) => i.row),
      flipped,
    );
    assert.ok(top.precision >= 0.95, `precision of the top 100: ${top.precision}`);
  });
}

test('issues are sorted by score; fields are consistent', () => {
  const { proba, given, truth } = synthetic(2000, 5, 2, uniformFlip(0.15));
  for (const rankBy of ['self_confidence', 'normalized_margin'] as const) {
    const report = findLabelIssues(proba, { kind: 'single', y: given }, LABELS5, { rankBy });
    assert.ok(report.kind === 'single' && report.issues.length > 0);
    let correctSuggestion = 0;
    for (let k = 0; k < report.issues.length; k++) {
      const issue: LabelIssue = report.issues[k];
      if (k > 0) assert.ok(report.issues[k - 1].score >= issue.score);
      assert.equal(issue.given, given[issue.row]);
      assert.notEqual(issue.suggested, issue.given);
      assert.equal(issue.givenLabel, LABELS5[issue.given]);
      assert.equal(issue.suggestedLabel, LABELS5[issue.suggested]);
      assert.equal(issue.selfConfidence, proba[issue.row * 5 + issue.given]);
      assert.ok(issue.score >= 0 && issue.score <= 1);
      if (rankBy === 'self_confidence') assert.equal(issue.score, 1 - issue.selfConfidence);
      if (issue.suggested === truth[issue.row]) correctSuggestion++;
    }
    assert.ok(correctSuggestion / report.issues.length > 0.7, `suggested = true class for ${correctSuggestion}/${report.issues.length}`);
  }
});

test('asymmetric noise (one class mislabelled as another) shows in the confident joint', (t) => {
  // 30 % of class 0 labelled 1; nothing else.
  const { proba, given, flipped } = synthetic(4000, 5, 3, (c, rng) => (c === 0 && rng() < 0.3 ? 1 : null));
  const report = findLabelIssues(proba, { kind: 'single', y: given }, LABELS5);
  assert.equal(report.kind, 'single');
  const { counts } = report.joint;
  // Given 1, confidently 0: the largest off-diagonal cell by far.
  let largest = -1;
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) if (i !== j && (largest === -1 || counts[i * 5 + j] > counts[largest])) largest = i * 5 + j;
  assert.equal(largest, 1 * 5 + 0);
  const { precision, recall } = precisionRecall(
    report.issues.map((i) => i.row),
    flipped,
  );
  t.diagnostic(`precision ${precision.toFixed(3)} recall ${recall.toFixed(3)}`);
  assert.ok(precision > 0.65 && recall > 0.65, `precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`);
});

test('clean labels give few issues', (t) => {
  const { proba, given } = synthetic(3000, 5, 4, () => null);
  const report = findLabelIssues(proba, { kind: 'single', y: given }, LABELS5);
  // Only the model's own confident mistakes can be flagged (no label is wrong).
  t.diagnostic(`${report.issues.length} issues among 3000 clean rows`);
  assert.ok(report.issues.length / 3000 < 0.06, `${report.issues.length} issues among 3000 clean rows`);
});

test('multilabel: flipped cells (added or dropped labels) are found per (row, label)', (t) => {
  const n = 3000;
  const K = 4;
  const rng = createRng(5);
  const proba = new Float32Array(n * K);
  const given = new Uint8Array(n * K);
  const flipped = new Uint8Array(n * K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const present = rng() < 0.3 ? 1 : 0;
      const z = (present ? 2.2 : -2.2) + 1.3 * gaussian(rng);
      proba[i * K + k] = 1 / (1 + Math.exp(-z));
      const flip = rng() < 0.05;
      given[i * K + k] = flip ? 1 - present : present;
      flipped[i * K + k] = flip ? 1 : 0;
    }
  }
  const report = findLabelIssues(proba, { kind: 'multi', y: given, numLabels: K }, ['w', 'x', 'y', 'z']);
  assert.equal(report.kind, 'multi');
  assert.equal(report.joints.length, K);
  const cells = report.issues.map((c) => c.row * K + c.label);
  const { precision, recall } = precisionRecall(cells, flipped);
  t.diagnostic(`precision ${precision.toFixed(3)} recall ${recall.toFixed(3)} (${report.issues.length} cells flagged)`);
  assert.ok(precision > 0.65 && recall > 0.6, `precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`);
  for (const c of report.issues) {
    assert.equal(c.given, given[c.row * K + c.label]);
    assert.equal(c.suggested, 1 - c.given);
    const p = proba[c.row * K + c.label];
    assert.ok(Math.abs(c.selfConfidence - (c.given ? p : 1 - p)) < 1e-6);
  }
});

test('multilabel cell issues grouped per row: given set, suggested set with the cells flipped', () => {
  const labels = ['a', 'b', 'c'];
  // Row 0 given {a}; the model is sure of b and unsure of a. Rows 1–40: clean and confident.
  const n = 41;
  const proba = new Float32Array(n * 3);
  const y = new Uint8Array(n * 3);
  proba.set([0.02, 0.99, 0.1], 0);
  y.set([1, 0, 0], 0);
  for (let i = 1; i < n; i++) {
    const k = i % 3;
    for (let j = 0; j < 3; j++) proba[i * 3 + j] = j === k ? 0.9 : 0.05;
    y[i * 3 + k] = 1;
  }
  const report = findLabelIssues(proba, { kind: 'multi', y, numLabels: 3 }, labels);
  assert.equal(report.kind, 'multi');
  const rows = groupCellIssuesByRow(report.kind === 'multi' ? report.issues : [], { y, numLabels: 3 }, labels);
  assert.equal(rows.length, 1);
  assert.deepEqual(
    { row: rows[0].row, given: rows[0].given, suggested: rows[0].suggested, cells: rows[0].cells.length },
    { row: 0, given: ['a'], suggested: ['b'], cells: 2 },
  );
  assert.ok(Math.abs(rows[0].score - 0.99) < 1e-6);
});

test('bad shapes are refused with the numbers', () => {
  const proba = new Float32Array(6);
  assert.throws(() => findLabelIssues(proba, { kind: 'single', y: new Int32Array(3) }, ['a', 'b', 'c', 'd']), /not a multiple of 4/);
  assert.throws(() => findLabelIssues(proba, { kind: 'single', y: new Int32Array(2) }, ['a', 'b']), /2 targets for 3 probability rows/);
  assert.throws(() => findLabelIssues(proba, { kind: 'single', y: Int32Array.from([0, 5, 1]) }, ['a', 'b']), /row 1: label index 5/);
  assert.throws(() => findLabelIssues(proba, { kind: 'multi', y: new Uint8Array(6), numLabels: 3 }, ['a', 'b']), /multilabel targets/);
});
