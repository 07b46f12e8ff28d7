import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../errors.js';
import type { ScoredCatalog } from './catalog-scores.js';
import { jsDistance, mix, normalize, oneHot } from './distribution.js';
import { labelIndex, recommendForTarget, recommendPath } from './recommend.js';

const LABELS = ['anger', 'fear', 'sadness', 'joy'];

/** A scored catalog from hand-made distributions (ids i0, i1, …). */
function catalog(distributions: number[][]): ScoredCatalog {
  return {
    labels: LABELS,
    modelKey: 'test',
    items: distributions.map((_, i) => ({ id: `i${i}`, title: `item ${i}`, text: `text ${i}`, extra: {}, line: i + 2 })),
    distributions: distributions.map(normalize),
    build: { items: distributions.length, scored: distributions.length, reused: 0, newItems: distributions.length, changedItems: 0, removedItems: 0, prunedScores: 0, prunedModels: 0 },
  };
}

describe('distributions', () => {
  test('Jensen–Shannon distance: 0 for equal, 1 for disjoint, symmetric, and a metric on a sample', () => {
    const p = [0.7, 0.1, 0.1, 0.1];
    const q = [0.1, 0.2, 0.3, 0.4];
    const r = [0.25, 0.25, 0.25, 0.25];
    assert.equal(jsDistance(p, p), 0);
    assert.ok(Math.abs(jsDistance([1, 0], [0, 1]) - 1) < 1e-12);
    assert.equal(jsDistance(p, q), jsDistance(q, p));
    assert.ok(jsDistance(p, q) <= jsDistance(p, r) + jsDistance(r, q) + 1e-12, 'triangle inequality');
    assert.ok(jsDistance(oneHot(4, 3), q) > 0 && jsDistance(oneHot(4, 3), q) < 1, 'finite against a one-hot');
  });

  test('normalize scales sigmoid scores to a distribution; mix walks the line', () => {
    normalize([0.9, 0.3, 0.3, 0.0]).forEach((x, i) => assert.ok(Math.abs(x - [0.6, 0.2, 0.2, 0][i]) < 1e-12));
    assert.deepEqual(normalize([0, 0]), [0.5, 0.5]);
    assert.deepEqual(mix([1, 0], [0, 1], 0.25), [0.75, 0.25]);
  });
});

describe('recommendForTarget', () => {
  test('ranks by the target probability, with the why of each pick', () => {
    const scored = catalog([
      [0.1, 0.1, 0.1, 0.7],
      [0.05, 0.05, 0.05, 0.85],
      [0.6, 0.2, 0.1, 0.1],
      [0.2, 0.2, 0.2, 0.4],
    ]);
    const picks = recommendForTarget(scored, 'joy', { n: 3, seed: 1 });
    assert.deepEqual(picks.map((p) => p.id), ['i1', 'i0', 'i3']);
    assert.deepEqual(picks.map((p) => p.rank), [1, 2, 3]);
    assert.equal(picks[0].score, 0.85);
    assert.equal(picks[0].top_label, 'joy');
    assert.deepEqual(picks[0].distribution, { anger: 0.05, fear: 0.05, sadness: 0.05, joy: 0.85 });
    assert.equal(picks[0].why.kind, 'match');
    assert.equal(picks[0].why.target, 'joy');
    assert.match(picks[0].why.summary, /joy 85\.0%/);
  });

  test('a tie goes to the item least like those already picked', () => {
    // i0 opens (0.90). i1 and i2 tie on joy (0.80 vs 0.79): i1 is a copy of i0's mood, i2 leans sad.
    const scored = catalog([
      [0.05, 0.05, 0.0, 0.9],
      [0.1, 0.1, 0.0, 0.8],
      [0.0, 0.0, 0.21, 0.79],
    ]);
    const picks = recommendForTarget(scored, 'joy', { n: 3, seed: 0 });
    assert.deepEqual(picks.map((p) => p.id), ['i0', 'i2', 'i1']);
    const why = picks[1].why;
    assert.equal(why.kind, 'match');
    if (why.kind === 'match') {
      assert.equal(why.tied_with, 2);
      assert.ok(why.diversity !== undefined && why.diversity > 0);
      assert.match(why.summary, /most unlike/);
    }
    // Without a tie margin the plain order wins.
    assert.deepEqual(recommendForTarget(scored, 'joy', { n: 3, seed: 0, tieMargin: 0 }).map((p) => p.id), ['i0', 'i1', 'i2']);
  });

  test('exact ties are settled by the seed: the same seed repeats, seeds differ', () => {
    const scored = catalog(Array.from({ length: 12 }, () => [0.25, 0.25, 0.25, 0.25]));
    const a = recommendForTarget(scored, 'joy', { n: 12, seed: 5 }).map((p) => p.id);
    assert.deepEqual(recommendForTarget(scored, 'joy', { n: 12, seed: 5 }).map((p) => p.id), a);
    assert.notDeepEqual(recommendForTarget(scored, 'joy', { n: 12, seed: 6 }).map((p) => p.id), a);
    assert.equal(new Set(a).size, 12, 'no item twice');
  });

  test('n larger than the catalog returns every item once; unknown targets list the labels', () => {
    const scored = catalog([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
    ]);
    assert.equal(recommendForTarget(scored, 'JOY', { n: 10, seed: 0 }).length, 2, 'labels match case-insensitively');
    assert.throws(() => recommendForTarget(scored, 'love', { n: 1, seed: 0 }), (e: unknown) => e instanceof UsageError && /"love" is not a label.*anger, fear, sadness, joy/.test(e.message));
    assert.equal(labelIndex(LABELS, 'sadness'), 2);
  });
});

describe('recommendPath', () => {
  // A catalog spread from sad to joyful in even steps, plus an angry outlier.
  const ladder = [0, 0.2, 0.4, 0.6, 0.8, 1].map((j) => [0, 0, 1 - j, j]);
  const scored = catalog([...ladder, [0.9, 0.1, 0, 0]]);
  const sadText = [0.01, 0.01, 0.96, 0.02];

  test('starts at the detected mood, ends at the target, and moves monotonically', () => {
    const picks = recommendPath(scored, sadText, 'joy', { n: 5, seed: 0 });
    assert.equal(picks.length, 5);
    const joy = picks.map((p) => p.distribution.joy);
    assert.equal(picks[0].id, 'i0', 'the first item is the one nearest to how the listener feels (sad)');
    assert.equal(picks[4].id, 'i5', 'the last is the most joyful');
    for (let i = 1; i < joy.length; i++) assert.ok(joy[i] > joy[i - 1], `joy rises along the path: ${joy.join(', ')}`);
    assert.ok(!picks.some((p) => p.id === 'i6'), 'the angry item is never on a sad → joy path');
    const first = picks[0].why;
    const last = picks[4].why;
    assert.equal(first.kind, 'path');
    assert.equal(last.kind, 'path');
    if (first.kind === 'path' && last.kind === 'path') {
      assert.equal(first.progress, 0);
      assert.equal(last.progress, 1);
      assert.deepEqual(last.goal, { anger: 0, fear: 0, sadness: 0, joy: 1 });
      assert.equal(first.step, 1);
      assert.equal(first.steps, 5);
      assert.ok(Math.abs(picks[0].score - (1 - first.distance)) < 1e-3, 'score = 1 − distance');
      assert.match(first.summary, /step 1 of 5: aims at your detected mood \(mostly sadness\)/);
    }
  });

  test('never repeats an item, and stops when the catalog runs out', () => {
    const picks = recommendPath(scored, sadText, 'joy', { n: 20, seed: 3 });
    assert.equal(picks.length, 7);
    assert.equal(new Set(picks.map((p) => p.id)).size, 7);
  });

  test('a path of one is the item closest to the target', () => {
    assert.deepEqual(recommendPath(scored, sadText, 'joy', { n: 1, seed: 0 }).map((p) => p.id), ['i5']);
  });
});
