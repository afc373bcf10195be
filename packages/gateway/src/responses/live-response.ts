import type { TraceRecorder } from '@agentport/core';
import type { ResponseStreamEvent } from '../encoder/response-event-encoder.js';

export type LiveListener = (event: ResponseStreamEvent) => void;

export interface LiveResponseOptions {
  background: boolean;
  /**
   * Whether the response is stored, and so can be followed while it runs. One with `store: false`
   * keeps nothing, not even its events for a follower: it is found only to be cancelled.
   */
  stored: boolean;
  /**
   * A resumed response's last event stored by the process before: the events up to it are read
   * from the event log, this one holds only those after.
   */
  resumedAfter?: number;
}

/**
 * A response running in this process: its events so far (for replay while it runs, when it is
 * stored), the listeners following it, and the controller that cancels it.
 */
export class LiveResponse {
  private readonly events: ResponseStreamEvent[] = [];
  private readonly listeners = new Set<LiveListener>();
  private finished = false;
  private readonly finishedWaiters: Array<() => void> = [];
  readonly abort = new AbortController();
  readonly background: boolean;
  readonly followable: boolean;
  readonly resumedAfter: number;
  /** Its spans so far, when the trace viewer is on: the viewer shows a running response from here. */
  trace: TraceRecorder | undefined;

  constructor(readonly id: string, readonly tenant: string, options: LiveResponseOptions) {
    this.background = options.background;
    this.followable = options.stored;
    this.resumedAfter = options.resumedAfter ?? -1;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  publish(event: ResponseStreamEvent): void {
    if (!this.followable) return;
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
  }

  /** The events after `after` held so far (a stored response's; none for one with `store: false`). */
  eventsAfter(after: number): ResponseStreamEvent[] {
    return this.events.filter((event) => event.sequence_number > after);
  }

  /** Marks the end: listeners are dropped, waiters woken. */
  finish(): void {
    this.finished = true;
    this.listeners.clear();
    for (const wake of this.finishedWaiters.splice(0)) wake();
  }

  /** Replays the events after `after` and follows new ones; returns the unsubscribe function. Only for a followable one. */
  follow(listener: LiveListener, after = -1): () => void {
    if (!this.followable) throw new Error(`response ${this.id} is not stored and cannot be followed`);
    for (const event of this.events) if (event.sequence_number > after) listener(event);
    if (this.finished) return () => undefined;
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  whenFinished(): Promise<void> {
    if (this.finished) return Promise.resolve();
    return new Promise((resolve) => this.finishedWaiters.push(resolve));
  }
}

/** Every response running in this process, by id: for cancel, live replay and shutdown. */
export class ActiveResponses {
  private readonly byId = new Map<string, LiveResponse>();

  add(live: LiveResponse): void {
    this.byId.set(live.id, live);
    void live.whenFinished().then(() => this.byId.delete(live.id));
  }

  get(tenant: string, id: string): LiveResponse | undefined {
    const live = this.byId.get(id);
    return live && live.tenant === tenant ? live : undefined;
  }

  get size(): number {
    return this.byId.size;
  }

  all(): LiveResponse[] {
    return [...this.byId.values()];
  }
}
