import { ModelError } from '@agentport/core';

/**
 * The life of one model call: the caller's signal and the call's overall time limit folded
 * into one signal whose `reason` is always the `ModelError` the call ends with (`cancelled`
 * or `timeout`), so every layer below can just abort with it.
 */
export class CallScope {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onCallerAbort: () => void;

  constructor(
    private readonly callerSignal: AbortSignal | undefined,
    timeoutMs: number,
  ) {
    this.onCallerAbort = () => {
      this.controller.abort(new ModelError('cancelled', 'the model call was aborted', { cause: callerSignal?.reason }));
    };
    if (callerSignal?.aborted) this.onCallerAbort();
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.timer = setTimeout(() => {
      this.controller.abort(new ModelError('timeout', `the model call took longer than ${timeoutMs} ms`, { retryable: false }));
    }, timeoutMs);
  }

  /** Kept, not read through the controller's getter: the adapter checks it per event. */
  readonly signal: AbortSignal = this.controller.signal;

  /** Why the call was stopped, if it was. */
  get stopReason(): ModelError | undefined {
    if (!this.signal.aborted) return undefined;
    const reason: unknown = this.signal.reason;
    return ModelError.is(reason) ? reason : new ModelError('cancelled', 'the model call was aborted', { cause: reason });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}
