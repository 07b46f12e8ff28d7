/**
 * Realistic but synthetic ReportData for tests and demos: an IMDB-like binary sentiment model
 * and a GoEmotions-like 28-label multilabel model, generated from a seeded RNG. No dataset
 * text is used: words are made of random syllables, and the scores come from a simple noisy
 * model whose numbers look like the real ones (IMDB accuracy ≈ 0.9 and over-confident before
 * temperature scaling; GoEmotions macro-F1 ≈ 0.45 at 0.5, higher with tuned thresholds).
 *
 * The metric helpers here are deliberately small and only for the fixtures; the real numbers
 * come from src/eval.
 */
import { createRng } from '../util/random.js';
import type { ClassMetrics } from '../eval/metrics.js';
import type { Mistake, LabelIssue, PrSeries, ReliabilityBin, ReportData, RocSeries, TokenContribution } from './report-data.js';

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tu', 'sa', 'vel', 'no', 'qui', 'dar', 'e', 'po', 'lin', 'ga', 'shu', 'ta', 'mor', 'bi', 'zen', 'fa'];

/** Strings that break naive renderers: markup, entities, quotes, RTL, CJK, emoji, a lone surrogate. */
export const HOSTILE_STRINGS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  'Tom & Jerry "quoted" \'single\'',
  'خیلی خوب بود، ممنون',
  '정말 재미있었어요',
  '这部电影很好看',
  'loved it 😂🎉👍🏽',
  'broken \uD800 surrogate',
];

export const GOEMOTIONS_LIKE_LABELS = [
  'admiration', 'amusement', 'anger', 'annoyance', 'approval', 'caring', 'confusion', 'curiosity', 'desire', 'disappointment',
  'disapproval', 'disgust', 'embarrassment', 'excitement', 'fear', 'gratitude', 'grief', 'joy', 'love', 'nervousness',
  'optimism', 'pride', 'realization', 'relief', 'remorse', 'sadness', 'surprise', 'neutral',
];

type Rng = () => number;

function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function pseudoWord(rng: Rng): string {
  const n = 1 + Math.floor(rng() * 3);
  let w = '';
  for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rng() * SYLLABLES.length)];
  return w;
}

/** A text of pseudo-words with the character span of each word. */
function pseudoText(rng: Rng, words: number, hostile?: string): { text: string; spans: Array<[number, number]> } {
  let text = '';
  const spans: Array<[number, number]> = [];
  for (let i = 0; i < words; i++) {
    if (i > 0) text += rng() < 0.08 ? '. ' : ' ';
    const w = hostile !== undefined && i === Math.floor(words / 2) ? hostile : pseudoWord(rng);
    spans.push([text.length, text.length + w.length]);
    text += w;
  }
  return { text: text + '.', spans };
}

/** ROC and PR points of scores against 0/1 truth (all thresholds), AUC and AP. */
function curves(scores: Float64Array, truth: Uint8Array): { fpr: number[]; tpr: number[]; precision: number[]; recall: number[]; auc: number; ap: number } {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  let P = 0;
  for (const t of truth) P += t;
  const N = truth.length - P;
  const fpr = [0];
  const tpr = [0];
  const precision = [1];
  const recall = [0];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  let ap = 0;
  for (let i = 0; i < order.length; i++) {
    if (truth[order[i]]) tp++;
    else fp++;
    if (i + 1 < order.length && scores[order[i + 1]] === scores[order[i]]) continue;
    const f = N > 0 ? fp / N : 0;
    const t = P > 0 ? tp / P : 0;
    auc += ((f - fpr[fpr.length - 1]) * (t + tpr[tpr.length - 1])) / 2;
    const p = tp / (tp + fp);
    ap += (t - recall[recall.length - 1]) * p;
    fpr.push(f);
    tpr.push(t);
    precision.push(p);
    recall.push(t);
  }
  return { fpr, tpr, precision, recall, auc, ap };
}

function classMetrics(tp: number, fp: number, fn: number): ClassMetrics {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, support: tp + fn };
}

/** Best F1 over all thresholds of one label (what threshold tuning reaches on the same data). */
function bestF1(scores: Float64Array, truth: Uint8Array): number {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  let P = 0;
  for (const t of truth) P += t;
  let tp = 0;
  let best = 0;
  for (let i = 0; i < order.length; i++) {
    tp += truth[order[i]];
    best = Math.max(best, (2 * tp) / (i + 1 + P));
  }
  return best;
}

function reliabilityBins(confidence: ArrayLike<number>, correct: ArrayLike<number>, bins = 10, lowest = 0): ReliabilityBin[] {
  const out: ReliabilityBin[] = [];
  const width = (1 - lowest) / bins;
  for (let b = 0; b < bins; b++) out.push({ lower: lowest + b * width, upper: lowest + (b + 1) * width, count: 0, meanConfidence: 0, accuracy: 0 });
  for (let i = 0; i < confidence.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((confidence[i] - lowest) / width)));
    out[b].count++;
    out[b].meanConfidence += confidence[i];
    out[b].accuracy += correct[i];
  }
  for (const bin of out) {
    if (bin.count > 0) {
      bin.meanConfidence /= bin.count;
      bin.accuracy /= bin.count;
    }
  }
  return out;
}

function ece(bins: ReliabilityBin[]): number {
  const total = bins.reduce((a, b) => a + b.count, 0);
  return bins.reduce((a, b) => a + (b.count / total) * Math.abs(b.accuracy - b.meanConfidence), 0);
}

function topFeatures(rng: Rng, labels: string[], hostile: boolean): ReportData['topFeatures'] {
  return {
    perLabel: labels.map((label, k) => ({
      label,
      features: Array.from({ length: 12 }, (_, i) => ({
        name: hostile && k === 0 && i === 0 ? HOSTILE_STRINGS[0] : rng() < 0.25 ? `${pseudoWord(rng)} ${pseudoWord(rng)}` : pseudoWord(rng),
        weight: (i < 8 ? 1 : -1) * (0.4 + rng() * 3.2),
      })),
    })),
  };
}

function tokenContributions(rng: Rng, spans: Array<[number, number]>, sign: number): TokenContribution[] {
  return spans.map(([start, end]) => ({ start, end, contribution: sign * gaussian(rng) * (rng() < 0.15 ? 1.2 : 0.15) }));
}

function lossCurve(rng: Rng, iterations: number, start: number, end: number): number[] {
  return Array.from({ length: iterations }, (_, i) => end + (start - end) * Math.exp(-i / (iterations / 6)) * (1 + 0.02 * gaussian(rng)));
}

function header(name: string, type: string, task: ReportData['header']['task'], labels: string[], dataFile: string, n: number): ReportData['header'] {
  return { modelName: name, modelType: type, task, labels, dataFile, n, createdAt: '2025-01-01T12:00:00Z', textclassVersion: '0.0.0-test' };
}

/** An IMDB-like binary sentiment report: 2 labels, long texts, over-confident before calibration. */
export function syntheticBinaryReport(seed = 1, n = 5000): ReportData {
  const rng = createRng(seed);
  const labels = ['neg', 'pos'];
  const truth = new Uint8Array(n);
  const logit = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    truth[i] = rng() < 0.5 ? 1 : 0;
    logit[i] = (truth[i] ? 1 : -1) * 2.2 + 1.7 * gaussian(rng);
  }
  const temperature = 2.1;
  // The Bayes-optimal log-odds here are 1.52·z; scaling by 3.2 makes the raw model over-confident.
  const raw = logit.map((z) => sigmoid(z * 3.2));
  const calibrated = logit.map((z) => sigmoid((z * 3.2) / temperature));
  const predicted = raw.map((p) => (p >= 0.5 ? 1 : 0));
  const cm = [
    [0, 0],
    [0, 0],
  ];
  for (let i = 0; i < n; i++) cm[truth[i]][predicted[i]]++;
  const perClass: Record<string, ClassMetrics> = {
    neg: classMetrics(cm[0][0], cm[1][0], cm[0][1]),
    pos: classMetrics(cm[1][1], cm[0][1], cm[1][0]),
  };
  const c = curves(raw, truth);
  const conf = (p: Float64Array) => p.map((x) => Math.max(x, 1 - x));
  const correct = predicted.map((p, i) => (p === truth[i] ? 1 : 0));
  const binsRaw = reliabilityBins(conf(raw), correct, 10, 0.5);
  const binsCal = reliabilityBins(conf(calibrated), correct, 10, 0.5);
  const logLoss = (p: Float64Array) => -p.reduce((a, x, i) => a + Math.log(Math.min(1 - 1e-15, Math.max(1e-15, truth[i] ? x : 1 - x))), 0) / n;
  const brier = (p: Float64Array) => p.reduce((a, x, i) => a + (x - truth[i]) ** 2, 0) / n;
  const accuracy = (cm[0][0] + cm[1][1]) / n;
  const macroF1 = (perClass.neg.f1 + perClass.pos.f1) / 2;

  const mistakes: Mistake[] = [];
  const wrong = Array.from(predicted.keys()).filter((i) => predicted[i] !== truth[i]).sort((a, b) => Math.abs(raw[b] - 0.5) - Math.abs(raw[a] - 0.5));
  wrong.slice(0, 25).forEach((row, k) => {
    const { text, spans } = pseudoText(rng, 60 + Math.floor(rng() * 380), k < HOSTILE_STRINGS.length ? HOSTILE_STRINGS[k] : undefined);
    mistakes.push({ row, text, trueLabels: [labels[truth[row]]], predictedLabels: [labels[predicted[row]]], confidence: Math.max(raw[row], 1 - raw[row]), tokens: tokenContributions(rng, spans, 1) });
  });
  const labelIssues: LabelIssue[] = wrong.slice(0, 30).map((row) => ({ row, text: pseudoText(rng, 40 + Math.floor(rng() * 200)).text, given: labels[truth[row]], suggested: labels[predicted[row]], score: Math.abs(raw[row] - 0.5) * 2 }));

  const epochs = 12;
  return {
    header: { ...header('imdb-like', 'fasttext', 'binary', labels, 'aclImdb/test', n), note: 'Synthetic data generated for tests; the numbers mimic an IMDB sentiment model.' },
    metrics: {
      headline: { n, accuracy, macro_f1: macroF1, roc_auc: c.auc, average_precision: c.ap, log_loss: logLoss(raw) },
      perClass,
    },
    labelDistribution: {
      series: [
        { name: 'train', counts: { neg: 12500, pos: 12500 } },
        { name: 'eval', counts: { neg: n - truth.reduce((a, b) => a + b, 0), pos: truth.reduce((a, b) => a + b, 0) } },
      ],
    },
    confusionMatrix: { labels, counts: cm },
    rocCurves: { curves: [{ name: 'pos', kind: 'label', fpr: c.fpr, tpr: c.tpr, auc: c.auc }] },
    prCurves: { curves: [{ name: 'pos', kind: 'label', precision: c.precision, recall: c.recall, averagePrecision: c.ap, prevalence: truth.reduce((a, b) => a + b, 0) / n }] },
    trainingCurves: {
      xLabel: 'epoch',
      panels: [
        { title: 'train loss', series: [{ name: 'train loss', y: lossCurve(rng, epochs, 0.69, 0.21) }] },
        { title: 'dev accuracy', series: [{ name: 'dev accuracy', y: lossCurve(rng, epochs, 0.62, 0.905).map((v) => Math.min(0.93, v)) }], marker: { x: 9, label: 'kept' } },
        { title: 'learning rate', series: [{ name: 'learning rate', y: Array.from({ length: epochs }, (_, i) => 0.5 * (1 - i / epochs)) }] },
      ],
    },
    reliability: {
      series: [
        { name: 'uncalibrated', bins: binsRaw, ece: ece(binsRaw) },
        { name: 'temperature-scaled', bins: binsCal, ece: ece(binsCal) },
      ],
      note: 'Confidence = probability of the predicted class; bins from 0.5 to 1',
    },
    decisionComparison: [
      {
        title: 'Calibration',
        rows: [
          { name: 'uncalibrated', metrics: { ece: ece(binsRaw), log_loss: logLoss(raw), brier: brier(raw), accuracy } },
          { name: `temperature-scaled (T = ${temperature})`, metrics: { ece: ece(binsCal), log_loss: logLoss(calibrated), brier: brier(calibrated), accuracy } },
        ],
        note: 'Temperature scaling divides the logits by one constant fitted on held-out data; it changes confidence, never the predicted label.',
      },
    ],
    topFeatures: topFeatures(rng, labels, false),
    mistakes,
    labelIssues,
  };
}

/** A GoEmotions-like multilabel report: 28 labels with skewed frequencies, short texts. */
export function syntheticMultilabelReport(seed = 2, n = 5000, options: { hostileLabel?: boolean } = {}): ReportData {
  const rng = createRng(seed);
  const labels = [...GOEMOTIONS_LIKE_LABELS];
  if (options.hostileLabel) labels[13] = HOSTILE_STRINGS[1];
  const K = labels.length;
  const prevalence = labels.map((_, k) => (k === K - 1 ? 0.32 : 0.004 + 0.11 / (1 + ((k * 7) % K))));
  const separation = labels.map(() => 0.7 + rng() * 1.8);
  const truth = Array.from({ length: K }, () => new Uint8Array(n));
  const proba = Array.from({ length: K }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    let any = false;
    for (let k = 0; k < K; k++) {
      if (rng() < prevalence[k]) {
        truth[k][i] = 1;
        any = true;
      }
    }
    if (!any) truth[K - 1][i] = 1;
    for (let k = 0; k < K; k++) {
      const base = Math.log(prevalence[k] / (1 - prevalence[k]));
      proba[k][i] = sigmoid(base + (truth[k][i] ? separation[k] * 1.4 : -0.3) + 1.1 * gaussian(rng));
    }
  }
  const perClass: Record<string, ClassMetrics> = {};
  const f1At05: Record<string, number> = {};
  const f1Tuned: Record<string, number> = {};
  const rocCurves: RocSeries[] = [];
  const prCurves: PrSeries[] = [];
  const predicted = Array.from({ length: K }, (_, k) => proba[k].map((p) => (p >= 0.5 ? 1 : 0)));
  let microTp = 0;
  let microFp = 0;
  let microFn = 0;
  for (let k = 0; k < K; k++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < n; i++) {
      if (predicted[k][i] && truth[k][i]) tp++;
      else if (predicted[k][i]) fp++;
      else if (truth[k][i]) fn++;
    }
    microTp += tp;
    microFp += fp;
    microFn += fn;
    perClass[labels[k]] = classMetrics(tp, fp, fn);
    f1At05[labels[k]] = perClass[labels[k]].f1;
    // Thresholds tuned on other data get part of the way to the in-sample optimum.
    f1Tuned[labels[k]] = f1At05[labels[k]] + 0.35 * Math.max(0, bestF1(proba[k], truth[k]) - f1At05[labels[k]]);
    const c = curves(proba[k], truth[k]);
    rocCurves.push({ name: labels[k], kind: 'label', fpr: c.fpr, tpr: c.tpr, auc: c.auc });
    prCurves.push({ name: labels[k], kind: 'label', precision: c.precision, recall: c.recall, averagePrecision: c.ap, prevalence: perClass[labels[k]].support / n });
  }
  const pooledScores = new Float64Array(n * K);
  const pooledTruth = new Uint8Array(n * K);
  for (let k = 0; k < K; k++) {
    pooledScores.set(proba[k], k * n);
    pooledTruth.set(truth[k], k * n);
  }
  const micro = curves(pooledScores, pooledTruth);
  rocCurves.push({ name: 'micro average', kind: 'micro', fpr: micro.fpr, tpr: micro.tpr, auc: micro.auc });
  prCurves.push({ name: 'micro average', kind: 'micro', precision: micro.precision, recall: micro.recall, averagePrecision: micro.ap });
  // Macro ROC: mean TPR of the labels on a common FPR grid.
  const grid = Array.from({ length: 101 }, (_, i) => i / 100);
  const macroTpr = grid.map((f) => rocCurves.slice(0, K).reduce((a, c) => a + interpolate(c.fpr, c.tpr, f), 0) / K);
  const macroAuc = rocCurves.slice(0, K).reduce((a, c) => a + (c.auc ?? 0), 0) / K;
  rocCurves.push({ name: 'macro average', kind: 'macro', fpr: grid, tpr: macroTpr, auc: macroAuc });

  const mean = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0) / K;
  const microF1 = classMetrics(microTp, microFp, microFn).f1;
  const labelsPerRow = new Array<number>(6).fill(0);
  const cm = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let k = 0; k < K; k++) count += truth[k][i];
    labelsPerRow[Math.min(5, count)]++;
    for (let t = 0; t < K; t++) {
      if (!truth[t][i]) continue;
      for (let p = 0; p < K; p++) if (predicted[p][i]) cm[t][p]++;
    }
  }
  const allConf = pooledScores;
  const bins = reliabilityBins(allConf, pooledTruth, 10, 0);
  const mistakes: Mistake[] = [];
  for (let m = 0; m < 40; m++) {
    const k = Math.floor(rng() * K);
    const t = (k + 1 + Math.floor(rng() * (K - 1))) % K;
    const { text, spans } = pseudoText(rng, 6 + Math.floor(rng() * 20), m % 5 === 0 ? HOSTILE_STRINGS[(m / 5) % HOSTILE_STRINGS.length] : undefined);
    mistakes.push({ row: Math.floor(rng() * n), text, trueLabels: [labels[t]], predictedLabels: [labels[k]], confidence: 0.99 - m * 0.01, tokens: tokenContributions(rng, spans, 1) });
  }
  const labelIssues: LabelIssue[] = Array.from({ length: 60 }, (_, m) => ({
    row: Math.floor(rng() * n),
    text: pseudoText(rng, 5 + Math.floor(rng() * 18), m === 3 ? HOSTILE_STRINGS[0] : undefined).text,
    given: [labels[Math.floor(rng() * K)]],
    suggested: [labels[Math.floor(rng() * K)], labels[K - 1]],
    score: 0.98 - m * 0.012,
  }));
  const trainCounts: Record<string, number> = {};
  const evalCounts: Record<string, number> = {};
  labels.forEach((l) => {
    evalCounts[l] = perClass[l].support;
    trainCounts[l] = Math.round(perClass[l].support * 8.6 * (0.9 + 0.2 * rng()));
  });
  return {
    header: { ...header('goemotions-like', 'logistic_regression', 'multilabel', labels, 'goemotions/dev.tsv', n), note: 'Synthetic data generated for tests; the numbers mimic a GoEmotions model.' },
    metrics: {
      headline: { n, macro_f1: mean(f1At05), micro_f1: microF1, macro_roc_auc: macroAuc, exact_match: 0.41 + rng() * 0.02, hamming_loss: 0.03 + rng() * 0.01 },
      perClass,
    },
    labelDistribution: { series: [{ name: 'train', counts: trainCounts, total: Math.round(n * 8.6) }, { name: 'eval', counts: evalCounts, total: n }] },
    labelsPerText: { series: [{ name: 'eval', counts: labelsPerRow }] },
    confusionMatrix: { labels, counts: cm, note: 'Multilabel: every (true label, predicted label) pair of a row is counted once.' },
    rocCurves: { curves: rocCurves },
    prCurves: { curves: prCurves },
    perClassF1: { series: [{ name: 'threshold 0.5', f1: f1At05 }, { name: 'tuned thresholds', f1: f1Tuned }] },
    trainingCurves: { xLabel: 'iteration', panels: [{ title: 'L-BFGS loss per one-vs-rest model', series: labels.map((l) => ({ name: l, y: lossCurve(rng, 40 + Math.floor(rng() * 60), 0.69, 0.02 + rng() * 0.2) })) }] },
    reliability: { series: [{ name: 'sigmoid outputs', bins, ece: ece(bins) }], note: 'Every (row, label) probability against whether the label is true' },
    decisionComparison: [
      {
        title: 'Decision thresholds',
        rows: [
          { name: 'threshold 0.5', metrics: { macro_f1: mean(f1At05), micro_f1: microF1 } },
          { name: 'tuned thresholds', metrics: { macro_f1: mean(f1Tuned), micro_f1: microF1 + 0.012 } },
        ],
        note: 'Per-label thresholds tuned on dev maximise each label’s F1.',
      },
    ],
    topFeatures: topFeatures(rng, labels, true),
    mistakes,
    labelIssues,
  };
}

/** y at x on a piecewise-linear curve given with x ascending (ties allowed). */
function interpolate(xs: number[], ys: number[], x: number): number {
  for (let i = 1; i < xs.length; i++) {
    if (xs[i] >= x) {
      const span = xs[i] - xs[i - 1];
      return span === 0 ? ys[i] : ys[i - 1] + ((x - xs[i - 1]) / span) * (ys[i] - ys[i - 1]);
    }
  }
  return ys[ys.length - 1];
}
