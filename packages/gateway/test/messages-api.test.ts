import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { useGateways } from '../src/testing/gateway-harness.js';

const startGateway = useGateways();

function anthropic(url: string, apiKey = 'test-key'): Anthropic {
  return new Anthropic({ baseURL: url, apiKey, maxRetries: 0 });
}

const weatherTool = {
  name: 'weather',
  description: 'The weather in a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

describe("Anthropic's Messages API, through the real @anthropic-ai/sdk", () => {
  it('answers messages.create with a message: text, stop_reason end_turn, usage, the system prompt and turns passed on', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'Paris, of course.' }], usage: { inputTokens: 21, outputTokens: 4 } }] });
    const message = await anthropic(harness.url).messages.create({
      model: 'claude-on-vllm', max_tokens: 256, system: 'Answer briefly.',
      messages: [{ role: 'user', content: 'Capital of Italy?' }, { role: 'assistant', content: 'Rome.' }, { role: 'user', content: [{ type: 'text', text: 'And France?' }] }],
    });
    expect(message).toMatchObject({
      type: 'message', role: 'assistant', model: 'claude-on-vllm', stop_reason: 'end_turn', stop_sequence: null,
      content: [{ type: 'text', text: 'Paris, of course.' }], usage: { input_tokens: 21, output_tokens: 4 },
    });
    expect(message.id).toMatch(/^msg_/);
    const sent = harness.model!.calls[0]!.request;
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'Capital of Italy?' },
      { role: 'assistant', content: 'Rome.' },
      { role: 'user', content: 'And France?' },
    ]);
    expect(sent.maxOutputTokens).toBe(256);
    // Stateless, as the Messages API is: nothing stored.
    expect(harness.store.writeCount).toBe(0);
  });

  it('takes what Claude Code sends: system messages among the messages, in their place, and its beta fields and query', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'Noted.' }] }] });
    const response = await fetch(`${harness.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'claude-code-20250219,context-management-2025-06-27' },
      body: JSON.stringify({
        model: 'claude-on-vllm', max_tokens: 64,
        system: [{ type: 'text', text: 'You are a coding agent.', cache_control: { type: 'ephemeral' } }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Fix the bug.' }] },
          { role: 'system', content: [{ type: 'text', text: '# Environment\nWorking directory: /work' }] },
        ],
        thinking: { type: 'adaptive', display: 'omitted' },
        output_config: { effort: 'high' },
        context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
        metadata: { user_id: 'someone' },
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ content: [{ type: 'text', text: 'Noted.' }], stop_reason: 'end_turn' });
    expect(harness.model!.calls[0]!.request.messages).toEqual([
      { role: 'system', content: 'You are a coding agent.' },
      { role: 'user', content: 'Fix the bug.' },
      { role: 'system', content: '# Environment\nWorking directory: /work' },
    ]);

    const imageInSystem = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'test-key' },
      body: JSON.stringify({
        model: 'claude-on-vllm', max_tokens: 64,
        messages: [{ role: 'user', content: 'Hi' }, { role: 'system', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] }],
      }),
    });
    expect(imageInSystem.status).toBe(400);
    expect(await imageInSystem.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('messages.1.content.0.type') } });
  });

  it('runs client tools over several turns: tool_use with stop_reason tool_use, then the tool_result answered', async () => {
    const harness = await startGateway({
      model: [
        { parts: [{ type: 'text', text: 'Let me look.' }, { type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }] },
        { parts: [{ type: 'text', text: 'It is 4°C in Oslo.' }] },
      ],
    });
    const client = anthropic(harness.url);
    const first = await client.messages.create({ model: 'm', max_tokens: 100, tools: [weatherTool], tool_choice: { type: 'auto' }, messages: [{ role: 'user', content: 'Weather in Oslo?' }] });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((block) => block.type === 'tool_use');
    expect(use).toMatchObject({ type: 'tool_use', name: 'weather', input: { city: 'Oslo' } });
    expect(harness.model!.calls[0]!.request.tools?.map((tool) => tool.name)).toEqual(['weather']);

    const second = await client.messages.create({
      model: 'm', max_tokens: 100, tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use!.type === 'tool_use' ? use!.id : '', content: '4°C, cloudy' }] },
      ],
    });
    expect(second).toMatchObject({ stop_reason: 'end_turn', content: [{ type: 'text', text: 'It is 4°C in Oslo.' }] });
    const replayed = harness.model!.calls[1]!.request.messages;
    expect(replayed.at(-1)).toEqual({ role: 'tool', toolCallId: use!.type === 'tool_use' ? use!.id : '', content: '4°C, cloudy' });
  });

  it('maps tool_choice any and tool onto the forced choices the model port constrains', async () => {
    const harness = await startGateway({
      model: [
        { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Lima' } }] },
        { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Lima' } }] },
      ],
    });
    const client = anthropic(harness.url);
    await client.messages.create({ model: 'm', max_tokens: 50, tools: [weatherTool], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'x' }] });
    await client.messages.create({ model: 'm', max_tokens: 50, tools: [weatherTool], tool_choice: { type: 'tool', name: 'weather' }, messages: [{ role: 'user', content: 'x' }] });
    expect(harness.model!.calls.map((call) => call.request.toolChoice)).toEqual(['required', { name: 'weather' }]);
  });

  it("streams Anthropic's exact event sequence, which the SDK's stream helper assembles into the same message", async () => {
    const harness = await startGateway({
      model: [{ parts: [{ type: 'reasoning', text: 'The user wants a city.' }, { type: 'text', text: 'Oslo is the capital.', chunks: 4 }, { type: 'tool-call', name: 'weather', input: { city: 'Oslo' } }], usage: { inputTokens: 30, outputTokens: 12 } }],
    });
    const stream = anthropic(harness.url).messages.stream({ model: 'm', max_tokens: 100, tools: [weatherTool], messages: [{ role: 'user', content: 'Capital of Norway, and its weather?' }] });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type === 'content_block_delta' ? `delta:${event.delta.type}` : event.type));
    const message = await stream.finalMessage();

    const collapsed = types.filter((type, index) => type !== types[index - 1]);
    expect(collapsed).toEqual([
      'message_start',
      'content_block_start', 'delta:thinking_delta', 'delta:signature_delta', 'content_block_stop',
      'content_block_start', 'delta:text_delta', 'content_block_stop',
      'content_block_start', 'delta:input_json_delta', 'content_block_stop',
      'message_delta', 'message_stop',
    ]);
    expect(types.filter((type) => type === 'delta:text_delta').length).toBeGreaterThan(1);
    expect(message).toMatchObject({ stop_reason: 'tool_use', usage: { output_tokens: 12 } });
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text', 'tool_use']);
    expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: 'The user wants a city.' });
    expect(message.content[1]).toMatchObject({ type: 'text', text: 'Oslo is the capital.' });
    expect(message.content[2]).toMatchObject({ type: 'tool_use', name: 'weather', input: { city: 'Oslo' } });
  });

  it('takes a thinking block back only with the signature the gateway gave it', async () => {
    const harness = await startGateway({
      model: [
        { parts: [{ type: 'reasoning', text: 'secret plan' }, { type: 'text', text: 'Done.' }] },
        { parts: [{ type: 'text', text: 'Again.' }] },
      ],
    });
    const client = anthropic(harness.url);
    const first = await client.messages.create({ model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'go' }] });
    const thinking = first.content[0]!;
    expect(thinking).toMatchObject({ type: 'thinking', thinking: 'secret plan' });
    const signature = thinking.type === 'thinking' ? thinking.signature : '';
    expect(signature.length).toBeGreaterThan(20);

    await client.messages.create({ model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'go' }, { role: 'assistant', content: first.content }, { role: 'user', content: 'again' }] });
    expect(harness.model!.calls[1]!.request.messages).toContainEqual(expect.objectContaining({ role: 'assistant', reasoning: 'secret plan' }));

    const forged = client.messages.create({
      model: 'm', max_tokens: 50,
      messages: [{ role: 'user', content: 'go' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 'made up', signature: `${signature.slice(0, -4)}AAAA` }, { type: 'text', text: 'x' }] }, { role: 'user', content: 'again' }],
    });
    await expect(forged).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(forged).rejects.toMatchObject({ status: 400, error: { error: { type: 'invalid_request_error', message: expect.stringContaining('messages.1.content.0.signature') } } });
    expect(harness.model!.calls).toHaveLength(2);
  });

  it("answers bad requests and bad keys with Anthropic's error body, which the SDK raises as its typed errors", async () => {
    const harness = await startGateway({ model: [], config: { apiKeys: ['sk-good'] } });
    await expect(anthropic(harness.url, 'sk-bad').messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }))
      .rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const missing = await harness.fetch('/v1/messages', { apiKey: 'sk-good', body: { model: 'm', messages: [{ role: 'user', content: 'x' }] } });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') } });
    const badBlock = await harness.fetch('/v1/messages', { apiKey: 'sk-good', body: { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'video' }] }] } });
    expect(await badBlock.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('messages.0.content.0.type') } });
    // The key as Anthropic's own clients send it.
    const viaHeader = await fetch(`${harness.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'sk-bad', 'content-type': 'application/json' }, body: '{}' });
    expect(viaHeader.status).toBe(401);
    expect(await viaHeader.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });
});
