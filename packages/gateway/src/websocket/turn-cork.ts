/** What a `TurnCork` holds: a socket. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * Holds a socket's writes until the current loop turn's work is done, so the frames of the events
 * decoded from one upstream read (often several tokens at full speed) leave in one write
 * system call, as a bare proxy that re-frames a whole read does, instead of one `writev` per
 * frame. (An HTTP response does this by itself; a WebSocket's socket does not. Do not cork an
 * HTTP response from outside: its `write()` then stops reporting a full buffer, seen on Node 24.)
 * The release runs once the event loop's turn has run its I/O callbacks and their promise
 * continuations (`setImmediate`): a read's frames, and the closing ones that wait for the
 * upstream body's end a tick later, leave together; nothing waits for new I/O.
 */
export class TurnCork {
  private held = false;

  constructor(private readonly stream: Corkable) {}

  /** Call before each write; the first one of a turn corks the stream and schedules the release. */
  hold(): void {
    if (this.held) return;
    this.held = true;
    this.stream.cork();
    setImmediate(this.release);
  }

  private readonly release = (): void => {
    this.held = false;
    this.stream.uncork();
  };
}
