import { APIError, NotFoundError } from 'openai';
import { describe, expect, it } from 'vitest';
import { useGateways, withoutParsed } from '../src/testing/gateway-harness.js';
import { checkResponseStream, type StreamEvent } from '../src/testing/response-stream-checker.js';
import { readSseEvents } from '../src/testing/sse-events.js';

const startGateway = useGateways();

const text = (value: string) => ({ parts: [{ type: 'text' as const, text: value }] });

describe('multi-turn responses', () => {
  it('continues a chain with previous_response_id, each turn seeing the whole chain', async () => {
    const harness = await startGateway({ model: [text('Hi Ada.'), text('You are Ada.'), text('Still Ada.')] });
    const client = harness.client();
    const first = await client.responses.create({ model: 'm', input: 'I am Ada.' });
    const second = await client.responses.create({ model: 'm', input: 'Who am I?', previous_response_id: first.id });
    const third = await client.responses.create({ model: 'm', input: 'And now?', previous_response_id: second.id });

    expect([first.output_text, second.output_text, third.output_text]).toEqual(['Hi Ada.', 'You are Ada.', 'Still Ada.']);
    expect(third.previous_response_id).toBe(second.id);
    expect(harness.model!.calls[2]!.request.messages).toEqual([
      { role: 'user', content: 'I am Ada.' }, { role: 'assistant', content: 'Hi Ada.' },
      { role: 'user', content: 'Who am I?' }, { role: 'assistant', content: 'You are Ada.' },
      { role: 'user', content: 'And now?' },
    ]);
  });

  it('continues a conversation, whose items grow with each turn', async () => {
    const harness = await startGateway({ model: [text('Noted.'), text('Blue.')] });
    const client = harness.client();
    const conversation = await client.conversations.create({ metadata: { topic: 'colours' } });
    const conversationId = conversation.id;

    const first = await client.responses.create({ model: 'm', input: 'My favourite colour is blue.', conversation: conversationId });
    const second = await client.responses.create({ model: 'm', input: 'What is my favourite colour?', conversation: { id: conversationId } });

    expect(first.conversation).toEqual({ id: conversationId });
    expect(second.output_text).toBe('Blue.');
    expect(harness.model!.calls[1]!.request.messages).toEqual([
      { role: 'user', content: 'My favourite colour is blue.' }, { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: 'What is my favourite colour?' },
    ]);
    const items = await client.conversations.items.list(conversationId, { order: 'asc' });
    expect(items.data.map((item) => item.type === 'message' ? item.role : item.type)).toEqual(['user', 'assistant', 'user', 'assistant']);
    const stored = await client.responses.retrieve(second.id);
    expect(stored.conversation).toEqual({ id: conversationId });
  });

  it('does not inherit instructions from the previous response', async () => {
    const harness = await startGateway({ model: [text('Arr.'), text('Hello.')] });
    const client = harness.client();
    const first = await client.responses.create({ model: 'm', input: 'Hi', instructions: 'Talk like a pirate.' });
    const second = await client.responses.create({ model: 'm', input: 'Hi again', previous_response_id: first.id });

    expect(first.instructions).toBe('Talk like a pirate.');
    expect(second.instructions).toBeNull();
    expect(harness.model!.calls[0]!.request.messages[0]).toEqual({ role: 'system', content: 'Talk like a pirate.' });
    expect(harness.model!.calls[1]!.request.messages.some((message) => message.role === 'system')).toBe(false);
    expect((await client.responses.retrieve(second.id)).instructions).toBeNull();
  });

  it('keeps nothing of a store: false response: it cannot be retrieved or continued', async () => {
    const harness = await startGateway({ model: [text('Ephemeral.')] });
    const client = harness.client();
    const response = await client.responses.create({ model: 'm', input: 'hi', store: false });

    expect(response.output_text).toBe('Ephemeral.');
    // `store` is echoed on the wire; the SDK's Response type does not declare it.
    expect((response as { store?: boolean }).store).toBe(false);
    expect(harness.store.writeCount).toBe(0);
    await expect(client.responses.retrieve(response.id)).rejects.toBeInstanceOf(NotFoundError);
    const continued = await client.responses.create({ model: 'm', input: 'more', previous_response_id: response.id }).catch((error: unknown) => error);
    expect(continued).toBeInstanceOf(APIError);
    expect(continued).toMatchObject({ status: 400, code: 'previous_response_not_found', param: 'previous_response_id' });
  });

  it('keeps nothing of a running store: false response either: following it is a 404, as a GET is', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'Working' }, { type: 'delay', ms: 300 }, { type: 'text', text: ' on it.' }] }] });
    const client = harness.client();
    const stream = client.responses.stream({ model: 'm', input: 'hi', store: false });
    const created = await new Promise<string>((resolve) => stream.on('response.created', (event) => resolve(event.response.id)));

    const follow = await harness.fetch(`/v1/responses/${created}?stream=true`);
    expect(follow.status).toBe(404);
    expect(await follow.json()).toMatchObject({ error: { type: 'not_found_error', code: 'response_not_found' } });
    // The client that made it still gets all of it.
    expect((await stream.finalResponse()).output_text).toBe('Working on it.');
  });

  it('streams a store: false response and still keeps nothing', async () => {
    const harness = await startGateway({ model: [text('Streamed and gone.')] });
    const client = harness.client();
    const final = await client.responses.stream({ model: 'm', input: 'hi', store: false }).finalResponse();

    expect(final.output_text).toBe('Streamed and gone.');
    expect(harness.store.writeCount).toBe(0);
    await expect(client.responses.retrieve(final.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('background responses', () => {
  it('answers queued at once, runs without the client, and can be polled until completed', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'delay', ms: 50 }, { type: 'text', text: 'Done in the background.' }] }] });
    const client = harness.client();
    const created = await client.responses.create({ model: 'm', input: 'work', background: true });

    expect(created.status).toBe('queued');
    expect(created.background).toBe(true);
    expect(created.output).toEqual([]);
    let polled = await client.responses.retrieve(created.id);
    for (let attempt = 0; attempt < 200 && (polled.status === 'queued' || polled.status === 'in_progress'); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      polled = await client.responses.retrieve(created.id);
    }
    expect(polled.status).toBe('completed');
    expect(polled.output_text).toBe('Done in the background.');
  });

  it('replays the stored stream from sequence 0, and after starting_after', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'reasoning', text: 'Hmm.' }, { type: 'text', text: 'Replayed answer.' }] }] });
    const client = harness.client();
    const created = await client.responses.create({ model: 'm', input: 'go', background: true });
    await harness.waitForStatus(created.id, ['completed']);

    const full = await readSseEvents(await harness.fetch(`/v1/responses/${created.id}?stream=true`));
    const { terminal } = checkResponseStream(full);
    expect(full.slice(0, 3).map((event) => event.type)).toEqual(['response.created', 'response.queued', 'response.in_progress']);
    expect((full[0]!.response as { status: string }).status).toBe('queued');
    expect(terminal.type).toBe('response.completed');
    expect(terminal.response).toEqual(await (await harness.fetch(`/v1/responses/${created.id}`)).json());

    const tail = await readSseEvents(await harness.fetch(`/v1/responses/${created.id}?stream=true&starting_after=4`));
    expect(tail).toEqual(full.filter((event) => event.sequence_number > 4));

    // The SDK replays from 0 itself and filters `starting_after` on its side.
    const sdkEvents: number[] = [];
    const resumed = client.responses.stream({ response_id: created.id, starting_after: 4 });
    resumed.on('event', (event) => sdkEvents.push(event.sequence_number));
    const final = await resumed.finalResponse();
    expect(final.output_text).toBe('Replayed answer.');
    expect(sdkEvents).toEqual(tail.map((event) => event.sequence_number));
  });

  it('replays a stored response\'s stream as the very text its client was sent, event for event', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'reasoning', text: 'Think.' }, { type: 'text', text: 'Said once, "kept" — exactly.' }] }] });
    const live = await (await harness.fetch('/v1/responses', { body: { model: 'm', input: 'go', stream: true } })).text();
    const dataLines = (text: string) => text.split('\n').filter((line) => line.startsWith('data: '));
    const sent = dataLines(live);
    const id = (JSON.parse(sent[0]!.slice('data: '.length)) as { response: { id: string } }).response.id;

    const replayed = dataLines(await (await harness.fetch(`/v1/responses/${id}?stream=true`)).text());
    expect(sent.length).toBeGreaterThan(8);
    expect(replayed).toEqual(sent);
  });

  it('follows a running background response from its start', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'First half,' }, { type: 'delay', ms: 100 }, { type: 'text', text: ' second half.' }] }] });
    const client = harness.client();
    const created = await client.responses.create({ model: 'm', input: 'go', background: true });
    const events = await readSseEvents(await harness.fetch(`/v1/responses/${created.id}?stream=true`));

    const { terminal } = checkResponseStream(events);
    expect(terminal.type).toBe('response.completed');
    expect(terminal.response.output).toMatchObject([{ type: 'message', content: [{ text: 'First half, second half.' }] }]);
  });

  it('cancels a slow background response: stored cancelled, and a follower stream ends saying so', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'Starting' }, { type: 'delay', ms: 10_000 }, { type: 'text', text: ' never' }] }] });
    const client = harness.client();
    const created = await client.responses.create({ model: 'm', input: 'go', background: true });

    const follower = client.responses.stream({ response_id: created.id });
    const followed: StreamEvent[] = [];
    const firstDelta = new Promise<void>((resolve) => {
      follower.on('event', (event) => {
        followed.push(event as unknown as StreamEvent);
        if (event.type === 'response.output_text.delta') resolve();
      });
    });
    await firstDelta;
    const cancelled = await client.responses.cancel(created.id);
    const final = await follower.finalResponse();

    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.output).toMatchObject([{ type: 'message', status: 'incomplete', content: [{ text: 'Starting' }] }]);
    const { terminal } = checkResponseStream(followed);
    expect(terminal.type).toBe('response.incomplete');
    expect(terminal.response.status).toBe('cancelled');
    expect(final.status).toBe('cancelled');
    expect(withoutParsed(final)).toEqual(withoutParsed(await client.responses.retrieve(created.id)));
    expect(harness.model!.calls[0]!.aborted).toBe(true);
  });

  it('refuses to cancel a response that is not a background one', async () => {
    const harness = await startGateway({ model: [text('Quick.')] });
    const client = harness.client();
    const response = await client.responses.create({ model: 'm', input: 'hi' });
    const error = await client.responses.cancel(response.id).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, code: 'not_background' });
  });
});

describe('input items and delete', () => {
  it('pages through a response\'s input items with limit, order and after', async () => {
    const harness = await startGateway({ model: [text('Read them all.')] });
    const client = harness.client();
    const input = ['one', 'two', 'three', 'four', 'five'].map((word) => ({ role: 'user' as const, content: word }));
    const response = await client.responses.create({ model: 'm', input });

    const first = await client.responses.inputItems.list(response.id, { limit: 2, order: 'asc' });
    expect(first.data.map(contentText)).toEqual(['one', 'two']);
    expect(first.has_more).toBe(true);
    const second = await client.responses.inputItems.list(response.id, { limit: 2, order: 'asc', after: first.data[1]!.id });
    expect(second.data.map(contentText)).toEqual(['three', 'four']);

    const all: string[] = [];
    for await (const item of client.responses.inputItems.list(response.id, { limit: 2, order: 'asc' })) all.push(contentText(item));
    expect(all).toEqual(['one', 'two', 'three', 'four', 'five']);

    const newestFirst = await client.responses.inputItems.list(response.id, { limit: 3 });
    expect(newestFirst.data.map(contentText)).toEqual(['five', 'four', 'three']);
  });

  it('answers 400 naming the field for a bad page query, and 404 for an unknown response', async () => {
    const harness = await startGateway({ model: [text('ok')] });
    const response = await harness.client().responses.create({ model: 'm', input: 'hi' });
    for (const [query, param] of [['limit=0', 'limit'], ['limit=abc', 'limit'], ['order=sideways', 'order']] as const) {
      const answer = await harness.fetch(`/v1/responses/${response.id}/input_items?${query}`);
      expect(answer.status).toBe(400);
      expect((await answer.json() as { error: { param: string } }).error.param).toBe(param);
    }
    expect((await harness.fetch('/v1/responses/resp_unknown/input_items')).status).toBe(404);
  });

  it('deletes a response: then it is not found, nor its input items, nor can it be continued', async () => {
    const harness = await startGateway({ model: [text('Soon gone.')] });
    const client = harness.client();
    const response = await client.responses.create({ model: 'm', input: 'hi' });

    const deleted = await harness.fetch(`/v1/responses/${response.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ id: response.id, object: 'response', deleted: true });
    await expect(client.responses.retrieve(response.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.responses.inputItems.list(response.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.responses.delete(response.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await harness.store.countResponses()).toBe(0);
  });
});

function contentText(item: unknown): string {
  const message = item as { content?: Array<{ text?: string }> };
  return message.content?.[0]?.text ?? '';
}
