import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../errors.js';
import { describeQueue, parseQueueUrl } from './queue-url.js';

describe('parseQueueUrl', () => {
  test('reads host, port and database', () => {
    assert.deepEqual(parseQueueUrl('redis://10.0.0.5:6380/2'), { host: '10.0.0.5', port: 6380, db: 2 });
    assert.deepEqual(parseQueueUrl('redis://localhost'), { host: 'localhost', port: 6379, db: 0 });
    assert.deepEqual(parseQueueUrl('redis://[::1]:7000/'), { host: '::1', port: 7000, db: 0 });
  });

  test('reads credentials but never shows the password', () => {
    const a = parseQueueUrl('redis://user:s%40cret@example.org:6379/1');
    assert.equal(a.username, 'user');
    assert.equal(a.password, 's@cret');
    assert.equal(describeQueue(a), 'redis://example.org:6379/1');
  });

  test('refuses what is not redis://host:port[/db], saying the expected form', () => {
    for (const bad of ['localhost:6379', 'http://localhost:6379', 'redis://localhost:6379/x', 'redis://localhost:6379/1/2']) {
      assert.throws(() => parseQueueUrl(bad), (e: unknown) => e instanceof UsageError && /redis:\/\/host:port/.test(e.message), bad);
    }
  });
});
