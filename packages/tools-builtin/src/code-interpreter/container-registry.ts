import { ContainerLimitError, InterpreterClosedError } from './errors.js';
import type { SandboxWorker } from './sandbox-worker-process.js';

/** Which container a request names: a new one (`{type:'auto'}`, id made for it) or an id it was given. */
export type ContainerRef = { kind: 'auto'; id: string } | { kind: 'named'; id: string };

/** One container: a worker of its own (Python's globals live there) and its calls, one at a time. */
export interface Container {
  readonly tenant: string;
  readonly id: string;
  /** Undefined before the first call and after the worker was lost; the next call takes a new one. */
  worker: SandboxWorker | undefined;
  /** Why the next call starts without the earlier state; told to the model in that call's logs. */
  pendingNote: string | undefined;
}

interface Entry {
  readonly container: Container;
  /** Calls queued or running. */
  calls: number;
  /** Settles when the last queued call is done: the next call waits for it. */
  tail: Promise<void>;
  lastUsed: number;
  idleTimer: NodeJS.Timeout | undefined;
}

export interface ContainerRegistryOptions {
  maxContainers: number;
  idleMs: number;
}

/**
 * Containers by tenant and id. A tenant never reaches another tenant's container, even with
 * its id. At most `maxContainers` live at once: a new one ends the least recently used idle
 * one. A container unused for `idleMs` is ended: its worker is killed.
 */
export class ContainerRegistry {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly options: ContainerRegistryOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** Runs `task` with the container, after the calls queued on it before; creates it when needed. */
  async use<T>(tenant: string, ref: ContainerRef, signal: AbortSignal | undefined, task: (container: Container) => Promise<T>): Promise<T> {
    if (this.closed) throw new InterpreterClosedError();
    const entry = this.entryFor(tenant, ref);
    entry.calls += 1;
    clearTimeout(entry.idleTimer);
    const previous = entry.tail;
    let done!: () => void;
    const mine = new Promise<void>((resolve) => { done = resolve; });
    entry.tail = previous.then(() => mine);
    try {
      await untilSettledOrAborted(previous, signal);
      return await task(entry.container);
    } finally {
      done();
      entry.calls -= 1;
      entry.lastUsed = performance.now();
      if (entry.calls === 0 && !this.closed) {
        entry.idleTimer = setTimeout(() => this.endIfIdle(entry), this.options.idleMs);
        entry.idleTimer.unref();
      }
    }
  }

  /** Ends every container (kills their workers). */
  close(): void {
    this.closed = true;
    for (const entry of [...this.entries.values()]) this.end(entry);
  }

  private entryFor(tenant: string, ref: ContainerRef): Entry {
    const key = `${tenant}\n${ref.id}`;
    const existing = this.entries.get(key);
    if (existing) return existing;
    if (this.entries.size >= this.options.maxContainers) this.evictLeastRecentlyUsed();
    const entry: Entry = {
      container: {
        tenant,
        id: ref.id,
        worker: undefined,
        pendingNote: ref.kind === 'named' ? `Note: container ${ref.id} was not found (it expired or never existed); it starts empty.` : undefined,
      },
      calls: 0,
      tail: Promise.resolve(),
      lastUsed: performance.now(),
      idleTimer: undefined,
    };
    this.entries.set(key, entry);
    return entry;
  }

  private evictLeastRecentlyUsed(): void {
    let oldest: Entry | undefined;
    for (const entry of this.entries.values()) {
      if (entry.calls === 0 && (!oldest || entry.lastUsed < oldest.lastUsed)) oldest = entry;
    }
    if (!oldest) throw new ContainerLimitError(this.options.maxContainers);
    this.end(oldest);
  }

  private endIfIdle(entry: Entry): void {
    if (entry.calls === 0) this.end(entry);
  }

  private end(entry: Entry): void {
    clearTimeout(entry.idleTimer);
    const { container } = entry;
    this.entries.delete(`${container.tenant}\n${container.id}`);
    container.worker?.kill('ended');
    container.worker = undefined;
  }
}

function untilSettledOrAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, reject);
  });
}
