import { TextclassError } from '../errors.js';

/**
 * The one module that loads @huggingface/transformers (and through it onnxruntime-node). It is
 * imported with `import()` only when a recipe or model of type onnx is used, so the CLI and the
 * core library start without them and install without them (they are optionalDependencies).
 */

export type Transformers = typeof import('@huggingface/transformers');

/** The optional ONNX packages are not installed (or failed to load). */
export class OnnxRuntimeMissingError extends TextclassError {}

let loaded: Promise<Transformers> | null = null;

export function loadTransformers(): Promise<Transformers> {
  loaded ??= import('@huggingface/transformers').catch((e: unknown) => {
    loaded = null;
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new OnnxRuntimeMissingError(
      `model type onnx needs the optional packages @huggingface/transformers and onnxruntime-node, which could not be loaded (${why}); ` +
        'install them with `ONNXRUNTIME_NODE_INSTALL=skip npm install @huggingface/transformers onnxruntime-node` ' +
        '(the variable skips the CUDA download; the CPU runtime is inside the package)',
    );
  });
  return loaded;
}

export interface HubAccess {
  /** Download models from the Hugging Face hub when the path is not a local folder. Off by default. */
  allowRemote: boolean;
  /** Where hub downloads are kept. */
  cacheDir: string;
}

/**
 * Sets transformers.js's global `env` for one load: local folders (absolute paths, which it reads
 * as they are), the hub only when allowed, hub downloads under `cacheDir`. Loads are serialized so
 * two models with different settings cannot race on the global.
 */
let queue: Promise<unknown> = Promise.resolve();

export function withModelEnv<T>(t: Transformers, hub: HubAccess, load: () => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    t.env.allowLocalModels = true;
    t.env.allowRemoteModels = hub.allowRemote;
    t.env.cacheDir = hub.cacheDir;
    t.env.useFSCache = hub.allowRemote;
    return load();
  };
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}
