import { evaluateSingleLabel } from '../../eval/metrics.js';
import { createRng } from '../../util/random.js';

/** The three figures a baseline is judged by. */
export interface BaselineScores {
  balanced_accuracy: number;
  accuracy: number;
  macro_f1: number;
}

/**
 * What a model must beat: always answering the most frequent training label (`majority`,
 * scikit-learn's DummyClassifier(strategy='most_frequent')), and guessing each label with its
 * training frequency (`stratified`, DummyClassifier(strategy='stratified')), averaged over
 * `draws` seeded draws. Majority wins on accuracy when one label dominates (DailyDialog's "no
 * emotion"), which is why next-turn models are judged on balanced accuracy.
 */
export interface Baselines {
  /** The training label frequencies the baselines guess from (before any resampling). */
  prior: Record<string, number>;
  majority_label: string;
  majority: BaselineScores;
  stratified: BaselineScores & { draws: number; seed: number };
}

const DRAWS = 20;

/** Label frequencies from counts, in the model's label order (labels without rows get 0). */
export function priorOf(labels: readonly string[], counts: Record<string, number>): Record<string, number> {
  const total = labels.reduce((s, l) => s + (counts[l] ?? 0), 0);
  const prior: Record<string, number> = {};
  for (const l of labels) prior[l] = total > 0 ? (counts[l] ?? 0) / total : 0;
  return prior;
}

/**
 * Baseline scores on the targets `y` (class indices into `labels`). Ties for the majority go to
 * the earlier label, as in scikit-learn.
 */
export function baselines(labels: readonly string[], prior: Record<string, number>, y: Int32Array, seed = 0, draws = DRAWS): Baselines {
  const K = labels.length;
  const p = labels.map((l) => prior[l] ?? 0);
  const total = p.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError('baselines need a prior with at least one positive frequency');
  let majority = 0;
  for (let k = 1; k < K; k++) if (p[k] > p[majority]) majority = k;
  const task = K === 2 ? 'binary' : 'multiclass';
  const pick = (r: ReturnType<typeof evaluateSingleLabel>): BaselineScores => ({ balanced_accuracy: r.balanced_accuracy, accuracy: r.accuracy, macro_f1: r.macro_f1 });
  const majorityScores = pick(evaluateSingleLabel(y, new Int32Array(y.length).fill(majority), null, labels, task));

  const cumulative = new Float64Array(K);
  for (let k = 0, acc = 0; k < K; k++) cumulative[k] = acc += p[k] / total;
  const rng = createRng(seed);
  const sum: BaselineScores = { balanced_accuracy: 0, accuracy: 0, macro_f1: 0 };
  const guesses = new Int32Array(y.length);
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < y.length; i++) {
      const u = rng();
      let k = 0;
      while (k < K - 1 && u >= cumulative[k]) k++;
      guesses[i] = k;
    }
    const s = pick(evaluateSingleLabel(y, guesses, null, labels, task));
    sum.balanced_accuracy += s.balanced_accuracy;
    sum.accuracy += s.accuracy;
    sum.macro_f1 += s.macro_f1;
  }
  return {
    prior: Object.fromEntries(labels.map((l, k) => [l, p[k] / total])),
    majority_label: labels[majority],
    majority: majorityScores,
    stratified: { balanced_accuracy: sum.balanced_accuracy / draws, accuracy: sum.accuracy / draws, macro_f1: sum.macro_f1 / draws, draws, seed },
  };
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : String(x));

/**
 * A small table for train and eval output: the model (when given) and both baselines on the same
 * data, balanced accuracy first since it is the figure the model is judged by.
 */
export function baselinesTable(b: Baselines, model?: BaselineScores): string {
  const rows: [string, BaselineScores][] = [];
  if (model) rows.push(['this model', model]);
  rows.push([`majority ("${b.majority_label}")`, b.majority], [`stratified random (${b.stratified.draws} draws)`, b.stratified]);
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = [`  ${''.padEnd(width)}  balanced_acc  accuracy  macro_f1`];
  for (const [name, s] of rows) lines.push(`  ${name.padEnd(width)}  ${fmt(s.balanced_accuracy).padStart(12)}  ${fmt(s.accuracy).padStart(8)}  ${fmt(s.macro_f1).padStart(8)}`);
  return lines.join('\n') + '\n';
}
