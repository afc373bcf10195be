import { APIError } from 'openai';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { useGateways } from '../src/testing/gateway-harness.js';

// Input items clients really send: `item_reference`s to stored items, and the gateway's own
// items sent back with their ids (the AI SDK, the Agents SDK and stateless clients do both).

const startGateway = useGateways();
const text = (value: string) => ({ parts: [{ type: 'text' as const, text: value }] });
const call = (name: string, input: Record<string, unknown>, id: string) => ({ parts: [{ type: 'tool-call' as const, name, input, id }] });
const WEATHER = {
  type: 'function' as const, name: 'get_weather', strict: true,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
};

describe('item_reference in a response\'s input', () => {
  it('brings in a stored item of the tenant from another response, as a copy under a new id', async () => {
    const harness = await startGateway({ model: [text('The code word is heron.'), text('heron')] });
    const client = harness.client();
    const earlier = await client.responses.create({ model: 'm', input: 'Make up a code word.' });
    const answer = earlier.output[0]!;

    const later = await client.responses.create({
      model: 'm', input: [{ type: 'item_reference', id: answer.id! }, { role: 'user', content: 'What was the code word?' }],
    });
    expect(later.output_text).toBe('heron');
    expect(harness.model!.calls[1]!.request.messages).toEqual([
      { role: 'assistant', content: 'The code word is heron.' }, { role: 'user', content: 'What was the code word?' },
    ]);
    const stored = await client.responses.inputItems.list(later.id, { order: 'asc' });
    expect(stored.data).toHaveLength(2);
    expect(stored.data[0]).toMatchObject({ type: 'message', role: 'assistant' });
    expect(stored.data[0]!.id).not.toBe(answer.id);
    // The original stays where it was.
    expect((await client.responses.retrieve(earlier.id)).output[0]!.id).toBe(answer.id);
  });

  it('does not repeat an item the history already holds, referenced or sent back whole with its id', async () => {
    const harness = await startGateway({ model: [call('get_weather', { city: 'Paris' }, 'call_1'), text('Sunny in Paris.'), text('You asked about Paris.')] });
    const client = harness.client();
    const first = await client.responses.create({ model: 'm', input: 'Weather in Paris?', tools: [WEATHER] });
    const functionCall = first.output.find((item) => item.type === 'function_call')!;
    expect(functionCall.type).toBe('function_call');

    // What the AI SDK sends on the next step: a reference to its call, then the call's output.
    const second = await client.responses.create({
      model: 'm', previous_response_id: first.id, tools: [WEATHER],
      input: [
        { type: 'item_reference', id: functionCall.id! },
        { type: 'function_call_output', call_id: 'call_1', output: '{"sky":"clear"}' },
      ],
    });
    expect(second.output_text).toBe('Sunny in Paris.');
    // What a stateless-minded client sends: the whole history again, ids included, and previous_response_id.
    const echoed = [...(await client.responses.inputItems.list(first.id, { order: 'asc' })).data, ...first.output,
      ...(await client.responses.inputItems.list(second.id, { order: 'asc' })).data, ...second.output] as unknown as ResponseInputItem[];
    const third = await client.responses.create({
      model: 'm', previous_response_id: second.id, tools: [WEATHER], input: [...echoed, { role: 'user', content: 'Which city did I ask about?' }],
    });
    expect(third.output_text).toBe('You asked about Paris.');

    const seen = harness.model!.calls[2]!.request.messages;
    expect(seen.filter((message) => message.role === 'user').map((message) => message.content)).toEqual(['Weather in Paris?', 'Which city did I ask about?']);
    expect(seen.filter((message) => message.role === 'tool')).toHaveLength(1);
    expect(seen.filter((message) => message.role === 'assistant' && 'toolCalls' in message)).toHaveLength(1);
    expect((await client.responses.inputItems.list(third.id)).data).toHaveLength(1);
  });

  it('refuses a reference to an unknown item, or to another tenant\'s, naming input[i].id, and stores nothing', async () => {
    const harness = await startGateway({
      model: [text('mine')],
      config: { apiKeys: ['key-a:a', 'key-b:b'] },
    });
    const own = await harness.client('key-a').responses.create({ model: 'm', input: 'secret' });
    const writes = harness.store.writeCount;
    for (const id of ['msg_unknown', own.output[0]!.id!]) {
      const refused = await harness.client('key-b').responses.create({
        model: 'm', input: [{ role: 'user', content: 'hi' }, { type: 'item_reference', id }],
      }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(APIError);
      expect(refused).toMatchObject({ status: 400, code: 'item_not_found', param: 'input[1].id' });
    }
    const missingId = await harness.fetch('/v1/responses', { apiKey: 'key-b', body: { model: 'm', input: [{ type: 'item_reference' }] } });
    expect(missingId.status).toBe(400);
    expect((await missingId.json() as { error: { param: string } }).error.param).toBe('input[0].id');
    expect(harness.store.writeCount).toBe(writes);
    expect(harness.model!.calls).toHaveLength(1);
  });

  it('refuses item_reference among a conversation\'s new items, naming it', async () => {
    const harness = await startGateway({ model: [] });
    const client = harness.client();
    const conversation = await client.conversations.create({});
    const refused = await client.conversations.items.create(conversation.id, { items: [{ type: 'item_reference', id: 'msg_1' }] })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, param: 'items[0].type' });
  });
});
