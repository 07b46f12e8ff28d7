import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../errors.js';
import { contextText, dialogExamples, NO_NEXT_TURN, tagWords, type DialogTargets } from './dialog-targets.js';
import type { Example } from './types.js';

function utterances(dialogs: [string, string][][]): Example[] {
  return dialogs.flatMap((turns, id) => turns.map(([text, label], turn) => ({ text, labels: [label], source: { file: 'd.zip', line: id + 1 }, dialog: { id, turn } })));
}

async function collect(rows: Example[], config: DialogTargets, dropped = new Map<string, number>()): Promise<Example[]> {
  async function* gen(): AsyncGenerator<Example> {
    yield* rows;
  }
  const out: Example[] = [];
  for await (const e of dialogExamples(gen(), config, dropped)) out.push(e);
  return out;
}

const dialogs: [string, string][][] = [
  [['hi', 'none'], ['great news!', 'happy'], ['oh no', 'sad']],
  [['hello', 'none'], ['bye', 'none']],
];

test('next turn: the target of utterance t is the label of t+1 in the same dialog; last turns are counted', async () => {
  const dropped = new Map<string, number>();
  const got = await collect(utterances(dialogs), { target: 'next_turn', contextTurns: 0, contextSeparator: '\n' }, dropped);
  assert.deepEqual(got.map((e) => [e.text, e.labels[0]]), [['hi', 'happy'], ['great news!', 'sad'], ['hello', 'none']]);
  assert.equal(dropped.get(NO_NEXT_TURN), 2);
  assert.deepEqual(got[1].dialog, { id: 0, turn: 1 });
});

test('a window of previous turns is joined before the current one, never across dialogs', async () => {
  const got = await collect(utterances(dialogs), { target: 'same_turn', contextTurns: 1, contextSeparator: ' | ' });
  assert.deepEqual(got.map((e) => e.text), ['hi', 'hi | great news!', 'great news! | oh no', 'hello', 'hello | bye']);
  assert.deepEqual(got.map((e) => e.labels[0]), ['none', 'happy', 'sad', 'none', 'none']);
});

test('rows without dialog structure are an error, not a silent mis-grouping', async () => {
  const rows: Example[] = [{ text: 'x', labels: ['a'], source: { file: 'f.csv', line: 2 } }];
  await assert.rejects(collect(rows, { target: 'next_turn', contextTurns: 0, contextSeparator: '\n' }), (e) => e instanceof DataError && /f\.csv:2/.test(e.message));
});

test('context tags repeat each context word with its distance in turns; the current turn stays plain', async () => {
  const got = await collect(utterances(dialogs), { target: 'next_turn', contextTurns: 2, contextSeparator: '\n', contextTags: true });
  assert.deepEqual(got.map((e) => e.text), ['hi', 'hi p1_hi\ngreat news!', 'hello']);
  assert.equal(contextText(['Don\'t go!', 'Why? 😀', 'ok'], { contextTurns: 5, contextSeparator: ' | ', contextTags: true }), "Don't go! p2_Don't p2_go | Why? 😀 p1_Why | ok");
  assert.equal(contextText(['?!', 'ok'], { contextTurns: 1, contextSeparator: '\n', contextTags: true }), '?!\nok', 'a turn without words adds no tags');
  assert.equal(contextText(['a', 'b'], { contextTurns: 0, contextSeparator: '\n', contextTags: true }), 'b');
});

test('tagWords keeps inner apostrophes and any script', () => {
  assert.equal(tagWords("it's Привет 你好", 3), "p3_it's p3_Привет p3_你好");
});
