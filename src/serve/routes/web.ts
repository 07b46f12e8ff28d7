import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A path segment that cannot climb or hide: no `..`, no dotfiles, no separators, no odd characters. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

const PAGE_CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

/**
 * The web page: `/` is web/index.html, `/app/<name>` a use-case page web/<name>.html, `/static/<file>`
 * any other file of web/. Paths are checked
 * segment by segment and then resolved and compared with the folder, so no request can read
 * outside it.
 */
export function webRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const root = path.resolve(ctx.webDir);

  async function send(rel: string, reply: import('fastify').FastifyReply) {
    const segments = rel.split('/');
    if (segments.length > 8 || !segments.every((s) => SEGMENT.test(s))) throw new ApiError(404, 'no such file');
    const file = path.resolve(root, ...segments);
    if (!file.startsWith(root + path.sep)) throw new ApiError(404, 'no such file');
    const type = TYPES[path.extname(file).toLowerCase()];
    if (!type) throw new ApiError(404, 'no such file');
    let body: Buffer;
    try {
      body = await fs.promises.readFile(file);
    } catch {
      throw new ApiError(404, rel === 'index.html' ? 'the web page is not installed (web/index.html is missing); the API is at /v1 and its documentation at /docs' : 'no such file');
    }
    return reply.type(type).header('cache-control', 'no-cache').header('content-security-policy', PAGE_CSP).send(body);
  }

  app.get('/', { config: { scope: 'none' } }, async (_req, reply) => send('index.html', reply));
  app.get('/static/*', { config: { scope: 'none' } }, async (req, reply) => send((req.params as { '*': string })['*'], reply));
  // The use-case pages (web/<name>.html: rating, dialog, recommend, route, …) at short addresses.
  app.get('/app/:name', { config: { scope: 'none' } }, async (req, reply) => {
    const { name } = req.params as { name: string };
    if (!/^[a-z][a-z0-9-]{0,40}$/.test(name) || name === 'index') throw new ApiError(404, `no page "${name.slice(0, 60)}"; the pages are listed on /`);
    return send(`${name}.html`, reply);
  });
}
