import { type Logger, StoreFaultError } from '@agentport/core';

/** How long after a storage fault `/readyz` still says the store fails, unless a write went through since. */
const FAULT_MEMORY_MS = 5_000;

/** Writes the end of a response; true once it is stored (or can never be), false to try again later. */
export type EndingWrite = () => Promise<boolean>;

/**
 * What the gateway knows about the store's faults: the last one seen, and the endings of
 * responses it could not store (a full disk, a lock), written again every `retryMs` until the
 * store takes them, so a response does not stay `in_progress` once the fault clears. At most
 * `maxPending` wait; past that the oldest is dropped (restart recovery ends it `incomplete`).
 */
export class StoreFaults {
  private readonly pending = new Set<EndingWrite>();
  private lastFault: { error: StoreFaultError; at: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retrying = false;

  constructor(private readonly retryMs: number, private readonly maxPending: number, private readonly logger: Logger) {}

  /** Endings waiting for the store. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Notes a fault seen by any operation. */
  note(error: StoreFaultError): void {
    this.lastFault = { error, at: Date.now() };
  }

  /** Notes a write that went through: the store takes writes again. */
  noteWrite(): void {
    this.lastFault = undefined;
  }

  /** What `/readyz` says of the store beyond its probe read, if anything fails. */
  get failing(): string | undefined {
    if (this.pending.size > 0) return `failing: ${this.pending.size} response endings wait for the store to take writes (${this.lastFault?.error.code ?? 'store fault'})`;
    if (this.lastFault && Date.now() - this.lastFault.at < FAULT_MEMORY_MS) return `failing: ${this.lastFault.error.code}`;
    return undefined;
  }

  /** Keeps an ending to write once the store recovers. */
  retryLater(write: EndingWrite): void {
    if (this.pending.size >= this.maxPending) {
      const oldest = this.pending.values().next().value!;
      this.pending.delete(oldest);
      this.logger.error({ maxPending: this.maxPending }, 'too many response endings wait for the store: the oldest is dropped (restart recovery ends it incomplete)');
    }
    this.pending.add(write);
    this.schedule();
  }

  /** One last try for what waits; what still fails is left to restart recovery. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.retry();
    if (this.pending.size > 0) this.logger.error({ count: this.pending.size }, 'response endings never reached the store; restart recovery ends them incomplete');
    this.pending.clear();
  }

  private schedule(): void {
    if (this.timer || this.pending.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.retry().then(() => this.schedule());
    }, this.retryMs);
    this.timer.unref();
  }

  private async retry(): Promise<void> {
    if (this.retrying) return;
    this.retrying = true;
    try {
      for (const write of [...this.pending]) {
        if (!(await write())) break;
        this.pending.delete(write);
        this.noteWrite();
      }
    } finally {
      this.retrying = false;
    }
  }
}
