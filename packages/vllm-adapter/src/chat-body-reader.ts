import { ModelError, type ModelStreamEvent } from '@agentport/core';
import { createParser } from 'eventsource-parser';
import type { ChatStreamDecoder } from './stream-decoder.js';
import type { StreamResponse } from './vllm-http-client.js';

/**
 * The events decoded from one read of the body. Batches, not single events, cross the async
 * boundary: a read often holds several chunks, and each hop between async generators costs.
 */
export type ModelEventBatch = readonly ModelStreamEvent[];

/**
 * Reads the answer to a streaming request: SSE as asked, or (from a server that ignored
 * `stream: true`) one JSON completion, decoded by the same decoder.
 */
export function readChatResponse(response: StreamResponse, decoder: ChatStreamDecoder, maxEventBytes: number): AsyncGenerator<ModelEventBatch> {
  return response.mediaType === 'application/json'
    ? readChatCompletion(response, decoder, maxEventBytes)
    : readChatStream(response, decoder, maxEventBytes);
}

async function* readChatCompletion(response: StreamResponse, decoder: ChatStreamDecoder, maxEventBytes: number): AsyncGenerator<ModelEventBatch> {
  let text = '';
  for await (const chunk of response.body) {
    text += chunk;
    if (text.length > maxEventBytes) throw new ModelError('invalid_chunk', `vLLM sent a JSON answer larger than ${maxEventBytes} characters`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ModelError('invalid_chunk', `vLLM answered with a JSON content type but no JSON: ${text.slice(0, 200)}`);
  }
  const events: ModelStreamEvent[] = [];
  decoder.decodeCompletion(body, events);
  yield events;
}

/**
 * Reads an SSE body with `eventsource-parser` (comment lines such as `: ping` are skipped)
 * and passes each `data` payload to the decoder, ending at its terminal event. Before the
 * `finish` goes out, the rest of the body (vLLM ends it right after `[DONE]`) is read, so the
 * connection is back in the pool when the caller makes its next call.
 */
export async function* readChatStream(
  response: StreamResponse,
  decoder: ChatStreamDecoder,
  maxEventBytes: number,
): AsyncGenerator<ModelEventBatch> {
  let pending: ModelStreamEvent[] = [];
  let oversized = false;
  const parser = createParser({
    maxBufferSize: maxEventBytes,
    onEvent: (message) => {
      // The parser bounds what it buffers across reads; an event that came whole in one read is checked here.
      if (message.data.length > maxEventBytes) oversized = true;
      else if (!oversized) decoder.decode(message.data, pending);
    },
    onError: (error) => {
      // Unknown fields and bad `retry:` values are ignored, as the SSE spec says.
      if (error.type === 'max-buffer-size-exceeded') oversized = true;
    },
  });
  let released: Promise<void> | undefined;
  for await (const text of response.body) {
    parser.feed(text);
    if (oversized && !decoder.finished) {
      pending.push({ type: 'error', error: new ModelError('invalid_chunk', `vLLM sent an SSE event larger than ${maxEventBytes} characters`) });
      break;
    }
    if (decoder.finished) {
      if (pending.at(-1)?.type === 'finish') released = response.release();
      // Leaving the loop drains a released body and destroys any other.
      break;
    }
    if (pending.length === 0) continue;
    const batch = pending;
    pending = [];
    yield batch;
  }
  if (released) await released;
  else if (!decoder.finished && !oversized) decoder.end('body-ended', pending);
  if (pending.length > 0) yield pending;
}
