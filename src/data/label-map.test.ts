import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyLabelMap } from './dataset.js';
import { describeLabelMap, isIdentity, LabelRuleConflict, labelMapper, resolveLabelMap, staticMapping } from './label-map.js';
import type { Example } from './types.js';

const ex = (...labels: string[]): Example => ({ text: labels.join(' '), labels, source: { file: 'f', line: 1 } });

test('groups, then rename, then drop; ungrouped labels kept or dropped', () => {
  const m = staticMapping({ groups: { 'anger+disgust': ['anger', 'disgust'] }, rename: { joy: 'happiness' }, drop: ['neutral'] });
  assert.equal(m('anger'), 'anger+disgust');
  assert.equal(m('disgust'), 'anger+disgust');
  assert.equal(m('joy'), 'happiness');
  assert.equal(m('neutral'), null);
  assert.equal(m('fear'), 'fear');
  const strict = staticMapping({ groups: { pos: ['joy'] }, ungrouped: 'drop' });
  assert.equal(strict('joy'), 'pos');
  assert.equal(strict('fear'), null);
  assert.throws(() => staticMapping({ groups: { a: ['x'], b: ['x'] } }), LabelRuleConflict);
});

test('Korean 7 → 4: merged pairs, neutral dropped, rows without a label left out and counted', () => {
  const train = [ex('분노'), ex('혐오'), ex('놀람'), ex('공포'), ex('슬픔'), ex('행복'), ex('중립'), ex('중립')];
  const map = resolveLabelMap({ groups: { '분노+혐오': ['분노', '혐오'], '놀람+공포': ['놀람', '공포'] }, drop: ['중립'] }, train);
  const dropped = new Map<string, number>();
  const kept = applyLabelMap(train, map, dropped);
  assert.deepEqual(kept.map((e) => e.labels[0]), ['분노+혐오', '분노+혐오', '놀람+공포', '놀람+공포', '슬픔', '행복']);
  assert.deepEqual([...dropped], [['label "중립" dropped by the label rules', 2]]);
  assert.match(describeLabelMap(map), /분노, 혐오 → 분노\+혐오/);
  assert.match(describeLabelMap(map), /중립 dropped/);
});

test('multilabel rows are mapped, deduplicated, and keep what is left when one label is dropped', () => {
  const map = resolveLabelMap({ groups: { joy: ['joy', 'amusement'] }, drop: ['neutral'] }, [ex('joy', 'amusement'), ex('neutral', 'anger')]);
  const apply = labelMapper(map);
  assert.deepEqual(apply(['joy', 'amusement']), ['joy']);
  assert.deepEqual(apply(['neutral', 'anger']), ['anger']);
  assert.deepEqual(apply(['neutral']), []);
});

test('rare classes are counted after the other rules, then merged or dropped; unseen labels follow them', () => {
  const train = [...Array(30)].map(() => ex('4')).concat([...Array(5)].map(() => ex('7')), [ex('9'), ex('12')]);
  const merged = resolveLabelMap({ minCount: 3, rare: 'merge', rareLabel: 'other' }, train);
  assert.deepEqual(merged.map, { '9': 'other', '12': 'other' });
  const apply = labelMapper(merged);
  assert.deepEqual(apply(['12']), ['other']);
  assert.deepEqual(apply(['4']), ['4']);
  assert.deepEqual(apply(['13']), ['other'], 'a class absent from train is as rare as can be');
  const dropped = labelMapper(resolveLabelMap({ minCount: 6, rare: 'drop' }, train));
  assert.deepEqual(dropped(['7']), []);
  assert.deepEqual(dropped(['99']), []);
  // Two rare labels merged by a group first are counted together and survive.
  const grouped = resolveLabelMap({ groups: { '9+12': ['9', '12'] }, minCount: 2, rare: 'merge' }, train);
  assert.equal(labelMapper(grouped)(['9'])[0], '9+12');
});

test('without rare-class rules, a label the map never saw passes through unchanged', () => {
  const map = resolveLabelMap({ drop: ['b'] }, [ex('a'), ex('b')]);
  assert.deepEqual(labelMapper(map)(['z']), ['z']);
  assert.equal(isIdentity(map), false);
  assert.equal(isIdentity(resolveLabelMap({}, [ex('a')])), true);
  assert.equal(isIdentity(undefined), true);
});

test('declared label names are mapped even when absent from train', () => {
  const map = resolveLabelMap({ groups: { neg: ['anger', 'grief'] } }, [ex('anger')], ['anger', 'grief', 'joy']);
  assert.equal(map.map.grief, 'neg');
  assert.deepEqual(map.known, ['anger', 'grief', 'joy']);
});
