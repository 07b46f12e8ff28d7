/**
 * Long texts as overlapping token windows, and window scores back to one score per text. Pure
 * functions over token ids: the ONNX session code uses them, and they are tested without a model.
 */

export type WindowAggregate = 'mean' | 'max';

export interface WindowPlan {
  /** Content tokens per window: the model's max length minus its special tokens ([CLS], [SEP]). */
  capacity: number;
  /** Tokens between the starts of consecutive windows; at most `capacity`, so no token is skipped. */
  stride: number;
}

/**
 * The start offsets of the windows covering `length` tokens. One window when the text fits;
 * otherwise windows `stride` apart, the last one moved back to end at the last token so it is as
 * full as the others. Every token is in at least one window: a long text is never cut.
 */
export function windowStarts(length: number, plan: WindowPlan): number[] {
  const { capacity, stride } = plan;
  if (!(capacity >= 1) || !(stride >= 1) || stride > capacity) throw new Error(`window plan needs 1 <= stride <= capacity, got stride ${stride}, capacity ${capacity}`);
  if (length <= capacity) return [0];
  const last = length - capacity;
  const starts: number[] = [];
  for (let s = 0; s < last; s += stride) starts.push(s);
  starts.push(last);
  return starts;
}

/** How many windows a text of `length` content tokens becomes. */
export function windowCount(length: number, plan: WindowPlan): number {
  if (length <= plan.capacity) return 1;
  return Math.ceil((length - plan.capacity) / plan.stride) + 1;
}

/** The default stride: half a window, so every token away from the ends is seen in two windows. */
export function defaultStride(capacity: number): number {
  return Math.max(1, Math.floor(capacity / 2));
}

/**
 * Rows of `values` (row-major, `width` per row) grouped by `owner` (the text each window came
 * from, ascending or not) and reduced per text by mean or max, element by element.
 */
export function aggregateRows(values: Float32Array, width: number, owner: Int32Array, texts: number, how: WindowAggregate): Float32Array {
  const out = new Float32Array(texts * width);
  const counts = new Int32Array(texts);
  if (how === 'max') out.fill(-Infinity);
  for (let j = 0; j < owner.length; j++) {
    const i = owner[j];
    counts[i]++;
    const src = j * width;
    const dst = i * width;
    if (how === 'max') {
      for (let d = 0; d < width; d++) if (values[src + d] > out[dst + d]) out[dst + d] = values[src + d];
    } else {
      for (let d = 0; d < width; d++) out[dst + d] += values[src + d];
    }
  }
  for (let i = 0; i < texts; i++) {
    if (counts[i] === 0) throw new Error(`text ${i} has no window`);
    if (how === 'mean') for (let d = 0; d < width; d++) out[i * width + d] /= counts[i];
  }
  return out;
}
