import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tuneSchema } from '../recipe/schema.js';
import { GridSampler, RandomSampler, TpeSampler, fitParzen, parzenLogDensity, splitGoodBad, type Observation, type Sampler } from './samplers.js';
import { spaceOf, type Params, type SearchSpace } from './space.js';

function space(s: Record<string, unknown>): SearchSpace {
  return spaceOf(tuneSchema.parse({ space: s }));
}

const BASE = { name: 'x', task: 'multiclass', data: { format: 'csv', train: 't.csv', text_field: 'text', label_field: 'label' } };

describe('grid sampler', () => {
  test('covers the product of the choices exactly once', () => {
    const g = new GridSampler(space({ 'features.min_df': { choice: [1, 2, 3] }, 'features.sublinear_tf': { choice: [true, false] }, 'model.C': { choice: [0.1, 1] } }), BASE, 0);
    assert.equal(g.size, 12);
    const keys = new Set(g.points.map((p) => JSON.stringify(p)));
    assert.equal(keys.size, 12);
    for (const min of [1, 2, 3]) for (const tf of [true, false]) for (const C of [0.1, 1]) assert.ok(keys.has(JSON.stringify({ 'features.min_df': min, 'features.sublinear_tf': tf, 'model.C': C })));
  });

  test('crosses a conditional parameter only with the choice it applies to', () => {
    const g = new GridSampler(
      space({
        model: { choice: [{ type: 'naive_bayes' }, { type: 'logistic_regression' }] },
        'model.alpha': { choice: [0.1, 1, 10], when: { 'model.type': 'naive_bayes' } },
        'model.C': { int_range: [1, 2], when: { 'model.type': 'logistic_regression' } },
      }),
      BASE,
      0,
    );
    // 3 naive Bayes alphas + 2 logistic C values, not 2 × 3 × 2.
    assert.equal(g.size, 5);
    for (const p of g.points) assert.ok(('model.alpha' in p) !== ('model.C' in p), JSON.stringify(p));
  });

  test('takes every integer of a short int_range and 5 log-spaced points of a log_range', () => {
    const g = new GridSampler(space({ 'dialog.context_turns': { int_range: [0, 3] }, 'model.C': { log_range: [0.01, 100] } }), BASE, 0);
    assert.equal(g.size, 20);
    const Cs = [...new Set(g.points.map((p) => p['model.C'] as number))].sort((a, b) => a - b);
    assert.deepEqual(Cs, [0.01, 0.1, 1, 10, 100]);
  });
});

describe('random sampler', () => {
  const s = space({ 'model.C': { log_range: [0.001, 1000] }, 'features.max_df': { range: [0.2, 0.9] }, 'features.min_df': { int_range: [1, 4] }, 'features.norm': { choice: ['l2', 'none'] } });

  test('respects bounds, integers and the log scale', () => {
    const r = new RandomSampler(s, BASE, 7);
    const Cs: number[] = [];
    const ints = new Set<number>();
    for (let n = 0; n < 400; n++) {
      const p = r.suggest(n);
      const C = p['model.C'] as number;
      const maxDf = p['features.max_df'] as number;
      const minDf = p['features.min_df'] as number;
      assert.ok(C >= 0.001 && C <= 1000, `C ${C}`);
      assert.ok(maxDf >= 0.2 && maxDf <= 0.9, `max_df ${maxDf}`);
      assert.ok(Number.isInteger(minDf) && minDf >= 1 && minDf <= 4, `min_df ${minDf}`);
      assert.ok(['l2', 'none'].includes(p['features.norm'] as string));
      Cs.push(C);
      ints.add(minDf);
    }
    assert.deepEqual([...ints].sort(), [1, 2, 3, 4], 'both ends of an int_range are drawn');
    // Log-uniform over 6 decades: about half the draws below 1 (uniform would put 0.1% there).
    const below1 = Cs.filter((c) => c < 1).length / Cs.length;
    assert.ok(below1 > 0.4 && below1 < 0.6, `fraction of C below 1: ${below1}`);
    const below0_01 = Cs.filter((c) => c < 0.01).length / Cs.length;
    assert.ok(below0_01 > 0.08 && below0_01 < 0.26, `fraction below 0.01: ${below0_01}`);
  });

  test('is reproducible from its seed and differs between seeds', () => {
    const a = Array.from({ length: 10 }, (_, n) => new RandomSampler(s, BASE, 3).suggest(n));
    const b = Array.from({ length: 10 }, (_, n) => new RandomSampler(s, BASE, 3).suggest(n));
    const c = Array.from({ length: 10 }, (_, n) => new RandomSampler(s, BASE, 4).suggest(n));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });
});

describe('TPE', () => {
  test('splits good and bad by the γ quantile, pruned trials always bad', () => {
    const obs: Observation[] = [1, 5, 3, 2, null, 4, 0.5, 6].map((loss, i) => ({ params: { i }, loss }));
    const { good, bad } = splitGoodBad(obs, 0.25);
    assert.deepEqual(good.map((o) => o.loss), [0.5, 1]);
    assert.equal(bad.length, 6);
    assert.ok(bad.some((o) => o.loss === null));
  });

  test('Parzen estimator puts more density near its points than far from them', () => {
    const p = fitParzen([0.2, 0.25, 0.3], 0, 1);
    assert.ok(parzenLogDensity(p, 0.25) > parzenLogDensity(p, 0.9));
    // A proper density on [0, 1]: the midpoint rule over the range integrates to about 1.
    let integral = 0;
    for (let i = 0; i < 1000; i++) integral += Math.exp(parzenLogDensity(p, (i + 0.5) / 1000)) / 1000;
    assert.ok(Math.abs(integral - 1) < 0.01, `integral ${integral}`);
  });

  /** A sweep on a synthetic objective: the best loss after `budget` trials. */
  function bestAfter(sampler: Sampler, objective: (p: Params) => number, budget: number): number {
    const history: Observation[] = [];
    let best = Infinity;
    for (let n = 0; n < budget; n++) {
      const params = sampler.suggest(n, history);
      const loss = objective(params);
      history.push({ params, loss });
      best = Math.min(best, loss);
    }
    return best;
  }

  const s2 = space({ 'model.C': { log_range: [0.001, 1000] }, 'features.max_df': { range: [0, 1] } });
  // Optimum at C = 20 (on the log scale), max_df = 0.73.
  const objective2 = (p: Params) => (Math.log10(p['model.C'] as number) - Math.log10(20)) ** 2 + 10 * ((p['features.max_df'] as number) - 0.73) ** 2;
  const s1 = space({ 'features.max_df': { range: [-5, 5] } });
  const objective1 = (p: Params) => ((p['features.max_df'] as number) - 1.7) ** 2;

  for (const [name, sp, f] of [
    ['1-D', s1, objective1],
    ['2-D, one axis on a log scale', s2, objective2],
  ] as const) {
    test(`finds a better optimum than random search with the same budget (${name}, 8 seeds)`, () => {
      const budget = 40;
      let tpeTotal = 0;
      let randomTotal = 0;
      let tpeWins = 0;
      for (let seed = 0; seed < 8; seed++) {
        const tpe = bestAfter(new TpeSampler(sp, BASE, seed), f, budget);
        const rnd = bestAfter(new RandomSampler(sp, BASE, seed), f, budget);
        tpeTotal += tpe;
        randomTotal += rnd;
        if (tpe < rnd) tpeWins++;
      }
      assert.ok(tpeTotal < randomTotal * 0.5, `mean best loss: TPE ${tpeTotal / 8}, random ${randomTotal / 8}`);
      assert.ok(tpeWins >= 6, `TPE better in ${tpeWins} of 8 seeds`);
    });
  }

  test('concentrates on the best choice of a categorical parameter', () => {
    const sc = space({ 'features.norm': { choice: ['a', 'b', 'c', 'd', 'e', 'f'] } });
    const loss = (p: Params) => Math.abs('abcdef'.indexOf(p['features.norm'] as string) - 3);
    const sampler = new TpeSampler(sc, BASE, 11);
    const history: Observation[] = [];
    for (let n = 0; n < 40; n++) {
      const params = sampler.suggest(n, history);
      history.push({ params, loss: loss(params) });
    }
    const lateBest = history.slice(20).filter((h) => h.params['features.norm'] === 'd').length;
    assert.ok(lateBest >= 10, `the best choice in ${lateBest} of the last 20 trials (random: about 3)`);
  });

  test('is deterministic for a seed and a history', () => {
    const history: Observation[] = Array.from({ length: 12 }, (_, n) => {
      const params = new RandomSampler(s2, BASE, 1).suggest(n);
      return { params, loss: objective2(params) };
    });
    assert.deepEqual(new TpeSampler(s2, BASE, 5).suggest(12, history), new TpeSampler(s2, BASE, 5).suggest(12, history));
  });
});
