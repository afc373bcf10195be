import { rateLimited } from '../errors.js';

/**
 * Requests per minute per key, as a token bucket: a burst of a minute's worth, refilled
 * continuously. Over the limit is a 429 with `retry-after` in seconds.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly onRefused: () => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): void {
    if (this.perMinute <= 0) return;
    const now = this.now();
    const ratePerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, updated: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updated) * ratePerMs);
    bucket.updated = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const waitSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
      this.onRefused();
      throw rateLimited(`Rate limit reached: ${this.perMinute} requests per minute. Try again in ${waitSeconds} s.`, waitSeconds);
    }
    bucket.tokens -= 1;
  }
}

/** Responses running at once per key. */
export class ConcurrencyLimiter {
  private readonly running = new Map<string, number>();

  constructor(private readonly limit: number, private readonly onRefused: () => void = () => {}) {}

  /** Takes a slot or throws a 429; the returned function gives it back (once). */
  acquire(key: string): () => void {
    const count = this.running.get(key) ?? 0;
    if (count >= this.limit) {
      this.onRefused();
      throw rateLimited(`Too many responses running at once for this key (limit ${this.limit}).`, 1);
    }
    this.running.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(key) ?? 1) - 1;
      if (left <= 0) this.running.delete(key);
      else this.running.set(key, left);
    };
  }
}
