import type { StreamEvent } from './response-stream-checker.js';
import { assertStreamEventShape } from './stream-event-schema.js';

/**
 * Reads a `text/event-stream` body to its end and returns its events, checking that each
 * frame's `event:` name is the `type` of its data and that each event fits the spec's schema
 * of its type. `onEvent` sees each event as it arrives
 * and may return `'stop'` to stop reading (the body is cancelled, as a client hanging up).
 */
export async function readSseEvents(
  response: Response,
  onEvent?: (event: StreamEvent) => 'stop' | void,
): Promise<StreamEvent[]> {
  if (!response.body) throw new Error('the response has no body');
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('text/event-stream')) {
    throw new Error(`expected an event stream, got ${response.status} ${contentType}: ${await response.text()}`);
  }
  const events: StreamEvent[] = [];
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = parseFrame(frame);
      if (!event) continue;
      events.push(event);
      if (onEvent?.(event) === 'stop') {
        await reader.cancel();
        return events;
      }
    }
  }
  if (buffer.trim() !== '') throw new Error(`the stream ended inside a frame: ${JSON.stringify(buffer)}`);
  return events;
}

function parseFrame(frame: string): StreamEvent | undefined {
  let name: string | undefined;
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) continue;
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0) return undefined;
  const event = JSON.parse(data.join('\n')) as StreamEvent;
  if (name !== event.type) throw new Error(`an SSE frame named ${String(name)} carries a ${event.type} event`);
  assertStreamEventShape(event);
  return event;
}
