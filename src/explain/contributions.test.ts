import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Task, Targets } from '../data/targets.js';
import { DEFAULT_TFIDF, type TfidfConfig } from '../features/tfidf.js';
import type { Classifier, FitInput, ModelFactory } from '../models/classifier.js';
import { naiveBayes } from '../models/naive-bayes.js';
import { nbsvm } from '../models/nbsvm.js';
import { tfidfLogreg } from '../models/tfidf-logreg.js';
import { DEFAULT_SVM_CALIBRATION, DEFAULT_SVM_OPTIONS, tfidfSvm } from '../models/tfidf-svm.js';
import { loadStarter } from '../test-support/starter-data.js';
import { DEFAULT_NORMALIZE, type NormalizeConfig } from '../text/normalize.js';
import { explainText, highlightSegments, probabilitiesFromScores, rankTokens, type ExactExplanation } from './index.js';

const train = loadStarter('train');
const dev = loadStarter('dev');

/** Binary, multiclass and multilabel versions of the starter data (as the conformance suite builds them). */
function taskInput(task: Task): FitInput {
  if (task === 'binary') {
    const rows = train.filter((r) => r.sentiment !== 'neutral');
    return { task, labels: ['negative', 'positive'], texts: rows.map((r) => r.text), targets: { kind: 'single', y: Int32Array.from(rows, (r) => (r.sentiment === 'positive' ? 1 : 0)) }, seed: 7 };
  }
  if (task === 'multiclass') {
    const labels = [...new Set(train.map((r) => r.emotion))].sort();
    return { task, labels, texts: train.map((r) => r.text), targets: { kind: 'single', y: Int32Array.from(train, (r) => labels.indexOf(r.emotion)) }, seed: 7 };
  }
  const labels = [...new Set([...train.map((r) => r.emotion), ...train.map((r) => r.sentiment)])].sort();
  const K = labels.length;
  const y = new Uint8Array(train.length * K);
  train.forEach((r, i) => {
    y[i * K + labels.indexOf(r.emotion)] = 1;
    y[i * K + labels.indexOf(r.sentiment)] = 1;
  });
  const targets: Targets = { kind: 'multi', y, numLabels: K };
  return { task, labels, texts: train.map((r) => r.text), targets, seed: 7 };
}

const normalize: NormalizeConfig = { ...DEFAULT_NORMALIZE, urls: true, emails: true, mentions: true, numbers: true };
const tfidf: TfidfConfig = { ...DEFAULT_TFIDF, minDf: 1, ngramRange: [1, 3] };

const MODELS: { name: string; factory: ModelFactory<never>; options: (t: TfidfConfig) => unknown }[] = [
  { name: 'logistic regression', factory: tfidfLogreg as ModelFactory<never>, options: (t) => ({ normalize, tfidf: t, logistic: { C: 10, maxIter: 200, tol: 1e-4 }, classWeight: null }) },
  {
    name: 'linear SVM',
    factory: tfidfSvm as ModelFactory<never>,
    options: (t) => ({ normalize, tfidf: t, svm: DEFAULT_SVM_OPTIONS, calibration: DEFAULT_SVM_CALIBRATION, classWeight: null }),
  },
  { name: 'multinomial NB', factory: naiveBayes as ModelFactory<never>, options: (t) => ({ normalize, tfidf: t, variant: 'multinomial', alpha: 0.1, classWeight: null }) },
  { name: 'complement NB', factory: naiveBayes as ModelFactory<never>, options: (t) => ({ normalize, tfidf: t, variant: 'complement', alpha: 0.3, classWeight: 'balanced' }) },
  { name: 'NB-SVM', factory: nbsvm as ModelFactory<never>, options: (t) => ({ normalize, tfidf: t, alpha: 1, binarize: true, C: 1, maxIter: 200, tol: 1e-4, classWeight: null }) },
];

const PROBES = [
  ...dev.slice(0, 25).map((r) => r.text),
  '',
  'zzqx unseenword',
  '🙂🙂 LOVE it!!! <br />Best DAY ever &amp; more',
  'Mail me at Someone@Example.com or see https://example.com/a?b=1 — @friend said 3.5 stars',
  'ﬁnally ＦＵＬＬ width Ｉ am SO happy İstanbul',
  'happy happy happy sad sad',
];

/** Checks the exact-sum identity and the probabilities of one explanation; returns the worst gaps. */
function checkExact(classifier: Classifier, e: ExactExplanation): { sumGap: number; probaGap: number } {
  assert.equal(e.method, 'exact');
  const L = classifier.labels.length;
  assert.equal(e.score.length, L);
  let sumGap = 0;
  for (let k = 0; k < L; k++) {
    let total = e.bias[k] + e.unplaced[k];
    for (const t of e.tokens) total += t.contributions[k];
    // −∞ bias (a class naive Bayes never saw) makes both sides −∞.
    if (!Number.isFinite(e.score[k])) assert.equal(total, e.score[k]);
    else sumGap = Math.max(sumGap, Math.abs(total - e.score[k]));
  }
  // The score, through the link, is what predictProba reports.
  const p = probabilitiesFromScores(e.score, e.link);
  const want = classifier.predictProba([e.text]);
  let probaGap = 0;
  for (let k = 0; k < L; k++) {
    probaGap = Math.max(probaGap, Math.abs(p[k] - want[k]));
    assert.ok(Math.abs(e.probabilities[k] - want[k]) < 1e-6, `probability of ${classifier.labels[k]}: ${e.probabilities[k]} vs predictProba ${want[k]}`);
  }
  return { sumGap, probaGap };
}

for (const model of MODELS) {
  describe(`exact contributions: ${model.name}`, () => {
    for (const task of ['binary', 'multiclass', 'multilabel'] as const) {
      test(`${task}: bias + Σ token contributions = the model's score, and the link gives predictProba`, async () => {
        const classifier = await model.factory.fit(taskInput(task), model.options(tfidf) as never);
        let worstSum = 0;
        let worstProba = 0;
        for (const text of PROBES) {
          const e = explainText(classifier, text);
          assert.equal(e.method, 'exact');
          const { sumGap, probaGap } = checkExact(classifier, e as ExactExplanation);
          worstSum = Math.max(worstSum, sumGap);
          worstProba = Math.max(worstProba, probaGap);
          // Word n-grams always sit on word tokens: nothing is left unplaced.
          for (const u of (e as ExactExplanation).unplaced) assert.equal(u, 0, `unplaced ${u} for ${JSON.stringify(text)}`);
        }
        assert.ok(worstSum < 1e-9, `worst |bias + Σ − score| = ${worstSum}`);
        assert.ok(worstProba < 1e-5, `worst |p(score) − predictProba| = ${worstProba}`);
      });
    }
  });
}

describe('exact contributions: analyzers and feature modes', () => {
  const configs: { name: string; tfidf: TfidfConfig; unplacedOk?: boolean }[] = [
    { name: 'char n-grams', tfidf: { ...DEFAULT_TFIDF, analyzer: 'char', ngramRange: [1, 4], minDf: 1 }, unplacedOk: true },
    { name: 'char_wb n-grams', tfidf: { ...DEFAULT_TFIDF, analyzer: 'char_wb', ngramRange: [1, 4], minDf: 1 } },
    { name: 'hashed word n-grams', tfidf: { ...DEFAULT_TFIDF, ngramRange: [1, 3], minDf: 1, hashBuckets: 4096 } },
    { name: 'hashed char_wb n-grams', tfidf: { ...DEFAULT_TFIDF, analyzer: 'char_wb', ngramRange: [2, 4], minDf: 1, hashBuckets: 2048 } },
    { name: 'stop words and stemming', tfidf: { ...DEFAULT_TFIDF, ngramRange: [1, 2], minDf: 1, stopWords: 'en', stem: 'en' } },
    { name: 'sklearn token pattern, bigrams only', tfidf: { ...DEFAULT_TFIDF, tokenPattern: 'sklearn', ngramRange: [2, 2], minDf: 1 } },
    { name: 'segmented tokens', tfidf: { ...DEFAULT_TFIDF, tokenPattern: 'segmented', ngramRange: [1, 2], minDf: 1 } },
    // Character n-grams of punctuation outside word tokens ("," or ". ") have no word to sit on.
    { name: 'words + char_wb block', tfidf: { ...DEFAULT_TFIDF, ngramRange: [1, 2], minDf: 1, charNgrams: { analyzer: 'char_wb', ngramRange: [2, 4], weight: 0.7 } }, unplacedOk: true },
    { name: 'hashed words + char block', tfidf: { ...DEFAULT_TFIDF, ngramRange: [1, 2], minDf: 1, hashBuckets: 4096, charNgrams: { analyzer: 'char', ngramRange: [1, 3], weight: 1 } }, unplacedOk: true },
  ];
  const extra = ['我今天非常开心 happy', 'สวัสดีครับ ok', 'the the the'];
  for (const c of configs) {
    test(`${c.name}: sums are exact and every feature is found in the text`, async () => {
      const classifier = await tfidfLogreg.fit(taskInput('multiclass'), { normalize, tfidf: c.tfidf, logistic: { C: 10, maxIter: 100, tol: 1e-4 }, classWeight: null });
      for (const text of [...PROBES, ...extra]) {
        const e = explainText(classifier, text) as ExactExplanation;
        const { sumGap, probaGap } = checkExact(classifier, e);
        assert.ok(sumGap < 1e-9 && probaGap < 1e-5, `${JSON.stringify(text)}: sum gap ${sumGap}, proba gap ${probaGap}`);
        if (c.unplacedOk) continue;
        for (const u of e.unplaced) assert.equal(u, 0, `unplaced ${u} for ${JSON.stringify(text)}`);
      }
    });
  }

  test('char analyzer: only whitespace-only n-grams are unplaced', async () => {
    const t: TfidfConfig = { ...DEFAULT_TFIDF, analyzer: 'char', ngramRange: [2, 4], minDf: 1 };
    const classifier = await tfidfLogreg.fit(taskInput('multiclass'), { normalize, tfidf: t, logistic: { C: 10, maxIter: 100, tol: 1e-4 }, classWeight: null });
    // From 2-grams on, every n-gram of a collapsed text holds a visible character.
    for (const text of PROBES) for (const u of (explainText(classifier, text) as ExactExplanation).unplaced) assert.equal(u, 0);
  });
});

test('words + characters: character n-grams are placed on the words they cover', async () => {
  for (const hashBuckets of [null, 4096]) {
    const t: TfidfConfig = { ...DEFAULT_TFIDF, ngramRange: [1, 2], minDf: 1, hashBuckets, charNgrams: { analyzer: 'char_wb', ngramRange: [2, 4], weight: 1 } };
    const classifier = await tfidfLogreg.fit(taskInput('multiclass'), { normalize, tfidf: t, logistic: { C: 10, maxIter: 100, tol: 1e-4 }, classWeight: null });
    const wordsOnly = await tfidfLogreg.fit(taskInput('multiclass'), { normalize, tfidf: { ...t, charNgrams: null }, logistic: { C: 10, maxIter: 100, tol: 1e-4 }, classWeight: null });
    // Letters and spaces only: every character n-gram lies inside one word, so nothing is unplaced.
    for (const text of ['happy happy happy sad sad', 'I am so happy today', 'the the the', '我今天非常开心 happy']) {
      const e = explainText(classifier, text) as ExactExplanation;
      const { sumGap } = checkExact(classifier, e);
      assert.ok(sumGap < 1e-9);
      for (const u of e.unplaced) assert.equal(u, 0, `unplaced ${u} for ${JSON.stringify(text)}`);
      // The tokens are the words, as without the character block.
      assert.deepEqual(e.tokens.map((x) => x.token), (explainText(wordsOnly, text) as ExactExplanation).tokens.map((x) => x.token));
    }
  }
});

describe('token spans in the original text', () => {
  let classifier: Classifier;
  test('fit', async () => {
    classifier = await tfidfLogreg.fit(taskInput('multiclass'), { normalize, tfidf, logistic: { C: 10, maxIter: 100, tol: 1e-4 }, classWeight: null });
  });

  test('lowercased, NFKC-folded and HTML-stripped tokens point at what the user wrote', () => {
    const text = 'I LOVE<br />ＴＨＩＳ &amp; ﬁnally!';
    const e = explainText(classifier, text);
    assert.deepEqual(
      e.tokens.map((t) => [t.text, t.token]),
      [
        ['I', 'i'],
        ['LOVE', 'love'],
        ['ＴＨＩＳ', 'this'],
        ['ﬁnally', 'finally'],
        ['!', '!'],
      ],
    );
    for (const t of e.tokens) assert.equal(text.slice(t.start, t.end), t.text);
  });

  test('placeholders highlight the URL, address, mention or number they replaced', () => {
    const text = 'see https://example.com/x?y=1 or mail Bob@Mail.org, ask @kim about 3.5';
    const e = explainText(classifier, text) as ExactExplanation;
    const byToken = Object.fromEntries(e.tokens.map((t) => [t.token, t.text]));
    assert.equal(byToken.xxurl, 'https://example.com/x?y=1');
    assert.equal(byToken.xxemail, 'Bob@Mail.org');
    assert.equal(byToken.xxuser, '@kim');
    assert.equal(byToken.xxnum, '3.5');
    assert.equal(e.spans, 'exact');
  });

  test('a bigram splits its contribution equally between its two words', async () => {
    const c = await tfidfLogreg.fit(
      { task: 'binary', labels: ['no', 'yes'], texts: ['not good', 'good', 'not bad', 'bad', 'very good', 'very bad'], targets: { kind: 'single', y: Int32Array.from([0, 1, 1, 0, 1, 0]) }, seed: 1 },
      { normalize, tfidf: { ...DEFAULT_TFIDF, minDf: 1, ngramRange: [2, 2] }, logistic: { C: 10, maxIter: 100, tol: 1e-6 }, classWeight: null },
    );
    const e = explainText(c, 'not good') as ExactExplanation;
    // One feature ("not good"), two tokens: equal halves, mirrored for the other label.
    assert.equal(e.tokens.length, 2);
    assert.equal(e.tokens[0].contributions[1], e.tokens[1].contributions[1]);
    assert.equal(e.tokens[0].contributions[0], -e.tokens[0].contributions[1]);
    assert.ok(Math.abs(e.tokens[0].contributions[1] * 2 - (e.score[1] - e.bias[1])) < 1e-12);
  });
});

test('highlightSegments cuts the original text into tokens and the text between them', async () => {
  const c = await tfidfLogreg.fit(taskInput('binary'), { normalize, tfidf, logistic: { C: 10, maxIter: 100, tol: 1e-4 }, classWeight: null });
  for (const text of PROBES) {
    const e = explainText(c, text);
    const segments = highlightSegments(e, 1);
    assert.equal(segments.map((s) => s.text).join(''), text);
    const tokenSegments = segments.filter((s) => s.contribution !== null);
    assert.equal(tokenSegments.length, e.tokens.length);
    tokenSegments.forEach((s, i) => assert.equal(s.contribution, e.tokens[i].contributions[1]));
  }
  assert.deepEqual(
    highlightSegments(explainText(c, 'So <b>GOOD</b>'), 1).map((s) => [s.text, s.contribution === null]),
    [
      ['So', false],
      [' <b>', true],
      ['GOOD', false],
      ['</b>', true],
    ],
  );
});

test('rankTokens orders supporting and opposing tokens by contribution', async () => {
  const c = await tfidfLogreg.fit(taskInput('binary'), { normalize, tfidf, logistic: { C: 10, maxIter: 100, tol: 1e-4 }, classWeight: null });
  const e = explainText(c, 'I love this so much, but the ending was awful and boring');
  const { positive, negative } = rankTokens(e, 1, 3);
  assert.ok(positive.length > 0 && negative.length > 0);
  for (let i = 1; i < positive.length; i++) assert.ok(positive[i - 1].contribution >= positive[i].contribution);
  for (let i = 1; i < negative.length; i++) assert.ok(negative[i - 1].contribution <= negative[i].contribution);
  assert.ok(positive.some((t) => t.text === 'love'), JSON.stringify(positive));
  assert.ok(negative.some((t) => t.text === 'awful' || t.text === 'boring'), JSON.stringify(negative));
});
