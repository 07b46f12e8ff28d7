import type { Redis } from 'ioredis';

/**
 * Progress records (batch runs, sweeps) are Redis hashes that expire, listed newest first by a
 * sorted set of their ids. Reading the newest also drops from the index the ids whose hash has
 * expired (`read` answers null for them), so the index does not grow with dead entries.
 */
export async function newestInIndex<T>(redis: Redis, indexKey: string, limit: number, read: (id: string) => Promise<T | null>): Promise<T[]> {
  const ids = await redis.zrevrange(indexKey, 0, limit - 1);
  const found: T[] = [];
  for (const id of ids) {
    const record = await read(id);
    if (record) found.push(record);
    else await redis.zrem(indexKey, id);
  }
  return found;
}
