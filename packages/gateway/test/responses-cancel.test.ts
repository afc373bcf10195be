import { once } from 'node:events';
import http from 'node:http';
import { ResponseStream } from 'openai/lib/responses/ResponseStream';
import { describe, expect, it } from 'vitest';
import { GatewayHarness, useGateways } from '../src/testing/gateway-harness.js';
import { checkResponseStream, type StreamEvent } from '../src/testing/response-stream-checker.js';
import { readSseEvents } from '../src/testing/sse-events.js';

const startGateway = useGateways();

/** Text, then a pause long enough that only an abort ends it, then text no one should see. */
const slowAnswer = {
  parts: [{ type: 'text' as const, text: 'Partial answer' }, { type: 'delay' as const, ms: 10_000 }, { type: 'text' as const, text: ' never sent' }],
};

describe('a client that goes away mid-stream', () => {
  it('cancels the run: the model call is aborted, and the response is stored cancelled with its partial items', async () => {
    const harness = await startGateway({ model: [slowAnswer] });
    const hangUp = new AbortController();
    const response = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi', stream: true }, signal: hangUp.signal });
    const seen = await readSseEvents(response, (event) => {
      if (event.type !== 'response.output_text.delta') return;
      hangUp.abort();
      return 'stop';
    });
    const responseId = (seen[0]!.response as { id: string }).id;

    await harness.waitForStatus(responseId, ['cancelled', 'completed', 'failed', 'incomplete']);
    const call = harness.model!.calls[0]!;
    await call.ended;
    expect(call.aborted).toBe(true);
    expect(call.events.at(-1)).toMatchObject({ type: 'error', error: { code: 'cancelled' } });
    expect(call.events.some((event) => event.type === 'text-delta' && event.delta.includes('never'))).toBe(false);

    const stored = await (await harness.fetch(`/v1/responses/${responseId}`)).json() as {
      status: string; output: Array<{ type: string; status: string; content: Array<{ text: string }> }>;
    };
    expect(stored.status).toBe('cancelled');
    expect(stored.output).toMatchObject([{ type: 'message', status: 'incomplete', content: [{ type: 'output_text', text: 'Partial answer' }] }]);

    // The stored event log is a whole stream too: it ends with the terminal event the client missed.
    const replay = await readSseEvents(await harness.fetch(`/v1/responses/${responseId}?stream=true`));
    const { terminal } = checkResponseStream(replay);
    expect(terminal.type).toBe('response.incomplete');
    expect(terminal.response.status).toBe('cancelled');
  });

  it('cancels the run when the SDK stream is aborted', async () => {
    const harness = await startGateway({ model: [slowAnswer] });
    const stream = harness.client().responses.stream({ model: 'm', input: 'hi' });
    let responseId = '';
    await new Promise<void>((resolve) => {
      stream.on('response.created', (event) => { responseId = event.response.id; });
      stream.on('response.output_text.delta', () => resolve());
    });
    stream.abort();
    await expect(stream.finalResponse()).rejects.toThrow();

    expect(await harness.waitForStatus(responseId, ['cancelled', 'completed'])).toBe('cancelled');
    await harness.model!.calls[0]!.ended;
    expect(harness.model!.calls[0]!.aborted).toBe(true);
  });

  it('cancels a non-streamed request whose client hangs up', async () => {
    const harness = await startGateway({ model: [slowAnswer] });
    const hangUp = new AbortController();
    const pending = harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi' }, signal: hangUp.signal }).catch((error: unknown) => error);
    await waitUntil(() => harness.model!.calls[0]?.events.some((event) => event.type === 'text-delta') ?? false);
    hangUp.abort();
    await pending;

    const [responseId] = harness.store.createdResponseIds;
    expect(await harness.waitForStatus(responseId!, ['cancelled', 'completed'])).toBe('cancelled');
    await harness.model!.calls[0]!.ended;
    expect(harness.model!.calls[0]!.aborted).toBe(true);
  });

  it('cancels the run when the client hangs up while the request is still being stored', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'Nobody is listening.' }] }] });
    const serverSocketClosed = new Promise<void>((resolve) => {
      harness.gateway.app.server.once('connection', (socket) => socket.once('close', () => resolve()));
    });
    const slowStore = harness.store.holdNextCreateResponse();
    const hangUp = new AbortController();
    const pending = harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi', stream: true }, signal: hangUp.signal }).catch((error: unknown) => error);
    await slowStore.reached;
    hangUp.abort();
    await pending;
    await serverSocketClosed;
    slowStore.release();
    await waitUntil(() => harness.store.createdResponseIds.length === 1);

    const [responseId] = harness.store.createdResponseIds;
    expect(await harness.waitForStatus(responseId!, ['cancelled', 'completed'])).toBe('cancelled');
    expect(harness.model!.calls).toHaveLength(0);
  });

  it('lets a background response run on when the client that created it hangs up', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'Kept' }, { type: 'delay', ms: 50 }, { type: 'text', text: ' going.' }] }] });
    const hangUp = new AbortController();
    const response = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi', stream: true, background: true }, signal: hangUp.signal });
    const seen = await readSseEvents(response, (event) => {
      if (event.type !== 'response.output_text.delta') return;
      hangUp.abort();
      return 'stop';
    });
    const responseId = (seen[0]!.response as { id: string }).id;

    expect(await harness.waitForStatus(responseId, ['completed', 'cancelled'])).toBe('completed');
    expect((await harness.client().responses.retrieve(responseId)).output_text).toBe('Kept going.');
  });
});

describe('shutdown', () => {
  it('cancels the streams still running after the grace period, each ending with its terminal event and stored', async () => {
    const harness = await GatewayHarness.start({ model: [slowAnswer] });
    const response = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi', stream: true } });
    let sawDelta!: () => void;
    const deltaSeen = new Promise<void>((resolve) => { sawDelta = resolve; });
    const reading = readSseEvents(response, (event) => {
      if (event.type === 'response.output_text.delta') sawDelta();
    });
    await deltaSeen;
    await harness.close();
    const events = await reading;

    const { terminal } = checkResponseStream(events);
    expect(terminal.type).toBe('response.incomplete');
    expect(terminal.response.status).toBe('cancelled');
    const stored = await harness.store.getResponse('default', terminal.response.id);
    expect(stored?.status).toBe('cancelled');
  });

  it('does not wait for a client that keeps its connection open after the stream ended', async () => {
    const harness = await GatewayHarness.start({ model: [slowAnswer] });
    // Node's keep-alive agent never drops an idle socket itself: only the server can end it.
    const agent = new http.Agent({ keepAlive: true });
    const request = http.request(`${harness.url}/v1/responses`, {
      method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    });
    request.end(JSON.stringify({ model: 'm', input: 'hi', stream: true }));
    const [response] = await once(request, 'response') as [http.IncomingMessage];
    const socketClosed = once(response.socket, 'close');
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => { body += chunk; });
    while (!body.includes('response.output_text.delta')) await once(response, 'data');

    await harness.close();
    await socketClosed;
    expect(body).toContain('event: response.incomplete');
    agent.destroy();
  });
});

describe('the terminal event of a cancelled response', () => {
  // OpenAI defines no `response.cancelled` stream event. The SDK's stream helper (openai 7.57.0,
  // internal/responses/response-accumulator.ts) accepts only the event types it knows and throws
  // "Unhandled response stream event" on any other, so a cancelled response ends with
  // `response.incomplete` whose snapshot says `status: 'cancelled'`.
  it('is one the SDK stream helper accepts, whose response says cancelled', async () => {
    const harness = await startGateway({ model: [slowAnswer] });
    const client = harness.client();
    const created = await client.responses.create({ model: 'm', input: 'go', background: true });
    const follower = client.responses.stream({ response_id: created.id });
    await new Promise<void>((resolve) => follower.on('response.output_text.delta', () => resolve()));
    await client.responses.cancel(created.id);
    const final = await follower.finalResponse();

    expect(final.status).toBe('cancelled');
    expect(final.output_text).toBe('Partial answer');
  });

  it('could not be a response.cancelled event: the SDK stream helper rejects that type', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'Hi' }] }] });
    const events = await readSseEvents(await harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi', stream: true } }));
    const terminal = events.at(-1)!;
    const renamed: StreamEvent[] = [
      ...events.slice(0, -1),
      { ...terminal, type: 'response.cancelled', response: { ...(terminal.response as object), status: 'cancelled' } },
    ];
    // `fromReadableStream` reads newline-delimited JSON events.
    const asBody = (stream: StreamEvent[]) => new Response(stream.map((event) => `${JSON.stringify(event)}\n`).join('')).body!;

    expect((await ResponseStream.fromReadableStream(asBody(events)).finalResponse()).output_text).toBe('Hi');
    await expect(ResponseStream.fromReadableStream(asBody(renamed)).finalResponse()).rejects.toThrow(/Unhandled response stream event/);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 500 && !condition(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('the condition never held');
}
