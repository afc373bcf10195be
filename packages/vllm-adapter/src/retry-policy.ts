import { setTimeout as sleep } from 'node:timers/promises';
import type { ModelError } from '@agentport/core';

export interface RetryPolicyOptions {
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** For tests of the backoff; `Math.random` by default. */
  random?: () => number;
}

/**
 * When a failed attempt is tried again. A retry is safe only while the caller has seen
 * nothing of the answer: after the first event it would see part of it twice.
 */
export class RetryPolicy {
  private readonly random: () => number;

  constructor(private readonly options: RetryPolicyOptions) {
    this.random = options.random ?? Math.random;
  }

  /** `failedAttempts` counts the attempts made so far, the one that just failed included. */
  shouldRetry(error: ModelError, failedAttempts: number, deliveredToCaller: boolean): boolean {
    return !deliveredToCaller && error.retryable && failedAttempts <= this.options.maxRetries;
  }

  /** Exponential backoff with jitter (half to all of the step), so clients do not retry in lockstep. */
  delayMs(failedAttempts: number): number {
    const step = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** Math.max(0, failedAttempts - 1));
    return Math.round(step / 2 + (step / 2) * this.random());
  }

  /** Waits out the backoff; rejects as soon as the signal aborts. */
  async wait(failedAttempts: number, signal: AbortSignal): Promise<void> {
    const ms = this.delayMs(failedAttempts);
    if (ms > 0) await sleep(ms, undefined, { signal });
    else signal.throwIfAborted();
  }
}
