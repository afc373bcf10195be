/**
 * What one process tells every process that shares its store about a response it does not
 * own: small wake-ups, never content (the events themselves are read from the store's event log).
 * - `events`: events up to `lastSequence` are stored; followers elsewhere read them.
 * - `cancel`: whoever runs the response should cancel it.
 */
export type ResponseSignal =
  | { readonly type: 'events'; readonly tenant: string; readonly responseId: string; readonly lastSequence: number }
  | { readonly type: 'cancel'; readonly tenant: string; readonly responseId: string };

export type ResponseSignalListener = (signal: ResponseSignal) => void;

/**
 * The live-state channel between gateway processes (port version `v1`). A single process
 * uses the in-process one (`InProcessResponseSignals`); several share the store's engine
 * (PostgreSQL `LISTEN/NOTIFY`, `@agentport/store-postgres`). Delivery is best effort: a
 * listener that must not miss an outcome also reads the store now and then.
 */
export interface ResponseSignals {
  readonly specificationVersion: 'v1';
  /**
   * `in-process`: signals reach this process only (another process cannot hold a response of
   * this one's); `shared`: they reach every process on the same store, this one included.
   */
  readonly reach: 'in-process' | 'shared';
  /** Sends a signal to every listener of every process the channel reaches. */
  send(signal: ResponseSignal): Promise<void>;
  /** Calls `listener` with each signal sent from now on, until the returned function is called. */
  listen(listener: ResponseSignalListener): () => void;
}
