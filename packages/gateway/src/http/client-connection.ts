import type { FastifyReply } from 'fastify';
import type { RunHandle } from '../responses/response-runner.js';

/** A signal aborted once the client closes the connection, until `stop()`. */
export interface ConnectionWatch {
  readonly signal: AbortSignal;
  /** Stops watching: the signal stays as it is (called once the wait it guarded is over, so a normal close costs nothing). */
  stop(): void;
}

/** Watches the request's connection: a request waiting (for a run slot, a count) stops waiting when its client leaves. */
export function whileConnected(reply: FastifyReply): ConnectionWatch {
  const connected = new AbortController();
  const onClose = () => connected.abort(new Error('the client closed the connection'));
  reply.raw.once('close', onClose);
  return { signal: connected.signal, stop: () => reply.raw.off('close', onClose) };
}

/** A foreground run ends `cancelled` when its client leaves. */
export function cancelOnDisconnect(reply: FastifyReply, handle: RunHandle): void {
  const cancel = () => {
    if (!handle.live.isFinished) handle.live.abort.abort();
  };
  if (reply.raw.destroyed || reply.raw.socket?.destroyed) cancel();
  else reply.raw.once('close', cancel);
}
