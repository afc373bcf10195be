import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ResponseStreamEvent } from '../encoder/response-event-encoder.js';

/**
 * Writes Responses events as SSE (`event: <type>` / `data: <json>`). `send` waits while the
 * socket's buffer is full, so a slow reader slows the producer instead of filling memory;
 * once the client is gone it returns at once.
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

  async send(event: ResponseStreamEvent): Promise<void> {
    if (this.isClosed) return;
    const ok = this.raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    if (!ok && !this.isClosed) await Promise.race([once(this.raw, 'drain'), once(this.raw, 'close')]);
  }

  end(): void {
    if (!this.raw.writableEnded) this.raw.end();
  }
}
