import type { WebSocket } from 'ws';

/**
 * Pings every tracked socket each interval, with one timer for all of them; a socket that
 * did not answer the previous ping with a pong is destroyed (its close handler then cancels
 * whatever it was running). An interval of 0 turns pings off.
 */
export class KeepaliveSweeper {
  private readonly answered = new Map<WebSocket, boolean>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs: number) {}

  track(ws: WebSocket): void {
    if (this.intervalMs <= 0) return;
    this.answered.set(ws, true);
    ws.on('pong', () => {
      if (this.answered.has(ws)) this.answered.set(ws, true);
    });
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), this.intervalMs);
      this.timer.unref();
    }
  }

  untrack(ws: WebSocket): void {
    this.answered.delete(ws);
    if (this.answered.size === 0) this.stop();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sweep(): void {
    for (const [ws, answered] of this.answered) {
      if (!answered) {
        this.answered.delete(ws);
        ws.terminate();
        continue;
      }
      this.answered.set(ws, false);
      ws.ping();
    }
  }
}
