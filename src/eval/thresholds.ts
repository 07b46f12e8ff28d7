/**
 * Per-label decision thresholds for multilabel models, tuned on held-out data.
 *
 * A sigmoid output of 0.5 is rarely the best cut-off: rare labels are under-confident and
 * frequent ones over-confident. For each label independently we pick the cut-off that maximises
 * that label's F1 on the given rows, which also maximises macro-F1 as long as the
 * at-least-one-label fallback of `applyThresholds` does not kick in (it only ever adds the top
 * label of a row with no firing label, so in practice it changes little).
 */

import { applyThresholds, argmaxRows } from './decide.js';

/** Used for a label without positives in the tuning data; see `thresholdWithoutPositives`. */
const DEFAULT_THRESHOLD = 0.5;

const f32 = new Float32Array(1);
const f32Bits = new Int32Array(f32.buffer);

/** The smallest float32 strictly greater than `x` (x is a finite float32). */
function nextFloat32Up(x: number): number {
  if (x === 0) return 1.401298464324817e-45; // smallest positive subnormal
  f32[0] = x;
  f32Bits[0] += x > 0 ? 1 : -1;
  return f32[0];
}

/**
 * With no positives every firing is a false positive, so the F1-optimal choice is to never
 * fire. We keep the usual 0.5 but raise it above the highest score seen, so the label stays
 * silent on data like the tuning set and fires only for scores beyond anything observed. It is
 * capped at 1 so that a saturated sigmoid (exactly 1.0 in float32) can still trigger it.
 */
function thresholdWithoutPositives(maxScore: number): number {
  if (!(maxScore >= DEFAULT_THRESHOLD)) return DEFAULT_THRESHOLD; // also covers n = 0 (−∞)
  return Math.min(1, nextFloat32Up(maxScore));
}

/**
 * The float32 threshold to store when rows scoring ≥ `chosen` should fire and rows scoring
 * ≤ `nextLower` should not: the midpoint, which leaves a margin on both sides for unseen data.
 * Between two adjacent float32 values the midpoint rounds onto one of them; if it lands on
 * `nextLower` (which would let that tie group fire) we fall back to `chosen` itself.
 */
function midpointThreshold(chosen: number, nextLower: number): number {
  const mid = Math.fround((chosen + nextLower) / 2);
  return mid > nextLower ? mid : chosen;
}

/**
 * Threshold per label maximising that label's F1, or F-beta with `beta` ≠ 1 (β < 1 favours
 * precision, β > 1 recall); rule: fire when score ≥ threshold.
 *
 * Candidate cut-offs are the distinct scores of the label's column: rows with equal scores are
 * always on the same side, so ties cannot be split. Each column is scanned once after sorting,
 * O(n log n) per label. Among equally good cut-offs the highest wins (fewest firings). The
 * stored value is the midpoint between the chosen score and the next lower distinct score;
 * when the chosen score is the lowest of all (firing on every row is best) the midpoint is
 * taken with 0, the floor of a probability.
 *
 * @param yTrue row-major n × K 0/1 truth (non-zero = positive).
 * @param proba row-major n × K scores, assumed to be probabilities in [0, 1].
 */
export function tuneThresholds(yTrue: Uint8Array, proba: Float32Array, n: number, K: number, beta = 1): Float32Array {
  if (!(beta > 0)) throw new RangeError(`F-beta needs beta > 0, got ${beta}`);
  const b2 = beta * beta;
  if (yTrue.length !== n * K || proba.length !== n * K) {
    throw new RangeError(`expected n×K = ${n}×${K} cells, got truth ${yTrue.length}, scores ${proba.length}`);
  }
  const thresholds = new Float32Array(K);
  for (let k = 0; k < K; k++) {
    // Sort positives' and negatives' scores separately (native numeric sort, no index objects)
    // and merge them from the top; that is all the scan needs.
    let numPos = 0;
    for (let i = 0; i < n; i++) if (yTrue[i * K + k] !== 0) numPos++;
    const pos = new Float64Array(numPos);
    const neg = new Float64Array(n - numPos);
    let maxScore = -Infinity;
    for (let i = 0, p = 0, q = 0; i < n; i++) {
      const s = proba[i * K + k];
      if (Number.isNaN(s)) throw new RangeError(`score of row ${i}, label ${k} is NaN`);
      if (s > maxScore) maxScore = s;
      if (yTrue[i * K + k] !== 0) pos[p++] = s;
      else neg[q++] = s;
    }
    if (numPos === 0) {
      thresholds[k] = thresholdWithoutPositives(maxScore);
      continue;
    }
    pos.sort();
    neg.sort();

    let i = pos.length - 1;
    let j = neg.length - 1;
    let tp = 0;
    let fp = 0;
    let bestF1 = -1;
    let bestScore = 0;
    let pendingNextLower = false; // the score after the best one is still to be seen
    let nextLower = 0;
    while (i >= 0 || j >= 0) {
      const score = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
      if (pendingNextLower) {
        nextLower = score;
        pendingNextLower = false;
      }
      while (i >= 0 && pos[i] === score) {
        tp++;
        i--;
      }
      while (j >= 0 && neg[j] === score) {
        fp++;
        j--;
      }
      // Fβ = (1+β²)TP / ((1+β²)TP + β²FN + FP) with FN = numPos − TP.
      const f1 = ((1 + b2) * tp) / (tp + fp + b2 * numPos);
      if (f1 > bestF1) {
        bestF1 = f1;
        bestScore = score;
        pendingNextLower = true;
      }
    }
    const bestIsLowest = pendingNextLower; // no lower score ever followed the best one
    if (!bestIsLowest) thresholds[k] = midpointThreshold(bestScore, nextLower);
    else thresholds[k] = bestScore > 0 ? midpointThreshold(bestScore, 0) : bestScore;
  }
  return thresholds;
}

/**
 * Pulls each tuned threshold toward `center` in proportion to how little evidence backs it:
 * t' = (P·t + m·center) / (P + m), with P the label's positives in the tuning data and m the
 * prior strength. A label with 13 dev positives (GoEmotions' grief) then keeps most of the
 * default, while frequent labels keep their tuned value. Measured on GoEmotions dev (tune on one
 * half, score the other): m = 30 turned tuning from a loss of 0.011 macro-F1 into a break-even
 * against the fixed 0.5 of a class-weighted model.
 */
export function shrinkThresholds(thresholds: Float32Array, yTrue: Uint8Array, n: number, K: number, center: number, strength: number): Float32Array {
  const out = new Float32Array(K);
  for (let k = 0; k < K; k++) {
    let positives = 0;
    for (let i = 0; i < n; i++) positives += yTrue[i * K + k] !== 0 ? 1 : 0;
    out[k] = positives + strength > 0 ? (positives * thresholds[k] + strength * center) / (positives + strength) : center;
  }
  return out;
}

export type GlobalThresholdMetric = 'micro_f1' | 'macro_f1' | 'samples_f1';

/**
 * One threshold for every label, the value of a 0.01 grid in [0.01, 0.99] that maximises `metric`
 * under the full decision rule of `applyThresholds` (including its at-least-one-label fallback and
 * `topK`). Ties go to the value closest to 0.5. A coarse grid on purpose: a single number tuned on
 * thousands of cells gains nothing from finer steps but noise.
 */
export function tuneGlobalThreshold(yTrue: Uint8Array, proba: Float32Array, n: number, K: number, metric: GlobalThresholdMetric, topK?: number): number {
  if (yTrue.length !== n * K || proba.length !== n * K) throw new RangeError(`expected n×K = ${n}×${K} cells`);
  let best = 0.5;
  let bestValue = -1;
  const tp = new Float64Array(K);
  const fp = new Float64Array(K);
  const fn = new Float64Array(K);
  for (let step = 1; step <= 99; step++) {
    const t = step / 100;
    const chosen = applyThresholds(proba, n, K, t, topK);
    tp.fill(0);
    fp.fill(0);
    fn.fill(0);
    let samples = 0;
    for (let i = 0; i < n; i++) {
      let rowTp = 0;
      let rowPred = 0;
      let rowTrue = 0;
      for (let k = 0; k < K; k++) {
        const c = i * K + k;
        const yt = yTrue[c] !== 0;
        const yp = chosen[c] === 1;
        if (yt && yp) tp[k]++;
        else if (yp) fp[k]++;
        else if (yt) fn[k]++;
        rowTp += yt && yp ? 1 : 0;
        rowPred += yp ? 1 : 0;
        rowTrue += yt ? 1 : 0;
      }
      samples += rowPred + rowTrue > 0 ? (2 * rowTp) / (rowPred + rowTrue) : 0;
    }
    let value: number;
    if (metric === 'samples_f1') value = n > 0 ? samples / n : 0;
    else if (metric === 'micro_f1') {
      let a = 0;
      let b = 0;
      for (let k = 0; k < K; k++) {
        a += 2 * tp[k];
        b += 2 * tp[k] + fp[k] + fn[k];
      }
      value = b > 0 ? a / b : 0;
    } else {
      value = 0;
      for (let k = 0; k < K; k++) {
        const d = 2 * tp[k] + fp[k] + fn[k];
        value += d > 0 ? (2 * tp[k]) / d : 0;
      }
      value /= K;
    }
    if (value > bestValue + 1e-12 || (Math.abs(value - bestValue) <= 1e-12 && Math.abs(t - 0.5) < Math.abs(best - 0.5))) {
      bestValue = value;
      best = t;
    }
  }
  return best;
}

/**
 * The lowest "not sure" cut-off on the top probability at which the answered rows of the tuning
 * data reach `minAccuracy`: rows are ranked by confidence and the longest confident prefix with
 * at least that accuracy is kept. Returns 0 (never abstain) when every row can be answered, and a
 * value above the highest confidence (always abstain) when no prefix reaches the target.
 */
export function tuneAbstainThreshold(yTrue: Int32Array, proba: Float32Array, n: number, K: number, minAccuracy: number): number {
  if (proba.length !== n * K || yTrue.length !== n) throw new RangeError(`expected n×K = ${n}×${K} scores and n targets`);
  const top = argmaxRows(proba, n, K);
  const confidence = new Float64Array(n);
  for (let i = 0; i < n; i++) confidence[i] = proba[i * K + top[i]];
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => confidence[b] - confidence[a]);
  let correct = 0;
  let keep = 0; // rows answered at the best cut-off
  for (let r = 0; r < n; r++) {
    const i = order[r];
    correct += top[i] === yTrue[i] ? 1 : 0;
    // A cut-off can only fall between distinct confidences.
    const boundary = r + 1 === n || confidence[order[r + 1]] < confidence[i];
    if (boundary && correct / (r + 1) >= minAccuracy) keep = r + 1;
  }
  if (keep === n) return 0;
  if (keep === 0) return n > 0 ? Math.min(1, nextFloat32Up(confidence[order[0]])) : 0;
  return midpointThreshold(confidence[order[keep - 1]], confidence[order[keep]]);
}
