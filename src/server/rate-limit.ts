/**
 * Token-bucket rate limits per key (a participant or an address): `ratePerS` sustained, `burst` at
 * once. The clock is injected so the limiter is tested without waiting.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when one more request from `key` is allowed now (and counts it). */
  take(key: string): boolean {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, atMs: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.atMs) / 1000) * this.ratePerS);
    b.atMs = now;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > 10_000) this.prune(now);
    return ok;
  }

  private prune(now: number): void {
    for (const [k, b] of this.buckets)
      if (now - b.atMs > (this.burst / this.ratePerS) * 1000) this.buckets.delete(k);
  }
}
