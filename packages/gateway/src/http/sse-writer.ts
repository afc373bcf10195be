import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/**
 * Writes Responses events as SSE (`event: <type>` / `data: <json>`). The events of one tick
 * (those decoded from one upstream read) are joined and leave in one chunk at the end of the
 * tick, as a bare proxy that re-frames a whole read writes them, instead of one chunk each.
 * `send` returns a promise only while the socket's buffer is full, so a slow reader slows the
 * producer (one tick late, by at most that tick's events) instead of filling memory, and a
 * fast one costs no promise per event; once the client is gone it returns at once.
 */
export class SseWriter {
  private closed = false;
  /** The text of this tick's events, written by `flush` once the tick's work is done. */
  private pending = '';
  private flushScheduled = false;
  /** Set while the socket's buffer is full: resolves once the client has read (or left). */
  private blocked: Promise<void> | undefined;

  constructor(private readonly raw: ServerResponse) {
    raw.on('close', () => { this.closed = true; });
  }

  get isClosed(): boolean {
    return this.closed || this.raw.destroyed;
  }

  /**
   * The head leaves with the events of this tick, in one write (a write of its own would cost
   * the client a wake-up per response); at the end of the tick in any case, events or not.
   */
  open(): void {
    this.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.scheduleFlush();
  }

  /** Any event with a `type` (Responses events, Anthropic's Messages events): `event: <type>` and its JSON (`json` when serialized already). */
  send(event: { readonly type: string }, json?: string): Promise<void> | undefined {
    if (this.isClosed) return undefined;
    this.pending += `event: ${event.type}\ndata: ${json ?? JSON.stringify(event)}\n\n`;
    this.scheduleFlush();
    return this.blocked;
  }

  /** The last events, the head if it has not left yet, and the end of the body: one write. */
  end(): void {
    const text = this.pending;
    this.pending = '';
    if (this.raw.writableEnded) return;
    if (text === '' || this.isClosed) this.raw.end();
    else this.raw.end(text);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // After the promise continuations that carry this read's other events, before any I/O.
    process.nextTick(this.flush);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const text = this.pending;
    this.pending = '';
    if (this.isClosed) return;
    if (text === '') {
      if (!this.raw.headersSent) this.raw.flushHeaders();
      return;
    }
    if (this.raw.write(text) || this.blocked) return;
    this.blocked = Promise.race([once(this.raw, 'drain'), once(this.raw, 'close')]).then(() => {
      this.blocked = undefined;
    });
  };
}
