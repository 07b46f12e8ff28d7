import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelMapper, resolveLabelMap } from '../../data/label-map.js';
import type { Example } from '../../data/types.js';
import type { Classifier, ModelState } from '../../models/classifier.js';
import { restoreClassifier } from '../../models/registry.js';
import { buildLabelTree, decodeRoute, routedDepth, tierProbabilities } from './label-tree.js';
import { mergeRarePaths, unseenPathTarget } from '../../data/rare-paths.js';
import { abstentionCurve, chooseThreshold, macroF1, routingReport } from './routing-report.js';
import { fitTiered, TieredClassifier } from './tiered-classifier.js';

const LABELS = ['4/1/7', '4/1/9', '4/2/7', '5/13/7', 'other'];

test('the label tree has one node per distinct prefix, children pointing at their parent', () => {
  const tree = buildLabelTree(LABELS, '/');
  assert.equal(tree.depth, 3);
  assert.deepEqual(tree.tiers[0], ['4', '5', 'other']);
  assert.deepEqual(tree.tiers[1], ['4/1', '4/2', '5/13']);
  assert.deepEqual(Array.from(tree.parent[1]), [0, 0, 1]);
  assert.deepEqual(Array.from(tree.nodeOf[2]), [0, 1, 2, 3, -1]);
});

test('tier probabilities sum the paths below each node, and the route stays consistent', () => {
  const tree = buildLabelTree(LABELS, '/');
  // 4/2/7 is the single most likely path, but tier 1 is "4" and within 4, "4/1" has more mass.
  const proba = [0.2, 0.2, 0.3, 0.25, 0.05];
  const tiers = tierProbabilities(tree, proba);
  assert.deepEqual(Array.from(tiers[0], (v) => +v.toFixed(6)), [0.7, 0.25, 0.05]);
  const route = decodeRoute(tree, tiers);
  assert.deepEqual(route.map((s) => s.path), ['4', '4/1', '4/1/7']);
  assert.deepEqual(route.map((s) => +s.confidence.toFixed(6)), [0.7, 0.4, 0.2]);
  assert.equal(routedDepth(route, 0.5), 1);
  assert.equal(routedDepth(route, 0.1), 3);
  assert.equal(routedDepth(route, 0.75), 0);
});

test('a route stops at a leaf: "other" has no tier 2', () => {
  const tree = buildLabelTree(LABELS, '/');
  const route = decodeRoute(tree, tierProbabilities(tree, [0, 0, 0, 0.1, 0.9]));
  assert.deepEqual(route.map((s) => s.path), ['other']);
});

test('rare paths go to their parent\'s other child, a rare category to other', () => {
  const counts = new Map([
    ['4/1/7', 30],
    ['4/1/9', 3],
    ['4/2/7', 4],
    ['4/2/8', 2],
    ['5/13/7', 25],
    ['8/30/1', 5],
  ]);
  const merged = mergeRarePaths(counts, '/', 10, 'other');
  assert.deepEqual(Object.fromEntries(merged), { '4/1/9': '4/1/other', '4/2/7': '4/other', '4/2/8': '4/other', '8/30/1': 'other' });
  const targets = new Set(['4/1/7', '4/1/other', '4/other', '5/13/7', 'other']);
  assert.equal(unseenPathTarget('4/1/55', '/', 'other', targets), '4/1/other');
  assert.equal(unseenPathTarget('5/99/1', '/', 'other', targets), 'other');
  assert.equal(unseenPathTarget('9/1/1', '/', 'other', targets), 'other');
});

test('the label map of rare_scope parent merges rare paths and maps unseen ones under their parent', () => {
  const ex = (label: string, n: number): Example[] => Array.from({ length: n }, (_, i) => ({ text: `${label} ${i}`, labels: [label], source: { file: 'x' } }));
  const train = [...ex('4/1/7', 12), ...ex('4/1/9', 2), ...ex('5/13/7', 11), ...ex('8/30/1', 3)];
  const m = resolveLabelMap({ minCount: 5, rare: 'merge', rareLabel: 'other', rareScope: 'parent', pathSeparator: '/' }, train);
  assert.deepEqual(m.map, { '4/1/9': '4/1/other', '8/30/1': 'other' });
  const map = labelMapper(m);
  assert.deepEqual(map(['4/1/44']), ['4/1/other']);
  assert.deepEqual(map(['4/1/7']), ['4/1/7']);
  assert.deepEqual(map(['7/1/1']), ['other']);
});

test('macro-F1 counts classes seen in truth or predictions; a missing answer is a miss', () => {
  assert.equal(macroF1([0, 0, 1, 1], [0, 0, 1, 1]), 1);
  // class 0: tp 1 fn 1 → 2/3; class 1: tp 2 fp 1 → 0.8
  assert.ok(Math.abs(macroF1([0, 0, 1, 1], [0, 1, 1, 1]) - (2 / 3 + 0.8) / 2) < 1e-12);
  assert.equal(macroF1([0, 1], [-1, -1]), 0);
});

test('the abstention curve routes fewer tickets, more precisely, as the threshold rises; the chosen threshold meets the target', () => {
  const labels = ['a/x', 'a/y', 'b/z'];
  const tree = buildLabelTree(labels, '/');
  // four confident right tickets; two unsure ones: right category but wrong sub-category, and wrong category
  const proba = new Float32Array([0.9, 0.05, 0.05, 0.05, 0.9, 0.05, 0.05, 0.05, 0.9, 0.9, 0.05, 0.05, 0.35, 0.25, 0.4, 0.35, 0.3, 0.35]);
  const y = Int32Array.from([0, 1, 2, 0, 1, 2]);
  const routes = Array.from({ length: 6 }, (_, i) => decodeRoute(tree, tierProbabilities(tree, proba, i * 3)));
  const curve = abstentionCurve(tree, routes, y);
  assert.equal(curve[0].coverage, 1);
  assert.ok(curve[0].precision < 1);
  const at80 = curve[80];
  assert.equal(at80.coverage, 4 / 6);
  assert.equal(at80.precision, 1);
  for (let i = 1; i < curve.length; i++) assert.ok(curve[i].coverage <= curve[i - 1].coverage);
  const chosen = chooseThreshold(curve, { targetPrecision: 1 });
  assert.equal(chosen.reached, true);
  assert.equal(chosen.precision, 1);
  assert.ok(chosen.value > 0.4 && chosen.value <= 0.9);
  const report = routingReport(labels, '/', proba, y, { strategy: 'flat', rule: { threshold: 0.5 }, measuredOn: 'test' });
  assert.equal(report.tiers[0].accuracy, 5 / 6);
  assert.equal(report.path_accuracy, 4 / 6);
  assert.equal(report.threshold.chosen_by, 'fixed');
});

/** A fixed classifier over given labels returning the same row for every text. */
function fixed(labels: string[], row: number[]): Classifier {
  return {
    type: 'fixed-test',
    task: 'multiclass',
    labels,
    predictProba: (texts) => {
      const out = new Float32Array(texts.length * labels.length);
      for (let i = 0; i < texts.length; i++) out.set(row, i * labels.length);
      return out;
    },
    toState: (): ModelState => ({ type: 'fixed-test', config: {}, arrays: {} }),
  };
}

test('per-tier models combine into a path distribution whose tier sums are each tier model\'s renormalized answer', () => {
  const labels = ['4/1', '4/2', '5/13', 'other'];
  const tier1 = fixed(['4', '5', 'other'], [0.6, 0.3, 0.1]);
  const tier2 = fixed(['4/1', '4/2', '5/13'], [0.1, 0.3, 0.6]);
  const c = new TieredClassifier(labels, '/', [tier1, tier2]);
  const p = Array.from(c.predictProba(['t']));
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  // P(4/1) = 0.6 · 0.1 / (0.1 + 0.3); P(5/13) = 0.3 · 1; P(other) = 0.1
  assert.ok(Math.abs(p[0] - 0.15) < 1e-6 && Math.abs(p[1] - 0.45) < 1e-6 && Math.abs(p[2] - 0.3) < 1e-6 && Math.abs(p[3] - 0.1) < 1e-6);
});

test('a fitted per-tier model round-trips through the registry and predicts identically', async () => {
  const texts = ['printer jam tray', 'printer toner empty', 'laptop screen broken', 'laptop battery dead', 'vpn access request', 'vpn password reset', 'printer offline', 'laptop keyboard', 'vpn token'];
  const labels = ['hw/printer', 'hw/laptop', 'access/vpn'];
  const y = Int32Array.from([0, 0, 1, 1, 2, 2, 0, 1, 2]);
  const { tfidfLogreg } = await import('../../models/tfidf-logreg.js');
  const model = await fitTiered(
    { task: 'multiclass', labels, texts, targets: { kind: 'single', y }, seed: 1 },
    {
      separator: '/',
      fitTier: (input) =>
        tfidfLogreg.fit(input, {
          normalize: { unicode: 'NFKC', lowercase: true, stripHtml: true, urls: true, emails: true, mentions: true, numbers: false },
          tfidf: { analyzer: 'word', tokenPattern: 'word', ngramRange: [1, 1], minDf: 1, maxDf: 1, maxFeatures: null, hashBuckets: null, sublinearTf: true, useIdf: true, smoothIdf: true, norm: 'l2', stopWords: null, stem: null },
          logistic: { C: 10, maxIter: 200, tol: 1e-6 },
          classWeight: null,
        }),
    },
  );
  const restored = restoreClassifier(structuredClone(model.toState()), 'memory');
  const probe = ['printer', 'vpn please', 'my laptop'];
  assert.deepEqual(Array.from(restored.predictProba(probe)), Array.from(model.predictProba(probe)));
  const tree = buildLabelTree(labels, '/');
  const p = model.predictProba(['printer toner']);
  assert.equal(decodeRoute(tree, tierProbabilities(tree, p)).at(-1)?.path, 'hw/printer');
});

test('per-tier fitting refuses a path that is also the parent of another path', async () => {
  await assert.rejects(
    fitTiered({ task: 'multiclass', labels: ['a', 'a/b'], texts: ['x', 'y'], targets: { kind: 'single', y: Int32Array.from([0, 1]) }, seed: 1 }, { separator: '/', fitTier: async () => fixed(['a'], [1]) }),
    /both a whole path and the parent.*strategy: flat/,
  );
});
