import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { UsageError } from '../errors.js';
import { buildApp } from './app.js';
import { isLoopbackHost, type ServeConfig } from './config.js';
import { JobsRunner } from './jobs-runner.js';
import { Metrics } from './metrics.js';
import { ModelRegistry } from './model-registry.js';
import { openStorage, type Storage } from './storage/index.js';

export interface RunningServer {
  app: FastifyInstance;
  storage: Storage;
  registry: ModelRegistry;
  jobs: JobsRunner;
  /** The address it listens on, e.g. http://127.0.0.1:8080 (the real port when 0 was asked). */
  url: string;
  /** Stops accepting, lets requests in flight finish, pauses the job runner, closes the database. */
  close(): Promise<void>;
}

/** Where batch uploads and results live: a folder next to the database. */
export function jobsDirFor(dbPath: string): string {
  const base = path.basename(dbPath).replace(/\.(sqlite3?|db)$/i, '');
  return path.join(path.dirname(dbPath), `${base}-jobs`);
}

/** Opens storage, loads the models, starts watching and the job runner, and listens. */
export async function startServer(config: ServeConfig, options: { webDir: string; logger?: boolean | Record<string, unknown> }): Promise<RunningServer> {
  const storage = openStorage(config.dbPath, config.logPredictions);
  try {
    if (!isLoopbackHost(config.host) && storage.keys.activeCount() === 0) {
      throw new UsageError(`refusing to listen on ${config.host} without API keys: anyone who can reach it could use it. Create one with \`textclass keys create --scope admin --db ${config.dbPath}\`, or listen on 127.0.0.1`);
    }
    const metrics = new Metrics();
    // The registry and runner log through the app's logger, which exists only after buildApp.
    const logSink = { info: (o: object, m: string) => app?.log.info(o, m), warn: (o: object, m: string) => app?.log.warn(o, m) };
    let app: FastifyInstance | undefined;
    const registry = new ModelRegistry(config.modelsDir, logSink);
    const jobs = new JobsRunner(storage.jobs, registry, jobsDirFor(config.dbPath), logSink);
    app = await buildApp(config, { storage, registry, jobs, metrics, webDir: options.webDir, ...(options.logger !== undefined ? { logger: options.logger } : {}) });
    await registry.rescan();
    registry.watch(config.rescanSeconds * 1000);
    storage.predictionLog.purge();
    jobs.purgeEnded(config.jobRetentionDays);
    const purge = setInterval(() => {
      storage.predictionLog.purge();
      jobs.purgeEnded(config.jobRetentionDays);
    }, 3600_000);
    purge.unref();
    jobs.start();
    const address = await app.listen({ port: config.port, host: config.host });
    const started = app;
    let closing: Promise<void> | null = null;
    return {
      app: started,
      storage,
      registry,
      jobs,
      url: address,
      close: () => {
        closing ??= (async () => {
          registry.stop();
          clearInterval(purge);
          await started.close();
          await jobs.stop();
          storage.close();
        })();
        return closing;
      },
    };
  } catch (e) {
    storage.close();
    throw e;
  }
}
