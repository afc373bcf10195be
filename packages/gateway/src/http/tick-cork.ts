/** What a `TickCork` holds: a Node writable (an HTTP response, a socket). */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * Holds a stream's writes until the current tick's work is done, so the events decoded from
 * one upstream read (often several tokens at full speed) leave in one write system call, as
 * a bare proxy that re-frames a whole read does, instead of one `writev` per event.
 * `process.nextTick` runs after the promise continuations that carry those events, and
 * before any I/O: nothing waits longer than the code already running.
 */
export class TickCork {
  private held = false;

  constructor(private readonly stream: Corkable) {}

  /** Call before each write; the first one of a tick corks the stream and schedules the release. */
  hold(): void {
    if (this.held) return;
    this.held = true;
    this.stream.cork();
    process.nextTick(this.releaseAtTickEnd);
  }

  /**
   * Lets the held writes go now; call before ending the stream. (An HTTP response ended while
   * its socket is corked loses the writes of that tick: seen on Node 24.)
   */
  release(): void {
    if (!this.held) return;
    this.held = false;
    this.stream.uncork();
  }

  private readonly releaseAtTickEnd = (): void => this.release();
}
