import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forecastSupport } from './settings.js';

const base = { name: 'm', task: 'multiclass' };

test('a single-label next_turn model is supported, with its context settings', () => {
  assert.deepEqual(forecastSupport({ ...base, dialog: { target: 'next_turn', contextTurns: 2, contextSeparator: ' | ' } }), { ok: true, settings: { contextTurns: 2, contextSeparator: ' | ' } });
  assert.deepEqual(forecastSupport({ ...base, dialog: { target: 'next_turn', contextTurns: 4, contextSeparator: '\n', contextTags: true } }), { ok: true, settings: { contextTurns: 4, contextSeparator: '\n', contextTags: true } });
  const badTags = forecastSupport({ ...base, dialog: { target: 'next_turn', contextTurns: 4, contextSeparator: '\n', contextTags: 'yes' } });
  assert.ok(!badTags.ok && /dialog\.contextTags/.test(badTags.reason));
});

test('models that cannot forecast the next turn are refused with a reason that says what to do', () => {
  const none = forecastSupport(base);
  assert.ok(!none.ok && /not trained for next-turn forecasting/.test(none.reason) && /context_turns/.test(none.reason));
  const same = forecastSupport({ ...base, dialog: { target: 'same_turn', contextTurns: 1, contextSeparator: '\n' } });
  assert.ok(!same.ok && /same_turn/.test(same.reason) && /not the next one/.test(same.reason));
  const multi = forecastSupport({ ...base, task: 'multilabel', dialog: { target: 'next_turn', contextTurns: 1, contextSeparator: '\n' } });
  assert.ok(!multi.ok && /multilabel/.test(multi.reason));
  const broken = forecastSupport({ ...base, dialog: { target: 'next_turn', contextTurns: -1, contextSeparator: '\n' } });
  assert.ok(!broken.ok && /dialog\.contextTurns/.test(broken.reason) && /retrain/.test(broken.reason));
  const missing = forecastSupport({ ...base, dialog: { target: 'next_turn', contextTurns: 1 } });
  assert.ok(!missing.ok && /dialog\.contextSeparator/.test(missing.reason));
});
