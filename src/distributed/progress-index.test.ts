import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { newestInIndex } from './progress-index.js';
import { skipWithoutRedis, useTestRedis } from './redis-test-server.js';

describe('the newest records of an index, in a real Redis', { skip: skipWithoutRedis }, () => {
  let redis: Redis;

  useTestRedis((client) => (redis = client));

  test('newest first, at most `limit`; ids whose record expired leave the index, older ones are not read', async () => {
    await redis.zadd('test:index', 1, 'a', 2, 'b', 3, 'c', 4, 'd');
    const records: Record<string, string> = { a: 'A', c: 'C', d: 'D' }; // b has expired
    const read: string[] = [];
    const newest = await newestInIndex(redis, 'test:index', 3, async (id) => {
      read.push(id);
      return records[id] ?? null;
    });
    assert.deepEqual(newest, ['D', 'C']);
    assert.deepEqual(read, ['d', 'c', 'b'], 'a, beyond the limit, is not read');
    assert.deepEqual(await redis.zrange('test:index', 0, -1), ['a', 'c', 'd']);
  });
});
