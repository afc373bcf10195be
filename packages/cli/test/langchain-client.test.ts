import { GatewayHarness } from '@agentport/gateway/testing';
import { VllmAgentModel, VllmModelCatalog } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn } from '@agentport/vllm-adapter/testing';
import { HumanMessage, ToolMessage, type AIMessage, type AIMessageChunk } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI, type ChatOpenAIFields } from '@langchain/openai';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

// LangChain's `ChatOpenAI` (@langchain/openai 1.6, `useResponsesApi: true`) against the real
// gateway over the real vLLM adapter, unchanged: text whole and streamed, a bound tool and the
// turn that answers it (LangChain replays the stored output items as input), a streamed forced
// tool call continued by previous_response_id, structured output through `withStructuredOutput`
// (guided decoding at vLLM), and reasoning summaries as content blocks.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startStack(turns: FakeTurn[], fields: ChatOpenAIFields = {}, modelAliases: Record<string, string> = {}) {
  const fake = await new FakeVllmServer({ turns }).start();
  const model = new VllmAgentModel({ baseUrl: fake.url, model: 'fake-model', maxRetries: 0 });
  const harness = await GatewayHarness.start({ model, catalog: new VllmModelCatalog(model), config: { modelAliases } });
  cleanups.push(async () => {
    await harness.close();
    model.close();
    await fake.close();
  });
  // maxRetries 0: a gateway error fails the test at once instead of being retried away.
  const chat = new ChatOpenAI({
    model: 'fake-model', useResponsesApi: true, apiKey: 'test-key', maxRetries: 0,
    configuration: { baseURL: `${harness.url}/v1` }, ...fields,
  });
  return { fake, chat };
}

const weather = tool(async ({ city }) => JSON.stringify({ city, sky: 'clear' }), {
  name: 'weather',
  description: 'The weather in a city',
  schema: z.object({ city: z.string() }),
});

describe('LangChain ChatOpenAI (Responses API) against agentport', () => {
  it('invokes and gets the text', async () => {
    const { fake, chat } = await startStack([{ parts: [{ type: 'text', text: 'Hello from agentport.' }] }]);
    const message = await chat.invoke('Say hello.');
    expect(message.text).toBe('Hello from agentport.');
    expect(fake.lastChatBody.messages).toEqual([{ role: 'user', content: 'Say hello.' }]);
  });

  it('streams chunks that join to the text', async () => {
    const { chat } = await startStack([{ parts: [{ type: 'text', text: 'One two three four.', chunks: 4 }] }]);
    const pieces: string[] = [];
    for await (const chunk of await chat.stream('Count.')) if (chunk.text) pieces.push(chunk.text);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe('One two three four.');
  });

  it('binds a tool, gets a parsed tool call, and answers from the ToolMessage', async () => {
    const { fake, chat } = await startStack([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Paris' }, id: 'call_w' }] },
      { parts: [{ type: 'text', text: 'It is clear in Paris.' }] },
    ]);
    const withTools = chat.bindTools([weather]);
    const question = new HumanMessage('Weather in Paris?');
    const called = await withTools.invoke([question]);
    expect(called.tool_calls).toHaveLength(1);
    expect(called.tool_calls![0]).toMatchObject({ name: 'weather', args: { city: 'Paris' }, id: 'call_w' });
    // The model was offered the tool with the schema zod gave it.
    expect(fake.lastChatBody.tools).toMatchObject([{ type: 'function', function: { name: 'weather', parameters: { properties: { city: { type: 'string' } } } } }]);

    const output = await weather.invoke(called.tool_calls![0]!);
    expect(output).toBeInstanceOf(ToolMessage);
    // LangChain sends the AIMessage back as the response's output items verbatim (ids, status and
    // all, from response_metadata.output), then the ToolMessage as a function_call_output.
    const answer = await withTools.invoke([question, called, output]);
    expect(answer.text).toBe('It is clear in Paris.');
    expect(answer.tool_calls).toEqual([]);
    // The second model call saw the question, the call and its output, each once.
    expect(fake.lastChatBody.messages).toMatchObject([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', tool_calls: [{ id: 'call_w', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_w', content: '{"city":"Paris","sky":"clear"}' },
    ]);
  });

  it('streams a forced tool call whose chunks join to the parsed call, then continues by previous_response_id', async () => {
    const { fake, chat } = await startStack([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Paris' }, id: 'call_w', chunks: 3 }] },
      { parts: [{ type: 'text', text: 'It is clear in Paris.' }] },
    ]);
    const withTools = chat.bindTools([weather], { tool_choice: 'weather' });
    let called: AIMessageChunk | undefined;
    for await (const chunk of await withTools.stream('Weather in Paris?')) called = called ? called.concat(chunk) : chunk;
    expect(called!.tool_calls).toEqual([{ type: 'tool_call', name: 'weather', args: { city: 'Paris' }, id: 'call_w' }]);
    // tool_choice naming the tool reached vLLM as a forced function.
    expect(fake.lastChatBody.tool_choice).toEqual({ type: 'function', function: { name: 'weather' } });

    // The next turn sends only the ToolMessage; the gateway has the rest stored under the response id.
    const output = await weather.invoke(called!.tool_calls![0]!);
    const answer = await withTools.invoke([output], { previous_response_id: called!.id, tool_choice: 'auto' });
    expect(answer.text).toBe('It is clear in Paris.');
    expect(fake.lastChatBody.messages).toMatchObject([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', tool_calls: [{ id: 'call_w' }] },
      { role: 'tool', tool_call_id: 'call_w', content: '{"city":"Paris","sky":"clear"}' },
    ]);
  });

  it('returns the parsed object from withStructuredOutput, the schema sent to guided decoding', async () => {
    const { fake, chat } = await startStack([{ parts: [{ type: 'text', text: '{"city":"Paris","population":2100000}' }] }]);
    const City = z.object({ city: z.string(), population: z.number() });
    const result = await chat.withStructuredOutput(City, { name: 'city_facts' }).invoke('Facts about Paris.');
    expect(result).toEqual({ city: 'Paris', population: 2100000 });
    // The gateway turned LangChain's `text.format` json_schema into vLLM guided decoding.
    expect(fake.lastChatBody.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'city_facts', schema: { type: 'object', properties: { city: { type: 'string' }, population: { type: 'number' } }, required: ['city', 'population'] } },
    });
  });

  it('shows the reasoning summary as reasoning content blocks, whole and streamed', async () => {
    const reasoning = 'The user wants a greeting; keep it short.';
    const turn: FakeTurn = { parts: [{ type: 'reasoning', text: reasoning, chunks: 3 }, { type: 'text', text: 'Hello!' }] };
    // LangChain sends `reasoning` only for model names it knows reason (o*, gpt-5*): a vLLM model
    // served under another name is reached through a gateway alias (or `modelKwargs.reasoning`).
    const { fake, chat } = await startStack([turn, turn, turn], { model: 'gpt-5-mini', reasoning: { effort: 'low', summary: 'auto' } }, { 'gpt-5-mini': 'fake-model' });
    const reasoningOf = (message: AIMessage | AIMessageChunk) =>
      message.contentBlocks.flatMap((block) => (block.type === 'reasoning' ? [block.reasoning] : [])).join('');

    const message = await chat.invoke('Say hello.');
    expect(reasoningOf(message)).toBe(reasoning);
    expect(message.text).toBe('Hello!');
    expect(message.additional_kwargs.reasoning).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: reasoning }] });
    expect(fake.lastChatBody.model).toBe('fake-model');

    // A follow-up with that message in the history: LangChain replays its output items (the
    // reasoning item among them) as input, and the gateway takes them.
    const followUp = await chat.invoke([new HumanMessage('Say hello.'), message, new HumanMessage('Once more.')]);
    expect(followUp.text).toBe('Hello!');
    expect(fake.lastChatBody.messages).toMatchObject([
      { role: 'user', content: 'Say hello.' }, { role: 'assistant', content: 'Hello!' }, { role: 'user', content: 'Once more.' },
    ]);

    let whole: AIMessageChunk | undefined;
    const deltas: string[] = [];
    for await (const chunk of await chat.stream('Say hello.')) {
      // A chunk's own content carries the delta (its contentBlocks also re-read additional_kwargs).
      const piece = typeof chunk.content === 'string' ? '' : chunk.content.flatMap((block) => (block.type === 'reasoning' ? [String(block.reasoning)] : [])).join('');
      if (piece) deltas.push(piece);
      whole = whole ? whole.concat(chunk) : chunk;
    }
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(reasoning);
    expect(reasoningOf(whole!)).toBe(reasoning);
    expect(whole!.text).toBe('Hello!');
  });
});
