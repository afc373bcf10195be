import type { Logger, SharedKeyLimits } from '@agentport/core';
import { rateLimited } from '../errors.js';

/**
 * Requests per minute per key, as a token bucket: a burst of a minute's worth, refilled
 * continuously. Over the limit is a 429 with `retry-after` in seconds. With `shared` limits the
 * bucket is the one every process on the store takes from (a promise); otherwise this process's.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly onRefused: () => void = () => {},
    private readonly now: () => number = Date.now,
    private readonly shared?: SharedKeyLimits,
  ) {}

  take(key: string): void | Promise<void> {
    if (this.perMinute <= 0) return;
    if (this.shared) return this.shared.takeRequest(key, this.perMinute).then((waitSeconds) => this.refuseIf(waitSeconds));
    const now = this.now();
    const ratePerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, updated: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updated) * ratePerMs);
    bucket.updated = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) this.refuseIf(Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000)));
    bucket.tokens -= 1;
  }

  private refuseIf(waitSeconds: number): void {
    if (waitSeconds <= 0) return;
    this.onRefused();
    throw rateLimited(`Rate limit reached: ${this.perMinute} requests per minute. Try again in ${waitSeconds} s.`, waitSeconds);
  }
}

/**
 * Responses running at once per key: counted in this process, or with `shared` limits over
 * every process on the store (then `acquire` answers with a promise).
 */
export class ConcurrencyLimiter {
  private readonly running = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly onRefused: () => void = () => {},
    private readonly shared?: { readonly limits: SharedKeyLimits; readonly logger: Logger },
  ) {}

  /** Takes a slot or throws a 429; the returned function gives it back (once). */
  acquire(key: string): (() => void) | Promise<() => void> {
    if (this.shared) return this.acquireShared(key, this.shared);
    const count = this.running.get(key) ?? 0;
    if (count >= this.limit) this.refuse();
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

  private async acquireShared(key: string, shared: { readonly limits: SharedKeyLimits; readonly logger: Logger }): Promise<() => void> {
    if (!(await shared.limits.acquireRun(key, this.limit))) this.refuse();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      shared.limits.releaseRun(key).catch((error: unknown) => {
        // The slot stays counted until this instance's lease ends; say so.
        shared.logger.error({ error: String(error) }, 'could not give back a shared run slot');
      });
    };
  }

  private refuse(): never {
    this.onRefused();
    throw rateLimited(`Too many responses running at once for this key (limit ${this.limit}).`, 1);
  }
}
