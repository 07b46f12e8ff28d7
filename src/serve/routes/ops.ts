import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { renderDocsPage } from '../docs-page.js';
import { buildOpenApi } from '../openapi.js';

export function opsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/healthz', { config: { scope: 'none' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { scope: 'none' } }, async (_req, reply) => {
    const n = ctx.registry.size;
    if (n === 0) return reply.code(503).send({ status: 'not_ready', models: 0 });
    return { status: 'ready', models: n };
  });

  app.get('/metrics', { config: { scope: 'none' } }, async (_req, reply) => {
    const text = ctx.metrics.render({
      modelsLoaded: ctx.registry.size,
      reloads: ctx.registry.reloads,
      refusedReloads: ctx.registry.refusals,
      jobsByStatus: ctx.storage.jobs.countByStatus(),
    });
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });

  const openapi = buildOpenApi(ctx.config);
  const openapiJson = JSON.stringify(openapi);
  const docs = renderDocsPage(openapi);
  app.get('/openapi.json', { config: { scope: 'none' } }, async (_req, reply) => reply.type('application/json; charset=utf-8').send(openapiJson));
  app.get('/docs', { config: { scope: 'none' } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(docs),
  );
}
