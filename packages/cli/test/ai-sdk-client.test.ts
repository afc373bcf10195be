import { createOpenAI } from '@ai-sdk/openai';
import { GatewayHarness } from '@agentport/gateway/testing';
import { VllmAgentModel, VllmModelCatalog } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn } from '@agentport/vllm-adapter/testing';
import { generateText, jsonSchema, Output, stepCountIs, streamText, tool } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';

// The Vercel AI SDK (`ai` with `@ai-sdk/openai`'s Responses model) against the real gateway over
// the real vLLM adapter, unchanged: multi-turn with tools (it sends item_reference for what the
// server stored), reasoning summaries.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startStack(turns: FakeTurn[]) {
  const fake = await new FakeVllmServer({ turns }).start();
  const model = new VllmAgentModel({ baseUrl: fake.url, model: 'fake-model', maxRetries: 0 });
  const harness = await GatewayHarness.start({ model, catalog: new VllmModelCatalog(model), config: { modelAliases: {} } });
  cleanups.push(async () => {
    await harness.close();
    model.close();
    await fake.close();
  });
  const provider = createOpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'test-key' });
  return { fake, harness, model: provider.responses('fake-model') };
}

const weather = tool({
  description: 'The weather in a city',
  inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }),
  execute: async ({ city }) => ({ city, sky: 'clear' }),
});

describe('the AI SDK against agentport', () => {
  it('runs a tool loop across steps and a second turn of chat, the history sent as the SDK sends it', async () => {
    const { fake, model } = await startStack([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Paris' }, id: 'call_w' }] },
      { parts: [{ type: 'text', text: 'It is clear in Paris.' }] },
      { parts: [{ type: 'text', text: 'You asked about Paris.' }] },
    ]);
    const first = await generateText({ model, prompt: 'Weather in Paris?', tools: { weather }, stopWhen: stepCountIs(3) });
    expect(first.text).toBe('It is clear in Paris.');
    expect(first.steps).toHaveLength(2);
    expect(first.steps[0]!.toolResults[0]).toMatchObject({ toolName: 'weather', output: { city: 'Paris', sky: 'clear' } });
    // The model's second call saw the call and its output once each.
    const second = JSON.stringify(fake.chatRequests[1]!.body);
    expect(second.match(/call_w/g)?.length).toBe(2);
    expect(second).toContain('clear');

    const followUp = await generateText({
      model, tools: { weather },
      messages: [{ role: 'user', content: 'Weather in Paris?' }, ...first.responseMessages, { role: 'user', content: 'Which city was it?' }],
    });
    expect(followUp.text).toBe('You asked about Paris.');
    // Every step's messages (ai 7: `responseMessages`; `response.messages` is the last step's
    // alone) go back, the stored ones as item_references: the model gets the whole loop once.
    expect(fake.lastChatBody.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_w', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_w', content: '{"city":"Paris","sky":"clear"}' },
      { role: 'assistant', content: 'It is clear in Paris.' },
      { role: 'user', content: 'Which city was it?' },
    ]);
  });

  it('returns a structured object, its schema sent to vLLM\'s guided decoding', async () => {
    const { fake, model } = await startStack([{ parts: [{ type: 'text', text: '{"city":"Paris","population":2100000}' }] }]);
    const result = await generateText({
      model, prompt: 'Facts about Paris.',
      output: Output.object({ name: 'city_facts', schema: jsonSchema<{ city: string; population: number }>({
        type: 'object', properties: { city: { type: 'string' }, population: { type: 'number' } }, required: ['city', 'population'], additionalProperties: false,
      }) }),
    });
    expect(result.output).toEqual({ city: 'Paris', population: 2100000 });
    expect(fake.lastChatBody.response_format).toMatchObject({
      type: 'json_schema', json_schema: { schema: { type: 'object', required: ['city', 'population'] } },
    });
  });

  it('shows the model\'s reasoning as the SDK\'s reasoning, streamed and whole', async () => {
    const { model } = await startStack([
      { parts: [{ type: 'reasoning', text: 'The user wants a greeting; keep it short.', chunks: 3 }, { type: 'text', text: 'Hello!' }] },
    ]);
    const result = streamText({ model, prompt: 'Say hello.', providerOptions: { openai: { forceReasoning: true, reasoningSummary: 'auto' } } });
    const streamed: string[] = [];
    for await (const part of result.fullStream) if (part.type === 'reasoning-delta') streamed.push(part.text);
    expect(streamed.join('')).toBe('The user wants a greeting; keep it short.');
    expect(await result.reasoningText).toBe('The user wants a greeting; keep it short.');
    expect(await result.text).toBe('Hello!');
  });
});
