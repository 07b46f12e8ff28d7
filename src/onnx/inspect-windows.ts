import type { OnnxModelSection } from './fit.js';
import { encoderSettingsOf } from './fit.js';
import { resolveModelSource } from './model-files.js';
import { loadTokenization } from './text-model.js';
import { windowCount } from './windows.js';

/** What `textclass inspect` says about an onnx recipe: how many texts overflow the model and the windows they become. */
export interface OnnxWindowReport {
  maxLength: number;
  /** Text tokens per window (max length minus special tokens) and tokens between window starts. */
  capacity: number;
  stride: number;
  parts: { name: string; texts: number; overLimit: number; windows: number; maxTokens: number }[];
}

export async function onnxWindowReport(m: OnnxModelSection, parts: readonly { name: string; texts: readonly string[] }[]): Promise<OnnxWindowReport> {
  const s = encoderSettingsOf(m);
  const tk = await loadTokenization({
    source: resolveModelSource(m.path, s.allowRemote),
    allowRemote: s.allowRemote,
    cacheDir: s.cacheDir,
    quantized: s.quantized,
    ...(s.maxLength !== null ? { maxLength: s.maxLength } : {}),
    ...(s.stride !== null ? { stride: s.stride } : {}),
  });
  return {
    maxLength: tk.maxLength,
    capacity: tk.plan.capacity,
    stride: tk.plan.stride,
    parts: parts.map((p) => {
      let overLimit = 0;
      let windows = 0;
      let maxTokens = 0;
      for (const text of p.texts) {
        const n = tk.tokenizer.encode(text, { add_special_tokens: false }).length;
        if (n > tk.plan.capacity) overLimit++;
        windows += windowCount(n, tk.plan);
        if (n > maxTokens) maxTokens = n;
      }
      return { name: p.name, texts: p.texts.length, overLimit, windows, maxTokens };
    }),
  };
}
