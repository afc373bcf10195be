import { overloaded } from '../errors.js';
import type { EventLoopLag } from './event-loop-lag.js';

export interface AdmissionOptions {
  /** Responses running at once in this process, over every key; past it they wait. */
  maxRunning: number;
  /** Responses waiting, over every key; one more is a 429. */
  maxQueued: number;
  /** Responses waiting for one key; one more is a 429, whatever the others wait. */
  maxQueuedPerKey: number;
  /** The longest wait; then a 429. */
  maxWaitMs: number;
  /** Event-loop delay (p99 of a window, ms) past which the process admits fewer; 0: never by lag. */
  overloadLagMs: number;
}

/** What the queue tells the metrics. */
export interface AdmissionObserver {
  /** A response waited this long (seconds) before it was admitted. */
  waited(seconds: number): void;
  /** A response was refused: the queue was full, or it waited too long. */
  refused(reason: 'queue_full' | 'queue_timeout'): void;
}

/** The running limit never falls below this for lag: a few streams never make a loop lag; something else does. */
const MIN_LIMIT = 8;

/** Gives back what `admit` took; calling it again does nothing. */
export type AdmissionRelease = () => void;

interface Waiter {
  key: string;
  since: number;
  admit: (release: AdmissionRelease) => void;
  refuse: (error: Error) => void;
  timer: NodeJS.Timeout;
  signal: AbortSignal;
  onAbort: () => void;
}

/**
 * Admission of responses into this process: a limit on how many run at once, and a bounded
 * queue in front of it, fair between keys (each key's waiters take turns, so one key's flood
 * does not starve another's single request). The limit follows the event loop: when its delay
 * passes `overloadLagMs` the limit falls to three quarters of what runs, and it climbs back by
 * a quarter per calm window up to `maxRunning`, so new work waits while the running streams
 * keep their pace instead of all of them slowing down together. A full queue, or a wait past
 * `maxWaitMs`, is a 429 with `retry-after`.
 */
export class AdmissionQueue {
  private running = 0;
  private limit: number;
  private queued = 0;
  /** Waiters by key; the map's order is the turn order (a key that was served moves to the back). */
  private readonly waiting = new Map<string, Waiter[]>();
  private lastLagMs = 0;
  private readonly stopSampling: () => void;

  constructor(
    private readonly options: AdmissionOptions,
    private readonly lag: EventLoopLag | undefined,
    private readonly observer: AdmissionObserver = { waited: () => {}, refused: () => {} },
  ) {
    this.limit = options.maxRunning;
    this.stopSampling = lag?.onSample((p99Ms) => this.adjust(p99Ms)) ?? (() => {});
  }

  /** Responses running now (admitted, not released). */
  get runningCount(): number {
    return this.running;
  }

  /** Responses waiting now. */
  get queuedCount(): number {
    return this.queued;
  }

  /** How many may run at once now (`maxRunning`, or less while the loop lags). */
  get currentLimit(): number {
    return this.limit;
  }

  /** Why the process should get no more work, if it should not: responses wait, or the loop lags. */
  get saturation(): string | undefined {
    if (this.queued > 0) return `${this.queued} responses waiting for ${this.running} running (limit ${this.limit})`;
    if (this.lagging) {
      return `event loop delay p99 ${Math.round(this.lastLagMs)} ms (over ${this.options.overloadLagMs} ms)`;
    }
    return undefined;
  }

  /**
   * A place to run for `key`: at once when there is room and nobody waits, otherwise a promise
   * that resolves when its turn comes or rejects with a 429. Aborting `signal` (the client
   * left) takes the waiter out of the queue.
   */
  admit(key: string, signal: AbortSignal): AdmissionRelease | Promise<AdmissionRelease> {
    if (this.queued === 0 && this.running < this.limit) return this.take();
    if (this.queued >= this.options.maxQueued) return this.refuseFull(`${this.queued} responses are waiting on this server (limit ${this.options.maxQueued})`);
    const mine = this.waiting.get(key);
    if ((mine?.length ?? 0) >= this.options.maxQueuedPerKey) {
      return this.refuseFull(`${mine!.length} responses of this key are waiting (limit ${this.options.maxQueuedPerKey})`);
    }
    return new Promise<AdmissionRelease>((resolve, reject) => {
      const waiter: Waiter = {
        key,
        since: performance.now(),
        admit: resolve,
        refuse: reject,
        signal,
        timer: setTimeout(() => {
          this.remove(waiter);
          this.observer.refused('queue_timeout');
          reject(overloaded(`The server is busy: the response waited ${this.options.maxWaitMs} ms for a place to run.`));
        }, this.options.maxWaitMs),
        onAbort: () => {
          this.remove(waiter);
          reject(signal.reason instanceof Error ? signal.reason : new Error('the client left while its response waited to run'));
        },
      };
      waiter.timer.unref();
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      if (mine) mine.push(waiter);
      else this.waiting.set(key, [waiter]);
      this.queued += 1;
    });
  }

  /** Refuses everyone waiting (the server is stopping) and stops following the loop. */
  close(error: Error): void {
    this.stopSampling();
    for (const waiters of [...this.waiting.values()]) {
      for (const waiter of [...waiters]) {
        this.remove(waiter);
        waiter.refuse(error);
      }
    }
  }

  private take(): AdmissionRelease {
    this.running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      this.dispatch();
    };
  }

  /** Admits waiters, one key at a time in turn, while there is room. */
  private dispatch(): void {
    while (this.queued > 0 && this.running < this.limit) {
      const [key, waiters] = this.waiting.entries().next().value as [string, Waiter[]];
      const waiter = waiters[0]!;
      this.remove(waiter);
      // The key goes to the back of the turn order if it still waits.
      if (waiters.length > 0) {
        this.waiting.delete(key);
        this.waiting.set(key, waiters);
      }
      this.observer.waited((performance.now() - waiter.since) / 1000);
      waiter.admit(this.take());
    }
  }

  private remove(waiter: Waiter): void {
    const waiters = this.waiting.get(waiter.key);
    const index = waiters?.indexOf(waiter) ?? -1;
    if (index < 0) return;
    waiters!.splice(index, 1);
    if (waiters!.length === 0) this.waiting.delete(waiter.key);
    clearTimeout(waiter.timer);
    waiter.signal.removeEventListener('abort', waiter.onAbort);
    this.queued -= 1;
  }

  /** The loop lags past the threshold while responses run (a delay with nothing running, at start or in a GC, sheds nothing). */
  private get lagging(): boolean {
    return this.options.overloadLagMs > 0 && this.running > 0 && this.lastLagMs > this.options.overloadLagMs;
  }

  private adjust(lagMs: number): void {
    this.lastLagMs = lagMs;
    if (this.options.overloadLagMs <= 0) return;
    if (this.lagging) {
      this.limit = Math.max(Math.min(MIN_LIMIT, this.options.maxRunning), Math.min(this.limit, Math.floor(this.running * 0.75)));
      return;
    }
    if (this.limit < this.options.maxRunning) {
      this.limit = Math.min(this.options.maxRunning, this.limit + Math.max(1, Math.ceil(this.limit / 4)));
      this.dispatch();
    }
  }

  private refuseFull(why: string): never {
    this.observer.refused('queue_full');
    throw overloaded(`The server is busy: ${why}. Try again shortly.`);
  }
}
