import type { ServeConfig } from './config.js';
import type { JobsRunner } from './jobs-runner.js';
import type { Metrics } from './metrics.js';
import type { ModelRegistry } from './model-registry.js';
import type { Storage } from './storage/index.js';

/** What every route module receives: settings and the long-lived services. */
export interface ServerContext {
  config: ServeConfig;
  storage: Storage;
  registry: ModelRegistry;
  jobs: JobsRunner;
  metrics: Metrics;
  /** The web page's folder (web/ at the package root). */
  webDir: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: anyone, a read key, or an admin key (when auth is on). */
    scope?: 'none' | 'read' | 'admin';
  }
  interface FastifyRequest {
    /** The API key's id, when the request carried a valid one. */
    keyId: string | null;
  }
}
