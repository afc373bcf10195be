import { WebSocket } from 'ws';
import type { ResponseStreamEvent } from '../encoder/response-event-encoder.js';
import { TurnCork, type Corkable } from './turn-cork.js';
import type { ErrorFrame } from './error-frame.js';

export interface SendBufferLimits {
  /** Bytes queued for the client before sending waits for it to read. */
  maxBufferedBytes: number;
  /** How long sending waits for the client to catch up before it is declared too slow. */
  slowReaderGraceMs: number;
}

/**
 * Writes JSON text frames to one client; the frames of one loop turn leave in one write (`TurnCork`
 * on the connection's socket). Below the buffer limit a send does not wait; above
 * it, the send waits until the frame has left the process (the run pauses, and with it the
 * upstream stream), for at most the grace period. A reader that has not caught up by then is
 * reported once through `onSlowReader`, and every later send is dropped.
 */
export class FrameSender {
  private slow = false;
  private readonly cork: TurnCork;

  constructor(
    private readonly ws: WebSocket,
    /** The socket under `ws` (the one the upgrade came on). */
    socket: Corkable,
    private readonly limits: SendBufferLimits,
    private readonly onSlowReader: () => void,
  ) {
    this.cork = new TurnCork(socket);
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN && !this.slow;
  }

  /** One event of a response; `streamId` is echoed when the request gave one. */
  sendEvent(event: ResponseStreamEvent, streamId?: string, json?: string): Promise<void> | undefined {
    return this.send(streamId === undefined ? json ?? JSON.stringify(event) : JSON.stringify({ ...event, stream_id: streamId }));
  }

  sendError(frame: ErrorFrame): void {
    void this.send(JSON.stringify(frame));
  }

  private send(data: string): Promise<void> | undefined {
    if (!this.isOpen) return undefined;
    this.cork.hold();
    // `data.length` counts UTF-16 units: close enough to bytes for a limit.
    if (this.ws.bufferedAmount + data.length <= this.limits.maxBufferedBytes) {
      this.ws.send(data);
      return undefined;
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        if (this.slow) return resolve();
        this.slow = true;
        resolve();
        this.onSlowReader();
      }, this.limits.slowReaderGraceMs);
      timer.unref();
      // Called once the frame is handed to the OS (or with an error once the socket closed).
      this.ws.send(data, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
