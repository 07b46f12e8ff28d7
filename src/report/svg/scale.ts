/** Linear scales and "nice" axis ticks (1, 2, 2.5, 5 × 10^k steps), as in most plotting libraries. */

export interface LinearScale {
  /** Data value → pixel position. */
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps everything to the middle of the range. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const map = (value: number): number => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0));
  return Object.assign(map, { domain: [d0, d1] as const, range: [r0, r1] as const });
}

export interface Ticks {
  values: number[];
  step: number;
}

const NICE_MULTIPLIERS = [1, 2, 2.5, 5, 10];

/** The nice step whose number of intervals over `span` is closest to `count` (ties: the coarser). */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const target = Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(span / target));
  let best = magnitude;
  let bestMiss = Infinity;
  for (const m of NICE_MULTIPLIERS) {
    const step = m * magnitude;
    const miss = Math.abs(span / step - target);
    if (miss <= bestMiss + 1e-9) {
      best = step;
      bestMiss = miss;
    }
  }
  return best;
}

/** Tick values inside [min, max] at a nice step, about `count` of them; exact multiples of the step. */
export function niceTicks(min: number, max: number, count = 5): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { values: [], step: 1 };
  if (max < min) [min, max] = [max, min];
  if (max === min) return { values: [min], step: 1 };
  const step = niceStep(max - min, count);
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const values: number[] = [];
  for (let i = first; i <= last; i++) values.push(cleanFloat(i * step));
  return { values, step };
}

/**
 * A domain that starts and ends on nice ticks and contains [min, max]; degenerate input
 * (empty, one value, non-finite) still gives a usable domain. `includeZero` pulls the domain
 * to 0 (bar charts must start at 0).
 */
export function niceDomain(values: Iterable<number>, options: { includeZero?: boolean; count?: number } = {}): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return [0, 1];
  if (options.includeZero) {
    min = Math.min(min, 0);
    max = Math.max(max, 0);
  }
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
    if (options.includeZero && min < 0 && max - pad >= 0) min = 0;
  }
  const step = niceStep(max - min, options.count ?? 5);
  return [cleanFloat(Math.floor(min / step + 1e-9) * step), cleanFloat(Math.ceil(max / step - 1e-9) * step)];
}

/** Removes binary noise from multiples of decimal steps (0.30000000000000004 → 0.3). */
function cleanFloat(x: number): number {
  const r = Number(x.toPrecision(12));
  return r === 0 ? 0 : r;
}
