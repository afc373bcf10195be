import { InterpreterClosedError } from './errors.js';
import type { SandboxWorker } from './sandbox-worker-process.js';

interface Waiter {
  resolve: (worker: SandboxWorker) => void;
  reject: (error: unknown) => void;
  detach: () => void;
}

/**
 * Keeps `size` started, idle workers, so that a new container gets one at once; each one
 * handed out is replaced in the background, outside the request that took it. With none
 * ready, a caller waits for the next one to be ready (a cold start, unavoidable then).
 */
export class WarmWorkerPool {
  private readonly idle: SandboxWorker[] = [];
  private readonly starting = new Set<SandboxWorker>();
  private readonly waiters: Waiter[] = [];
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly spawn: () => SandboxWorker,
  ) {}

  /** Starts the pool's workers and waits until they are ready; fails if one cannot start. */
  async start(): Promise<void> {
    this.refill();
    await Promise.all([...this.starting].map((worker) => worker.ready));
  }

  /** Workers ready and waiting. */
  get warmCount(): number {
    return this.idle.length;
  }

  /** A ready worker, now owned by the caller. */
  take(signal?: AbortSignal): Promise<SandboxWorker> {
    if (this.closed) return Promise.reject(new InterpreterClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    const worker = this.idle.shift();
    if (worker) {
      this.refill();
      return Promise.resolve(worker);
    }
    return new Promise<SandboxWorker>((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = { resolve, reject, detach: () => signal?.removeEventListener('abort', onAbort) };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.refill();
    });
  }

  /** Kills every idle and starting worker; waiting callers get `InterpreterClosedError`. */
  close(): void {
    this.closed = true;
    for (const worker of [...this.idle.splice(0), ...this.starting]) worker.kill('ended');
    this.starting.clear();
    for (const waiter of this.waiters.splice(0)) {
      waiter.detach();
      waiter.reject(new InterpreterClosedError());
    }
  }

  private refill(): void {
    while (!this.closed && this.idle.length + this.starting.size < this.size + this.waiters.length) this.startOne();
  }

  private startOne(): void {
    const worker = this.spawn();
    this.starting.add(worker);
    worker.ready.then(
      () => {
        if (!this.starting.delete(worker)) return; // closed meanwhile
        const waiter = this.waiters.shift();
        if (waiter) {
          waiter.detach();
          waiter.resolve(worker);
          return;
        }
        this.idle.push(worker);
        worker.onExit(() => {
          const index = this.idle.indexOf(worker);
          if (index >= 0) this.idle.splice(index, 1);
        });
      },
      (error: unknown) => {
        if (!this.starting.delete(worker)) return;
        // No retry here: a broken install would spin. The caller this start was for is told why.
        const waiter = this.waiters.shift();
        waiter?.detach();
        waiter?.reject(error);
      },
    );
  }
}
