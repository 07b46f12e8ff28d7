import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

export function adminRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/v1/admin/reload', { config: { scope: 'admin' } }, async () => {
    const result = await ctx.registry.rescan();
    return { loaded: result.loaded, refused: result.refused };
  });
}
