import type { ResponseSignal, ResponseSignalListener, ResponseSignals } from './response-signals.js';

/** The channel of one process: a signal goes to this process's listeners, on the next microtask. */
export class InProcessResponseSignals implements ResponseSignals {
  readonly specificationVersion = 'v1' as const;
  readonly reach = 'in-process' as const;
  readonly #listeners = new Set<ResponseSignalListener>();

  async send(signal: ResponseSignal): Promise<void> {
    // Like a notification from another process: never inside the sender's own call stack.
    await Promise.resolve();
    for (const listener of [...this.#listeners]) listener(signal);
  }

  listen(listener: ResponseSignalListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
