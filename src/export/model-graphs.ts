import type { Task } from '../data/targets.js';
import type { ModelState } from '../models/classifier.js';
import { axes, cast, complementColumns, FEATURE_VALUES, normalizeRows, roundToFloat32, sparseLinearScores, weightedRowSum } from './graph-parts.js';
import { DataType, doubleTensor, floatTensor, GraphBuilder, int64Tensor } from './onnx-model.js';

/**
 * One graph per model type, from the model's persisted state (the same config and arrays
 * `fromState` restores), computing what that type's `predictProba` computes. Each returns the
 * name of its [batch, K] float64 probabilities.
 */

/** The model types this module can export, and what each one's feature inputs hold. */
export const EXPORTABLE: Record<string, 'tfidf' | 'fasttext'> = {
  'tfidf-logreg': 'tfidf',
  'tfidf-svm': 'tfidf',
  'tfidf-nb': 'tfidf',
  nbsvm: 'tfidf',
  fasttext: 'fasttext',
};

export function modelGraph(g: GraphBuilder, state: ModelState, task: Task): string {
  switch (state.type) {
    case 'tfidf-logreg':
      return logregGraph(g, state);
    case 'tfidf-svm':
      return svmGraph(g, state, task);
    case 'tfidf-nb':
      return naiveBayesGraph(g, state);
    case 'nbsvm':
      return nbsvmGraph(g, state, task);
    case 'fasttext':
      return fasttextGraph(g, state, task);
    default:
      throw new Error(`no ONNX graph for model type ${state.type}`);
  }
}

interface LinearConfig {
  numFeatures: number;
  numOutputs: number;
}

/** x·W + b as float64 from a TF-IDF model's weights (feature-major numFeatures × numOutputs). */
function stateLinearScores(g: GraphBuilder, state: ModelState, weights: Float32Array, bias: ArrayLike<number>): string {
  const c = state.config as unknown as LinearConfig;
  return sparseLinearScores(g, weights, bias, c.numFeatures, c.numOutputs);
}

/** tfidf-logreg (linearProba): softmax; one sigmoid expanded to [1 − p, p]; or independent sigmoids. */
function logregGraph(g: GraphBuilder, state: ModelState): string {
  const c = state.config as unknown as LinearConfig & { link: 'softmax' | 'sigmoid' };
  const z = stateLinearScores(g, state, state.arrays.weights as Float32Array, state.arrays.bias as Float32Array);
  if (c.link === 'softmax') return g.op('Softmax', [z], { axis: { kind: 'int', value: -1 } });
  const p = g.op('Sigmoid', [z]);
  return c.numOutputs === 1 ? complementColumns(g, p) : p;
}

/** tfidf-svm (calibratedProba): Platt sigmoids σ(−(A·f + B)) per output; binary, normalized multiclass or multilabel. */
function svmGraph(g: GraphBuilder, state: ModelState, task: Task): string {
  const c = state.config as unknown as LinearConfig & { labels: string[] };
  const f = stateLinearScores(g, state, state.arrays.weights as Float32Array, state.arrays.bias as Float32Array);
  const A = g.initializer('platt_a', doubleTensor([c.numOutputs], state.arrays.calibA as Float64Array));
  const B = g.initializer('platt_b', doubleTensor([c.numOutputs], state.arrays.calibB as Float64Array));
  const p = g.op('Sigmoid', [g.op('Neg', [g.op('Add', [g.op('Mul', [f, A]), B])])]);
  if (task === 'multilabel') return p;
  if (c.labels.length === 2) return complementColumns(g, p);
  return normalizeRows(g, p, c.numOutputs, 'uniform');
}

/**
 * tfidf-nb (naiveBayesProba): softmax of the joint log-likelihood per group. Multilabel groups
 * [absent, present] are the sigmoid of the difference of their two log-likelihoods.
 */
function naiveBayesGraph(g: GraphBuilder, state: ModelState): string {
  const c = state.config as unknown as { numFeatures: number; numGroups: number; groupSize: number };
  const F = c.numFeatures;
  const K = c.groupSize;
  const T = c.numGroups * K;
  const logProb = state.arrays.featureLogProb as Float32Array;
  const prior = state.arrays.classLogPrior as Float32Array;
  if (c.numGroups === 1) {
    // The prior is the bias (−∞ for a class without training rows: softmax gives it 0).
    return g.op('Softmax', [sparseLinearScores(g, logProb, prior, F, K)], { axis: { kind: 'int', value: -1 } });
  }
  const G = c.numGroups;
  const diff = new Float64Array(F * G);
  for (let j = 0; j < F; j++) for (let q = 0; q < G; q++) diff[j * G + q] = logProb[j * T + 2 * q + 1] - logProb[j * T + 2 * q];
  const priorDiff = new Float64Array(G);
  for (let q = 0; q < G; q++) priorDiff[q] = prior[2 * q + 1] - prior[2 * q];
  return g.op('Sigmoid', [sparseLinearScores(g, diff, priorDiff, F, G)]);
}

/** nbsvm (nbsvmProba): weights r ∘ w folded as the model folds them; binary, σ/Σσ for multiclass, σ for multilabel. */
function nbsvmGraph(g: GraphBuilder, state: ModelState, task: Task): string {
  const r = state.arrays.ratios as Float32Array;
  const w = state.arrays.weights as Float32Array;
  const folded = new Float32Array(w.length);
  for (let p = 0; p < folded.length; p++) folded[p] = r[p] * w[p];
  const p = g.op('Sigmoid', [stateLinearScores(g, state, folded, state.arrays.bias as Float32Array)]);
  if (task === 'binary') return complementColumns(g, p);
  if (task === 'multilabel') return p;
  return normalizeRows(g, p, (state.config as unknown as LinearConfig).numOutputs, 'none');
}

interface FasttextState {
  task: Task;
  labels: string[];
  dim: number;
  loss: 'softmax' | 'ova' | 'hs';
  numWords: number;
  numUsedBuckets: number;
  numOutputs: number;
}

/**
 * fasttext: the mean of the text's input rows (feature values are occurrence counts; a text
 * without known units has hidden = 0), times the output matrix, then softmax, one-vs-all
 * sigmoids (renormalized for single-label tasks), or the hierarchical-softmax path products.
 */
function fasttextGraph(g: GraphBuilder, state: ModelState, task: Task): string {
  const c = state.config as unknown as FasttextState;
  const rows = c.numWords + c.numUsedBuckets;
  const input = g.initializer('input_rows', floatTensor([Math.max(rows, 1), c.dim], rows > 0 ? (state.arrays.input as Float32Array) : new Float32Array(c.dim)));
  const sum = weightedRowSum(g, input, FEATURE_VALUES);
  const count = g.op('ReduceSum', [FEATURE_VALUES, axes(g, [1])], { keepdims: { kind: 'int', value: 1 } });
  const hidden = g.op('Div', [sum, g.op('Max', [count, g.initializer('one_count', floatTensor([], [1]))])]);
  const N = c.numOutputs;
  const K = c.labels.length;
  // The output matrix is stored N × dim; MatMul wants dim × N.
  const output = state.arrays.output as Float32Array;
  const transposed = new Float32Array(c.dim * Math.max(N, 1));
  for (let n = 0; n < N; n++) for (let d = 0; d < c.dim; d++) transposed[d * N + n] = output[n * c.dim + d];
  const scores = cast(g, g.op('MatMul', [hidden, g.initializer('output_t', floatTensor([c.dim, Math.max(N, 1)], transposed))]), DataType.DOUBLE);
  if (c.loss === 'softmax') return g.op('Softmax', [scores], { axis: { kind: 'int', value: -1 } });
  if (c.loss === 'ova') {
    const p = g.op('Sigmoid', [scores]);
    return task === 'multilabel' ? p : normalizeRows(g, p, K, 'keep');
  }
  // The model keeps the node probabilities in a Float32Array before multiplying along paths.
  return hierarchicalSoftmax(g, roundToFloat32(g, g.op('Sigmoid', [scores])), state, K);
}

/**
 * p(label) = Π over its path of s_node (branch code 1) or 1 − s_node (code 0). Each path step is
 * a + m·s with (a, m) = (0, 1) for code 1, (1, −1) for code 0 and (1, 0) for the padding of
 * shorter paths; the [batch, K, depth] steps are multiplied along the path.
 */
function hierarchicalSoftmax(g: GraphBuilder, nodes: string, state: ModelState, K: number): string {
  const offsets = state.arrays.treeOffsets as Int32Array;
  const pathNodes = state.arrays.treeNodes as Int32Array;
  const codes = state.arrays.treeCodes as Uint8Array;
  let D = 1;
  for (let k = 0; k < K; k++) D = Math.max(D, offsets[k + 1] - offsets[k]);
  const index = new Int32Array(K * D);
  const add = new Float64Array(K * D).fill(1);
  const mul = new Float64Array(K * D);
  for (let k = 0; k < K; k++) {
    for (let i = offsets[k]; i < offsets[k + 1]; i++) {
      const at = k * D + (i - offsets[k]);
      index[at] = pathNodes[i];
      add[at] = codes[i] === 1 ? 0 : 1;
      mul[at] = codes[i] === 1 ? 1 : -1;
    }
  }
  // With one label there are no internal nodes: its path is empty and its probability 1.
  const steps = g.op('Gather', [nodes, g.initializer('path_nodes', int64Tensor([K, D], index))], { axis: { kind: 'int', value: 1 } });
  const branch = g.op('Add', [g.op('Mul', [steps, g.initializer('path_sign', doubleTensor([K, D], mul))]), g.initializer('path_offset', doubleTensor([K, D], add))]);
  return g.op('ReduceProd', [branch], { axes: { kind: 'ints', value: [2] }, keepdims: { kind: 'int', value: 0 } });
}

