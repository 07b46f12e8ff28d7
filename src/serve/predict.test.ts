import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadModel, type LoadedModel } from '../persist/model-dir.js';
import { predictTexts, windowsOf } from './predict.js';
import { starterModel } from './fixtures.js';

describe('predict', () => {
  let model: LoadedModel;
  before(async () => {
    model = loadModel(await starterModel());
  });

  it('matches the classifier scores and the argmax decision', () => {
    const texts = ['I miss you so much already', 'that was terrifying', 'ok'];
    const proba = model.classifier.predictProba(texts);
    const K = model.manifest.labels.length;
    const results = predictTexts(model, texts);
    results.forEach((r, i) => {
      const row = Array.from(proba.subarray(i * K, (i + 1) * K));
      model.manifest.labels.forEach((l, k) => assert.ok(Math.abs(r.scores[l] - row[k]) <= 5e-7));
      assert.deepEqual(r.labels, [model.manifest.labels[row.indexOf(Math.max(...row))]]);
    });
  });

  it('is deterministic and independent of batch composition', () => {
    const alone = predictTexts(model, ['I am so angry'])[0];
    const together = predictTexts(model, ['hello there', 'I am so angry', 'bye'])[1];
    assert.deepEqual(alone, together);
  });

  it('windows cover the text, overlap, never exceed the size or split a surrogate pair', () => {
    const text = 'ab😀'.repeat(40);
    const windows = windowsOf(text, 25);
    assert.ok(windows.length > 1);
    for (const w of windows) {
      assert.ok(w.length <= 25);
      assert.equal(Buffer.from(w, 'utf8').toString('utf8'), w, 'no lone surrogate');
    }
    assert.ok(text.startsWith(windows[0]));
    assert.ok(text.endsWith(windows[windows.length - 1]));
    assert.deepEqual(windowsOf('short', 25), ['short']);
  });

  it('long texts with windowChars: scores are the mean over windows (a probability vector)', () => {
    const sentence = 'I miss you so much, I cannot stop crying. ';
    const [r] = predictTexts(model, [sentence.repeat(20)], { windowChars: 100 });
    const [one] = predictTexts(model, [sentence]);
    const sum = Object.values(r.scores).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-4);
    // Every window repeats the sentence, so the mean is close to the sentence's own scores.
    assert.deepEqual(r.labels, one.labels);
    for (const l of model.manifest.labels) assert.ok(Math.abs(r.scores[l] - one.scores[l]) < 0.05, l);
  });
});
