import fs from 'node:fs';
import path from 'node:path';
import { ModelFormatError } from '../errors.js';
import { fileSha256, hubModelDir, onnxFileName, resolveModelSource, type ModelSource } from './model-files.js';
import type { OnnxTextModel, TextModelOutput } from './text-model.js';
import type { WindowAggregate } from './windows.js';

/**
 * How a textclass model refers to the Hugging Face–format model it runs: where it is, which ONNX
 * file and its checksum, and the inference settings (windows, batches, threads). Stored in the
 * manifest; the ONNX file stays where it is and is verified against the checksum at load.
 */
export interface EncoderSettings {
  quantized: boolean;
  /** Tokens per window, special tokens included; null: the model's own limit. */
  maxLength: number | null;
  /** Tokens between window starts; null: half a window. */
  stride: number | null;
  aggregate: WindowAggregate;
  batchSize: number;
  threads: number | null;
  device: 'cpu' | 'cuda';
  allowRemote: boolean;
  /** Embedding cache and hub downloads (absolute). */
  cacheDir: string;
  /** encoder_head: keep embeddings in `<cacheDir>/embeddings.sqlite`. */
  embeddingCache: boolean;
}

/**
 * The manifest form. `path` is relative to the model folder when the encoder lies in the folder
 * that holds the model (e.g. `../encoders/minilm` for models/encoders/minilm beside models/mine),
 * so a models folder moves as a whole; absolute otherwise.
 */
export interface EncoderRefState extends EncoderSettings {
  source: 'local' | 'hub';
  path: string;
  /** The ONNX file inside the model folder, e.g. onnx/model.onnx. */
  file: string;
  /** sha256 of that file when the textclass model was trained. */
  sha256: string;
}

export class EncoderRef {
  private textModelPromise: Promise<OnnxTextModel> | null = null;

  constructor(
    readonly source: ModelSource,
    readonly settings: EncoderSettings,
    /** Known once the files are on disk (at once for a local folder, after download for the hub). */
    public sha256: string | null,
  ) {}

  /** Resolves a recipe's model.path and records the ONNX file's checksum (local folders now, hub models after download). */
  static fromRecipe(modelPath: string, settings: EncoderSettings): EncoderRef {
    const source = resolveModelSource(modelPath, settings.allowRemote);
    const file = source.kind === 'local' ? path.join(source.dir, 'onnx', onnxFileName(settings.quantized)) : null;
    return new EncoderRef(source, settings, file && fs.existsSync(file) ? fileSha256(file) : null);
  }

  /** The folder holding config.json and onnx/ (for the hub: where the download is cached). */
  get dir(): string {
    return this.source.kind === 'local' ? this.source.dir : hubModelDir(this.settings.cacheDir, this.source.id);
  }

  get onnxPath(): string {
    return path.join(this.dir, 'onnx', onnxFileName(this.settings.quantized));
  }

  /** Loads the runtime and the model once; later calls share the session. */
  textModel(output: TextModelOutput): Promise<OnnxTextModel> {
    this.textModelPromise ??= (async () => {
      const { OnnxTextModel } = await import('./text-model.js');
      const s = this.settings;
      const m = await OnnxTextModel.load({
        source: this.source,
        output,
        cacheDir: s.cacheDir,
        allowRemote: s.allowRemote,
        quantized: s.quantized,
        batchSize: s.batchSize,
        device: s.device,
        ...(s.maxLength !== null ? { maxLength: s.maxLength } : {}),
        ...(s.stride !== null ? { stride: s.stride } : {}),
        ...(s.threads !== null ? { threads: s.threads } : {}),
      });
      this.verify(this.dir);
      return m;
    })().catch((e: unknown) => {
      this.textModelPromise = null;
      throw e;
    });
    return this.textModelPromise;
  }

  /** Checks the ONNX file is the one trained with; records it when there was none yet (hub, first load). */
  verify(modelDir: string): void {
    const file = this.onnxPath;
    if (!fs.existsSync(file)) {
      if (this.source.kind === 'hub') return; // downloaded at first use, checked then
      throw new ModelFormatError(modelDir, `the ONNX model ${file} is missing (the encoder folder was moved or deleted); restore it or retrain`);
    }
    const actual = fileSha256(file);
    if (this.sha256 === null) {
      this.sha256 = actual;
      return;
    }
    if (actual !== this.sha256) {
      throw new ModelFormatError(modelDir, `the ONNX model ${file} changed since this model was trained (sha256 ${actual.slice(0, 12)}…, expected ${this.sha256.slice(0, 12)}…); retrain, or restore the original file`);
    }
  }

  /** The cache key of this encoder's embeddings: the file's checksum and every setting that changes a vector. */
  embeddingKey(maxLength: number, stride: number): string {
    if (this.sha256 === null) throw new Error('embedding key before the model file was checked');
    return `${this.sha256}:${onnxFileName(this.settings.quantized)}:len${maxLength}:stride${stride}:${this.settings.aggregate}:mean-pool`;
  }

  toState(modelDir: string | undefined): EncoderRefState {
    if (this.sha256 === null) throw new Error('the ONNX model file was never loaded, so there is no checksum to store');
    let stored: string;
    if (this.source.kind === 'hub') {
      stored = this.source.id;
    } else if (modelDir) {
      const target = path.resolve(modelDir);
      if (isInside(target, this.source.dir)) {
        throw new ModelFormatError(target, `the ONNX model folder ${this.source.dir} is inside the output folder, which saving replaces as a whole; keep the encoder beside the model, e.g. in ${path.join(path.dirname(target), 'encoders')}`);
      }
      stored = isInside(path.dirname(target), this.source.dir) ? path.relative(target, this.source.dir) : this.source.dir;
    } else {
      stored = this.source.dir;
    }
    return { ...this.settings, source: this.source.kind, path: stored, file: `onnx/${onnxFileName(this.settings.quantized)}`, sha256: this.sha256 };
  }

  /** Restores the reference and verifies the local ONNX file against the stored checksum. */
  static fromState(state: EncoderRefState, modelDir: string | undefined): EncoderRef {
    const where = modelDir ?? '(model)';
    if (state.source === 'hub') return new EncoderRef({ kind: 'hub', id: state.path }, settingsOf(state), state.sha256);
    const dir = path.isAbsolute(state.path) ? state.path : path.resolve(modelDir ?? '.', state.path);
    if (!fs.existsSync(dir)) throw new ModelFormatError(where, `its ONNX model folder ${dir} is missing (moved or deleted); restore it or retrain`);
    const ref = new EncoderRef({ kind: 'local', dir }, settingsOf(state), state.sha256);
    ref.verify(where);
    return ref;
  }
}

function isInside(folder: string, p: string): boolean {
  const rel = path.relative(folder, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function settingsOf(s: EncoderRefState): EncoderSettings {
  return {
    quantized: s.quantized,
    maxLength: s.maxLength,
    stride: s.stride,
    aggregate: s.aggregate,
    batchSize: s.batchSize,
    threads: s.threads,
    device: s.device,
    allowRemote: s.allowRemote,
    cacheDir: s.cacheDir,
    embeddingCache: s.embeddingCache,
  };
}
