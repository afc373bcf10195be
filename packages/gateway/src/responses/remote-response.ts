import { setTimeout as sleep } from 'node:timers/promises';
import { TERMINAL_RESPONSE_STATUSES, type StoredEvent } from '@agentport/core';
import type { ResponseStreamEvent } from '../encoder/response-event-encoder.js';
import type { GatewayContext } from '../http/gateway-context.js';
import type { SseWriter } from '../http/sse-writer.js';

/*
 * A response that runs in another gateway process on the same store: a cancel travels to it as a
 * signal, and a client follows it through the store's event log, woken by its signals.
 */

/** The events that end a response's stream (OpenAI has no `response.cancelled`: a cancel ends `response.failed`/`incomplete`). */
const TERMINAL_EVENT_TYPES: ReadonlySet<string> = new Set(['response.completed', 'response.failed', 'response.incomplete']);

/** How often a cancel looks at the store for the other process's end of the response. */
const CANCEL_POLL_MS = 50;

/**
 * Asks whichever process runs the response to cancel it, and waits up to `remoteCancelWaitMs`
 * for the store to show it ended. False when the signals reach no other process, or nobody
 * ended it in time (its process is gone): then the caller ends it itself.
 */
export async function cancelElsewhere(ctx: GatewayContext, tenant: string, responseId: string): Promise<boolean> {
  if (ctx.signals.reach !== 'shared') return false;
  try {
    await ctx.signals.send({ type: 'cancel', tenant, responseId });
  } catch (error) {
    // Without the channel no other process hears it: the caller ends the response in the store.
    ctx.logger.warn({ responseId, error: String(error) }, 'could not signal a cancel to the other processes');
    return false;
  }
  const deadline = Date.now() + ctx.config.remoteCancelWaitMs;
  for (;;) {
    const record = await ctx.store.getResponse(tenant, responseId);
    if (!record || TERMINAL_RESPONSE_STATUSES.has(record.status)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(CANCEL_POLL_MS);
  }
}

/**
 * Writes the stored events to the client; while the response still runs in another process (the
 * signals are shared and no terminal event is stored yet), goes on with each new batch the
 * event log gets, woken by that process's signals or every `remoteFollowPollMs`, until the
 * terminal event, the response's end in the store, or the client leaving.
 */
export async function followStoredEvents(
  ctx: GatewayContext, tenant: string, responseId: string, stored: readonly StoredEvent[], sse: SseWriter,
): Promise<void> {
  let cursor = await writeEvents(sse, stored);
  if (cursor === 'ended' || ctx.signals.reach !== 'shared') return;
  const wake = new Wakeup();
  const stop = ctx.signals.listen((signal) => {
    if (signal.type === 'events' && signal.responseId === responseId && signal.tenant === tenant) wake.fire();
  });
  try {
    while (!sse.isClosed) {
      const events = await ctx.store.readEvents(tenant, responseId, cursor ?? -1);
      if (!events) return;
      const next = await writeEvents(sse, events);
      if (next === 'ended') return;
      if (next !== undefined) cursor = next;
      else {
        // Nothing new: a response ended without a terminal event (its process died) is over too.
        const record = await ctx.store.getResponse(tenant, responseId);
        if (!record || TERMINAL_RESPONSE_STATUSES.has(record.status)) return;
      }
      await wake.wait(ctx.config.remoteFollowPollMs);
    }
  } finally {
    stop();
  }
}

/** Writes events in order; the last sequence number written, `ended` after a terminal event, undefined when there were none. */
async function writeEvents(sse: SseWriter, events: readonly StoredEvent[]): Promise<number | 'ended' | undefined> {
  let last: number | undefined;
  for (const event of events) {
    await sse.send(event.data as ResponseStreamEvent);
    if (TERMINAL_EVENT_TYPES.has(event.type)) return 'ended';
    last = event.sequenceNumber;
  }
  return last;
}

/** A wake-up that is not lost when it fires before anyone waits. */
class Wakeup {
  #pending = false;
  #resolve: (() => void) | undefined;

  fire(): void {
    if (this.#resolve) this.#resolve();
    else this.#pending = true;
  }

  /** Resolves at the next `fire()` (at once if one came since the last wait) or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#resolve = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#resolve = done;
    });
  }
}
