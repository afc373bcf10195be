import {
  type Item, type JsonObject, type Logger, type ResponsePatch, type SpanRecord, type StateStore, StoreFaultError, type StoredEvent, type TraceRecorder,
} from '@agentport/core';
import { responseSpanEnding } from './response-trace.js';
import type { StoreFaults } from './store-faults.js';
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
    private readonly logger: Logger,
    /** Told the last sequence number each write stored (for followers in other processes). */
    private readonly onStored?: (lastSequence: number) => void,
    /**
     * The response's spans (the trace viewer is on), stored at its end and, with `atCheckpoints`,
     * at each checkpoint too (a background run, which another process may show or resume): each
     * write stores those that changed since the last.
     */
    private readonly spans?: { recorder: TraceRecorder; atCheckpoints: boolean },
  ) {}

  /**
   * Notes events to write at the next flush. Returns each one's JSON, as the event log keeps it,
   * for the client's stream to send as it is (one serialization for both); none for a response
   * that is not stored.
   */
  record(events: readonly ResponseStreamEvent[]): string[] | undefined {
    if (!this.store) return undefined;
    const texts: string[] = [];
    for (const event of events) {
      const json = JSON.stringify(event);
      texts.push(json);
      this.events.push({ sequenceNumber: event.sequence_number, type: event.type, data: event as unknown as JsonObject, json });
      if (event.type === 'response.output_item.done') this.items.push(event.item as Item);
    }
    return texts;
  }

  /** A queued (background) response is picked up: one write, before its first event. */
  async markInProgress(): Promise<void> {
    await this.store?.updateResponse(this.tenant, this.responseId, { status: 'in_progress' });
  }

  /** A checkpoint: writes the items and events noted so far, in one transaction; on a failure, what was not written stays noted for the next write. */
  flush(): Promise<void> {
    return this.write(true);
  }

  /**
   * A write in the middle of a step, for followers in other processes: the events only. The
   * items wait for the step's end, so the stored items are always whole steps (where a resumed run starts).
   */
  flushEvents(): Promise<void> {
    return this.write(false);
  }

  private async write(withItems: boolean): Promise<void> {
    if (!this.store) return;
    const items = withItems ? this.items : [];
    const events = this.events;
    if (withItems) this.items = [];
    this.events = [];
    if (items.length === 0 && events.length === 0) return;
    try {
      // One transaction: a stored item always has its events (a resumed run starts from there).
      const stored = await this.store.checkpointResponse(this.tenant, this.responseId, { items, events, ...(this.spans?.atCheckpoints ? this.spanChanges() : {}) });
      if (!stored) this.logger.warn({ responseId: this.responseId }, 'the response was gone before its progress could be stored');
      else if (events.length > 0) this.onStored?.(events.at(-1)!.sequenceNumber);
    } catch (error) {
      this.items = [...items, ...this.items];
      this.events = [...events, ...this.events];
      this.spans?.recorder.unwritten();
      throw error;
    }
  }

  /**
   * Writes what is left and the response's final state, in one transaction. A storage fault
   * (`StoreFaultError`) comes back, with nothing of it stored and everything kept for another
   * try (`finishLater`); any other failure is logged, and the client still gets its terminal event.
   */
  async finish(response: ResponseObject): Promise<StoreFaultError | undefined> {
    if (!this.store) return undefined;
    const items = this.items;
    const events = this.events;
    this.items = [];
    this.events = [];
    try {
      // One transaction for the last items, the last events and the final state.
      const ended = await this.store.finishResponse(this.tenant, this.responseId, { items, events, ...this.spanChanges(response), patch: terminalPatch(response) });
      if (!ended) this.logger.warn({ responseId: this.responseId }, 'the response was gone before its end could be stored');
      else if (events.length > 0) this.onStored?.(events.at(-1)!.sequenceNumber);
      return undefined;
    } catch (error) {
      if (StoreFaultError.is(error)) {
        this.items = [...items, ...this.items];
        this.events = [...events, ...this.events];
        this.spans?.recorder.unwritten();
        return error;
      }
      this.logger.error({ responseId: this.responseId, error: String(error) }, 'could not store the end of a response');
      return undefined;
    }
  }

  /** The spans to store with a write; at the end, the response's own span is closed as its end will close it. */
  private spanChanges(ended?: ResponseObject): { spans?: SpanRecord[] } {
    return this.spans ? { spans: this.spans.recorder.changes(ended && responseSpanEnding(ended)) } : {};
  }

  /** The terminal event recorded last is replaced by `event` (same sequence number): the end changed before anyone saw it. */
  replaceTerminal(event: ResponseStreamEvent): void {
    const last = this.events.at(-1);
    if (last?.sequenceNumber === event.sequence_number) {
      this.events[this.events.length - 1] = { sequenceNumber: event.sequence_number, type: event.type, data: event as unknown as JsonObject };
    }
  }

  /** The end, written by `faults` once the store takes writes again. */
  finishLater(response: ResponseObject, faults: StoreFaults): void {
    faults.retryLater(async () => {
      const fault = await this.finish(response);
      if (fault) faults.note(fault);
      return fault === undefined;
    });
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
