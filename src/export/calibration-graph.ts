import type { CalibrationState } from '../calibration/calibrator.js';
import type { Task } from '../data/targets.js';
import { axes, complementColumns, normalizeRows, roundToFloat32, scalarDouble } from './graph-parts.js';
import { doubleTensor, int64Tensor, type GraphBuilder } from './onnx-model.js';

/** src/calibration/temperature.ts clips probabilities here before taking logs. */
const P_EPS = 1e-7;

/**
 * The manifest's calibration map as graph nodes on [batch, K] float64 probabilities, computing
 * what src/calibration/calibrator.ts `applyCalibration` computes from the inner model's scores.
 */
export function appendCalibration(g: GraphBuilder, proba: string, state: CalibrationState, task: Task, numLabels: number): string {
  const p = roundToFloat32(g, proba);
  return state.method === 'temperature' ? temperature(g, p, state.temperature, task) : isotonic(g, p, state.curves, task, numLabels);
}

/** Logits recovered from clipped probabilities, divided by T: softmax rows, or per-cell sigmoids for multilabel. */
function temperature(g: GraphBuilder, p: string, T: number, task: Task): string {
  const clipped = g.op('Max', [g.op('Min', [p, scalarDouble(g, 'p_max', 1 - P_EPS)]), scalarDouble(g, 'p_min', P_EPS)]);
  const beta = scalarDouble(g, 'inverse_temperature', 1 / T);
  if (task === 'multilabel') {
    const logit = g.op('Log', [g.op('Div', [clipped, g.op('Sub', [scalarDouble(g, 'one_t', 1), clipped])])]);
    return g.op('Sigmoid', [g.op('Mul', [logit, beta])]);
  }
  return g.op('Softmax', [g.op('Mul', [g.op('Log', [clipped]), beta])], { axis: { kind: 'int', value: -1 } });
}

/**
 * Isotonic curves as sums of clamped linear pieces: f(v) = y₀ + Σ_j s_j · (clamp(v, x_j, x_{j+1}) − x_j)
 * with s_j the slope of segment j, which is numpy's interp with clipping at both ends. Curves of
 * different lengths are padded with empty segments (x_j = x_{j+1}, s_j = 0).
 */
function isotonic(g: GraphBuilder, p: string, curves: readonly { x: number[]; y: number[] }[], task: Task, numLabels: number): string {
  if (task === 'binary') {
    // One curve, on the positive column; the other is its complement.
    const positive = g.op('Gather', [p, g.initializer('positive_column', int64Tensor([1], [1]))], { axis: { kind: 'int', value: 1 } });
    return complementColumns(g, isotonicColumns(g, positive, curves.slice(0, 1)));
  }
  const calibrated = isotonicColumns(g, p, curves);
  return task === 'multiclass' ? normalizeRows(g, calibrated, numLabels, 'uniform') : calibrated;
}

function isotonicColumns(g: GraphBuilder, v: string, curves: readonly { x: number[]; y: number[] }[]): string {
  // An empty curve is the identity (predictIsotonic returns v): on [0, 1] that is the segment (0,0)–(1,1).
  const pieces = curves.map((c) => (c.x.length === 0 ? { x: [0, 1], y: [0, 1] } : c));
  const K = pieces.length;
  const M = Math.max(1, ...pieces.map((c) => c.x.length - 1));
  const lo = new Float64Array(K * M);
  const hi = new Float64Array(K * M);
  const slope = new Float64Array(K * M);
  const y0 = new Float64Array(K);
  pieces.forEach((c, k) => {
    y0[k] = c.y[0];
    const last = c.x[c.x.length - 1];
    for (let j = 0; j < M; j++) {
      const at = k * M + j;
      if (j + 1 < c.x.length) {
        lo[at] = c.x[j];
        hi[at] = c.x[j + 1];
        slope[at] = (c.y[j + 1] - c.y[j]) / (c.x[j + 1] - c.x[j]);
      } else {
        lo[at] = hi[at] = last;
      }
    }
  });
  const X0 = g.initializer('isotonic_x_lo', doubleTensor([K, M], lo));
  const X1 = g.initializer('isotonic_x_hi', doubleTensor([K, M], hi));
  const S = g.initializer('isotonic_slope', doubleTensor([K, M], slope));
  const Y0 = g.initializer('isotonic_y0', doubleTensor([K], y0));
  const cells = g.op('Unsqueeze', [v, axes(g, [2])]);
  const clamped = g.op('Max', [g.op('Min', [cells, X1]), X0]);
  const rise = g.op('Mul', [g.op('Sub', [clamped, X0]), S]);
  return g.op('Add', [g.op('ReduceSum', [rise, axes(g, [2])], { keepdims: { kind: 'int', value: 0 } }), Y0]);
}
