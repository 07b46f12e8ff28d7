import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { ModelFormatError } from '../errors.js';
import { loadModel, type LoadedModel } from '../persist/model-dir.js';
import { isValidModelId } from './model-id.js';

/** One loaded model version. Immutable: a reload makes a new entry and swaps the map's pointer. */
export interface ModelEntry {
  id: string;
  model: LoadedModel;
  /** What identifies this version on disk (manifest inode, mtime, size, createdAt). */
  signature: string;
  loadedAt: number;
  hasReport: boolean;
}

export interface RefusedModel {
  id: string;
  reason: string;
}

export interface RescanResult {
  loaded: string[];
  refused: RefusedModel[];
  removed: string[];
}

export interface RegistryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * The models the server answers with, kept in step with the models folder: every directory with a
 * manifest is loaded; a new or changed version (its manifest replaced, as saveModel's atomic
 * rename does) is loaded beside the old one and swapped in with one assignment, so a request that
 * already holds the old entry finishes on it. A version that fails to load (ModelFormatError:
 * corrupt, truncated, wrong format) is refused and logged once, and the previous version keeps
 * serving. Changes are noticed by fs.watch, with a periodic rescan as the fallback for file
 * systems where watching is unreliable.
 */
export class ModelRegistry extends EventEmitter {
  private entries = new Map<string, ModelEntry>();
  /** Versions already refused, by id → signature, so a bad model is logged once, not every rescan. */
  private refusedVersions = new Map<string, RefusedModel & { signature: string }>();
  private watcher: fs.FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private scanning: Promise<RescanResult> | null = null;
  private rescanAgain = false;
  reloads = 0;
  refusals = 0;

  constructor(
    readonly modelsDir: string,
    private readonly log: RegistryLogger = { info: () => {}, warn: () => {} },
  ) {
    super();
  }

  get(id: string): ModelEntry | undefined {
    return this.entries.get(id);
  }

  list(): ModelEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get size(): number {
    return this.entries.size;
  }

  /** The versions currently refused (a corrupt model on disk that is not being served as such). */
  refused(): RefusedModel[] {
    return [...this.refusedVersions.values()].map(({ id, reason }) => ({ id, reason }));
  }

  /**
   * Compares the folder with what is loaded and loads, swaps or drops models. Concurrent calls
   * share one scan (and schedule one more, so a change during a scan is not missed).
   */
  rescan(): Promise<RescanResult> {
    if (this.scanning) {
      this.rescanAgain = true;
      return this.scanning;
    }
    this.scanning = this.scanOnce().finally(() => {
      this.scanning = null;
      if (this.rescanAgain) {
        this.rescanAgain = false;
        void this.rescan();
      }
    });
    return this.scanning;
  }

  private async scanOnce(): Promise<RescanResult> {
    const result: RescanResult = { loaded: [], refused: [], removed: [] };
    let names: string[];
    try {
      names = (await fs.promises.readdir(this.modelsDir, { withFileTypes: true })).filter((d) => d.isDirectory() && isValidModelId(d.name)).map((d) => d.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn({ err: (e as Error).message }, 'cannot list the models folder');
      names = [];
    }
    const seen = new Set<string>();
    for (const id of names.sort()) {
      const dir = path.join(this.modelsDir, id);
      const signature = await versionSignature(dir);
      if (signature === null) continue; // no manifest (yet): not a model directory
      seen.add(id);
      const current = this.entries.get(id);
      if (current?.signature === signature) {
        // A report written later (`textclass report --out <dir>/report.html`) shows up on the next scan.
        current.hasReport = await exists(path.join(dir, 'report.html'));
        continue;
      }
      const refusedBefore = this.refusedVersions.get(id);
      if (refusedBefore?.signature === signature) {
        result.refused.push({ id, reason: refusedBefore.reason });
        continue;
      }
      // Yield first: a burst of renames should not stall requests for several loads in a row.
      await new Promise((r) => setImmediate(r));
      try {
        const model = loadModel(dir);
        const hasReport = await exists(path.join(dir, 'report.html'));
        const replaced = this.entries.has(id);
        this.entries.set(id, { id, model, signature, loadedAt: Date.now(), hasReport });
        this.refusedVersions.delete(id);
        if (replaced) this.reloads++;
        result.loaded.push(id);
        this.log.info({ model: id, version: model.manifest.createdAt, replaced }, replaced ? 'model reloaded' : 'model loaded');
      } catch (e) {
        if (!(e instanceof ModelFormatError)) {
          // Anything else (a model type this build does not know, a read error) is refused too:
          // one bad directory must not take the server down.
          this.log.warn({ model: id, err: (e as Error).message }, 'model failed to load');
        }
        const reason = publicReason(e as Error, dir);
        this.refusedVersions.set(id, { id, reason, signature });
        this.refusals++;
        result.refused.push({ id, reason });
        this.log.warn({ model: id, reason, keeps_serving: this.entries.has(id) }, 'model refused');
      }
    }
    for (const id of [...this.entries.keys()]) {
      if (!seen.has(id)) {
        this.entries.delete(id);
        result.removed.push(id);
        this.log.info({ model: id }, 'model removed');
      }
    }
    for (const id of [...this.refusedVersions.keys()]) if (!seen.has(id)) this.refusedVersions.delete(id);
    this.emit('scanned', result);
    return result;
  }

  /** Starts watching the folder (and rescanning every `intervalMs`). */
  watch(intervalMs: number): void {
    this.stop();
    const schedule = () => {
      if (this.debounce) clearTimeout(this.debounce);
      // saveModel renames twice (old away, new in): wait for both before looking.
      this.debounce = setTimeout(() => void this.rescan(), 100);
      this.debounce.unref();
    };
    try {
      fs.mkdirSync(this.modelsDir, { recursive: true });
      this.watcher = fs.watch(this.modelsDir, { persistent: false }, schedule);
      this.watcher.on('error', () => {
        // The folder vanished or the watch broke: the periodic rescan carries on.
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      this.watcher = null;
    }
    this.timer = setInterval(() => void this.rescan(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.timer = null;
    this.debounce = null;
  }
}

/** Identifies a version without reading the weights: the manifest's inode, mtime and size. */
async function versionSignature(dir: string): Promise<string | null> {
  try {
    const st = await fs.promises.stat(path.join(dir, 'manifest.json'));
    return `${st.ino}:${st.mtimeMs}:${st.size}`;
  } catch {
    return null;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.promises.access(file);
    return true;
  } catch {
    return false;
  }
}

/** The reason a model was refused, without the server's file paths (it is shown to API clients). */
export function publicReason(e: Error, dir: string): string {
  let msg = e.message;
  const prefix = `model ${dir}: `;
  if (msg.startsWith(prefix)) msg = msg.slice(prefix.length);
  return msg.split(dir).join('<model>').replace(/\/[^\s'"]+/g, '<path>');
}
