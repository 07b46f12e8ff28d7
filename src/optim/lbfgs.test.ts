import { test } from 'node:test';
import assert from 'node:assert/strict';

import { minimizeLbfgs, type LbfgsResult, type Objective } from './lbfgs.js';

/** Chained Rosenbrock: Σ 100 (x[i+1] − x[i]²)² + (1 − x[i])²; minimum 0 at all ones. */
const rosenbrock: Objective = (x, g) => {
  g.fill(0);
  let f = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * x[i] * a - 2 * b;
    g[i + 1] += 200 * a;
  }
  return f;
};

/** Extended Rosenbrock (Moré, Garbow & Hillstrom): independent pairs; unique minimum at all ones. */
const extendedRosenbrock: Objective = (x, g) => {
  let f = 0;
  for (let i = 0; i + 1 < x.length; i += 2) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] = -400 * x[i] * a - 2 * b;
    g[i + 1] = 200 * a;
  }
  return f;
};

/** The usual start: (−1.2, 1, −1.2, 1, …). */
function usualStart(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
}

function maxAbsDiff(x: Float64Array, target: (i: number) => number): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - target(i)));
  return m;
}

/** Runs the minimizer and checks that the reported values decrease monotonically. */
function run(f: Objective, x0: Float64Array, maxIter: number, gradTol: number, relTol?: number): { r: LbfgsResult; values: number[] } {
  const values: number[] = [];
  const iters: number[] = [];
  const r = minimizeLbfgs(f, x0, {
    maxIter,
    gradTol,
    relTol,
    onIteration: (it, v, gInf) => {
      iters.push(it);
      values.push(v);
      assert.ok(Number.isFinite(v) && Number.isFinite(gInf));
    },
  });
  assert.deepEqual(iters, Array.from({ length: iters.length }, (_, i) => i + 1), 'onIteration counts 1, 2, 3, …');
  for (let i = 1; i < values.length; i++) assert.ok(values[i] <= values[i - 1], `value rose at iteration ${i + 1}: ${values[i - 1]} → ${values[i]}`);
  // The reported value is f at the returned point.
  const g = new Float64Array(x0.length);
  assert.equal(r.value, f(Float64Array.from(r.x), g));
  return { r, values };
}

test('Rosenbrock 2-D from (−1.2, 1)', () => {
  const x0 = usualStart(2);
  const { r } = run(rosenbrock, x0, 1000, 1e-10);
  assert.equal(r.converged, true);
  assert.ok(r.reason === 'gradient' || r.reason === 'relative-decrease', r.reason);
  assert.ok(maxAbsDiff(r.x, () => 1) <= 1e-6, `x = ${Array.from(r.x)}`);
  assert.ok(r.value <= 1e-12);
  assert.ok(r.iterations < 200, `${r.iterations} iterations`);
  assert.deepEqual(Array.from(x0), [-1.2, 1], 'x0 is not modified');
});

test('Rosenbrock 10-D (chained and extended) from (−1.2, 1, …)', () => {
  for (const f of [rosenbrock, extendedRosenbrock]) {
    const { r } = run(f, usualStart(10), 2000, 1e-10);
    assert.equal(r.converged, true);
    assert.ok(maxAbsDiff(r.x, () => 1) <= 1e-6, `x = ${Array.from(r.x)}`);
    assert.ok(r.value <= 1e-12);
  }
});

test('convex quadratic with condition number 1e4', () => {
  // f(x) = ½ (x − c)ᵀ A (x − c), A = Q Λ Qᵀ with Q a Householder reflection and Λ log-spaced in [1, 1e4].
  const n = 50;
  const lambda = Float64Array.from({ length: n }, (_, i) => Math.pow(1e4, i / (n - 1)));
  const v = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1) + 0.5);
  const vv = v.reduce((s, a) => s + a * a, 0);
  const c = Float64Array.from({ length: n }, (_, i) => Math.cos(3 * i) * 2);
  const u = new Float64Array(n);
  const quad: Objective = (x, g) => {
    // u = Qᵀ (x − c); g = Q Λ u; f = ½ uᵀ Λ u. (Q is symmetric and orthogonal.)
    let vd = 0;
    for (let i = 0; i < n; i++) vd += v[i] * (x[i] - c[i]);
    for (let i = 0; i < n; i++) u[i] = x[i] - c[i] - (2 * vd * v[i]) / vv;
    let f = 0;
    let vl = 0;
    for (let i = 0; i < n; i++) {
      f += 0.5 * lambda[i] * u[i] * u[i];
      vl += v[i] * lambda[i] * u[i];
    }
    for (let i = 0; i < n; i++) g[i] = lambda[i] * u[i] - (2 * vl * v[i]) / vv;
    return f;
  };
  const { r } = run(quad, new Float64Array(n), 5000, 1e-9);
  assert.equal(r.converged, true);
  assert.equal(r.reason, 'gradient');
  // |x − c| ≤ |g| / λ_min, so a 1e-9 gradient pins x to ~1e-9.
  assert.ok(maxAbsDiff(r.x, (i) => c[i]) <= 1e-6, `max error ${maxAbsDiff(r.x, (i) => c[i])}`);
});

test('maxIter is respected and reported', () => {
  for (const maxIter of [1, 5, 20]) {
    const { r, values } = run(rosenbrock, usualStart(10), maxIter, 1e-12);
    assert.equal(r.iterations, maxIter);
    assert.equal(values.length, maxIter);
    assert.equal(r.converged, false);
    assert.equal(r.reason, 'max-iterations');
  }
});

test('a start at the minimum returns at once with reason "gradient"', () => {
  const { r, values } = run(rosenbrock, Float64Array.from([1, 1, 1]), 100, 1e-8);
  assert.equal(r.iterations, 0);
  assert.equal(values.length, 0);
  assert.equal(r.converged, true);
  assert.equal(r.reason, 'gradient');
  assert.deepEqual(Array.from(r.x), [1, 1, 1]);
});

test('a loose relTol stops with reason "relative-decrease"', () => {
  const { r } = run(rosenbrock, usualStart(2), 1000, 0, 1e-2);
  assert.equal(r.reason, 'relative-decrease');
  assert.equal(r.converged, true);
  assert.ok(r.iterations < 1000);
});

test('a gradient that points uphill ends in reason "line-search"', () => {
  // f = Σ x², but the "gradient" has the wrong sign: every search direction goes uphill.
  const liar: Objective = (x, g) => {
    let f = 0;
    for (let i = 0; i < x.length; i++) {
      f += x[i] * x[i];
      g[i] = -2 * x[i];
    }
    return f;
  };
  const r = minimizeLbfgs(liar, Float64Array.from([1, -2]), { maxIter: 50, gradTol: 1e-10 });
  assert.equal(r.reason, 'line-search');
  assert.equal(r.converged, false);
  assert.deepEqual(Array.from(r.x), [1, -2], 'no uphill step is taken');
  assert.equal(r.value, 5);
});
