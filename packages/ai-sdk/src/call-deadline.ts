import { type CallOptions, ModelError } from '@agentport/core';

/**
 * The stop conditions of one call folded into the one signal the AI SDK model is given: the
 * caller's signal, the overall time limit and the longest wait between two stream parts (the
 * first included). The signal's reason is the `ModelError` the call ends with, so whatever the
 * provider throws once aborted, the caller learns why it stopped.
 */
export class CallDeadline {
  private readonly controller = new AbortController();
  private readonly overallTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly onCallerAbort: () => void;

  constructor(private readonly options: Pick<CallOptions, 'signal' | 'timeoutMs' | 'idleTimeoutMs'>) {
    const { signal, timeoutMs } = options;
    this.onCallerAbort = () => this.stop(new ModelError('cancelled', 'the model call was aborted', { cause: signal?.reason }));
    if (signal?.aborted) this.onCallerAbort();
    else signal?.addEventListener('abort', this.onCallerAbort, { once: true });
    if (timeoutMs !== undefined) {
      // Not retryable: another try would run into the same limit.
      this.overallTimer = setTimeout(
        () => this.stop(new ModelError('timeout', `the model call took longer than ${timeoutMs} ms`, { retryable: false })),
        timeoutMs,
      );
    }
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the call was stopped, if it was. */
  get stopReason(): ModelError | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as ModelError) : undefined;
  }

  /** Something arrived: the idle clock starts again. */
  touch(): void {
    const { idleTimeoutMs } = this.options;
    if (idleTimeoutMs === undefined || this.signal.aborted) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(new ModelError('timeout', `the provider sent nothing for ${idleTimeoutMs} ms`)), idleTimeoutMs);
  }

  /** `work`'s result, or a rejection with the stop reason as soon as the call is stopped (a provider may not honour its signal). */
  guard<T>(work: PromiseLike<T>): Promise<T> {
    const { signal } = this.controller;
    if (signal.aborted) return Promise.reject(this.stopReason);
    return new Promise<T>((resolve, reject) => {
      const onStop = () => reject(this.stopReason);
      signal.addEventListener('abort', onStop, { once: true });
      Promise.resolve(work)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onStop));
    });
  }

  /** Ends the call: timers cleared, and the provider's request aborted if it is still open (nothing runs on in the background). */
  dispose(): void {
    clearTimeout(this.overallTimer);
    clearTimeout(this.idleTimer);
    this.options.signal?.removeEventListener('abort', this.onCallerAbort);
    this.stop(new ModelError('cancelled', 'the model call ended'));
  }

  private stop(reason: ModelError): void {
    if (this.controller.signal.aborted) return;
    clearTimeout(this.overallTimer);
    clearTimeout(this.idleTimer);
    this.controller.abort(reason);
  }
}
