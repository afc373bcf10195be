import { type ELDHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** How late the event loop runs: the signal the gateway sheds load by. */
export interface EventLoopLag {
  /** The 99th percentile of the loop's delay over the last window, in ms. */
  readonly p99Ms: number;
  /** The longest delay of the last window, in ms. */
  readonly maxMs: number;
  /** Called after each window with its p99; returns a function that stops calling. */
  onSample(listener: (p99Ms: number) => void): () => void;
}

/**
 * Samples the event loop's delay with Node's own histogram (`monitorEventLoopDelay`, timed in
 * libuv, not by a JavaScript timer that itself waits on the loop), one window every
 * `windowMs`: what every request on this process waits before any of its code runs.
 */
export class EventLoopLagMonitor implements EventLoopLag {
  p99Ms = 0;
  maxMs = 0;
  private readonly histogram: ELDHistogram;
  private readonly timer: NodeJS.Timeout;
  private readonly listeners = new Set<(p99Ms: number) => void>();

  constructor(windowMs: number) {
    // 10 ms resolution: finer costs a timer wake-up per ms for nothing a load decision needs.
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.timer = setInterval(() => this.sample(), windowMs);
    this.timer.unref();
  }

  onSample(listener: (p99Ms: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
    this.listeners.clear();
  }

  private sample(): void {
    // The histogram counts the timer's own resolution in each delay; what is past it is lag.
    const resolutionMs = 10;
    this.p99Ms = this.histogram.count === 0 ? 0 : Math.max(0, this.histogram.percentile(99) / 1e6 - resolutionMs);
    this.maxMs = this.histogram.count === 0 ? 0 : Math.max(0, this.histogram.max / 1e6 - resolutionMs);
    this.histogram.reset();
    for (const listener of this.listeners) listener(this.p99Ms);
  }
}
