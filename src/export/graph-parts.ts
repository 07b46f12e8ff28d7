import { DataType, doubleTensor, GraphBuilder, int64Tensor, type ElemType } from './onnx-model.js';

/**
 * Building blocks of the exported graphs. They compute in the precision our TypeScript does:
 * TF-IDF models sum float32 weights × float32 values in float64 (so the graph's weights are
 * float64 copies of them), fastText sums its float32 rows in float32, and everything after the
 * raw scores (links, Platt sigmoids, calibration) runs in float64. A float32 graph agrees to
 * ~1e-6 on most texts, but an isotonic curve's steep steps turn a last-bit difference of a score
 * into differences above 1e-5.
 */

/** The graph inputs every exported model takes. */
export const FEATURE_IDS = 'feature_ids';
export const FEATURE_VALUES = 'feature_values';
export const PROBABILITIES = 'probabilities';

export function axes(g: GraphBuilder, values: readonly number[]): string {
  return g.constant(`axes_${values.join('_')}`, () => int64Tensor([values.length], values));
}

/** A float64 scalar; equal values share one initializer (named after the first use). */
export function scalarDouble(g: GraphBuilder, name: string, value: number): string {
  return g.constant(`double_${value}`, () => doubleTensor([], [value]), name);
}

export function cast(g: GraphBuilder, x: string, to: ElemType): string {
  return g.op('Cast', [x], { to: { kind: 'int', value: to } });
}

/**
 * Σ_j values[b, j] · rows[ids[b, j]] over the padded features of each text: [batch, n] ids and
 * `values` against a [rows, width] matrix give [batch, width], in the matrix's type. Padding
 * (id 0, value 0) adds nothing.
 */
export function weightedRowSum(g: GraphBuilder, matrix: string, values: string): string {
  const gathered = g.op('Gather', [matrix, FEATURE_IDS], { axis: { kind: 'int', value: 0 } });
  const products = g.op('Mul', [gathered, g.op('Unsqueeze', [values, axes(g, [2])])]);
  return g.op('ReduceSum', [products, axes(g, [1])], { keepdims: { kind: 'int', value: 0 } });
}

/**
 * x·W + b for sparse x: [batch, K] float64 scores. `weights` is feature-major F × K, float32
 * values held as float64, so each product is exact and the sum rounds as linearScores' does.
 */
export function sparseLinearScores(g: GraphBuilder, weights: ArrayLike<number>, bias: ArrayLike<number>, numFeatures: number, numOutputs: number): string {
  const W = g.initializer('weights', doubleTensor([numFeatures, numOutputs], weights));
  const b = g.initializer('bias', doubleTensor([numOutputs], bias));
  return g.op('Add', [weightedRowSum(g, W, cast(g, FEATURE_VALUES, DataType.DOUBLE)), b]);
}

/** [batch, 1] → [batch, 2] = [1 − x, x] (double). */
export function complementColumns(g: GraphBuilder, p: string): string {
  const one = scalarDouble(g, 'one', 1);
  return g.op('Concat', [g.op('Sub', [one, p]), p], { axis: { kind: 'int', value: 1 } });
}

/**
 * Rows divided by their sum. `uniform`: a row summing to 0 becomes 1/K (tfidf-svm, isotonic);
 * `keep`: it is left as it is (fastText ova); `none`: no guard (nbsvm, whose sigmoids never all vanish).
 */
export function normalizeRows(g: GraphBuilder, p: string, numColumns: number, zeroRows: 'uniform' | 'keep' | 'none'): string {
  const sum = g.op('ReduceSum', [p, axes(g, [1])], { keepdims: { kind: 'int', value: 1 } });
  const divided = g.op('Div', [p, sum]);
  if (zeroRows === 'none') return divided;
  const positive = g.op('Greater', [sum, scalarDouble(g, 'zero', 0)]);
  const fallback = zeroRows === 'uniform' ? scalarDouble(g, 'uniform', 1 / numColumns) : p;
  return g.op('Where', [positive, divided, fallback]);
}

/** Scores rounded to float32 and back: our calibration maps read the inner model's Float32Array. */
export function roundToFloat32(g: GraphBuilder, p: string): string {
  return cast(g, cast(g, p, DataType.FLOAT), DataType.DOUBLE);
}
