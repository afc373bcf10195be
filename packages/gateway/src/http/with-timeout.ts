import { AgentportError, errorMarker } from '@agentport/core';

/** Thrown by `withTimeout` when the wrapped call does not settle in time. */
export class DeadlineExceededError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/gateway/DeadlineExceededError');

  constructor(readonly ms: number) {
    super('deadline_exceeded', `no answer within ${ms} ms`);
  }
}

/**
 * Rejects with `DeadlineExceededError` after `ms` when `promise` has not settled: probes and
 * listings must answer even when a dependency hangs and ignores its abort signal.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(ms)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
