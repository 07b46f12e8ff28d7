import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecipeError } from '../../errors.js';
import { evaluateMultiLabel } from '../../eval/metrics.js';
import { groupedReport } from './grouped-metrics.js';
import { chosenGroups, groupScores, PRESET_GROUPINGS, resolveGrouping, type Grouping } from './grouping.js';

const LABELS = ['anger', 'annoyance', 'joy', 'love', 'neutral'];
const MOOD: Grouping = { name: 'mood', groups: [{ name: 'cross', members: ['anger', 'annoyance'] }, { name: 'glad', members: ['joy', 'love'] }], unmapped: 'keep' };

describe('resolveGrouping', () => {
  it('maps labels to groups in order and keeps unmapped labels as groups of their own', () => {
    const r = resolveGrouping(MOOD, LABELS, 'multilabel');
    assert.deepEqual(r.groupNames, ['cross', 'glad', 'neutral']);
    assert.deepEqual([...r.groupOf], [0, 0, 1, 1, 2]);
  });

  it('leaves unmapped labels out with unmapped: drop (multilabel only)', () => {
    const r = resolveGrouping({ ...MOOD, unmapped: 'drop' }, LABELS, 'multilabel');
    assert.deepEqual(r.groupNames, ['cross', 'glad']);
    assert.equal(r.groupOf[4], -1);
    assert.throws(() => resolveGrouping({ ...MOOD, unmapped: 'drop' }, LABELS, 'multiclass'), /needs a multilabel model.*"neutral"/);
  });

  it('names the unknown label, the label in two groups, and a group clashing with a kept label', () => {
    assert.throws(() => resolveGrouping({ ...MOOD, groups: [{ name: 'x', members: ['rage'] }] }, LABELS, 'multilabel'), (e: Error) => e instanceof RecipeError && /groupings\.mood\.x: "rage" is not a label/.test(e.message));
    assert.throws(() => resolveGrouping({ ...MOOD, groups: [{ name: 'a', members: ['joy'] }, { name: 'b', members: ['joy'] }] }, LABELS, 'multilabel'), /"joy" is in both "a" and "b"/);
    assert.throws(() => resolveGrouping({ ...MOOD, groups: [{ name: 'neutral', members: ['joy'] }, { name: 'x', members: ['love'] }] }, ['joy', 'love', 'neutral'], 'multilabel'), /"neutral" is both a group and a label/);
  });

  it('the GoEmotions presets cover the 27 emotions once each, neutral left to unmapped', () => {
    for (const [name, preset] of Object.entries(PRESET_GROUPINGS)) {
      const members = preset.groups.flatMap((g) => g.members);
      assert.equal(members.length, 27, name);
      assert.equal(new Set(members).size, 27, name);
      assert.ok(!members.includes('neutral'), name);
    }
  });
});

describe('group scores and chosen groups', () => {
  const r = resolveGrouping(MOOD, LABELS, 'multilabel');
  const proba = Float32Array.from([0.2, 0.7, 0.9, 0.4, 0.1]);

  it('multilabel: a group scores as its best member; single-label: members add up', () => {
    assert.deepEqual([...groupScores(r, proba, 0, true)].map((x) => +x.toFixed(6)), [0.7, 0.9, 0.1]);
    assert.deepEqual([...groupScores(r, proba, 0, false)].map((x) => +x.toFixed(6)), [0.9, 1.3, 0.1]);
  });

  it('a group is chosen exactly when one of its members is, best group first, with those members', () => {
    const scores = groupScores(r, proba, 0, true);
    assert.deepEqual(chosenGroups(r, LABELS, [2, 1], scores), [
      { group: 'glad', score: scores[1], labels: ['joy'] },
      { group: 'cross', score: scores[0], labels: ['annoyance'] },
    ]);
    assert.deepEqual(chosenGroups(r, LABELS, [], scores), []);
  });
});

describe('groupedReport', () => {
  it('multilabel: equals evaluating the OR-ed indicator matrices', () => {
    const r = resolveGrouping(MOOD, LABELS, 'multilabel');
    // 3 texts × 5 labels; thresholds 0.5.
    const proba = Float32Array.from([0.9, 0.1, 0.2, 0.1, 0.1, /**/ 0.1, 0.1, 0.6, 0.7, 0.2, /**/ 0.1, 0.6, 0.1, 0.1, 0.8]);
    const truth = Uint8Array.from([0, 1, 0, 0, 0, /**/ 0, 0, 0, 1, 0, /**/ 0, 0, 1, 0, 1]);
    const report = groupedReport('multilabel', LABELS, { kind: 'multi', y: truth, numLabels: 5 }, proba, { kind: 'thresholds', thresholds: [0.5, 0.5, 0.5, 0.5, 0.5], tunedOn: 'none' }, r);
    const groupedTruth = Uint8Array.from([1, 0, 0, /**/ 0, 1, 0, /**/ 0, 1, 1]);
    const groupedPred = Uint8Array.from([1, 0, 0, /**/ 0, 1, 0, /**/ 1, 0, 1]);
    const expected = evaluateMultiLabel(groupedTruth, groupedPred, Float32Array.from([0.9, 0.2, 0.1, 0.1, 0.7, 0.2, 0.6, 0.1, 0.8]), ['cross', 'glad', 'neutral']);
    assert.deepEqual(report, expected);
    assert.equal(report.accuracy, 2 / 3);
  });

  it('single-label: the group of the top label against the group of the true label', () => {
    const labels = ['anger', 'joy', 'love'];
    const r = resolveGrouping({ name: 'g', groups: [{ name: 'neg', members: ['anger'] }, { name: 'pos', members: ['joy', 'love'] }], unmapped: 'keep' }, labels, 'multiclass');
    // Text 2 is love predicted as joy: wrong label, right group.
    const proba = Float32Array.from([0.8, 0.1, 0.1, /**/ 0.1, 0.5, 0.4, /**/ 0.6, 0.2, 0.2]);
    const report = groupedReport('multiclass', labels, { kind: 'single', y: Int32Array.from([0, 2, 1]) }, proba, { kind: 'argmax' }, r);
    assert.deepEqual(report.labels, ['neg', 'pos']);
    assert.equal(report.accuracy, 2 / 3);
  });
});
