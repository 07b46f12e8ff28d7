/**
 * Post-hoc probability calibration of a trained model, fitted on held-out data and stored in the
 * manifest so that every consumer (predict, eval, serve) sees the calibrated scores.
 *
 *  - temperature: one T for all labels (see temperature.ts); keeps the ranking.
 *  - isotonic: one monotone curve per label, fitted one-vs-rest like scikit-learn's
 *    CalibratedClassifierCV(method='isotonic'): binary calibrates the positive column and sets
 *    p₀ = 1 − p₁; multiclass calibrates each column and renormalises rows to sum to 1 (a row whose
 *    calibrated scores are all 0 becomes uniform); multilabel calibrates each label on its own.
 */
import type { Task, Targets } from '../data/targets.js';
import { fitIsotonic, predictIsotonic, type IsotonicCurve } from './isotonic.js';
import { applyTemperature, fitTemperature, type ScoreKind } from './temperature.js';

export type CalibrationMethod = 'temperature' | 'isotonic';

/** The manifest's `calibration` entry (plain JSON). */
export type CalibrationState =
  | { method: 'temperature'; temperature: number }
  | { method: 'isotonic'; curves: { x: number[]; y: number[] }[] };

function scoreKind(task: Task): ScoreKind {
  return task === 'multilabel' ? 'sigmoid' : 'softmax';
}

/** Column k of a 0/1 indicator of the truth. */
function indicatorColumn(targets: Targets, n: number, K: number, k: number): Float64Array {
  const col = new Float64Array(n);
  for (let i = 0; i < n; i++) col[i] = targets.kind === 'single' ? (targets.y[i] === k ? 1 : 0) : targets.y[i * K + k] !== 0 ? 1 : 0;
  return col;
}

function column(proba: ArrayLike<number>, n: number, K: number, k: number): Float64Array {
  const col = new Float64Array(n);
  for (let i = 0; i < n; i++) col[i] = proba[i * K + k];
  return col;
}

/** Fits a calibration map on held-out scores `proba` (n × K) and their true targets. */
export function fitCalibration(method: CalibrationMethod, task: Task, proba: ArrayLike<number>, targets: Targets, n: number, K: number): CalibrationState {
  if (n === 0) throw new RangeError('calibration needs at least one held-out row');
  if (method === 'temperature') return { method, temperature: fitTemperature(proba, targets, n, K, scoreKind(task)).temperature };
  const curves: IsotonicCurve[] = [];
  const columns = task === 'binary' ? [1] : Array.from({ length: K }, (_, k) => k);
  for (const k of columns) curves.push(fitIsotonic(column(proba, n, K, k), indicatorColumn(targets, n, K, k)));
  return { method, curves: curves.map((c) => ({ x: Array.from(c.x), y: Array.from(c.y) })) };
}

/** Calibrated scores in the same n × K layout. */
export function applyCalibration(state: CalibrationState, task: Task, proba: ArrayLike<number>, n: number, K: number): Float32Array {
  if (state.method === 'temperature') return applyTemperature(proba, n, K, scoreKind(task), state.temperature);
  const curves: IsotonicCurve[] = state.curves.map((c) => ({ x: Float64Array.from(c.x), y: Float64Array.from(c.y) }));
  const out = new Float32Array(n * K);
  if (task === 'binary') {
    if (K !== 2 || curves.length !== 1) throw new RangeError('binary isotonic calibration needs 2 labels and 1 curve');
    for (let i = 0; i < n; i++) {
      const p1 = predictIsotonic(curves[0], proba[i * 2 + 1]);
      out[i * 2] = 1 - p1;
      out[i * 2 + 1] = p1;
    }
    return out;
  }
  if (curves.length !== K) throw new RangeError(`isotonic calibration has ${curves.length} curves for ${K} labels`);
  for (let i = 0, row = 0; i < n; i++, row += K) {
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const p = predictIsotonic(curves[k], proba[row + k]);
      out[row + k] = p;
      sum += p;
    }
    if (task === 'multiclass') {
      for (let k = 0; k < K; k++) out[row + k] = sum > 0 ? out[row + k] / sum : 1 / K;
    }
  }
  return out;
}
