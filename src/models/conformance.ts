import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Task, Targets } from '../data/targets.js';
import { loadModel, saveModel } from '../persist/model-dir.js';
import { loadStarter } from '../test-support/starter-data.js';
import type { Classifier, FitInput, ModelFactory } from './classifier.js';
import { restoreClassifier } from './registry.js';

/**
 * The contract every model type must meet, as one suite. A model's own test file calls
 * `classifierConformance(factory, options)`; nothing model-specific is assumed here.
 */
export function classifierConformance<O>(factory: ModelFactory<O>, options: O): void {
  const train = loadStarter('train');
  const dev = loadStarter('dev');

  const cases: { task: Task; labels: string[]; targets: () => Targets; texts: string[] }[] = [
    {
      task: 'binary',
      labels: ['negative', 'positive'],
      texts: train.filter((r) => r.sentiment !== 'neutral').map((r) => r.text),
      targets: () => ({ kind: 'single', y: Int32Array.from(train.filter((r) => r.sentiment !== 'neutral'), (r) => (r.sentiment === 'positive' ? 1 : 0)) }),
    },
    {
      task: 'multiclass',
      labels: [...new Set(train.map((r) => r.emotion))].sort(),
      texts: train.map((r) => r.text),
      targets: () => {
        const labels = [...new Set(train.map((r) => r.emotion))].sort();
        return { kind: 'single', y: Int32Array.from(train, (r) => labels.indexOf(r.emotion)) };
      },
    },
    {
      // Each text carries its emotion and its sentiment: two labels per row.
      task: 'multilabel',
      labels: [...new Set([...train.map((r) => r.emotion), ...train.map((r) => r.sentiment)])].sort(),
      texts: train.map((r) => r.text),
      targets: () => {
        const labels = [...new Set([...train.map((r) => r.emotion), ...train.map((r) => r.sentiment)])].sort();
        const K = labels.length;
        const y = new Uint8Array(train.length * K);
        train.forEach((r, i) => {
          y[i * K + labels.indexOf(r.emotion)] = 1;
          y[i * K + labels.indexOf(r.sentiment)] = 1;
        });
        return { kind: 'multi', y, numLabels: K };
      },
    },
  ];

  for (const c of cases) {
    const input = (): FitInput => ({ task: c.task, labels: c.labels, texts: c.texts, targets: c.targets(), seed: 7 });
    let fitted: Classifier;
    const probe = [...dev.slice(0, 20).map((r) => r.text), '', 'zzqx unseenword', '🙂🙂', 'a'.repeat(5000)];

    test(`${factory.type} conformance (${c.task}): fit reports labels and task`, async () => {
      fitted = await factory.fit(input(), options);
      assert.equal(fitted.type, factory.type);
      assert.equal(fitted.task, c.task);
      assert.deepEqual([...fitted.labels], c.labels);
    });

    test(`${factory.type} conformance (${c.task}): scores are n × K probabilities`, () => {
      const K = c.labels.length;
      const p = fitted.predictProba(probe);
      assert.ok(p instanceof Float32Array);
      assert.equal(p.length, probe.length * K);
      for (const v of p) assert.ok(Number.isFinite(v) && v >= 0 && v <= 1, `score ${v} out of [0, 1]`);
      if (c.task !== 'multilabel') {
        for (let i = 0; i < probe.length; i++) {
          let sum = 0;
          for (let k = 0; k < K; k++) sum += p[i * K + k];
          assert.ok(Math.abs(sum - 1) < 1e-5, `row ${i} sums to ${sum}`);
        }
      }
      assert.equal(fitted.predictProba([]).length, 0);
    });

    test(`${factory.type} conformance (${c.task}): learns the training data better than chance`, () => {
      const K = c.labels.length;
      const p = fitted.predictProba(c.texts);
      const t = c.targets();
      let hits = 0;
      for (let i = 0; i < c.texts.length; i++) {
        let best = 0;
        for (let k = 1; k < K; k++) if (p[i * K + k] > p[i * K + best]) best = k;
        hits += t.kind === 'single' ? Number(t.y[i] === best) : t.y[i * K + best];
      }
      assert.ok(hits / c.texts.length > 0.8, `training accuracy of the top label is only ${hits / c.texts.length}`);
    });

    test(`${factory.type} conformance (${c.task}): same data and seed give identical weights`, async () => {
      const again = await factory.fit(input(), options);
      const a = fitted.toState();
      const b = again.toState();
      assert.deepEqual(b.config, a.config);
      for (const name of Object.keys(a.arrays)) assert.deepEqual(b.arrays[name], a.arrays[name], `array ${name} differs`);
    });

    test(`${factory.type} conformance (${c.task}): state round-trip and model directory predict identically`, () => {
      const restored = restoreClassifier(structuredClone(fitted.toState()), 'memory');
      assert.deepEqual(restored.predictProba(probe), fitted.predictProba(probe));
      const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-conf-')), 'model');
      saveModel(dir, fitted, { name: 'conformance', task: c.task, labels: c.labels, reader: {}, decision: { kind: 'argmax' }, recipe: {}, metrics: {}, training: {} }, 'test');
      const loaded = loadModel(dir);
      assert.deepEqual(loaded.classifier.predictProba(probe), fitted.predictProba(probe));
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    });
  }
}
