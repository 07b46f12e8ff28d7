import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { TextclassError } from '../../errors.js';
import type { LoadedModel } from '../../persist/model-dir.js';
import { CATALOG_EXTENSIONS, readCatalog, type Catalog } from './catalog.js';
import { scoreCatalog, type ScoredCatalog } from './catalog-scores.js';
import { isStoreFile, modelKey, ScoreStore, storePathOf } from './score-store.js';

/** A catalog id is its file name without the extension: plain, so it can sit in a URL and never climb. */
export const CATALOG_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** `<id>.meta.json` beside a catalog: how the list presents it. All fields optional. */
const metaSchema = z
  .object({
    title: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    model: z.string().max(200).optional(),
  })
  .strict();

export interface CatalogListing {
  id: string;
  file: string;
  format: Catalog['format'];
  title: string;
  description: string | null;
  /** The model id the catalog was written for (its meta file), if any. */
  suggested_model: string | null;
  /** null when the catalog cannot be read; `error` says why. */
  items: number | null;
  /** Names of the models that have stored scores for this catalog. */
  scored_with: string[];
  error?: string;
}

/** A catalog that is not usable, with a message that names the file by name only. */
export class CatalogError extends TextclassError {
  constructor(
    readonly kind: 'not_found' | 'unreadable',
    message: string,
  ) {
    super(message);
  }
}

interface Loaded {
  signature: string;
  catalog: Catalog;
}

/** Scored catalogs kept in memory at most (a catalog × model pair each); the oldest go first. */
const MAX_SCORED = 64;

/**
 * The server's catalogs: every .csv / .sqlite file of one folder, read when first asked for and
 * again when the file changes. Scores are computed on first use per (catalog version, model) and
 * kept in the catalog's score store beside it, so a restart re-reads them instead of scoring
 * again. A folder the server may not write to still works: the scores then live in memory.
 */
export class CatalogLibrary {
  private loaded = new Map<string, Loaded>();
  private stores = new Map<string, ScoreStore>();
  private scored = new Map<string, ScoredCatalog>();
  /** Scorings under way, so concurrent requests for one catalog and model share one. */
  private scoring = new Map<string, Promise<ScoredCatalog>>();

  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  /** Catalog files by id (a name used twice — x.csv and x.sqlite — goes to the first in name order). */
  private files(): Map<string, string> {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).sort();
    } catch {
      return new Map();
    }
    const out = new Map<string, string>();
    for (const name of names) {
      if (isStoreFile(name) || !CATALOG_EXTENSIONS[path.extname(name).toLowerCase()]) continue;
      const id = path.basename(name, path.extname(name));
      if (!CATALOG_ID.test(id) || out.has(id)) continue;
      out.set(id, path.join(this.dir, name));
    }
    return out;
  }

  list(): CatalogListing[] {
    const listings: CatalogListing[] = [];
    for (const [id, file] of this.files()) {
      const meta = this.meta(id);
      const base: CatalogListing = {
        id,
        file: path.basename(file),
        format: CATALOG_EXTENSIONS[path.extname(file).toLowerCase()],
        title: meta.title ?? id,
        description: meta.description ?? null,
        suggested_model: meta.model ?? null,
        items: null,
        scored_with: [],
      };
      try {
        base.items = this.catalog(id, file).items.length;
        base.scored_with = [...new Set(this.store(id, file).models().map((m) => m.modelName))];
      } catch (e) {
        base.error = e instanceof TextclassError ? this.hidePaths(e.message) : 'cannot be read';
      }
      listings.push(base);
    }
    return listings;
  }

  /** The catalog scored with the model; `fresh` tells whether this call computed or loaded the scores. */
  async scoredCatalog(id: string, model: LoadedModel): Promise<{ scored: ScoredCatalog; fresh: boolean }> {
    const file = CATALOG_ID.test(id) ? this.files().get(id) : undefined;
    if (file === undefined) {
      const ids = [...this.files().keys()];
      throw new CatalogError('not_found', `no catalog "${id.slice(0, 100)}"${ids.length ? ` (catalogs: ${ids.slice(0, 20).join(', ')})` : ' (the catalogs folder has none)'}; GET /v1/catalogs lists them`);
    }
    let catalog: Catalog;
    try {
      catalog = this.catalog(id, file);
    } catch (e) {
      throw new CatalogError('unreadable', `catalog "${id}" cannot be read: ${e instanceof TextclassError ? this.hidePaths(e.message) : 'unexpected error'}; fix the file in the catalogs folder`);
    }
    const key = `${id}\n${this.loaded.get(id)!.signature}\n${modelKey(model)}`;
    const cached = this.scored.get(key);
    if (cached) {
      // Most recently used last, so the oldest entry is the first one evicted.
      this.scored.delete(key);
      this.scored.set(key, cached);
      return { scored: cached, fresh: false };
    }
    const underway = this.scoring.get(key);
    if (underway) return { scored: await underway, fresh: false };
    const scoring = scoreCatalog(catalog, model, this.store(id, file));
    this.scoring.set(key, scoring);
    try {
      const scored = await scoring;
      this.scored.set(key, scored);
      while (this.scored.size > MAX_SCORED) this.scored.delete(this.scored.keys().next().value!);
      return { scored, fresh: true };
    } finally {
      this.scoring.delete(key);
    }
  }

  close(): void {
    for (const store of this.stores.values()) store.close();
    this.stores.clear();
  }

  private catalog(id: string, file: string): Catalog {
    const st = fs.statSync(file);
    const signature = `${st.ino}:${st.size}:${st.mtimeMs}`;
    const known = this.loaded.get(id);
    if (known && known.signature === signature) return known.catalog;
    const catalog = readCatalog(file);
    this.loaded.set(id, { signature, catalog });
    return catalog;
  }

  private store(id: string, file: string): ScoreStore {
    let store = this.stores.get(id);
    if (!store) {
      try {
        store = new ScoreStore(storePathOf(file));
      } catch (e) {
        this.warn(`catalog "${id}": its score store cannot be written (${this.hidePaths((e as Error).message)}); keeping its scores in memory`);
        store = new ScoreStore(':memory:');
      }
      this.stores.set(id, store);
    }
    return store;
  }

  private meta(id: string): z.infer<typeof metaSchema> {
    const file = path.join(this.dir, `${id}.meta.json`);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return {};
    }
    try {
      const parsed = metaSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      this.warn(`${id}.meta.json: ${issue.path.join('.') || 'root'}: ${issue.message}; ignored`);
    } catch (e) {
      this.warn(`${id}.meta.json: not valid JSON (${(e as Error).message}); ignored`);
    }
    return {};
  }

  /** Messages name files relative to the catalogs folder: the server's folders are nobody's business. */
  private hidePaths(message: string): string {
    return message.split(this.dir + path.sep).join('').split(this.dir).join('.');
  }
}
