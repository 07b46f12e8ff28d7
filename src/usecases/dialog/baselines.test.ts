import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baselines, baselinesTable, priorOf } from './baselines.js';
import { manifestBaselines, nextTurnBaselines } from './next-turn-baselines.js';

const labels = ['none', 'joy', 'anger'];
// 6 none, 3 joy, 1 anger.
const y = Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1, 1, 2]);

test('majority: always the most frequent training label; balanced accuracy 1/classes present', () => {
  const b = baselines(labels, { none: 0.8, joy: 0.15, anger: 0.05 }, y);
  assert.equal(b.majority_label, 'none');
  assert.equal(b.majority.accuracy, 0.6);
  assert.ok(Math.abs(b.majority.balanced_accuracy - 1 / 3) < 1e-12);
  // F1 of "none": precision 0.6, recall 1 → 0.75; the others 0.
  assert.ok(Math.abs(b.majority.macro_f1 - 0.25) < 1e-12);
});

test('stratified: seeded and repeatable; close to its expectation (mean recall = mean prior)', () => {
  const prior = { none: 0.5, joy: 0.3, anger: 0.2 };
  const big = Int32Array.from({ length: 3000 }, (_, i) => i % 3);
  const a = baselines(labels, prior, big, 7);
  assert.deepEqual(baselines(labels, prior, big, 7), a);
  assert.notDeepEqual(baselines(labels, prior, big, 8).stratified, a.stratified);
  assert.ok(Math.abs(a.stratified.balanced_accuracy - 1 / 3) < 0.01, String(a.stratified.balanced_accuracy));
  assert.ok(Math.abs(a.stratified.accuracy - 1 / 3) < 0.01);
  assert.equal(a.stratified.draws, 20);
  // All mass on one label: the stratified guesser is the majority guesser.
  const degenerate = baselines(labels, { none: 0, joy: 1, anger: 0 }, y);
  assert.equal(degenerate.majority_label, 'joy');
  assert.ok(Math.abs(degenerate.stratified.accuracy - degenerate.majority.accuracy) < 1e-12);
});

test('priorOf keeps the model label order and gives 0 to labels without rows; an empty prior is refused', () => {
  assert.deepEqual(priorOf(labels, { joy: 1, none: 3 }), { none: 0.75, joy: 0.25, anger: 0 });
  assert.throws(() => baselines(labels, { none: 0, joy: 0, anger: 0 }, y), RangeError);
});

test('only next-turn dialog models get baselines; eval reuses the stored prior', () => {
  const targets = { kind: 'single' as const, y };
  const counts = { none: 80, joy: 15, anger: 5 };
  assert.equal(nextTurnBaselines(undefined, labels, counts, targets, 1), null);
  assert.equal(nextTurnBaselines({ target: 'same_turn', contextTurns: 0, contextSeparator: '\n' }, labels, counts, targets, 1), null);
  const dev = nextTurnBaselines({ target: 'next_turn', contextTurns: 1, contextSeparator: '\n' }, labels, counts, targets, 1);
  assert.ok(dev);
  assert.deepEqual(dev.prior, { none: 0.8, joy: 0.15, anger: 0.05 });
  const manifest = { labels, dialog: { target: 'next_turn' }, metrics: { dev_baselines: dev }, training: {} };
  assert.deepEqual(manifestBaselines(manifest, targets), dev);
  // Older manifests: the training counts before resampling.
  const older = { labels, dialog: { target: 'next_turn' }, metrics: {}, training: { seed: 1, sampling: { before: counts }, label_counts: { train: { none: 1, joy: 1, anger: 1 } } } };
  assert.deepEqual(manifestBaselines(older, targets)?.prior, dev.prior);
  assert.equal(manifestBaselines({ ...manifest, dialog: undefined }, targets), null);
});

test('the table lists the model first and both baselines, balanced accuracy first', () => {
  const b = baselines(labels, { none: 0.8, joy: 0.15, anger: 0.05 }, y);
  const table = baselinesTable(b, { balanced_accuracy: 0.5, accuracy: 0.4, macro_f1: 0.3 });
  const lines = table.trimEnd().split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0], /balanced_acc\s+accuracy\s+macro_f1/);
  assert.match(lines[1], /this model\s+0\.5000\s+0\.4000\s+0\.3000/);
  assert.match(lines[2], /majority \("none"\)\s+0\.3333\s+0\.6000\s+0\.2500/);
  assert.match(lines[3], /stratified random \(20 draws\)/);
});
