import type { CsrMatrix } from '../../features/csr.js';
import { minimizeLbfgs } from '../../optim/lbfgs.js';

/**
 * L2-regularized logistic regression on a sparse matrix, solved with L-BFGS.
 *
 * The objective is scikit-learn's, divided by the total sample weight S:
 *   (1/S) Σ sᵢ·loss(xᵢ) + 1/(2·C·S) ‖W‖²   (intercepts are not penalized)
 * so the same C gives the same model as `LogisticRegression(C=…)`.
 *
 * - `softmax`: one multinomial model over K classes (targets are class indices).
 * - `sigmoid`: K independent binary models (one-vs-rest; targets are an n × K 0/1 matrix).
 *   Binary classification is `sigmoid` with K = 1, as scikit-learn does it.
 */
export type LinkFunction = 'softmax' | 'sigmoid';

export interface LogisticOptions {
  C: number;
  maxIter: number;
  /** Stop when the largest gradient entry of the scaled objective is at most this. */
  tol: number;
}

/** Weights laid out feature-major (`weights[j * K + k]`) so a row's K scores read contiguously. */
export interface LinearWeights {
  numFeatures: number;
  numOutputs: number;
  link: LinkFunction;
  weights: Float32Array;
  bias: Float32Array;
}

export type LogisticTargets = { link: 'softmax'; y: Int32Array; numClasses: number } | { link: 'sigmoid'; y: Uint8Array; numOutputs: number };

export interface FitReport {
  iterations: number;
  converged: boolean;
  finalLoss: number;
}

export function fitLogistic(
  X: CsrMatrix,
  targets: LogisticTargets,
  options: LogisticOptions,
  sampleWeights?: Float32Array,
  onIteration?: (iteration: number, loss: number) => void,
  /**
   * Sigmoid link only: per-output weights of negative and positive rows, `[neg₀, pos₀, neg₁, …]`,
   * i.e. scikit-learn's class_weight applied to each one-vs-rest problem.
   */
  outputClassWeights?: Float64Array,
): { model: LinearWeights; report: FitReport } {
  if (targets.link === 'softmax') return fitSoftmax(X, targets.y, targets.numClasses, options, sampleWeights, onIteration);

  // One-vs-rest problems share nothing but X, so each is solved on its own: a joint solve would
  // let the slowest label set the step sizes and iteration count of all of them.
  const K = targets.numOutputs;
  const D = X.cols;
  const n = X.rows;
  const weights = new Float32Array(D * K);
  const bias = new Float32Array(K);
  const column = new Uint8Array(n);
  const report: FitReport = { iterations: 0, converged: true, finalLoss: 0 };
  let done = 0;
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < n; i++) column[i] = targets.y[i * K + k];
    const cw = outputClassWeights ? [outputClassWeights[k * 2], outputClassWeights[k * 2 + 1]] as const : ([1, 1] as const);
    const r = fitBinary(X, column, options, sampleWeights, cw, (it, loss) => onIteration?.(done + it, loss));
    for (let j = 0; j < D; j++) weights[j * K + k] = r.w[j];
    bias[k] = r.b;
    done += r.iterations;
    report.iterations = Math.max(report.iterations, r.iterations);
    report.converged &&= r.converged;
    report.finalLoss += r.loss;
  }
  return { model: { numFeatures: D, numOutputs: K, link: 'sigmoid', weights, bias }, report };
}

/** One binary logistic regression: weights w (length D) and intercept b. */
function fitBinary(
  X: CsrMatrix,
  y: Uint8Array,
  options: LogisticOptions,
  sampleWeights: Float32Array | undefined,
  classWeight: readonly [number, number],
  onIteration: (iteration: number, loss: number) => void,
): { w: Float64Array; b: number; iterations: number; converged: boolean; loss: number } {
  const D = X.cols;
  const n = X.rows;
  const { indptr, indices, data } = X;
  const rowWeight = new Float64Array(n);
  let S = 0;
  for (let i = 0; i < n; i++) {
    rowWeight[i] = (sampleWeights ? sampleWeights[i] : 1) * classWeight[y[i]];
    S += sampleWeights ? sampleWeights[i] : 1;
  }
  const lambda = 1 / (options.C * S);
  const invS = 1 / S;

  const objective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    const b = w[D];
    let loss = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const start = indptr[i];
      const end = indptr[i + 1];
      let z = b;
      for (let p = start; p < end; p++) z += data[p] * w[indices[p]];
      const s = rowWeight[i];
      const yi = y[i];
      loss += s * ((z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - yi * z);
      const r = s * (sigmoid(z) - yi);
      for (let p = start; p < end; p++) grad[indices[p]] += data[p] * r;
      gb += r;
    }
    let reg = 0;
    for (let j = 0; j < D; j++) {
      reg += w[j] * w[j];
      grad[j] = grad[j] * invS + lambda * w[j];
    }
    grad[D] = gb * invS;
    return loss * invS + 0.5 * lambda * reg;
  };

  const result = minimizeLbfgs(objective, new Float64Array(D + 1), { maxIter: options.maxIter, gradTol: options.tol, onIteration: (it, value) => onIteration(it, value) });
  return { w: result.x.subarray(0, D), b: result.x[D], iterations: result.iterations, converged: result.converged, loss: result.value };
}

/** Multinomial logistic regression over K classes. */
function fitSoftmax(
  X: CsrMatrix,
  y: Int32Array,
  K: number,
  options: LogisticOptions,
  sampleWeights: Float32Array | undefined,
  onIteration: ((iteration: number, loss: number) => void) | undefined,
): { model: LinearWeights; report: FitReport } {
  const D = X.cols;
  const n = X.rows;
  let S = 0;
  for (let i = 0; i < n; i++) S += sampleWeights ? sampleWeights[i] : 1;
  const lambda = 1 / (options.C * S);
  const z = new Float64Array(K);
  const r = new Float64Array(K);
  const { indptr, indices, data } = X;

  const objective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    const biasOffset = D * K;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const s = sampleWeights ? sampleWeights[i] : 1;
      const start = indptr[i];
      const end = indptr[i + 1];
      for (let k = 0; k < K; k++) z[k] = w[biasOffset + k];
      for (let p = start; p < end; p++) {
        const v = data[p];
        const base = indices[p] * K;
        for (let k = 0; k < K; k++) z[k] += v * w[base + k];
      }
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (z[k] > max) max = z[k];
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(z[k] - max);
      const lse = max + Math.log(sum);
      const yi = y[i];
      loss += s * (lse - z[yi]);
      for (let k = 0; k < K; k++) r[k] = s * Math.exp(z[k] - lse);
      r[yi] -= s;
      for (let p = start; p < end; p++) {
        const v = data[p];
        const base = indices[p] * K;
        for (let k = 0; k < K; k++) grad[base + k] += v * r[k];
      }
      for (let k = 0; k < K; k++) grad[biasOffset + k] += r[k];
    }
    const invS = 1 / S;
    let reg = 0;
    for (let j = 0; j < biasOffset; j++) {
      reg += w[j] * w[j];
      grad[j] = grad[j] * invS + lambda * w[j];
    }
    for (let k = 0; k < K; k++) grad[biasOffset + k] *= invS;
    return loss * invS + 0.5 * lambda * reg;
  };

  const result = minimizeLbfgs(objective, new Float64Array(D * K + K), {
    maxIter: options.maxIter,
    gradTol: options.tol,
    onIteration: onIteration ? (it, value) => onIteration(it, value) : undefined,
  });
  const model: LinearWeights = {
    numFeatures: D,
    numOutputs: K,
    link: 'softmax',
    weights: Float32Array.from(result.x.subarray(0, D * K)),
    bias: Float32Array.from(result.x.subarray(D * K)),
  };
  return { model, report: { iterations: result.iterations, converged: result.converged, finalLoss: result.value } };
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Raw scores X·W + b, row-major n × K. */
export function linearScores(X: CsrMatrix, m: LinearWeights): Float64Array {
  const K = m.numOutputs;
  const out = new Float64Array(X.rows * K);
  for (let i = 0; i < X.rows; i++) {
    const row = i * K;
    for (let k = 0; k < K; k++) out[row + k] = m.bias[k];
    for (let p = X.indptr[i]; p < X.indptr[i + 1]; p++) {
      const v = X.data[p];
      const base = X.indices[p] * K;
      for (let k = 0; k < K; k++) out[row + k] += v * m.weights[base + k];
    }
  }
  return out;
}

/**
 * Probabilities, row-major. Softmax rows sum to 1; sigmoid outputs are independent, except that a
 * single sigmoid output (binary task) is expanded to the two columns [1 - p, p].
 */
export function linearProba(X: CsrMatrix, m: LinearWeights): Float32Array {
  const K = m.numOutputs;
  const scores = linearScores(X, m);
  if (m.link === 'sigmoid' && K === 1) {
    const out = new Float32Array(X.rows * 2);
    for (let i = 0; i < X.rows; i++) {
      const p = sigmoid(scores[i]);
      out[i * 2] = 1 - p;
      out[i * 2 + 1] = p;
    }
    return out;
  }
  const out = new Float32Array(X.rows * K);
  for (let i = 0; i < X.rows; i++) {
    const row = i * K;
    if (m.link === 'sigmoid') {
      for (let k = 0; k < K; k++) out[row + k] = sigmoid(scores[row + k]);
      continue;
    }
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (scores[row + k] > max) max = scores[row + k];
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(scores[row + k] - max);
    for (let k = 0; k < K; k++) out[row + k] = Math.exp(scores[row + k] - max) / sum;
  }
  return out;
}
