import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../../errors.js';
import { dialogsFromLines } from './dialog-lines.js';

async function collect(lines: string[]) {
  async function* gen() {
    yield* lines;
  }
  const out = [];
  for await (const d of dialogsFromLines(gen(), 'chats.txt')) out.push(d);
  return out;
}

test('one turn per line; blank or whitespace-only lines end a dialog; runs of them are one break', async () => {
  const got = await collect(['\uFEFFHi !', 'Hello .', '', '  \t', 'Bye .', '', '']);
  assert.deepEqual(got, [
    { turns: ['Hi !', 'Hello .'], line: 1 },
    { turns: ['Bye .'], line: 5 },
  ]);
  assert.deepEqual(await collect(['a', 'b']), [{ turns: ['a', 'b'], line: 1 }], 'the end of input ends the last dialog');
  assert.deepEqual(await collect(['', '']), []);
});

test('invalid UTF-8 (decoded as U+FFFD) is an error naming the file and line', async () => {
  await assert.rejects(collect(['fine', 'bad \uFFFD here']), (e) => e instanceof DataError && /chats\.txt:2/.test(e.message) && /UTF-8/.test(e.message));
});
