import path from 'node:path';
import { ModelFormatError, RecipeError } from '../errors.js';
import { lengthSortedBatches, meanPool, padBatch } from './batching.js';
import { hubModelDir, readModelFolder, type ModelConfig, type ModelSource } from './model-files.js';
import { loadTransformers, withModelEnv } from './runtime.js';
import { aggregateRows, defaultStride, windowStarts, type WindowAggregate, type WindowPlan } from './windows.js';

/** What the encoder gives per window: the classification head's logits, or mean-pooled token states. */
export type TextModelOutput = 'logits' | 'mean_pooled';

export interface TextModelOptions {
  source: ModelSource;
  output: TextModelOutput;
  /** Hub downloads go under `<cacheDir>/hub`. */
  cacheDir: string;
  allowRemote: boolean;
  /** Use onnx/model_quantized.onnx (transformers.js dtype q8) instead of onnx/model.onnx. */
  quantized: boolean;
  /** Tokens per window, special tokens included; default and upper bound: the model's own limit. */
  maxLength?: number;
  /** Tokens between window starts; default half a window. */
  stride?: number;
  /** Windows per ONNX call. */
  batchSize: number;
  /** onnxruntime intra-op threads (the session's own default when absent). */
  threads?: number;
  /** `cuda` needs onnxruntime-node's CUDA build (see docs/onnx.md); `cpu` always works. */
  device: 'cpu' | 'cuda';
}

/** Scores of every text: one row of `width` values per text, after aggregating its windows. */
export interface TextScores {
  values: Float32Array;
  width: number;
  /** Windows run in total (one per text that fits). */
  windows: number;
}

// The parts of transformers.js this module calls, typed loosely: its own types are very wide.
export interface Tokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  pad_token_id?: number | null;
}
interface RunnableModel {
  (inputs: Record<string, unknown>): Promise<Record<string, { data: ArrayLike<number>; dims: number[] }>>;
  dispose(): Promise<unknown>;
}

/**
 * A Hugging Face–format model on onnxruntime through transformers.js: tokenizes, cuts long texts
 * into windows (never drops them), runs the windows in length-sorted batches with dynamic padding,
 * and aggregates window outputs per text.
 */
export class OnnxTextModel {
  private constructor(
    readonly dir: string,
    readonly onnxPath: string,
    readonly config: ModelConfig,
    readonly maxLength: number,
    readonly plan: WindowPlan,
    private readonly tokenizer: Tokenizer,
    private readonly model: RunnableModel,
    private readonly prefix: number[],
    private readonly suffix: number[],
    private readonly padId: number,
    readonly options: TextModelOptions,
  ) {}

  static async load(options: TextModelOptions): Promise<OnnxTextModel> {
    const t = await loadTransformers();
    const { source } = options;
    const id = source.kind === 'local' ? source.dir : source.id;
    // A local folder is checked before the runtime sees it, so a missing file gets our message.
    if (source.kind === 'local') readModelFolder(source.dir, options.quantized);
    const model = await withModelEnv(t, hubAccess(options), async () => {
      const modelOptions = {
        dtype: options.quantized ? ('q8' as const) : ('fp32' as const),
        device: options.device,
        session_options: {
          ...(options.threads !== undefined ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
        },
      };
      try {
        const m = options.output === 'logits' ? await t.AutoModelForSequenceClassification.from_pretrained(id, modelOptions) : await t.AutoModel.from_pretrained(id, modelOptions);
        return m as unknown as RunnableModel;
      } catch (e) {
        const cuda = options.device === 'cuda' ? "; device cuda needs onnxruntime-node's CUDA libraries, NVIDIA's driver, CUDA 12 and cuDNN (docs/onnx.md, CUDA), or set model.device: cpu" : '';
        throw new ModelFormatError(id, `transformers.js could not load the model (${(e as Error).message.split('\n')[0]})${cuda}`);
      }
    });
    try {
      const tk = await loadTokenization(options);
      if (options.output === 'logits' && !tk.config.labels) {
        throw new ModelFormatError(tk.dir, 'config.json names no *ForSequenceClassification architecture with id2label: it is not a ready classifier; use model.mode: encoder_head');
      }
      return new OnnxTextModel(tk.dir, tk.onnxPath, tk.config, tk.maxLength, tk.plan, tk.tokenizer, model, tk.prefix, tk.suffix, tk.padId, options);
    } catch (e) {
      await model.dispose();
      throw e;
    }
  }

  /** Content token ids of each text (no special tokens). */
  tokenize(texts: readonly string[]): number[][] {
    return texts.map((text) => this.tokenizer.encode(text, { add_special_tokens: false }));
  }

  /** Every window of every text, with special tokens, and the text each belongs to. */
  windows(tokens: readonly number[][]): { sequences: number[][]; owner: Int32Array } {
    const sequences: number[][] = [];
    const owners: number[] = [];
    tokens.forEach((ids, i) => {
      for (const start of windowStarts(ids.length, this.plan)) {
        sequences.push([...this.prefix, ...ids.slice(start, start + this.plan.capacity), ...this.suffix]);
        owners.push(i);
      }
    });
    return { sequences, owner: Int32Array.from(owners) };
  }

  /** Outputs per sequence (logits, or mean-pooled hidden states), in the order given. */
  async run(sequences: readonly number[][]): Promise<{ values: Float32Array; width: number }> {
    const t = await loadTransformers();
    let width = this.options.output === 'logits' ? this.config.labels!.length : (this.config.hiddenSize ?? 0);
    let values = new Float32Array(sequences.length * width);
    for (const batch of lengthSortedBatches(sequences.map((s) => s.length), this.options.batchSize)) {
      const padded = padBatch(batch.map((j) => sequences[j]), this.padId);
      const dims = [padded.rows, padded.width];
      const out = await this.model({
        input_ids: new t.Tensor('int64', padded.inputIds, dims),
        attention_mask: new t.Tensor('int64', padded.attentionMask, dims),
        token_type_ids: new t.Tensor('int64', padded.tokenTypeIds, dims),
      });
      let rows: Float32Array;
      if (this.options.output === 'logits') {
        rows = Float32Array.from(out.logits.data);
      } else {
        const hidden = out.last_hidden_state;
        if (!hidden) throw new ModelFormatError(this.dir, 'the ONNX graph has no last_hidden_state output; an encoder for encoder_head needs one');
        const dim = hidden.dims[2];
        if (width !== dim) {
          // config.json did not say the hidden size (or said it wrong): the graph decides.
          width = dim;
          values = new Float32Array(sequences.length * width);
        }
        rows = meanPool(Float32Array.from(hidden.data), padded.attentionMask, padded.rows, padded.width, dim);
      }
      batch.forEach((j, r) => values.set(rows.subarray(r * width, (r + 1) * width), j * width));
    }
    return { values, width };
  }

  /** One row per text: its windows' outputs aggregated by mean or max. */
  async scoreTexts(texts: readonly string[], aggregate: WindowAggregate): Promise<TextScores> {
    const { sequences, owner } = this.windows(this.tokenize(texts));
    const { values, width } = await this.run(sequences);
    return { values: aggregateRows(values, width, owner, texts.length, aggregate), width, windows: sequences.length };
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

/** How a model cuts text: its tokenizer, special tokens, window size and stride (no ONNX session). */
export interface Tokenization {
  dir: string;
  onnxPath: string;
  config: ModelConfig;
  maxLength: number;
  plan: WindowPlan;
  tokenizer: Tokenizer;
  prefix: number[];
  suffix: number[];
  padId: number;
}

function hubAccess(options: Pick<TextModelOptions, 'source' | 'allowRemote' | 'cacheDir'>): { allowRemote: boolean; cacheDir: string } {
  return { allowRemote: options.allowRemote && options.source.kind === 'hub', cacheDir: path.join(options.cacheDir, 'hub') };
}

/** Loads only the tokenizer and the window plan: what `inspect` needs to count windows. */
export async function loadTokenization(options: Pick<TextModelOptions, 'source' | 'allowRemote' | 'cacheDir' | 'quantized' | 'maxLength' | 'stride'>): Promise<Tokenization> {
  const t = await loadTransformers();
  const { source } = options;
  const id = source.kind === 'local' ? source.dir : source.id;
  if (source.kind === 'local') readModelFolder(source.dir, options.quantized);
  const tokenizer = await withModelEnv(t, hubAccess(options), async () => {
    try {
      return (await t.AutoTokenizer.from_pretrained(id)) as unknown as Tokenizer;
    } catch (e) {
      throw new ModelFormatError(id, `transformers.js could not load the tokenizer (${(e as Error).message.split('\n')[0]})`);
    }
  });
  const dir = source.kind === 'local' ? source.dir : hubModelDir(options.cacheDir, source.id);
  const { config, onnxPath } = readModelFolder(dir, options.quantized);
  const maxLength = options.maxLength ?? config.maxLength;
  if (maxLength > config.maxLength) throw new RecipeError(`model.max_length: ${maxLength} is more than the model takes (${config.maxLength} tokens)`);
  const { prefix, suffix } = specialTokens(tokenizer);
  const capacity = maxLength - prefix.length - suffix.length;
  if (capacity < 1) throw new RecipeError(`model.max_length: ${maxLength} leaves no room for text after the ${prefix.length + suffix.length} special tokens`);
  const stride = options.stride ?? defaultStride(capacity);
  if (stride > capacity) throw new RecipeError(`model.window.stride: ${stride} is more than a window's ${capacity} text tokens, so tokens between windows would be skipped; use at most ${capacity}`);
  const padId = typeof tokenizer.pad_token_id === 'number' ? tokenizer.pad_token_id : 0;
  return { dir, onnxPath, config, maxLength, plan: { capacity, stride }, tokenizer, prefix, suffix, padId };
}

/**
 * The special tokens the tokenizer puts around one text ([CLS] … [SEP] for BERT, <s> … </s> for
 * RoBERTa), found by encoding a probe word with and without them.
 */
function specialTokens(tokenizer: Tokenizer): { prefix: number[]; suffix: number[] } {
  const probe = 'hello';
  const bare = tokenizer.encode(probe, { add_special_tokens: false });
  const full = tokenizer.encode(probe, { add_special_tokens: true });
  for (let at = 0; at + bare.length <= full.length; at++) {
    if (bare.every((id, i) => full[at + i] === id)) return { prefix: full.slice(0, at), suffix: full.slice(at + bare.length) };
  }
  return { prefix: [], suffix: [] };
}
