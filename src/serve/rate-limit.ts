/**
 * Token buckets, one per client (API key id, else address): `rate` requests per second on
 * average, bursts up to one second's worth. Buckets idle for a minute are dropped, so memory
 * stays bounded by the number of recently active clients.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private sweepAt = 0;

  constructor(
    readonly rate: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get enabled(): boolean {
    return this.rate > 0;
  }

  /** Takes one token; returns 0 when allowed, else the seconds to wait before retrying. */
  take(client: string): number {
    if (!this.enabled) return 0;
    const t = this.now();
    const capacity = Math.max(1, this.rate);
    let b = this.buckets.get(client);
    if (!b) {
      b = { tokens: capacity, at: t };
      this.buckets.set(client, b);
    } else {
      b.tokens = Math.min(capacity, b.tokens + ((t - b.at) / 1000) * this.rate);
      b.at = t;
    }
    if (t > this.sweepAt) this.sweep(t);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / this.rate;
  }

  private sweep(t: number): void {
    this.sweepAt = t + 60_000;
    for (const [k, b] of this.buckets) if (t - b.at > 60_000) this.buckets.delete(k);
  }
}
