/** The three kinds of classification task textclass handles. */
export type Task = 'binary' | 'multiclass' | 'multilabel';

/**
 * Encoded training targets. Single-label tasks hold one class index per row; multilabel tasks
 * a dense row-major 0/1 matrix of n × K (K is small: tens of labels).
 */
export type Targets =
  | { kind: 'single'; y: Int32Array }
  | { kind: 'multi'; y: Uint8Array; numLabels: number };

export function targetCount(t: Targets): number {
  return t.kind === 'single' ? t.y.length : t.y.length / t.numLabels;
}
