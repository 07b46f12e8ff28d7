import type { ProgressFn } from '../models/classifier.js';

/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal: logs and pipes get
 * no carriage-return noise. Redraws at most every 100 ms.
 */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): { update: ProgressFn; done: () => void } {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  let shown = false;
  const started = Date.now();
  return {
    update(phase, done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(frac * width);
      const secs = ((now - started) / 1000).toFixed(1);
      // Byte counts are unreadable as raw numbers; large totals show as a percentage.
      const count = total >= 100_000 ? `${(frac * 100).toFixed(0)}%` : `${done}/${total}`;
      // An unknown total (0) shows the count alone.
      if (total <= 0) stream.write(`\r${phase} ${done} ${secs}s\x1b[K`);
      else stream.write(`\r${phase.padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count} ${secs}s\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
