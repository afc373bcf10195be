import type { FastifyReply } from 'fastify';
import type { RunHandle } from '../responses/response-runner.js';

/** Aborted once the client closes the connection (a request waiting for a run slot stops waiting). */
export function whileConnected(reply: FastifyReply): AbortSignal {
  const connected = new AbortController();
  reply.raw.once('close', () => connected.abort(new Error('the client closed the connection')));
  return connected.signal;
}

/** A foreground run ends `cancelled` when its client leaves. */
export function cancelOnDisconnect(reply: FastifyReply, handle: RunHandle): void {
  const cancel = () => {
    if (!handle.live.isFinished) handle.live.abort.abort();
  };
  if (reply.raw.destroyed || reply.raw.socket?.destroyed) cancel();
  else reply.raw.once('close', cancel);
}
