import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../errors.js';
import { isLoopbackHost, resolveServeConfig } from './config.js';
import { RateLimiter } from './rate-limit.js';

describe('serve config', () => {
  it('defaults match docs/api.md', () => {
    const c = resolveServeConfig({}, {}, '/srv');
    assert.deepEqual(
      { ...c },
      {
        port: 8080,
        host: '127.0.0.1',
        modelsDir: path.resolve('/srv/models'),
        dbPath: path.resolve('/srv/textclass.sqlite'),
        maxTexts: 1000,
        maxTextChars: 100000,
        longTexts: 'refuse',
        bodyLimit: 10 * 1024 * 1024,
        uploadLimit: 1024 ** 3,
        rateLimit: 100,
        cors: null,
        logPredictions: 0,
        jobRetentionDays: 7,
        logLevel: 'info',
        rescanSeconds: 5,
        runsDb: path.resolve('/srv/textclass-runs.sqlite'),
        catalogsDir: path.resolve('/srv/data/catalog'),
        queue: null,
      },
    );
  });

  it('flags win over environment, environment over defaults; sizes take units', () => {
    const c = resolveServeConfig({ port: '9000', 'body-limit': '1MiB' }, { TEXTCLASS_PORT: '7000', TEXTCLASS_MAX_TEXTS: '5', TEXTCLASS_UPLOAD_LIMIT: '2g', TEXTCLASS_CORS: 'http://localhost:3000' }, '/srv');
    assert.equal(c.port, 9000);
    assert.equal(c.maxTexts, 5);
    assert.equal(c.bodyLimit, 1024 * 1024);
    assert.equal(c.uploadLimit, 2 * 1024 ** 3);
    assert.equal(c.cors, 'http://localhost:3000');
  });

  it('a bad value names its flag or variable', () => {
    assert.throws(() => resolveServeConfig({ port: 'eighty' }, {}), (e: Error) => e instanceof UsageError && /--port/.test(e.message));
    assert.throws(() => resolveServeConfig({}, { TEXTCLASS_LONG_TEXTS: 'chop' }), (e: Error) => e instanceof UsageError && /TEXTCLASS_LONG_TEXTS/.test(e.message) && /chop/.test(e.message));
    assert.throws(() => resolveServeConfig({ 'body-limit': '10 parsecs' }, {}), /--body-limit/);
    assert.throws(() => resolveServeConfig({ 'max-texts': '0' }, {}), /--max-texts/);
  });

  it('loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['0.0.0.0', '::', '192.168.1.2', 'example.com', '10.0.0.1']) assert.equal(isLoopbackHost(h), false, h);
  });
});

describe('rate limiter', () => {
  it('allows a burst of one second, then the rate, per client; 0 is off', () => {
    let now = 0;
    const rl = new RateLimiter(10, () => now);
    let allowed = 0;
    for (let i = 0; i < 20; i++) if (rl.take('a') === 0) allowed++;
    assert.equal(allowed, 10);
    const wait = rl.take('a');
    assert.ok(wait > 0 && wait <= 0.1 + 1e-9, String(wait));
    assert.equal(rl.take('b'), 0, 'another client has its own bucket');
    now += 500;
    allowed = 0;
    for (let i = 0; i < 20; i++) if (rl.take('a') === 0) allowed++;
    assert.equal(allowed, 5);
    const off = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) assert.equal(off.take('x'), 0);
  });
});
