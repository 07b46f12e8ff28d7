import os from 'node:os';
import type { Example } from '../data/types.js';
import { UsageError } from '../errors.js';
import { DEFAULT_MIN_PARALLEL_NNZ } from '../models/linear/logistic.js';
import type { Recipe } from '../recipe/schema.js';
import type { ResolvedFeatures } from './text-defaults.js';

/**
 * Below this much work (n-gram positions of all rows × outputs, see foldWork) cross-validation
 * stays on the calling thread. A fold thread costs 0.5–1 s of wall time before its first fold runs
 * at full speed (loading the model code, compiling it afresh, copying the rows), and two folds at
 * once take about a third more CPU time than one after the other on a 2-core machine (shared
 * cache; the garbage collector's helper threads lose their idle core). Measured, 5 folds, each in
 * a fresh process, 2-core machine at load ≈ 1: Korean emotions (char_wb 1–4, 4 labels) 4000 rows (1.4 M) 1.9 s on one
 * thread against 2.2 s on two, 8000 rows (2.7 M) 5.0 s against 4.1 s; tickets (words 1–2, 6
 * labels, 2.3 M) 6.6 s against 5.8 s; the starter set (0.1 M) 1.6 s against 1.8 s.
 */
export const MIN_PARALLEL_WORK = 2_000_000;

/** Threads at most: the folds of a linear model each fit on one core; more threads would mostly cost memory (one copy of the rows each). */
const MAX_FOLD_THREADS = 2;


/**
 * How many threads fit the folds: `requested` when given (at most k), else 2 when the model fits on
 * one thread, there are two cores and enough work to pay for starting threads, else 1.
 */
export function foldThreads(recipe: Recipe, examples: readonly Example[], labels: readonly string[], k: number, resolved: ResolvedFeatures, requested?: number): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1) throw new UsageError(`cross-validation threads must be a whole number from 1 up, got ${requested}`);
    return Math.min(requested, k);
  }
  if (os.availableParallelism() < 2 || !fitsOnOneThread(recipe, examples, labels, k, resolved)) return 1;
  if (foldWork(recipe, examples, labels, resolved) < MIN_PARALLEL_WORK) return 1;
  return Math.min(MAX_FOLD_THREADS, os.availableParallelism(), k);
}

/**
 * A size for the work of fitting: stored values of the whole TF-IDF matrix (estimated) times the
 * model's outputs, as one pass of a linear model's gradient costs. Only compared with MIN_PARALLEL_WORK.
 */
export function foldWork(recipe: Recipe, examples: readonly Example[], labels: readonly string[], resolved: ResolvedFeatures): number {
  const outputs = recipe.task === 'binary' ? 1 : labels.length;
  return estimateStoredValues(examples, recipe, resolved) * outputs;
}

/**
 * False for fits that use threads (or a runtime) of their own, where two at once would fight over
 * the cores: fastText-style models train Hogwild on every core, ONNX models (encoder heads
 * included) run their own runtime threads, and multilabel logistic regression fits its
 * one-vs-rest outputs on two threads once the training matrix is large.
 */
function fitsOnOneThread(recipe: Recipe, examples: readonly Example[], labels: readonly string[], k: number, resolved: ResolvedFeatures): boolean {
  const type = recipe.model.type;
  if (type === 'fasttext' || type === 'onnx') return false;
  if (type === 'logistic_regression' && recipe.task === 'multilabel' && labels.length >= 2) {
    const perFold = (estimateStoredValues(examples, recipe, resolved) * (k - 1)) / k;
    // The one-vs-rest fit (logistic.ts, oneVsRestThreads) starts two threads of its own from here.
    return perFold < DEFAULT_MIN_PARALLEL_NNZ;
  }
  return true;
}

/**
 * An upper bound on the stored values of the TF-IDF matrix of `examples`: every n-gram position
 * counted as if distinct. It only has to tell a few thousand short texts from tens of thousands.
 */
export function estimateStoredValues(examples: readonly Example[], recipe: Recipe, resolved: ResolvedFeatures): number {
  const [lo, hi] = resolved.ngramRange;
  const positions = (length: number, from: number, to: number): number => {
    let sum = 0;
    for (let n = from; n <= to; n++) sum += Math.max(0, length - n + 1);
    return sum;
  };
  const extra = resolved.analyzer === 'word' ? recipe.features.char_ngrams : null;
  let total = 0;
  for (const { text } of examples) {
    if (resolved.analyzer === 'word') total += positions(countWords(text), lo, hi);
    else total += positions(text.length, lo, hi);
    if (extra) total += positions(text.length, extra.ngram_range[0], extra.ngram_range[1]);
  }
  return total;
}

function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}
