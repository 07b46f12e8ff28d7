import type { Targets } from '../data/targets.js';

/**
 * Label-issue finder: training rows whose given label is probably wrong, by confident learning
 * (Northcutt, Jiang & Chuang 2021, "Confident Learning: Estimating Uncertainty in Dataset Labels").
 *
 * Input: out-of-sample probabilities (each row scored by a model that did not train on it, e.g.
 * cross-validation, or a dev set scored by a model trained on train) and the given labels.
 *
 * 1. Per-class thresholds: t_j = the mean probability of class j over the rows labelled j (how
 *    confident the model typically is on its own class; this adapts to classes the model is
 *    generally unsure about).
 * 2. A row is confidently of class j when p_j ≥ t_j (the most probable such j when several are).
 *    The confident joint C[given][confident] counts the rows.
 * 3. Which rows are issues (`method`):
 *    - `prune_by_noise_rate` (default; cleanlab's default): calibrate C so that each row sums to
 *      the number of rows given that label, and for every off-diagonal cell (i, j) flag the
 *      round(C_cal[i][j]) rows labelled i with the largest margin p_j − p_i. Rows whose given
 *      label is also the model's top prediction are never flagged.
 *    - `confident_learning`: flag every row in an off-diagonal cell of C (confidently another
 *      class than the one given).
 * 4. Rank the flagged rows (`rankBy`): `self_confidence` (default): score = 1 − p(given);
 *    `normalized_margin`: score = (1 − (p(given) − max_{j≠given} p_j)) / 2. Both in [0, 1], higher
 *    = more likely wrong.
 *
 * Multilabel targets are n × K 0/1 cells: each label is its own two-class problem (absent /
 * present, probabilities 1 − p and p) and every (row, label) cell can be an issue: a label given
 * but probably absent, or missing but probably present.
 */
export type LabelIssueMethod = 'prune_by_noise_rate' | 'confident_learning';
export type LabelIssueRanking = 'self_confidence' | 'normalized_margin';

export interface LabelIssueOptions {
  method?: LabelIssueMethod;
  rankBy?: LabelIssueRanking;
}

/** A single-label row whose given label is probably wrong. */
export interface LabelIssue {
  row: number;
  /** Label index given in the data, and the label the model is confident about instead. */
  given: number;
  suggested: number;
  givenLabel: string;
  suggestedLabel: string;
  /** In [0, 1]; higher = more likely mislabelled (see rankBy). */
  score: number;
  /** The out-of-sample probability of the given label. */
  selfConfidence: number;
}

/** A multilabel cell (row, label) whose given 0/1 is probably wrong. */
export interface CellIssue {
  row: number;
  label: number;
  labelName: string;
  /** 1: the label was given but is probably absent; 0: it is missing but probably present. */
  given: 0 | 1;
  suggested: 0 | 1;
  score: number;
  /** The probability of the given value: p when given 1, 1 − p when given 0. */
  selfConfidence: number;
}

/** What confident learning saw in one (single-label or per-label binary) problem. */
export interface ConfidentJoint {
  /** Number of classes K (2 for a multilabel label: absent, present). */
  numClasses: number;
  /** Per class: the self-confidence threshold t_j (+∞ for a class no row was given). */
  thresholds: Float64Array;
  /** K × K row-major: rows given class i that are confidently class j. */
  counts: Int32Array;
  /** Rows given each class. */
  given: Int32Array;
}

export type LabelIssueReport =
  | { kind: 'single'; method: LabelIssueMethod; rankBy: LabelIssueRanking; issues: LabelIssue[]; joint: ConfidentJoint }
  | { kind: 'multi'; method: LabelIssueMethod; rankBy: LabelIssueRanking; issues: CellIssue[]; joints: ConfidentJoint[] };

/** cleanlab's tolerance when comparing a probability with its class threshold. */
const THRESHOLD_EPS = 1e-6;

/**
 * Finds label issues. `proba` is n × K row-major (K = labels.length), out of sample; `targets` the
 * given labels, single (class per row) or multi (n × K 0/1). Issues come sorted by score,
 * highest first (ties: lower row, then lower label).
 */
export function findLabelIssues(proba: Float32Array, targets: Targets, labels: readonly string[], options: LabelIssueOptions = {}): LabelIssueReport {
  const method = options.method ?? 'prune_by_noise_rate';
  const rankBy = options.rankBy ?? 'self_confidence';
  if (method !== 'prune_by_noise_rate' && method !== 'confident_learning') throw new RangeError(`unknown label-issue method ${String(method)}`);
  if (rankBy !== 'self_confidence' && rankBy !== 'normalized_margin') throw new RangeError(`unknown ranking ${String(rankBy)}`);
  const K = labels.length;
  if (K < 2) throw new RangeError(`label issues need at least 2 labels, got ${K}`);
  if (proba.length % K !== 0) throw new RangeError(`probabilities have ${proba.length} values, not a multiple of ${K} labels`);
  const n = proba.length / K;

  if (targets.kind === 'single') {
    if (targets.y.length !== n) throw new RangeError(`${targets.y.length} targets for ${n} probability rows`);
    for (let i = 0; i < n; i++) {
      if (!(targets.y[i] >= 0 && targets.y[i] < K)) throw new RangeError(`row ${i}: label index ${targets.y[i]} outside 0..${K - 1}`);
    }
    const { flagged, suggested, joint } = confidentLearning(proba, targets.y, n, K, method);
    const issues: LabelIssue[] = [];
    for (let i = 0; i < n; i++) {
      if (!flagged[i]) continue;
      const g = targets.y[i];
      const row = proba.subarray(i * K, (i + 1) * K);
      issues.push({ row: i, given: g, suggested: suggested[i], givenLabel: labels[g], suggestedLabel: labels[suggested[i]], score: issueScore(row, g, rankBy), selfConfidence: row[g] });
    }
    issues.sort((a, b) => b.score - a.score || a.row - b.row);
    return { kind: 'single', method, rankBy, issues, joint };
  }

  if (targets.numLabels !== K || targets.y.length !== n * K) throw new RangeError(`multilabel targets are ${targets.y.length / targets.numLabels} × ${targets.numLabels}, probabilities ${n} × ${K}`);
  const issues: CellIssue[] = [];
  const joints: ConfidentJoint[] = [];
  // Each label as a two-class problem: [P(absent), P(present)] per row.
  const binary = new Float32Array(n * 2);
  const given = new Int32Array(n);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < n; i++) {
      const p = proba[i * K + k];
      binary[i * 2] = 1 - p;
      binary[i * 2 + 1] = p;
      given[i] = targets.y[i * K + k];
    }
    const { flagged, joint } = confidentLearning(binary, given, n, 2, method);
    joints.push(joint);
    for (let i = 0; i < n; i++) {
      if (!flagged[i]) continue;
      const g = given[i] as 0 | 1;
      const row = binary.subarray(i * 2, i * 2 + 2);
      issues.push({ row: i, label: k, labelName: labels[k], given: g, suggested: g === 1 ? 0 : 1, score: issueScore(row, g, rankBy), selfConfidence: row[g] });
    }
  }
  issues.sort((a, b) => b.score - a.score || a.row - b.row || a.label - b.label);
  return { kind: 'multi', method, rankBy, issues, joints };
}

function issueScore(row: ArrayLike<number>, given: number, rankBy: LabelIssueRanking): number {
  if (rankBy === 'self_confidence') return 1 - row[given];
  let other = -Infinity;
  for (let j = 0; j < row.length; j++) if (j !== given && row[j] > other) other = row[j];
  return (1 - (row[given] - other)) / 2;
}

/** Steps 1–3 on one single-label problem: which rows are flagged, and the class suggested for each. */
function confidentLearning(
  proba: Float32Array,
  y: Int32Array,
  n: number,
  K: number,
  method: LabelIssueMethod,
): { flagged: Uint8Array; suggested: Int32Array; joint: ConfidentJoint } {
  const givenCount = new Int32Array(K);
  const sums = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    givenCount[y[i]]++;
    sums[y[i]] += proba[i * K + y[i]];
  }
  const thresholds = Float64Array.from(sums, (s, j) => (givenCount[j] > 0 ? s / givenCount[j] : Infinity));

  const counts = new Int32Array(K * K);
  const confident = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let best = -1;
    for (let j = 0; j < K; j++) {
      const p = proba[i * K + j];
      if (p >= thresholds[j] - THRESHOLD_EPS && (best === -1 || p > proba[i * K + best])) best = j;
    }
    confident[i] = best;
    if (best !== -1) counts[y[i] * K + best]++;
  }
  const joint: ConfidentJoint = { numClasses: K, thresholds, counts, given: givenCount };

  const flagged = new Uint8Array(n);
  const suggested = new Int32Array(n).fill(-1);
  if (method === 'confident_learning') {
    for (let i = 0; i < n; i++) {
      if (confident[i] !== -1 && confident[i] !== y[i]) {
        flagged[i] = 1;
        suggested[i] = confident[i];
      }
    }
    return { flagged, suggested, joint };
  }

  // prune_by_noise_rate: how many rows of each off-diagonal cell to flag, from the calibrated joint.
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < n; i++) byClass[y[i]].push(i);
  const bestMargin = new Float64Array(n).fill(-Infinity);
  for (let gi = 0; gi < K; gi++) {
    let rowTotal = 0;
    for (let j = 0; j < K; j++) rowTotal += counts[gi * K + j];
    if (rowTotal === 0) continue;
    const rows = byClass[gi];
    for (let j = 0; j < K; j++) {
      if (j === gi) continue;
      const toFlag = Math.round((counts[gi * K + j] / rowTotal) * givenCount[gi]);
      if (toFlag === 0) continue;
      // The rows labelled gi that look most like j: largest p_j − p_gi.
      const margin = (i: number): number => proba[i * K + j] - proba[i * K + gi];
      const picked = topBy(rows, margin, toFlag);
      for (const i of picked) {
        const m = margin(i);
        flagged[i] = 1;
        if (m > bestMargin[i]) {
          bestMargin[i] = m;
          suggested[i] = j;
        }
      }
    }
  }
  // A row whose given label is the model's own top prediction is not called an issue.
  for (let i = 0; i < n; i++) {
    if (!flagged[i]) continue;
    let top = 0;
    for (let j = 1; j < K; j++) if (proba[i * K + j] > proba[i * K + top]) top = j;
    if (top === y[i]) {
      flagged[i] = 0;
      suggested[i] = -1;
    }
  }
  return { flagged, suggested, joint };
}

/** The `k` items with the largest key (ties: the earlier item), in no particular order. */
function topBy(items: readonly number[], key: (i: number) => number, k: number): number[] {
  if (k >= items.length) return [...items];
  return [...items].sort((a, b) => key(b) - key(a) || a - b).slice(0, k);
}

/** The multilabel issues of one row: its given label set and the set with every flagged cell flipped. */
export interface RowLabelIssues {
  row: number;
  given: string[];
  suggested: string[];
  /** The highest score among the row's cells. */
  score: number;
  cells: CellIssue[];
}

/**
 * Multilabel cell issues gathered per row (for a per-row list such as the report's "suspected label
 * errors"), most suspicious row first (ties: lower row).
 */
export function groupCellIssuesByRow(issues: readonly CellIssue[], targets: { y: Uint8Array; numLabels: number }, labels: readonly string[]): RowLabelIssues[] {
  const K = targets.numLabels;
  const byRow = new Map<number, CellIssue[]>();
  for (const c of issues) {
    const cells = byRow.get(c.row);
    if (cells) cells.push(c);
    else byRow.set(c.row, [c]);
  }
  const rows: RowLabelIssues[] = [];
  for (const [row, cells] of byRow) {
    const flipped = new Set(cells.map((c) => c.label));
    const given: string[] = [];
    const suggested: string[] = [];
    for (let k = 0; k < K; k++) {
      const has = targets.y[row * K + k] === 1;
      if (has) given.push(labels[k]);
      if (has !== flipped.has(k)) suggested.push(labels[k]);
    }
    rows.push({ row, given, suggested, score: Math.max(...cells.map((c) => c.score)), cells });
  }
  return rows.sort((a, b) => b.score - a.score || a.row - b.row);
}
