import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { applyCalibration, fitCalibration } from './calibrator.js';
import { fitIsotonic, predictIsotonic } from './isotonic.js';
import { applyTemperature, fitTemperature } from './temperature.js';
import type { Targets } from '../data/targets.js';

interface IsoCase { name: string; x: number[]; y: number[]; weights: number[] | null; grid: number[]; predicted: number[]; breakpoints_x: number[]; breakpoints_y: number[] }
interface TempCase { name: string; kind: 'softmax' | 'sigmoid'; n: number; K: number; proba: number[]; y: number[]; temperature: number; nll_before: number; nll_after: number }
const golden = JSON.parse(fs.readFileSync(fileURLToPath(new URL('../../test/golden/calibration.json', import.meta.url)), 'utf8')) as { isotonic: IsoCase[]; temperature: TempCase[] };

for (const c of golden.isotonic) {
  test(`isotonic matches sklearn IsotonicRegression: ${c.name}`, () => {
    const curve = fitIsotonic(Float32Array.from(c.x), c.y, c.weights ?? undefined);
    assert.equal(curve.x.length, c.breakpoints_x.length);
    for (let j = 0; j < curve.x.length; j++) {
      assert.ok(Math.abs(curve.x[j] - c.breakpoints_x[j]) < 1e-12, `x[${j}]`);
      assert.ok(Math.abs(curve.y[j] - c.breakpoints_y[j]) < 1e-9, `y[${j}] ${curve.y[j]} vs ${c.breakpoints_y[j]}`);
    }
    c.grid.forEach((v, j) => assert.ok(Math.abs(predictIsotonic(curve, v) - c.predicted[j]) < 1e-9, `predict(${v})`));
  });
}

function targetsOf(c: TempCase): Targets {
  return c.kind === 'softmax' ? { kind: 'single', y: Int32Array.from(c.y) } : { kind: 'multi', y: Uint8Array.from(c.y), numLabels: c.K };
}

for (const c of golden.temperature) {
  test(`temperature scaling finds scipy's minimum: ${c.name}`, () => {
    const fit = fitTemperature(Float32Array.from(c.proba), targetsOf(c), c.n, c.K, c.kind);
    assert.ok(Math.abs(fit.nllBefore - c.nll_before) < 1e-9, `nll before ${fit.nllBefore} vs ${c.nll_before}`);
    assert.ok(Math.abs(fit.temperature - c.temperature) / c.temperature < 1e-6, `T ${fit.temperature} vs ${c.temperature}`);
    assert.ok(Math.abs(fit.nllAfter - c.nll_after) < 1e-9, `nll after ${fit.nllAfter} vs ${c.nll_after}`);
    assert.ok(fit.nllAfter < fit.nllBefore);
  });
}

test('temperature scaling keeps every row argmax and sums to 1', () => {
  const c = golden.temperature[0];
  const p = Float32Array.from(c.proba);
  const q = applyTemperature(p, c.n, c.K, 'softmax', 2.5);
  for (let i = 0; i < c.n; i++) {
    const row = p.subarray(i * c.K, (i + 1) * c.K);
    const crow = q.subarray(i * c.K, (i + 1) * c.K);
    assert.equal(crow.indexOf(Math.max(...crow)), row.indexOf(Math.max(...row)));
    assert.ok(Math.abs(crow.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  }
});

test('overconfident scores get T > 1, underconfident T < 1', () => {
  const [over, under] = golden.temperature;
  assert.ok(fitTemperature(Float32Array.from(over.proba), targetsOf(over), over.n, over.K, 'softmax').temperature > 1);
  assert.ok(fitTemperature(Float32Array.from(under.proba), targetsOf(under), under.n, under.K, 'softmax').temperature < 1);
});

test('isotonic calibration: binary sets p0 = 1 − p1, multiclass rows sum to 1, multilabel is per label', () => {
  const bin = Float32Array.from([0.9, 0.1, 0.6, 0.4, 0.3, 0.7, 0.2, 0.8]);
  const binState = fitCalibration('isotonic', 'binary', bin, { kind: 'single', y: Int32Array.from([0, 1, 1, 1]) }, 4, 2);
  assert.equal(binState.method === 'isotonic' && binState.curves.length, 1);
  const calibrated = applyCalibration(binState, 'binary', bin, 4, 2);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(calibrated[2 * i] + calibrated[2 * i + 1] - 1) < 1e-6);
  // Positives at 0.4, 0.7, 0.8 and the negative at 0.1: a perfect ranking maps to 0 and 1.
  assert.deepEqual(Array.from(calibrated.filter((_, j) => j % 2 === 1)), [0, 1, 1, 1]);

  const multi = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4]);
  const mState = fitCalibration('isotonic', 'multiclass', multi, { kind: 'single', y: Int32Array.from([0, 1, 2]) }, 3, 3);
  const mOut = applyCalibration(mState, 'multiclass', multi, 3, 3);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(mOut[3 * i] + mOut[3 * i + 1] + mOut[3 * i + 2] - 1) < 1e-6);

  const ml = Float32Array.from([0.9, 0.2, 0.6, 0.7, 0.1, 0.1]);
  const mlState = fitCalibration('isotonic', 'multilabel', ml, { kind: 'multi', y: Uint8Array.from([1, 0, 0, 1, 0, 0]), numLabels: 2 }, 3, 2);
  assert.deepEqual(Array.from(applyCalibration(mlState, 'multilabel', ml, 3, 2)), [1, 0, 0, 1, 0, 0]);
});

test('calibration refuses empty held-out data', () => {
  assert.throws(() => fitCalibration('temperature', 'binary', new Float32Array(0), { kind: 'single', y: new Int32Array(0) }, 0, 2), RangeError);
});
