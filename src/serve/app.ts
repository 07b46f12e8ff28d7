import { randomUUID } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { ApiError, ERROR_CODES, errorBody, type ApiStatus } from './api-error.js';
import { isLoopbackHost, type ServeConfig } from './config.js';
import type { ServerContext } from './context.js';
import type { JobsRunner } from './jobs-runner.js';
import { Metrics } from './metrics.js';
import type { ModelRegistry } from './model-registry.js';
import { RateLimiter } from './rate-limit.js';
import { adminRoutes } from './routes/admin.js';
import { feedbackRoutes } from './routes/feedback.js';
import { jobRoutes } from './routes/jobs.js';
import { modelRoutes } from './routes/models.js';
import { opsRoutes } from './routes/ops.js';
import { runRoutes } from './routes/runs.js';
import { routingRoutes } from './routes/routing.js';
import { distributedRoutes } from './routes/distributed.js';
import { recommendRoutes } from './routes/recommend.js';
import { ratingRoutes } from './routes/rating.js';
import { dialogRoutes } from './routes/dialog.js';
import { webRoutes } from './routes/web.js';
import type { Storage } from './storage/index.js';

export interface AppDeps {
  storage: Storage;
  registry: ModelRegistry;
  jobs: JobsRunner;
  webDir: string;
  metrics?: Metrics;
  /** A pino logger options object, or false for none (tests). Default: JSON logs at config.logLevel. */
  logger?: boolean | Record<string, unknown>;
}

/** A client's own request id is kept when it is short and plain; anything else is replaced. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Route patterns by method, to tell 405 (the path exists, not with this method) from 404. */
interface RouteIndex {
  patterns: { method: string; re: RegExp }[];
}

/**
 * The HTTP service as a Fastify instance (not listening: `serve` listens, tests use `inject`).
 * Cross-cutting rules live here: request ids, auth by scope, rate limit, content types and body
 * limits, the error shape, metrics and one log line per request.
 */
export async function buildApp(config: ServeConfig, deps: AppDeps): Promise<FastifyInstance> {
  const metrics = deps.metrics ?? new Metrics();
  const ctx: ServerContext = { config, storage: deps.storage, registry: deps.registry, jobs: deps.jobs, metrics, webDir: deps.webDir };
  const logger = deps.logger === undefined ? (config.logLevel === 'silent' ? false : { level: config.logLevel }) : deps.logger;
  const app = Fastify({
    logger,
    // Fastify's two lines per request are replaced by one of ours (onResponse below).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Slow clients: a request must arrive whole within this time (uploads included).
    requestTimeout: 300_000,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 500, ignoreDuplicateSlashes: false },
  });
  app.decorateRequest('keyId', null);

  const index: RouteIndex = { patterns: [] };
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const re = new RegExp('^' + route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+').replace(/\*/g, '.*') + '$');
    for (const m of methods) index.patterns.push({ method: m, re });
  });

  installBodyParsers(app);
  installAuthAndLimits(app, config, ctx);
  installErrorHandling(app, index);

  const pino = app.log as unknown as { isLevelEnabled?: (level: string) => boolean };
  const logRequests = typeof pino.isLevelEnabled === 'function' && pino.isLevelEnabled('info');
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.observeRequest(req.method, route, reply.statusCode, seconds);
    // One line per request; never the body, the query string or the key.
    if (logRequests) req.log.info({ method: req.method, route, status: reply.statusCode, ms: Math.round(seconds * 10000) / 10, key: req.keyId ?? undefined }, 'request');
  });

  modelRoutes(app, ctx);
  jobRoutes(app, ctx);
  feedbackRoutes(app, ctx);
  adminRoutes(app, ctx);
  opsRoutes(app, ctx);
  runRoutes(app, ctx);
  routingRoutes(app, ctx);
  distributedRoutes(app, ctx);
  recommendRoutes(app, ctx);
  ratingRoutes(app, ctx);
  dialogRoutes(app, ctx);
  webRoutes(app, ctx);
  await app.ready();
  return app;
}

/**
 * JSON only (CSV and JSONL are accepted by the batch route alone). The body is checked to be
 * UTF-8 before it is decoded: Node would otherwise replace bad bytes with U+FFFD and the model
 * would score text the client never sent.
 */
function installBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    const buf = body as Buffer;
    if (buf.length === 0) return done(null, undefined);
    if (!isUtf8(buf)) return done(new ApiError(400, 'the body is not valid UTF-8'), undefined);
    try {
      done(null, JSON.parse(buf.toString('utf8')));
    } catch (e) {
      done(new ApiError(400, `the body is not valid JSON: ${(e as Error).message.slice(0, 200)}`), undefined);
    }
  });
}

function installAuthAndLimits(app: FastifyInstance, config: ServeConfig, ctx: ServerContext): void {
  const limiter = new RateLimiter(config.rateLimit);
  const loopback = isLoopbackHost(config.host);
  // Whether any key exists is asked at most once a second: keys made with the CLI while the
  // server runs turn auth on within a second, without a query per request.
  let authOnCache = { value: true, at: -Infinity };
  const authOn = (): boolean => {
    if (!loopback) return true;
    const now = performance.now();
    if (now - authOnCache.at > 1000) authOnCache = { value: ctx.storage.keys.activeCount() > 0, at: now };
    return authOnCache.value;
  };

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    if (config.cors !== null && req.headers.origin === config.cors) {
      reply.header('access-control-allow-origin', config.cors);
      reply.header('vary', 'origin');
    }
    const scope = req.routeOptions.config?.scope ?? 'none';
    if (scope === 'none') return;
    if (authOn()) {
      const key = presentedKey(req);
      if (key === null) throw new ApiError(401, 'an API key is required: send "Authorization: Bearer <key>" (create one with `textclass keys create --scope read`)', { 'www-authenticate': 'Bearer' });
      const found = ctx.storage.keys.verify(key);
      if (!found) throw new ApiError(401, 'the API key is not valid (unknown, revoked or mistyped)', { 'www-authenticate': 'Bearer' });
      if (scope === 'admin' && found.scope !== 'admin') throw new ApiError(403, 'this needs an admin key; this key has the read scope');
      req.keyId = found.id;
    }
    const wait = limiter.take(req.keyId ?? `ip:${req.ip}`);
    if (wait > 0) throw new ApiError(429, `too many requests: the limit is ${config.rateLimit} per second per key or address (--rate-limit)`, { 'retry-after': String(Math.max(1, Math.ceil(wait))) });
  });

  if (config.cors !== null) {
    app.options('/*', { config: { scope: 'none' } }, async (req, reply) => {
      if (req.headers.origin !== config.cors) return reply.code(204).send();
      return reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type, x-api-key, x-request-id')
        .header('access-control-max-age', '600')
        .send();
    });
  }
}

function presentedKey(req: FastifyRequest): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? m[1] : '';
  }
  const x = req.headers['x-api-key'];
  return typeof x === 'string' ? x.trim() : null;
}

/** Fastify's own failures, mapped onto the contract's statuses with messages of our own. */
const FASTIFY_CODES: Record<string, { status: ApiStatus; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, message: 'the body is larger than the server accepts (--body-limit)' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, message: 'unsupported Content-Type: send application/json (or, for batch uploads, text/csv or application/x-ndjson)' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, message: 'the Content-Length header does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 422, message: 'body: a JSON object is required' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, message: 'the Content-Type header is malformed' },
  FST_ERR_BAD_URL: { status: 400, message: 'the URL is malformed' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, message: 'the request is malformed' },
};

function installErrorHandling(app: FastifyInstance, index: RouteIndex): void {
  app.setErrorHandler((error: FastifyError | ApiError | Error, req, reply) => {
    let status: ApiStatus;
    let message: string;
    if (error instanceof ApiError) {
      status = error.status;
      message = error.message;
      for (const [k, v] of Object.entries(error.headers)) reply.header(k, v);
    } else {
      const code = (error as FastifyError).code;
      const known = code ? FASTIFY_CODES[code] : undefined;
      const sc = (error as FastifyError).statusCode;
      if (known) {
        status = known.status;
        message = known.message;
      } else if (typeof sc === 'number' && sc >= 400 && sc < 500 && sc in ERROR_CODES) {
        status = sc as ApiStatus;
        message = 'the request could not be handled as sent';
      } else {
        status = 500;
        message = `internal error; the server log has the details under request id ${req.id}`;
        req.log.error({ err: error }, 'unhandled error');
      }
    }
    if (status === 413) reply.header('connection', 'close');
    return reply.code(status).type('application/json; charset=utf-8').send(errorBody(status, message, String(req.id)));
  });

  app.setNotFoundHandler((req, reply) => {
    const pathOnly = (req.raw.url ?? '/').split('?')[0];
    // OPTIONS (the CORS preflight matches every path) and HEAD (implied by GET) do not make a path known.
    const other = index.patterns.filter((p) => p.method !== req.method && p.method !== 'OPTIONS' && p.method !== 'HEAD' && p.re.test(pathOnly)).map((p) => p.method);
    if (other.length > 0) {
      const allow = [...new Set(other)].join(', ');
      return reply.code(405).header('allow', allow).send(errorBody(405, `${req.method} is not allowed here (allowed: ${allow})`, String(req.id)));
    }
    return reply.code(404).send(errorBody(404, `no route ${req.method} ${pathOnly.slice(0, 200)}; GET /docs lists the routes`, String(req.id)));
  });
}

