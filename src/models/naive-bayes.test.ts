import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import type { Targets } from '../data/targets.js';
import type { CsrMatrix } from '../features/csr.js';
import { DEFAULT_TFIDF } from '../features/tfidf.js';
import { loadStarter } from '../test-support/starter-data.js';
import { DEFAULT_NORMALIZE } from '../text/normalize.js';
import { classifierConformance } from './conformance.js';
import { balancedRowWeights } from './class-weights.js';
import { fitNaiveBayes, naiveBayes, naiveBayesProba, type NaiveBayesOptions, type NbVariant } from './naive-bayes.js';

interface GoldenCsr {
  indptr: number[];
  indices: number[];
  data: number[];
}
/** Written by scripts/golden/tfidf_logreg.py: the corpus and its TF-IDF matrices (exact float32). */
interface GoldenFeatures {
  logistic_features: string;
  tfidf: { name: string; features: number[]; train: GoldenCsr; unseen: GoldenCsr }[];
}
/** Written by scripts/golden/naive_bayes.py (scikit-learn 1.2.1 MultinomialNB / ComplementNB). */
interface GoldenNbCase {
  name: string;
  variant: NbVariant;
  alpha: number;
  task: 'binary' | 'multiclass' | 'multiclass-balanced' | 'ovr';
  y: number[] | number[][];
  proba_train: number[];
  proba_unseen: number[];
}
interface GoldenNb {
  features: string;
  num_features: number;
  cases: GoldenNbCase[];
}

// dist/models/naive-bayes.test.js → the repository root is two levels up.
const readGolden = <T>(name: string): T => JSON.parse(fs.readFileSync(new URL(`../../test/golden/${name}`, import.meta.url), 'utf8')) as T;
const features = readGolden<GoldenFeatures>('tfidf-logreg.json');
const golden = readGolden<GoldenNb>('naive-bayes.json');

const PROBA_TOL = 1e-5;

function csrFromGolden(m: GoldenCsr, cols: number): CsrMatrix {
  return { rows: m.indptr.length - 1, cols, indptr: Int32Array.from(m.indptr), indices: Int32Array.from(m.indices), data: Float32Array.from(m.data) };
}

const featureCase = features.tfidf.find((c) => c.name === golden.features);
assert.ok(featureCase, `TF-IDF case ${golden.features} missing from tfidf-logreg.json`);
const D = featureCase.features.length;
const Xtrain = csrFromGolden(featureCase.train, D);
const Xunseen = csrFromGolden(featureCase.unseen, D);

function targetsOf(c: GoldenNbCase): { targets: Targets; numClasses: number } {
  if (c.task === 'ovr') {
    const rows = c.y as number[][];
    return { targets: { kind: 'multi', y: Uint8Array.from(rows.flat()), numLabels: rows[0].length }, numClasses: 2 };
  }
  const y = Int32Array.from(c.y as number[]);
  return { targets: { kind: 'single', y }, numClasses: Math.max(...y) + 1 };
}

function assertClose(got: ArrayLike<number>, want: readonly number[], what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= PROBA_TOL) && (worstAt === -1 || err > worst)) {
      worst = err;
      worstAt = i;
    }
  }
  if (worstAt !== -1) assert.fail(`${what}: entry ${worstAt}: got ${got[worstAt]}, sklearn ${want[worstAt]} (|diff| ${worst})`);
}

test('golden file matches the TF-IDF case it was made from', () => {
  assert.equal(golden.num_features, D);
  const kinds = new Set(golden.cases.map((c) => `${c.variant}/${c.task}/${c.alpha}`));
  for (const v of ['multinomial', 'complement']) {
    for (const t of ['binary', 'multiclass', 'ovr']) for (const a of [1, 0.1]) assert.ok(kinds.has(`${v}/${t}/${a}`), `${v}/${t}/${a}`);
  }
});

for (const c of golden.cases) {
  test(`naive Bayes matches scikit-learn: ${c.name}`, () => {
    const { targets, numClasses } = targetsOf(c);
    const weights =
      c.task === 'multiclass-balanced' && targets.kind === 'single'
        ? balancedRowWeights(targets.y, numClasses)
        : undefined;
    const model = fitNaiveBayes(Xtrain, targets, numClasses, c.variant, c.alpha, weights);
    assertClose(naiveBayesProba(Xtrain, model), c.proba_train, `${c.name}: predict_proba(train)`);
    assertClose(naiveBayesProba(Xunseen, model), c.proba_unseen, `${c.name}: predict_proba(unseen)`);
  });
}

test('multilabel balanced class weights equal per-label balanced sample weights', () => {
  // One label's binary model under balancedPairWeights must equal a single-label fit of that
  // column with sklearn-style balanced row weights.
  const c = golden.cases.find((g) => g.task === 'ovr' && g.variant === 'multinomial' && g.alpha === 1);
  assert.ok(c);
  const rows = c.y as number[][];
  const K = rows[0].length;
  const multi = fitNaiveBayes(Xtrain, { kind: 'multi', y: Uint8Array.from(rows.flat()), numLabels: K }, 2, 'multinomial', 1, undefined, pairWeights(rows));
  const pMulti = naiveBayesProba(Xunseen, multi);
  for (let k = 0; k < K; k++) {
    const y = Int32Array.from(rows, (r) => r[k]);
    const single = fitNaiveBayes(Xtrain, { kind: 'single', y }, 2, 'multinomial', 1, balancedRowWeights(y, 2));
    const p = naiveBayesProba(Xunseen, single);
    for (let i = 0; i < Xunseen.rows; i++) assert.ok(Math.abs(p[i * 2 + 1] - pMulti[i * K + k]) < 1e-6);
  }
});

function pairWeights(rows: number[][]): Float64Array {
  const n = rows.length;
  const K = rows[0].length;
  const out = new Float64Array(2 * K);
  for (let k = 0; k < K; k++) {
    const pos = rows.reduce((s, r) => s + r[k], 0);
    out[2 * k] = n / (2 * (n - pos));
    out[2 * k + 1] = n / (2 * pos);
  }
  return out;
}

test('a label present in every row (or none) gives P = 1 (or 0), not NaN', () => {
  const n = Xtrain.rows;
  const y = new Uint8Array(n * 2);
  for (let i = 0; i < n; i++) y[i * 2] = 1; // label 0 always, label 1 never
  for (const variant of ['multinomial', 'complement'] as const) {
    const m = fitNaiveBayes(Xtrain, { kind: 'multi', y, numLabels: 2 }, 2, variant, 1);
    const p = naiveBayesProba(Xunseen, m);
    for (let i = 0; i < Xunseen.rows; i++) {
      assert.equal(p[i * 2], 1, variant);
      assert.equal(p[i * 2 + 1], 0, variant);
    }
  }
});

test('state round-trip through fromState predicts identically (without the registry)', async () => {
  const train = loadStarter('train');
  const labels = [...new Set(train.map((r) => r.emotion))].sort();
  for (const variant of ['multinomial', 'complement'] as const) {
    const fitted = await naiveBayes.fit(
      { task: 'multiclass', labels, texts: train.map((r) => r.text), targets: { kind: 'single', y: Int32Array.from(train, (r) => labels.indexOf(r.emotion)) }, seed: 1 },
      { ...OPTIONS, variant },
    );
    const probe = loadStarter('dev').slice(0, 30).map((r) => r.text);
    const restored = naiveBayes.fromState(structuredClone(fitted.toState()));
    assert.deepEqual(restored.predictProba(probe), fitted.predictProba(probe));
  }
});

const OPTIONS: NaiveBayesOptions = {
  normalize: DEFAULT_NORMALIZE,
  tfidf: { ...DEFAULT_TFIDF, minDf: 1 },
  variant: 'multinomial',
  alpha: 0.1,
  classWeight: null,
};

classifierConformance(naiveBayes, OPTIONS);
classifierConformance(naiveBayes, { ...OPTIONS, variant: 'complement', alpha: 0.3, tfidf: { ...DEFAULT_TFIDF, minDf: 1, ngramRange: [1, 3] }, classWeight: 'balanced' });
