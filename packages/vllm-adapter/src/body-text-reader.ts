import type { IncomingMessage } from 'node:http';

/** What the HTTP client learns from a body being read. */
export interface BodyTextHooks {
  /** A chunk reached the reader (the server spoke). */
  received(): void;
  /** The reader asks for the next chunk (from now on, silence is the server's). */
  waiting(): void;
  /** What a stream error, or a body that ended short, is thrown as. */
  failure(error: unknown): Error;
  /** Reading stopped, once: `complete` when the whole body was read, otherwise (left early or failed) not. */
  stopped(complete: boolean): void;
}

/**
 * The text of a response body, chunk by chunk, read from `data` events. This is the hot path:
 * one chunk per token from a GPU-paced server, and the stream's own async iterator costs
 * several promises and a pass through its buffer per chunk; here a chunk the reader waits for
 * resolves one promise, and one that arrives early waits with the body paused, so at most one
 * chunk is held (backpressure reaches the socket). Leaving early does not destroy the body:
 * `stopped(false)` decides whether it is drained or destroyed.
 */
export function readBodyText(body: IncomingMessage, hooks: BodyTextHooks): AsyncIterableIterator<string> {
  body.setEncoding('utf8');
  let held: string | undefined;
  let ended = false;
  let failed: { error: unknown } | undefined;
  let done = false;
  let waiter: { resolve: (result: IteratorResult<string>) => void; reject: (error: unknown) => void } | undefined;

  const stop = (complete: boolean): void => {
    if (done) return;
    done = true;
    body.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError);
    hooks.stopped(complete);
  };
  /** Ends the reader once the body has nothing more: the end, or its error. */
  const settle = (): Promise<IteratorResult<string>> => {
    if (failed === undefined && body.complete) {
      stop(true);
      return Promise.resolve({ value: undefined, done: true });
    }
    // A body cut short by the server may end without an error: the message tells the truth.
    const error = hooks.failure(failed?.error ?? new Error('vLLM closed the connection before the response was complete'));
    stop(false);
    return Promise.reject(error);
  };
  const wake = (): void => {
    const pending = waiter;
    if (pending === undefined) return;
    waiter = undefined;
    settle().then(pending.resolve, pending.reject);
  };
  const onData = (chunk: string): void => {
    hooks.received();
    if (waiter !== undefined) {
      const pending = waiter;
      waiter = undefined;
      pending.resolve({ value: chunk, done: false });
      return;
    }
    held = held === undefined ? chunk : held + chunk;
    body.pause();
  };
  const onEnd = (): void => {
    ended = true;
    wake();
  };
  const onError = (error: unknown): void => {
    failed ??= { error };
    wake();
  };
  body.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onError);

  return {
    next(): Promise<IteratorResult<string>> {
      if (done) return Promise.resolve({ value: undefined, done: true });
      if (held !== undefined) {
        const chunk = held;
        held = undefined;
        body.resume();
        return Promise.resolve({ value: chunk, done: false });
      }
      if (ended || failed !== undefined) return settle();
      hooks.waiting();
      return new Promise((resolve, reject) => { waiter = { resolve, reject }; });
    },
    return(): Promise<IteratorResult<string>> {
      stop(false);
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
