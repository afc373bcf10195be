import { createParser, type EventSourceParser } from 'eventsource-parser';

/** Where a splitter sends what it read: each event's data, and a note when an event is over the size limit. */
export interface SseEventSink {
  data(payload: string): void;
  oversized(): void;
}

/**
 * Splits an SSE body, read by read, into event payloads. vLLM writes each event as one
 * `data: <json>` line and a blank line; those are cut out with `indexOf` and `slice`, the
 * work a bare proxy does per token. Any other block (a comment such as `: ping`, an `event:`
 * or `id:` field, data over several lines) goes whole to `eventsource-parser`, which reads
 * it as the SSE spec says; so does the whole rest of a body that uses CR line endings, which
 * only the parser splits right. The parser is only ever given whole blocks (or, after a CR,
 * everything), so the two never disagree about where an event ends. An event longer than
 * `maxEventBytes`, or an unfinished one that grows past it, is reported oversized.
 */
export class SseEventSplitter {
  /**
   * The reads since the last event end, kept apart: an event that trickles in (a slow or hostile
   * upstream) is joined once, when it ends, not on every read.
   */
  private carry: string[] = [];
  private carryLength = 0;
  /** A CR was seen: from then on the parser reads everything. */
  private parserOnly = false;
  private readonly parser: EventSourceParser;

  constructor(private readonly sink: SseEventSink, private readonly maxEventBytes: number) {
    this.parser = createParser({
      maxBufferSize: maxEventBytes,
      onEvent: (message) => this.deliver(message.data),
      onError: (error) => {
        // Unknown fields and bad `retry:` values are ignored, as the SSE spec says.
        if (error.type === 'max-buffer-size-exceeded') sink.oversized();
      },
    });
  }

  feed(chunk: string): void {
    if (chunk === '') return;
    if (this.parserOnly) {
      this.parser.feed(chunk);
      return;
    }
    if (chunk.includes('\r')) {
      this.parserOnly = true;
      this.parser.feed(this.takeCarry() + chunk);
      return;
    }
    // Only this read can end an event: with a blank line of its own, or one begun by the carry's last newline.
    const ends = chunk.includes('\n\n') || (chunk.startsWith('\n') && this.carry.at(-1)?.endsWith('\n') === true);
    if (!ends) {
      this.keep(chunk);
      return;
    }
    const text = this.takeCarry() + chunk;
    let at = 0;
    for (let end = text.indexOf('\n\n', at); end >= 0; end = text.indexOf('\n\n', at)) {
      if (end > at) this.block(text.slice(at, end));
      at = end + 2;
    }
    if (at < text.length) this.keep(at === 0 ? text : text.slice(at));
  }

  /** The start of an event whose end has not arrived yet; reported oversized once it is over the limit. */
  private keep(part: string): void {
    this.carry.push(part);
    this.carryLength += part.length;
    if (this.carryLength > this.maxEventBytes) {
      this.takeCarry();
      this.sink.oversized();
    }
  }

  private takeCarry(): string {
    if (this.carry.length === 0) return '';
    const text = this.carry.length === 1 ? this.carry[0]! : this.carry.join('');
    this.carry = [];
    this.carryLength = 0;
    return text;
  }

  private block(block: string): void {
    if (block.startsWith('data: ') && !block.includes('\n')) this.deliver(block.slice(6));
    else this.parser.feed(`${block}\n\n`);
  }

  private deliver(payload: string): void {
    if (payload.length > this.maxEventBytes) this.sink.oversized();
    else this.sink.data(payload);
  }
}
