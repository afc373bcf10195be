import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ResponseStreamEvent } from '../encoder/response-event-encoder.js';

/**
 * Writes Responses events as SSE (`event: <type>` / `data: <json>`). The events of one tick
 * leave in one write: Node's HTTP response corks its socket until the next tick by itself.
 * `send` returns a promise only while the socket's buffer is full, so a slow reader slows the
 * producer instead of filling memory, and a fast one costs no promise per event; once the
 * client is gone it returns at once.
 */
export class SseWriter {
  private closed = false;

  constructor(private readonly raw: ServerResponse) {
    raw.on('close', () => { this.closed = true; });
  }

  get isClosed(): boolean {
    return this.closed || this.raw.destroyed;
  }

  open(): void {
    this.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.raw.flushHeaders();
  }

  send(event: ResponseStreamEvent): Promise<void> | undefined {
    if (this.isClosed) return undefined;
    const ok = this.raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    if (ok || this.isClosed) return undefined;
    return Promise.race([once(this.raw, 'drain'), once(this.raw, 'close')]).then(() => undefined);
  }

  end(): void {
    if (!this.raw.writableEnded) this.raw.end();
  }
}
