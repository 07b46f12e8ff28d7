import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadRecipe } from '../recipe/load.js';
import { REPO_ROOT, loadStarter } from '../test-support/starter-data.js';
import { trainFromRecipe } from '../train/train.js';
import { buildApp } from './app.js';
import { defaultServeConfig, type ServeConfig } from './config.js';
import { JobsRunner } from './jobs-runner.js';
import { ModelRegistry } from './model-registry.js';
import { jobsDirFor } from './server.js';
import { openStorage, type Storage } from './storage/index.js';

/**
 * Test support for the service: temp folders (removed at exit), real models trained from the
 * starter data, and an in-process app over a real SQLite file. Not named `test-*.ts`: node --test
 * would run it as a test file.
 */
const made: string[] = [];
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `textclass-serve-${prefix}-`));
  made.push(dir);
  return dir;
}
process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

let starterCache: string | null = null;

/** Trains the starter recipe once per test process (about a second) and returns the model dir. */
export async function starterModel(): Promise<string> {
  if (starterCache) return starterCache;
  const dir = path.join(tempDir('model'), 'starter');
  await trainFromRecipe({ recipe: loadRecipe(path.join(REPO_ROOT, 'recipes', 'starter.yaml')), dataDir: path.join(REPO_ROOT, 'data'), outDir: dir });
  starterCache = dir;
  return dir;
}

/** A multilabel model trained on the starter texts (labels: emotion and sentiment), for threshold routes. */
let multilabelCache: string | null = null;
export async function multilabelModel(): Promise<string> {
  if (multilabelCache) return multilabelCache;
  const work = tempDir('ml');
  // Each starter text tagged with its emotion and its sentiment: two labels per text.
  for (const split of ['train', 'dev'] as const) {
    const rows = loadStarter(split).map((r) => `"${r.text.replace(/"/g, '""')}","${r.emotion}|${r.sentiment}"`);
    fs.writeFileSync(path.join(work, `${split}.csv`), ['text,tags', ...rows].join('\n') + '\n');
  }
  const recipeFile = path.join(work, 'ml.yaml');
  fs.writeFileSync(
    recipeFile,
    `name: starter-multilabel
task: multilabel
data:
  format: csv
  train: train.csv
  dev: dev.csv
  text_field: text
  label_field: tags
  label_separator: "|"
`,
  );
  const dir = path.join(work, 'models', 'tags');
  await trainFromRecipe({ recipe: loadRecipe(recipeFile), dataDir: work, outDir: dir });
  multilabelCache = dir;
  return dir;
}

export interface TestServer {
  app: FastifyInstance;
  storage: Storage;
  registry: ModelRegistry;
  jobs: JobsRunner;
  config: ServeConfig;
  dir: string;
  close(): Promise<void>;
}

/** An in-process app over a models folder holding copies of `models` (name → model dir). */
export async function testServer(models: Record<string, string>, overrides: Partial<ServeConfig> = {}, webDir?: string): Promise<TestServer> {
  const dir = tempDir('app');
  const modelsDir = path.join(dir, 'models');
  fs.mkdirSync(modelsDir);
  for (const [name, src] of Object.entries(models)) fs.cpSync(src, path.join(modelsDir, name), { recursive: true });
  const config = defaultServeConfig({ modelsDir, dbPath: path.join(dir, 'db.sqlite'), logLevel: 'silent', rateLimit: 0, ...overrides });
  const storage = openStorage(config.dbPath, config.logPredictions);
  const registry = new ModelRegistry(modelsDir);
  await registry.rescan();
  const jobs = new JobsRunner(storage.jobs, registry, jobsDirFor(config.dbPath));
  jobs.start();
  const app = await buildApp(config, { storage, registry, jobs, webDir: webDir ?? path.join(dir, 'web'), logger: false });
  return {
    app,
    storage,
    registry,
    jobs,
    config,
    dir,
    close: async () => {
      registry.stop();
      await app.close();
      await jobs.stop();
      storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls GET /v1/jobs/{id} until the batch job is done or failed; its last status object. */
export async function waitForJob(s: TestServer, id: string, key: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 500; i++) {
    const job = (await s.app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: { 'x-api-key': key } })).json() as Record<string, unknown>;
    if (job.status === 'done' || job.status === 'failed') return job;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('job did not finish');
}
