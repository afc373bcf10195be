import type { Item, JsonObject, Logger, ResponsePatch, StateStore, StoredEvent } from '@agentport/core';
import type { ResponseStreamEvent } from '../encoder/response-event-encoder.js';
import type { ResponseObject } from '../encoder/response-object.js';

/**
 * Writes a stored response as it runs: its finished output items and its events, in one
 * batch per step, and everything before the terminal event reaches a client. A response
 * with `store: false` writes nothing.
 */
export class ResponsePersistence {
  private items: Item[] = [];
  private events: StoredEvent[] = [];

  constructor(
    private readonly store: StateStore | undefined,
    private readonly tenant: string,
    private readonly responseId: string,
    private readonly conversationId: string | null,
    private readonly logger: Logger,
    /** Told the last sequence number each write stored (for followers in other processes). */
    private readonly onStored?: (lastSequence: number) => void,
  ) {}

  /** Notes an event to write at the next flush. */
  record(event: ResponseStreamEvent): void {
    if (!this.store) return;
    this.events.push({ sequenceNumber: event.sequence_number, type: event.type, data: event as unknown as JsonObject });
    if (event.type === 'response.output_item.done') this.items.push(event.item as Item);
  }

  /** A queued (background) response is picked up: one write, before its first event. */
  async markInProgress(): Promise<void> {
    await this.store?.updateResponse(this.tenant, this.responseId, { status: 'in_progress' });
  }

  async flush(): Promise<void> {
    if (!this.store) return;
    const items = this.items;
    const events = this.events;
    this.items = [];
    this.events = [];
    if (items.length > 0) {
      await this.store.appendItems(this.tenant, {
        kind: 'response', responseId: this.responseId, role: 'output', conversationId: this.conversationId,
      }, items);
    }
    if (events.length > 0) {
      await this.store.appendEvents(this.tenant, this.responseId, events);
      this.onStored?.(events.at(-1)!.sequenceNumber);
    }
  }

  /** Writes what is left and the response's final state. Failures are logged: the client still gets its terminal event. */
  async finish(response: ResponseObject): Promise<void> {
    if (!this.store) return;
    const items = this.items;
    const events = this.events;
    this.items = [];
    this.events = [];
    try {
      // One transaction for the last items, the last events and the final state.
      const ended = await this.store.finishResponse(this.tenant, this.responseId, { items, events, patch: terminalPatch(response) });
      if (!ended) this.logger.warn({ responseId: this.responseId }, 'the response was gone before its end could be stored');
      else if (events.length > 0) this.onStored?.(events.at(-1)!.sequenceNumber);
    } catch (error) {
      this.logger.error({ responseId: this.responseId, error: String(error) }, 'could not store the end of a response');
    }
  }
}

export function terminalPatch(response: ResponseObject): ResponsePatch {
  return {
    status: response.status,
    usage: response.usage as unknown as JsonObject | null,
    error: response.error,
    incompleteDetails: response.incomplete_details,
    completedAt: response.completed_at,
  };
}
