import { createOpenResponses } from '@ai-sdk/open-responses';
import { assertResponseResource, checkResponseStream, GatewayHarness, readSseEvents } from '@agentport/gateway/testing';
import { VllmAgentModel, VllmModelCatalog } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn } from '@agentport/vllm-adapter/testing';
import { APICallError, generateText, jsonSchema, Output, stepCountIs, streamText, tool } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

// The AI SDK (`ai` 7) with `@ai-sdk/open-responses`, the provider for any server that speaks the
// Open Responses spec, against the real gateway over the real vLLM adapter, unchanged: text whole
// and streamed, a tool loop across steps and a second turn that sends the whole history back (this
// provider replays items by value, never item_reference), structured output, reasoning as raw
// `reasoning_text` and as a summary, errors. Every answer it read is also checked against the spec.

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
  // The provider validates nothing it gets back, so every answer the SDK reads is also checked here
  // against the spec: a JSON body as a ResponseResource, a stream event by event and as a whole.
  const checks: Array<Promise<void>> = [];
  const specCheckedFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.ok) {
      const copy = response.clone();
      const isStream = (copy.headers.get('content-type') ?? '').startsWith('text/event-stream');
      checks.push(isStream ? readSseEvents(copy).then((events) => void checkResponseStream(events)) : copy.json().then(assertResponseResource));
    }
    return response;
  };
  /** Waits for the checks of every answer so far; how many there were. */
  const specChecked = async () => (await Promise.all(checks)).length;
  // The provider takes the POST endpoint itself (not a base URL); `name` keys its providerOptions.
  const provider = createOpenResponses({ name: 'agentport', url: `${harness.url}/v1/responses`, apiKey: 'test-key', fetch: specCheckedFetch });
  return { fake, harness, model: provider('fake-model'), provider, specChecked };
}

const weather = tool({
  description: 'The weather in a city',
  inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }),
  execute: async ({ city }) => ({ city, sky: 'clear' }),
});

describe('the AI SDK with @ai-sdk/open-responses against agentport', () => {
  it('generates text', async () => {
    const { fake, model, specChecked } = await startStack([{ parts: [{ type: 'text', text: 'Hello from agentport.' }] }]);
    const result = await generateText({ model, system: 'Be brief.', prompt: 'Say hello.' });
    expect(result.text).toBe('Hello from agentport.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.finalStep.response.id).toMatch(/^resp_/);
    // `system` goes as `instructions`, the prompt as an input_text message.
    expect(fake.lastChatBody.messages).toEqual([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello.' }]);
    expect(await specChecked()).toBe(1);
  });

  it('streams text deltas that join to the text', async () => {
    const { model, specChecked } = await startStack([{ parts: [{ type: 'text', text: 'One two three four.', chunks: 4 }] }]);
    const result = streamText({ model, prompt: 'Count.' });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('One two three four.');
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
    expect(await specChecked()).toBe(1);
  });

  it('runs a tool loop across steps and a second turn with the history sent back by value', async () => {
    const { fake, model, specChecked } = await startStack([
      { parts: [{ type: 'reasoning', text: 'I should look it up.' }, { type: 'tool-call', name: 'weather', input: { city: 'Paris' }, id: 'call_w' }] },
      { parts: [{ type: 'text', text: 'It is clear in Paris.' }] },
      { parts: [{ type: 'text', text: 'You asked about Paris.' }] },
    ]);
    const first = await generateText({ model, prompt: 'Weather in Paris?', tools: { weather }, stopWhen: stepCountIs(3) });
    expect(first.text).toBe('It is clear in Paris.');
    expect(first.steps).toHaveLength(2);
    expect(first.steps[0]!.finishReason).toBe('tool-calls');
    expect(first.steps[0]!.toolCalls[0]).toMatchObject({ toolName: 'weather', toolCallId: 'call_w', input: { city: 'Paris' } });
    expect(first.steps[0]!.toolResults[0]).toMatchObject({ toolName: 'weather', output: { city: 'Paris', sky: 'clear' } });
    // The model's second call saw the call and its output once each.
    const second = JSON.stringify(fake.chatRequests[1]!.body);
    expect(second.match(/call_w/g)?.length).toBe(2);
    expect(second).toContain('clear');

    // In ai 7 `first.response.messages` is the final step's alone; `responseMessages` holds every
    // step's (the call, its output, the answer), which is the history a chat keeps.
    const followUp = await generateText({
      model, tools: { weather },
      messages: [{ role: 'user', content: 'Weather in Paris?' }, ...first.responseMessages, { role: 'user', content: 'Which city was it?' }],
    });
    expect(followUp.text).toBe('You asked about Paris.');
    // The history came back as items by value (reasoning, function_call and message carrying the
    // gateway's item ids), and the model got all of it, in order, each once.
    expect(fake.lastChatBody.messages).toMatchObject([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', tool_calls: [{ id: 'call_w', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_w', content: '{"city":"Paris","sky":"clear"}' },
      { role: 'assistant', content: 'It is clear in Paris.' },
      { role: 'user', content: 'Which city was it?' },
    ]);
    expect(await specChecked()).toBe(3);
  });

  it('returns a structured object, the schema sent to guided decoding', async () => {
    const { fake, model, specChecked } = await startStack([{ parts: [{ type: 'text', text: '{"city":"Paris","population":2100000}' }] }]);
    const result = await generateText({
      model, prompt: 'Facts about Paris.',
      output: Output.object({ name: 'city_facts', schema: z.object({ city: z.string(), population: z.number() }) }),
    });
    expect(result.output).toEqual({ city: 'Paris', population: 2100000 });
    expect(fake.lastChatBody.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'city_facts', schema: { type: 'object', properties: { city: { type: 'string' }, population: { type: 'number' } }, required: ['city', 'population'] } },
    });
    expect(await specChecked()).toBe(1);
  });

  it('shows the model\'s reasoning, streamed and whole, as raw reasoning text and as a summary', async () => {
    const reasoning = 'The user wants a greeting; keep it short.';
    const turn: FakeTurn = { parts: [{ type: 'reasoning', text: reasoning, chunks: 3 }, { type: 'text', text: 'Hello!' }] };
    const { model, specChecked } = await startStack([turn, turn, turn, turn]);
    // Without a summary asked for, reasoning comes as the spec's `reasoning_text` content; with
    // `reasoningSummary`, as `summary_text` (the provider reads either).
    const variants = [
      { reasoning: 'low' },
      { reasoning: 'low', providerOptions: { agentport: { reasoningSummary: 'auto' } } },
    ] as const;
    for (const options of variants) {
      const streamed = streamText({ model, prompt: 'Say hello.', ...options });
      const deltas: string[] = [];
      for await (const part of streamed.fullStream) if (part.type === 'reasoning-delta') deltas.push(part.text);
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe(reasoning);
      expect((await streamed.finalStep).reasoningText).toBe(reasoning);
      expect(await streamed.text).toBe('Hello!');

      const whole = await generateText({ model, prompt: 'Say hello.', ...options });
      expect(whole.finalStep.reasoningText).toBe(reasoning);
      expect(whole.text).toBe('Hello!');
    }
    expect(await specChecked()).toBe(4);
  });

  it('surfaces the gateway\'s errors', async () => {
    const { provider } = await startStack([{ type: 'error', status: 400, message: 'prompt too long' }]);
    // An unknown model: a 404 whose message names the served models.
    const unknown = await generateText({ model: provider('no-such-model'), prompt: 'Hi.' }).catch((error: unknown) => error);
    expect(APICallError.isInstance(unknown)).toBe(true);
    expect(unknown).toMatchObject({ statusCode: 404, message: expect.stringContaining('fake-model') });
    // vLLM refusing the request: a 502. The provider's error schema wants `param` a string, so
    // for the `param: null` the spec allows it shows the status text; the gateway's message is in the body.
    const upstream = await generateText({ model: provider('fake-model'), prompt: 'Hi.', maxRetries: 0 }).catch((error: unknown) => error);
    expect(APICallError.isInstance(upstream)).toBe(true);
    expect(upstream).toMatchObject({ statusCode: 502, responseBody: expect.stringContaining('prompt too long') });
  });
});
