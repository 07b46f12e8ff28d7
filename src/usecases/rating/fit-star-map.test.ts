import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../util/random.js';
import { chooseStarMap, fitStarMap, STAR_MAP_METHODS } from './fit-star-map.js';
import { meanAbsoluteError } from './rating-metrics.js';
import { applyStarMap, naiveStars, starMapProblem, type StarMap } from './star-map.js';

test('the naive rule rounds the probability to a tenth and clamps to 1-10', () => {
  assert.deepEqual([0, 0.04, 0.05, 0.14, 0.15, 0.5, 0.94, 0.95, 1].map(naiveStars), [1, 1, 1, 1, 2, 5, 9, 10, 10]);
});

test('a map gives stars[j] for j cuts at or below the score', () => {
  const map: StarMap = { cuts: [0.2, 0.5, 0.5, 0.9], stars: [1, 3, 4, 7, 9] };
  assert.deepEqual([0, 0.19, 0.2, 0.49, 0.5, 0.89, 0.9, 1].map((p) => applyStarMap(map, p)), [1, 1, 3, 3, 7, 7, 9, 9]);
  assert.equal(starMapProblem(map), null);
  assert.match(starMapProblem({ cuts: [0.5, 0.2], stars: [1, 2, 3] })!, /ascend/);
  assert.match(starMapProblem({ cuts: [0.5], stars: [5, 2] })!, /not decrease/);
  assert.match(starMapProblem({ cuts: [0.5], stars: [1, 11] })!, /whole number from 1 to 10/);
  assert.match(starMapProblem({ cuts: [], stars: [1, 2] })!, /one more star value/);
});

/** Every non-decreasing assignment of stars 1..10 to the distinct scores, by brute force. */
function bestMonotoneMae(scores: number[], stars: number[]): number {
  const distinct = [...new Set(scores)].sort((a, b) => a - b);
  let best = Infinity;
  const values = new Array<number>(distinct.length);
  const walk = (g: number, min: number): void => {
    if (g === distinct.length) {
      const predicted = scores.map((s) => values[distinct.indexOf(s)]);
      best = Math.min(best, meanAbsoluteError(predicted, stars));
      return;
    }
    for (let v = min; v <= 10; v++) {
      values[g] = v;
      walk(g + 1, v);
    }
  };
  walk(0, 1);
  return best;
}

test('median_isotonic is the exact least-absolute-error monotone step function (brute force)', () => {
  const rng = createRng(7);
  for (let trial = 0; trial < 20; trial++) {
    const n = 6 + Math.floor(rng() * 4);
    const scores = Array.from({ length: n }, () => Math.round(rng() * 5) / 5); // ties on purpose
    const stars = Array.from({ length: n }, () => 1 + Math.floor(rng() * 10));
    const map = fitStarMap('median_isotonic', scores, stars);
    const fitted = meanAbsoluteError(scores.map((s) => applyStarMap(map, s)), stars);
    assert.ok(Math.abs(fitted - bestMonotoneMae(scores, stars)) < 1e-12, `trial ${trial}: ${fitted}`);
    assert.equal(starMapProblem(map), null);
  }
});

/** Reviews whose stars rise with a noisy score, as a binary sentiment model's probability. */
function syntheticReviews(n: number, seed: number): { scores: number[]; stars: number[] } {
  const rng = createRng(seed);
  const levels = [1, 2, 3, 4, 7, 8, 9, 10];
  const scores: number[] = [];
  const stars: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = levels[Math.floor(rng() * levels.length)];
    const z = (s - 5.5) / 2 + (rng() + rng() + rng() - 1.5) * 1.5;
    scores.push(1 / (1 + Math.exp(-z)));
    stars.push(s);
  }
  return { scores, stars };
}

test('every method fits a valid monotone map, and the chosen one beats the naive rule on new data', () => {
  const fit = syntheticReviews(3000, 1);
  const held = syntheticReviews(2000, 2);
  for (const method of STAR_MAP_METHODS) assert.equal(starMapProblem(fitStarMap(method, fit.scores, fit.stars)), null, method);
  const chosen = chooseStarMap(fit.scores, fit.stars, { method: 'auto', folds: 5, seed: 42 });
  assert.equal(chosen.candidates.length, STAR_MAP_METHODS.length + 1);
  assert.ok(chosen.candidates.every((c, i) => i === 0 || chosen.candidates[i - 1].mae <= c.mae), 'candidates sorted by MAE');
  assert.equal(chosen.method, chosen.candidates.find((c) => c.method !== 'naive')!.method);
  const learnt = meanAbsoluteError(held.scores.map((p) => applyStarMap(chosen.map, p)), held.stars);
  const naive = meanAbsoluteError(held.scores.map(naiveStars), held.stars);
  assert.ok(learnt < naive, `learnt ${learnt} vs naive ${naive}`);
  // Deterministic: the same data and seed give the same map.
  assert.deepEqual(chooseStarMap(fit.scores, fit.stars, { method: 'auto', folds: 5, seed: 42 }).map, chosen.map);
});

test('a fixed method is kept even when another scores better', () => {
  const fit = syntheticReviews(500, 3);
  assert.equal(chooseStarMap(fit.scores, fit.stars, { method: 'quantile_match', folds: 3, seed: 1 }).method, 'quantile_match');
});
