import { MemoryStateStore, silentLogger } from '@agentport/core';
import { ScriptedModel } from '@agentport/core/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { Gateway, type GatewayParts } from '../src/gateway.js';

let gateway: Gateway | undefined;
afterEach(async () => { await gateway?.close(0); gateway = undefined; });

const KEYS = ['key-a:tenant-a', 'key-b:tenant-b'];

async function start(options: { model?: ScriptedModel; config?: GatewayParts['config'] } = {}) {
  gateway = await Gateway.create({
    store: new MemoryStateStore(),
    model: options.model ?? new ScriptedModel([{ parts: [{ type: 'text', text: 'unused' }] }]),
    config: { port: 0, ...options.config },
    logger: silentLogger,
  });
  await gateway.listen();
  return gateway.url;
}

function client(url: string, apiKey = 'k') {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
}

function userMessage(text: string) {
  return { type: 'message' as const, role: 'user' as const, content: text };
}

/** The text of a stored message item (its first content part). */
function textOf(item: unknown): string | undefined {
  const part = (item as { content?: Array<{ text?: string }> }).content?.[0];
  return part?.text;
}

async function post(url: string, path: string, body: unknown, apiKey = 'k') {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() as { error?: { message: string; type: string; param: string | null; code: string } } };
}

describe('conversations', () => {
  it('creates a conversation with items and metadata, and retrieves it', async () => {
    const api = client(await start());
    const created = await api.conversations.create({ metadata: { topic: 'demo' }, items: [userMessage('hello'), { role: 'assistant', content: 'hi there' }] });
    expect(created).toEqual({ id: expect.stringMatching(/^conv_/), object: 'conversation', created_at: expect.any(Number), metadata: { topic: 'demo' } });

    expect(await api.conversations.retrieve(created.id)).toEqual(created);
    const items = await api.conversations.items.list(created.id, { order: 'asc' });
    expect(items.data.map((item) => [item.type, (item as { role?: string }).role, textOf(item)])).toEqual([
      ['message', 'user', 'hello'], ['message', 'assistant', 'hi there'],
    ]);
    expect(items.data.every((item) => typeof item.id === 'string' && item.id.startsWith('msg_'))).toBe(true);
  });

  it('creates an empty conversation when called without arguments', async () => {
    const api = client(await start());
    const created = await api.conversations.create();
    expect(created.metadata).toEqual({});
    const items = await api.conversations.items.list(created.id);
    expect(items.data).toEqual([]);
    expect(items.has_more).toBe(false);
  });

  it('lists items in pages, ascending and descending, and auto-paginates over all of them', async () => {
    const url = await start();
    const api = client(url);
    const texts = ['one', 'two', 'three', 'four', 'five'];
    const conversation = await api.conversations.create({ items: texts.map(userMessage) });

    const firstPage = await api.conversations.items.list(conversation.id, { order: 'asc', limit: 2 });
    expect(firstPage.data.map(textOf)).toEqual(['one', 'two']);
    expect(firstPage.has_more).toBe(true);
    expect(firstPage.last_id).toBe(firstPage.data[1]!.id);
    // The SDK's page keeps only `last_id`; the wire body has the whole list shape.
    const raw = await fetch(`${url}/v1/conversations/${conversation.id}/items?order=asc&limit=2&after=${firstPage.last_id}`, { headers: { authorization: 'Bearer k' } });
    const second = await raw.json() as { object: string; data: Array<{ id: string }>; first_id: string; last_id: string; has_more: boolean };
    expect(second).toMatchObject({ object: 'list', has_more: true, first_id: second.data[0]!.id, last_id: second.data[1]!.id });
    expect(second.data.map(textOf)).toEqual(['three', 'four']);

    const ascending: Array<string | undefined> = [];
    for await (const item of api.conversations.items.list(conversation.id, { order: 'asc', limit: 2 })) ascending.push(textOf(item));
    expect(ascending).toEqual(texts);

    const descending: Array<string | undefined> = [];
    for await (const item of api.conversations.items.list(conversation.id, { order: 'desc', limit: 2 })) descending.push(textOf(item));
    expect(descending).toEqual([...texts].reverse());

    // Without `order`, newest first, as OpenAI lists items.
    const byDefault = await api.conversations.items.list(conversation.id);
    expect(byDefault.data.map(textOf)).toEqual([...texts].reverse());
  });

  it('updates metadata and deletes the conversation', async () => {
    const api = client(await start());
    const conversation = await api.conversations.create({ metadata: { a: '1' } });

    const updated = await api.conversations.update(conversation.id, { metadata: { b: '2' } });
    expect(updated).toEqual({ ...conversation, metadata: { b: '2' } });
    expect((await api.conversations.retrieve(conversation.id)).metadata).toEqual({ b: '2' });

    expect(await api.conversations.delete(conversation.id)).toEqual({ id: conversation.id, object: 'conversation.deleted', deleted: true });
    await expect(api.conversations.retrieve(conversation.id)).rejects.toMatchObject({ status: 404, code: 'conversation_not_found' });
    await expect(api.conversations.delete(conversation.id)).rejects.toMatchObject({ status: 404 });
  });

  it('adds, retrieves and deletes items; deleting an item answers with the conversation', async () => {
    const api = client(await start());
    const conversation = await api.conversations.create({ items: [userMessage('first')], metadata: { k: 'v' } });

    const added = await api.conversations.items.create(conversation.id, { items: [userMessage('second'), userMessage('third')] });
    expect(added.object).toBe('list');
    expect(added.has_more).toBe(false);
    expect(added.data.map(textOf)).toEqual(['second', 'third']);
    expect(added.first_id).toBe(added.data[0]!.id);
    expect(added.last_id).toBe(added.data[1]!.id);

    const second = added.data[0]!;
    expect(await api.conversations.items.retrieve(second.id!, { conversation_id: conversation.id })).toEqual(second);

    const afterDelete = await api.conversations.items.delete(second.id!, { conversation_id: conversation.id });
    expect(afterDelete).toEqual(conversation);
    await expect(api.conversations.items.retrieve(second.id!, { conversation_id: conversation.id }))
      .rejects.toMatchObject({ status: 404, code: 'item_not_found' });
    await expect(api.conversations.items.delete(second.id!, { conversation_id: conversation.id })).rejects.toMatchObject({ status: 404 });

    const left = await api.conversations.items.list(conversation.id, { order: 'asc' });
    expect(left.data.map(textOf)).toEqual(['first', 'third']);
  });

  it('answers 404 for items of a conversation that does not exist', async () => {
    const api = client(await start());
    await expect(api.conversations.items.list('conv_missing')).rejects.toMatchObject({ status: 404, code: 'conversation_not_found' });
    await expect(api.conversations.items.create('conv_missing', { items: [userMessage('x')] })).rejects.toMatchObject({ status: 404 });
    await expect(api.conversations.items.retrieve('msg_x', { conversation_id: 'conv_missing' })).rejects.toMatchObject({ status: 404, code: 'conversation_not_found' });
    await expect(api.conversations.update('conv_missing', { metadata: {} })).rejects.toMatchObject({ status: 404 });
  });

  it('keeps an item to the conversation that holds it', async () => {
    const api = client(await start());
    const a = await api.conversations.create({ items: [userMessage('in a')] });
    const b = await api.conversations.create();
    const [itemOfA] = (await api.conversations.items.list(a.id)).data;
    await expect(api.conversations.items.retrieve(itemOfA!.id!, { conversation_id: b.id })).rejects.toMatchObject({ status: 404, code: 'item_not_found' });
    await expect(api.conversations.items.delete(itemOfA!.id!, { conversation_id: b.id })).rejects.toMatchObject({ status: 404 });
    expect((await api.conversations.items.list(a.id)).data).toHaveLength(1);
  });

  it('appends a response run with `conversation` to its items, and the next turn sees them', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'Paris.' }] }, { parts: [{ type: 'text', text: 'About 2 million.' }] }]);
    const api = client(await start({ model }));
    const conversation = await api.conversations.create({ items: [{ role: 'developer', content: 'Answer briefly.' }] });

    const first = await api.responses.create({ model: 'model', input: 'Capital of France?', conversation: conversation.id });
    expect(first.output_text).toBe('Paris.');
    expect(first.conversation).toEqual({ id: conversation.id });

    const items: Array<[string, string | undefined]> = [];
    for await (const item of api.conversations.items.list(conversation.id, { order: 'asc' })) {
      items.push([(item as { role: string }).role, textOf(item)]);
    }
    expect(items).toEqual([['developer', 'Answer briefly.'], ['user', 'Capital of France?'], ['assistant', 'Paris.']]);
    const output = first.output[0]!;
    expect(await api.conversations.items.retrieve(output.id!, { conversation_id: conversation.id })).toMatchObject({ id: output.id, type: 'message', role: 'assistant' });

    const second = await api.responses.create({ model: 'model', input: 'Population?', conversation: conversation.id });
    expect(second.output_text).toBe('About 2 million.');
    // The model port has no developer role: developer messages reach the model as system messages.
    expect(model.requests[1]!.messages).toEqual([
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'Capital of France?' },
      { role: 'assistant', content: 'Paris.' },
      { role: 'user', content: 'Population?' },
    ]);
    const all = await api.conversations.items.list(conversation.id, { order: 'desc', limit: 1 });
    expect(textOf(all.data[0])).toBe('About 2 million.');
  });

  it('isolates tenants on every conversation route', async () => {
    const url = await start({ config: { apiKeys: KEYS } });
    const a = client(url, 'key-a');
    const b = client(url, 'key-b');
    const conversation = await a.conversations.create({ items: [userMessage('secret')], metadata: { owner: 'a' } });
    const [item] = (await a.conversations.items.list(conversation.id)).data;
    const notFound = { status: 404 };

    await expect(b.conversations.retrieve(conversation.id)).rejects.toMatchObject(notFound);
    await expect(b.conversations.update(conversation.id, { metadata: { owner: 'b' } })).rejects.toMatchObject(notFound);
    await expect(b.conversations.items.list(conversation.id)).rejects.toMatchObject(notFound);
    await expect(b.conversations.items.create(conversation.id, { items: [userMessage('injected')] })).rejects.toMatchObject(notFound);
    await expect(b.conversations.items.retrieve(item!.id!, { conversation_id: conversation.id })).rejects.toMatchObject(notFound);
    await expect(b.conversations.items.delete(item!.id!, { conversation_id: conversation.id })).rejects.toMatchObject(notFound);
    await expect(b.responses.create({ model: 'model', input: 'hi', conversation: conversation.id })).rejects.toMatchObject(notFound);
    await expect(b.conversations.delete(conversation.id)).rejects.toMatchObject(notFound);

    // Tenant a still has it, unchanged.
    expect(await a.conversations.retrieve(conversation.id)).toEqual(conversation);
    const items = await a.conversations.items.list(conversation.id);
    expect(items.data.map(textOf)).toEqual(['secret']);
  });

  it('answers 401 without a key or with a wrong one', async () => {
    const url = await start({ config: { apiKeys: KEYS } });
    const bare = await fetch(`${url}/v1/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(bare.status).toBe(401);
    expect(await bare.json()).toEqual({ error: { message: expect.any(String), type: 'authentication_error', param: null, code: 'invalid_api_key' } });
    await expect(client(url, 'wrong').conversations.create()).rejects.toMatchObject({ status: 401 });
  });

  it('answers malformed requests with a 400 naming the field, and stores nothing', async () => {
    const url = await start();
    const api = client(url);
    const tooMany = Array.from({ length: 21 }, (_, index) => userMessage(`m${index}`));
    const cases: Array<[path: string, body: unknown, param: string | null]> = [
      ['/v1/conversations', { items: 'not an array' }, 'items'],
      ['/v1/conversations', { items: tooMany }, 'items'],
      ['/v1/conversations', { items: [{ type: 'message', role: 'robot', content: 'x' }] }, 'items[0].role'],
      ['/v1/conversations', { items: [userMessage('ok'), { type: 'bogus' }] }, 'items[1].type'],
      ['/v1/conversations', { metadata: { key: 1 } }, 'metadata.key'],
      ['/v1/conversations', { metadata: 'x' }, 'metadata'],
      ['/v1/conversations', [1, 2], null],
    ];
    for (const [path, body, param] of cases) {
      const answer = await post(url, path, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', param });
    }

    const conversation = await api.conversations.create();
    const onExisting: Array<[path: string, body: unknown, param: string]> = [
      [`/v1/conversations/${conversation.id}`, {}, 'metadata'],
      [`/v1/conversations/${conversation.id}`, { metadata: null }, 'metadata'],
      [`/v1/conversations/${conversation.id}/items`, {}, 'items'],
      [`/v1/conversations/${conversation.id}/items`, { items: [] }, 'items'],
      [`/v1/conversations/${conversation.id}/items`, { items: tooMany }, 'items'],
      [`/v1/conversations/${conversation.id}/items`, { items: [{ type: 'function_call_output' }] }, 'items[0].call_id'],
    ];
    for (const [path, body, param] of onExisting) {
      const answer = await post(url, path, body);
      expect(answer.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', param });
    }
    for (const query of ['limit=0', 'limit=101', 'order=up', 'after=']) {
      const answer = await fetch(`${url}/v1/conversations/${conversation.id}/items?${query}`, { headers: { authorization: 'Bearer k' } });
      expect(answer.status, query).toBe(400);
    }

    const items = await api.conversations.items.list(conversation.id);
    expect(items.data).toEqual([]);
    expect((await api.conversations.retrieve(conversation.id)).metadata).toEqual({});
  });
});
