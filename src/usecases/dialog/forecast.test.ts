import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadExamples, type DataSpec } from '../../data/dataset.js';
import { contextText } from '../../data/dialog-targets.js';
import { loadModel, type LoadedModel } from '../../persist/model-dir.js';
import { DAILYDIALOG_EMOTIONS } from '../../train/reader-config.js';
import { writeZip } from '../../test-support/zip-writer.js';
import { DAILYDIALOG, HAVE_DAILYDIALOG, nextTurnModel, tempWork } from './dialog-fixtures.js';
import { forecastDialogs, forecastInput, TurnError } from './forecast.js';
import { forecastSupport } from './settings.js';

const reader = { format: 'dailydialog', labelNames: [...DAILYDIALOG_EMOTIONS] } as DataSpec['reader'];

/** The utterances of each dialog as the reader gives them (same_turn, no context: one example per utterance), by dialog id. */
async function rawDialogs(file: string): Promise<Map<number, string[]>> {
  const { examples } = await loadExamples(file, { reader, dialog: { target: 'same_turn', contextTurns: 0, contextSeparator: '\n' } }, { onBadRow: 'skip' });
  const byId = new Map<number, string[]>();
  for (const e of examples) {
    const turns = byId.get(e.dialog!.id) ?? [];
    turns[e.dialog!.turn] = e.text;
    byId.set(e.dialog!.id, turns);
  }
  return byId;
}

/** Checks each training example against what the forecast would feed the model for the same turns; returns how many. */
async function trainingVersusForecast(file: string, contextTurns: number, contextSeparator: string, contextTags = false): Promise<number> {
  const raw = await rawDialogs(file);
  const { examples } = await loadExamples(file, { reader, dialog: { target: 'next_turn', contextTurns, contextSeparator, contextTags } }, { onBadRow: 'skip' });
  for (const e of examples) {
    const upTo = raw.get(e.dialog!.id)!.slice(0, e.dialog!.turn + 1);
    assert.equal(forecastInput(upTo, { contextTurns, contextSeparator, contextTags }).text, e.text, `dialog ${e.dialog!.id} turn ${e.dialog!.turn}`);
  }
  return examples.length;
}

describe('the forecast builds the model input exactly as training did', () => {
  let work: string;
  before(() => {
    work = tempWork('pin');
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  test('a zip with padded utterances: the reader trims, and so does the forecast', async () => {
    const zip = path.join(work, 'pad.zip');
    writeZip(zip, [
      { name: 'pad/dialogues_pad.txt', data: '  Hi there ,  how are you ?   __eou__   Not bad . __eou__ Great ! __eou__\nOne __eou__ Two __eou__\n' },
      { name: 'pad/dialogues_emotion_pad.txt', data: '0 4 4\n0 5\n' },
    ]);
    assert.equal(await trainingVersusForecast(zip, 1, '\n'), 3);
    assert.equal(await trainingVersusForecast(zip, 0, ' | '), 3);
    const padded = ['  Hi there ,  how are you ?  ', ' Not bad . '];
    assert.equal(forecastInput(padded, { contextTurns: 1, contextSeparator: '\n' }).text, 'Hi there ,  how are you ?\nNot bad .');
  });

  test('every next-turn target of the real validation split, for 0–4 context turns, tagged or not', { skip: !HAVE_DAILYDIALOG && 'shared datasets not found beside the repository' }, async () => {
    const file = path.join(DAILYDIALOG, 'validation.zip');
    for (const n of [0, 1, 3]) assert.equal(await trainingVersusForecast(file, n, '\n'), 7069, `context_turns ${n}`);
    assert.equal(await trainingVersusForecast(file, 2, ' || '), 7069);
    assert.equal(await trainingVersusForecast(file, 4, '\n', true), 7069, 'context_turns 4 with context tags');
  });

  test('contextText: the last turn and up to N before it, oldest first; how many were used', () => {
    const turns = ['a', 'b', 'c', 'd'];
    assert.equal(contextText(turns, { contextTurns: 2, contextSeparator: '/' }), 'b/c/d');
    assert.equal(contextText(turns, { contextTurns: 9, contextSeparator: '/' }), 'a/b/c/d');
    assert.equal(contextText(turns, { contextTurns: 0, contextSeparator: '/' }), 'd');
    assert.equal(contextText(turns, { contextTurns: 1, contextSeparator: '/' }, 1), 'a/b');
    assert.deepEqual(forecastInput(turns, { contextTurns: 2, contextSeparator: '/' }), { text: 'b/c/d', turnsUsed: 2 });
    assert.deepEqual(forecastInput(['only'], { contextTurns: 3, contextSeparator: '/' }), { text: 'only', turnsUsed: 0 });
  });

  test('an empty or blank turn, or no turn, is a TurnError naming the turn', () => {
    assert.throws(() => forecastInput(['hi', '   ', 'there'], { contextTurns: 0, contextSeparator: '\n' }), (e) => e instanceof TurnError && e.index === 1 && /turn 2: is empty/.test(e.message));
    assert.throws(() => forecastInput([], { contextTurns: 0, contextSeparator: '\n' }), (e) => e instanceof TurnError && /no turns/.test(e.message));
  });
});

describe('forecastDialogs with a next-turn model trained on real DailyDialog dialogs', { skip: !HAVE_DAILYDIALOG && 'shared datasets not found beside the repository' }, () => {
  let work: string;
  let model: LoadedModel;
  before(async () => {
    work = tempWork('forecast');
    model = loadModel(await nextTurnModel(work, 1500, 100));
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  test('the manifest carries the dialog settings the forecast reads', () => {
    assert.deepEqual(model.manifest.dialog, { target: 'next_turn', contextTurns: 3, contextSeparator: '\n' });
    const support = forecastSupport(model.manifest);
    assert.ok(support.ok);
    assert.deepEqual(support.settings, { contextTurns: 3, contextSeparator: '\n' });
  });

  test('a distribution over every label, best first, equal to the model scoring the shared context text', async () => {
    const support = forecastSupport(model.manifest);
    assert.ok(support.ok);
    const dialogs = [
      ['Guess what ? I got the job !', 'Really ? Congratulations !', 'Thank you so much .', 'We should celebrate tonight .', 'That sounds wonderful !'],
      ['My grandfather passed away last night .'],
    ];
    const forecasts = await forecastDialogs(model, support.settings, dialogs, 3);
    assert.equal(forecasts.length, 2);
    const labels = model.classifier.labels;
    const proba = model.classifier.predictProba(dialogs.map((d) => contextText(d, support.settings)));
    forecasts.forEach((f, d) => {
      assert.deepEqual(f.distribution.map((p) => p.label).sort(), [...labels].sort());
      const probs = f.distribution.map((p) => p.probability);
      assert.ok(probs.every((p, i) => i === 0 || probs[i - 1] >= p), 'best first');
      assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-4);
      for (const { label, probability } of f.distribution) assert.ok(Math.abs(probability - proba[d * labels.length + labels.indexOf(label)]) < 1e-6);
      assert.equal(f.next, f.distribution[0].label);
      assert.deepEqual(f.top, f.distribution.slice(0, 3).map((p) => p.label));
    });
    assert.deepEqual(forecasts[0].context, { turns_used: 3, context_turns: 3, turns_given: 5 });
    assert.deepEqual(forecasts[1].context, { turns_used: 0, context_turns: 3, turns_given: 1 });
    // Turns before the window do not change the forecast.
    const [short] = await forecastDialogs(model, support.settings, [dialogs[0].slice(1)]);
    assert.deepEqual(short.distribution, forecasts[0].distribution);
  });
});
