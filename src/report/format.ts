/** Number formatting for labels, tooltips and SVG coordinates; never prints NaN or Infinity. */

/** A metric value with a fixed number of digits; "–" for non-finite values. */
export function formatMetric(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  const s = x.toFixed(digits);
  return s.startsWith('-') && Number(s) === 0 ? s.slice(1) : s;
}

/** A share in [0, 1] as a percentage, e.g. 0.0523 → "5.2%". */
export function formatPercent(share: number, digits = 1): string {
  if (!Number.isFinite(share)) return '–';
  return `${formatMetric(share * 100, digits)}%`;
}

/** An integer count with thousands separators (locale-independent, so output is deterministic). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const rounded = Math.round(n);
  const digits = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return rounded < 0 ? `-${digits}` : digits;
}

/**
 * An SVG coordinate or length: one decimal is finer than a device pixel at any sensible zoom
 * and keeps paths short. Non-finite input becomes 0 so a bad value can never put "NaN" into
 * the markup (which would make the whole element fail to render).
 */
export function coord(x: number): string {
  if (!Number.isFinite(x)) return '0';
  const r = Math.round(x * 10) / 10;
  return r === 0 ? '0' : String(r);
}

/**
 * A tick label: as few digits as tell neighbouring ticks apart, given the tick step
 * (step 0.25 → 2 digits, step 5 → none); large values get thousands separators.
 */
export function formatTick(value: number, step: number): string {
  if (!Number.isFinite(value)) return '';
  const digits = step > 0 && Number.isFinite(step) ? Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9))) : 2;
  const needed = decimalsOf(step, digits);
  if (Math.abs(value) >= 10000 && needed === 0) return formatCount(value);
  return formatMetric(value, needed);
}

/** Digits after the point needed to write `step` exactly (at most `atLeast` + 2). */
function decimalsOf(step: number, atLeast: number): number {
  for (let d = atLeast; d <= atLeast + 2; d++) {
    if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) return d;
  }
  return atLeast + 2;
}
