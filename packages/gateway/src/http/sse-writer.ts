import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/**
 * Writes Responses events as SSE (`event: <type>` / `data: <json>`). The events of one turn of
 * the event loop (those decoded from one upstream read, and the closing ones the last read
 * brings once the upstream body has ended) are joined and leave in one chunk after the turn's
 * I/O callbacks, as a bare proxy that re-frames a whole read writes them, instead of one chunk each.
 * `send` returns a promise only while the socket's buffer is full, so a slow reader slows the
 * producer (one turn late, by at most that turn's events) instead of filling memory, and a
 * fast one costs no promise per event; once the client is gone it returns at once.
 */
export class SseWriter {
  private closed = false;
  /** The text of this turn's events, written by `flush` once the turn's work is done. */
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
   * The head leaves with the events of this turn, in one write (a write of its own would cost
   * the client a wake-up per response); at the end of the turn in any case, events or not.
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
    // After this turn's callbacks and their continuations: a read's events, and the end that
    // waits for the upstream body's `end` (a tick later), go out in one write.
    setImmediate(this.flush);
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
