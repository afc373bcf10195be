import { ModelError, type ModelStreamEvent } from '@agentport/core';
import { SseEventSplitter } from './sse-event-splitter.js';
import type { ChatStreamDecoder } from './stream-decoder.js';

/**
 * Turns the text of a chat-completions answer, read by read, into model events: SSE as asked,
 * or (from a server that ignored `stream: true`) one JSON completion, through the same decoder.
 * Synchronous on purpose: the model's stream is then the only async step a token takes in the
 * adapter (each hop between async generators costs promises per token).
 */
export interface ChatBodyReader {
  /**
   * The events decoded from one read of the body. The array is the reader's own and is reused
   * by the next call: take its events before reading on.
   */
  read(text: string): readonly ModelStreamEvent[];
  /** The body ended: its last events (the decoder's terminal ones; for JSON, the whole answer). */
  end(): readonly ModelStreamEvent[];
  /** A terminal event (`finish` or `error`) went out: the rest of the body is not needed. */
  readonly finished: boolean;
}

export function chatBodyReader(mediaType: string, decoder: ChatStreamDecoder, maxEventBytes: number): ChatBodyReader {
  return mediaType === 'application/json' ? new JsonChatBodyReader(decoder, maxEventBytes) : new SseChatBodyReader(decoder, maxEventBytes);
}

/**
 * An SSE body, split into events by `SseEventSplitter` (comment lines such as `: ping` are
 * skipped); each `data` payload goes to the decoder. An event over `maxEventBytes` ends the
 * answer with an `invalid_chunk` error.
 */
class SseChatBodyReader implements ChatBodyReader {
  private readonly events: ModelStreamEvent[] = [];
  private readonly splitter: SseEventSplitter;
  private oversized = false;

  constructor(private readonly decoder: ChatStreamDecoder, private readonly maxEventBytes: number) {
    this.splitter = new SseEventSplitter({
      data: (payload) => {
        if (!this.oversized) decoder.decode(payload, this.events);
      },
      oversized: () => { this.oversized = true; },
    }, maxEventBytes);
  }

  get finished(): boolean {
    return this.oversized || this.decoder.finished;
  }

  read(text: string): readonly ModelStreamEvent[] {
    this.events.length = 0;
    if (this.finished) return this.events;
    this.splitter.feed(text);
    if (this.oversized && !this.decoder.finished) {
      this.events.push({ type: 'error', error: new ModelError('invalid_chunk', `vLLM sent an SSE event larger than ${this.maxEventBytes} characters`) });
    }
    return this.events;
  }

  end(): readonly ModelStreamEvent[] {
    this.events.length = 0;
    if (!this.finished) this.decoder.end('body-ended', this.events);
    return this.events;
  }
}

/** A JSON `chat.completion` body: read whole (up to `maxEventBytes`), then decoded as one answer. */
class JsonChatBodyReader implements ChatBodyReader {
  private text = '';
  private failed = false;

  constructor(private readonly decoder: ChatStreamDecoder, private readonly maxEventBytes: number) {}

  get finished(): boolean {
    return this.failed || this.decoder.finished;
  }

  read(text: string): readonly ModelStreamEvent[] {
    this.text += text;
    if (this.text.length <= this.maxEventBytes) return [];
    this.failed = true;
    return [{ type: 'error', error: new ModelError('invalid_chunk', `vLLM sent a JSON answer larger than ${this.maxEventBytes} characters`) }];
  }

  end(): readonly ModelStreamEvent[] {
    if (this.finished) return [];
    let body: unknown;
    try {
      body = JSON.parse(this.text);
    } catch {
      this.failed = true;
      return [{ type: 'error', error: new ModelError('invalid_chunk', `vLLM answered with a JSON content type but no JSON: ${this.text.slice(0, 200)}`) }];
    }
    const events: ModelStreamEvent[] = [];
    this.decoder.decodeCompletion(body, events);
    return events;
  }
}
