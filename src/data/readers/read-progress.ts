/** `ReadOptions.onProgress`. */
export type ProgressCallback = (done: number, total: number) => void;

/**
 * Calls a progress callback at most every `minStep` units and `minMs` milliseconds, so that a
 * fast reader does not spend its time redrawing a progress bar; `finish` always calls it.
 */
export class ProgressThrottle {
  private lastDone = 0;
  private lastTime = Date.now();

  constructor(
    private readonly callback: ProgressCallback | undefined,
    private readonly total: number,
    private readonly minStep: number,
    private readonly minMs = 100,
  ) {}

  update(done: number): void {
    if (this.callback === undefined || done - this.lastDone < this.minStep) return;
    const now = Date.now();
    if (now - this.lastTime < this.minMs) return;
    this.lastDone = done;
    this.lastTime = now;
    this.callback(done, Math.max(this.total, done));
  }

  /** The final call; `total` grows to `done` if the file grew while it was read. */
  finish(done: number): void {
    this.callback?.(done, Math.max(this.total, done));
  }
}

/** Bytes between progress calls of the file readers. */
export const PROGRESS_BYTES = 64 * 1024;
