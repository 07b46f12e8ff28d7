/**
 * Test support: a real, throwaway `redis-server` on a free loopback port with its files in a temp
 * dir and persistence off (`--save '' --appendonly no`), stopped (and the dir removed) by `stop()`.
 * Tests that need Redis skip themselves when no redis-server is installed (CI installs Debian's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { openRedis, parseQueueUrl } from './queue-url.js';

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The redis-server binary, or null when none is installed (REDIS_SERVER overrides the search). */
export function findRedisServer(): string | null {
  const candidates = [process.env.REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server', ...(process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'redis-server'))];
  return candidates.find((c): c is string => c !== undefined && c !== '' && fs.existsSync(c)) ?? null;
}

/** A reason to skip Redis tests, or false when a redis-server is available. */
export const skipWithoutRedis: string | false = findRedisServer() === null ? 'redis-server not installed (apt-get install redis-server)' : false;

/**
 * For the enclosing describe: a redis-server started before its tests with a client open to it
 * (handed to `onOpen`), both closed after them.
 */
export function useTestRedis(onOpen: (client: Redis, server: TestRedis) => void): void {
  let server: TestRedis | undefined;
  let client: Redis | undefined;
  before(async () => {
    server = await startTestRedis();
    client = await openRedis(parseQueueUrl(server.url));
    onOpen(client, server);
  });
  after(async () => {
    await client?.quit();
    await server?.stop();
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(500);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function startTestRedis(): Promise<TestRedis> {
  const binary = findRedisServer();
  if (binary === null) throw new Error('redis-server not found; install it (apt-get install redis-server) or set REDIS_SERVER');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-redis-'));
  // A port can be taken between probing and binding; a few tries make that race harmless.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', path.join(dir, 'redis.log')], { stdio: 'ignore' });
    let exited = false;
    child.on('exit', () => (exited = true));
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline) {
      if (await answersPing(port)) {
        return {
          url: `redis://127.0.0.1:${port}`,
          port,
          async stop() {
            if (!exited) {
              const gone = new Promise((resolve) => child.once('exit', resolve));
              child.kill('SIGTERM');
              await Promise.race([gone, sleep(5000).then(() => child.kill('SIGKILL'))]);
            }
            fs.rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      await sleep(50);
    }
    if (!exited) child.kill('SIGKILL');
  }
  const log = fs.existsSync(path.join(dir, 'redis.log')) ? fs.readFileSync(path.join(dir, 'redis.log'), 'utf8').slice(-500) : '';
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error(`redis-server did not start on a loopback port: ${log}`);
}
