/**
 * The one way every distributed component reaches Redis: a `redis://[user:password@]host:port[/db]`
 * URL, parsed once and checked, turned into BullMQ connection options or a plain client.
 */
import { Redis } from 'ioredis';
import { UsageError } from '../errors.js';
import { QueueError } from './errors.js';

export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
}

/** Parses `redis://host:port[/db]`; anything else is a UsageError that shows the expected form. */
export function parseQueueUrl(url: string): QueueAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--queue "${url}" is not a URL; expected redis://host:port[/db], e.g. redis://127.0.0.1:6379`);
  }
  if (parsed.protocol !== 'redis:') throw new UsageError(`--queue "${url}": only redis:// URLs are supported (expected redis://host:port[/db])`);
  if (parsed.hostname === '') throw new UsageError(`--queue "${url}" has no host; expected redis://host:port[/db]`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || !/^\d*$/.test(dbText)) throw new UsageError(`--queue "${url}": the database "${dbText}" must be a number (redis://host:port/0)`);
  return {
    // URL keeps the brackets of an IPv6 literal; the socket layer wants the bare address.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    db,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}

/** The URL without its password, for messages and logs. */
export function describeQueue(address: QueueAddress): string {
  return `redis://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}/${address.db}`;
}

/**
 * Connection options for BullMQ queues and workers. `maxRetriesPerRequest: null` is what BullMQ
 * requires of a worker's blocking connection: commands wait for a reconnect instead of failing.
 */
export function bullmqConnection(address: QueueAddress): { host: string; port: number; db: number; username?: string; password?: string; maxRetriesPerRequest: null } {
  return { ...address, maxRetriesPerRequest: null };
}

/**
 * A plain client for textclass's own keys (results, progress). Connects eagerly and fails with a
 * QueueError naming the address when Redis cannot be reached within `timeoutMs`.
 */
export async function openRedis(address: QueueAddress, timeoutMs = 5000): Promise<Redis> {
  const client = new Redis({ ...address, lazyConnect: true, maxRetriesPerRequest: 3, connectTimeout: timeoutMs, retryStrategy: (times) => Math.min(times * 200, 2000) });
  // Reconnection errors are retried by the client; without a listener Node would print each one.
  // The first one says why a connection failed (ECONNREFUSED, ENOTFOUND) better than connect() does.
  let firstError: Error | undefined;
  client.on('error', (e: Error) => (firstError ??= e));
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    throw new QueueError(`cannot reach Redis at ${describeQueue(address)} (${(firstError ?? (e as Error)).message}); start redis-server there or pass the right --queue redis://host:port`);
  }
  return client;
}
