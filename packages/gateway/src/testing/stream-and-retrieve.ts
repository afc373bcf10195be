import type OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { GatewayHarness } from './gateway-harness.js';
import { checkResponseStream, type StreamEvent } from './response-stream-checker.js';
import { assertResponseResource } from './stream-event-schema.js';

export type StreamParams = Parameters<OpenAI['responses']['stream']>[0];

/**
 * Streams a response through the SDK's strict helper, checks the raw events with the protocol
 * checker (and the spec's schemas), and returns the final response next to the one `GET /v1/responses/{id}` returns.
 */
export async function streamAndRetrieve(harness: GatewayHarness, params: StreamParams) {
  const client = harness.client();
  const stream = client.responses.stream(params);
  const events: StreamEvent[] = [];
  stream.on('event', (event: ResponseStreamEvent) => events.push(event as unknown as StreamEvent));
  const final = await stream.finalResponse();
  const checked = checkResponseStream(events);
  const stored = await client.responses.retrieve(final.id);
  assertResponseResource(stored);
  return { final, stored, events, checked };
}
