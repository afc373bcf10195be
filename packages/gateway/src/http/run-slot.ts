import type { FastifyReply } from 'fastify';
import { whileConnected } from './client-connection.js';
import type { GatewayContext } from './gateway-context.js';

/**
 * A place to run one response for `apiKeyId`: its key's slot (`maxConcurrentRuns`, a 429 at
 * once when taken), then this process's admission (a wait in the queue, fair between keys,
 * or a 429 when it is full). Aborting `signal` while it waits gives the place up. The
 * returned function gives back both, once.
 */
export async function takeRunSlot(ctx: GatewayContext, apiKeyId: string, signal: AbortSignal): Promise<() => void> {
  const releaseKeySlot = await ctx.runLimiter.acquire(apiKeyId);
  try {
    const releaseAdmission = await ctx.admission.admit(apiKeyId, signal);
    return () => {
      releaseAdmission();
      releaseKeySlot();
    };
  } catch (error) {
    releaseKeySlot();
    throw error;
  }
}

/** `takeRunSlot` for an HTTP request: its client leaving while it waits gives the place up; once it has one, nothing watches the connection. */
export async function takeRunSlotWhileConnected(ctx: GatewayContext, apiKeyId: string, reply: FastifyReply): Promise<() => void> {
  const connection = whileConnected(reply);
  try {
    return await takeRunSlot(ctx, apiKeyId, connection.signal);
  } finally {
    connection.stop();
  }
}
