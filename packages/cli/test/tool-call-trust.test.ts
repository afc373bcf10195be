import { VllmAgentModel, VllmModelCatalog } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn } from '@agentport/vllm-adapter/testing';
import { GatewayHarness } from '@agentport/gateway/testing';
import type OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';

// Tool calls a client can trust, over the real vLLM adapter: `allowed_tools` holds, and a call
// the gateway refused and retried never shows in what the client sees (clients run what they see).

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
  return { fake, client: harness.client(), harness };
}

const functionTool = (name: string): OpenAI.Responses.FunctionTool => ({
  type: 'function', name, strict: true,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
});
const TOOLS = [functionTool('get_weather'), functionTool('get_time'), functionTool('book_flight')];
const offeredNames = (body: Record<string, unknown>) => (body.tools as Array<{ function: { name: string } }>).map((tool) => tool.function.name);

describe('tool calls a client can trust', () => {
  it('offers the model only the allowed_tools, with the mode as the choice, and echoes the request as sent', async () => {
    const { fake, client } = await startStack([{ parts: [{ type: 'tool-call', name: 'get_time', input: { city: 'Oslo' }, id: 'call_1' }] }]);
    const toolChoice = { type: 'allowed_tools' as const, mode: 'required' as const, tools: [{ type: 'function' as const, name: 'get_weather' }, { type: 'function' as const, name: 'get_time' }] };
    const response = await client.responses.create({ model: 'fake-model', input: 'Time in Oslo?', tools: TOOLS, tool_choice: toolChoice });

    expect(offeredNames(fake.lastChatBody)).toEqual(['get_weather', 'get_time']);
    expect(fake.lastChatBody.tool_choice).toBe('required');
    expect(response.output).toEqual([expect.objectContaining({ type: 'function_call', name: 'get_time', arguments: '{"city":"Oslo"}' })]);
    expect(response.tool_choice).toEqual(toolChoice);
    expect(response.tools.map((tool) => (tool as { name: string }).name)).toEqual(['get_weather', 'get_time', 'book_flight']);
  });

  it('refuses allowed_tools that name a tool the request does not offer, or none', async () => {
    const { fake, client } = await startStack([]);
    const refuse = (tool_choice: unknown) => client.responses.create({ model: 'fake-model', input: 'hi', tools: TOOLS, tool_choice } as never)
      .catch((error: unknown) => error);
    expect(await refuse({ type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'launch_rocket' }] }))
      .toMatchObject({ status: 400, param: 'tool_choice.tools[0].name' });
    expect(await refuse({ type: 'allowed_tools', mode: 'auto', tools: [{ type: 'mcp', server_label: 'files' }] }))
      .toMatchObject({ status: 400, param: 'tool_choice.tools[0]' });
    expect(await refuse({ type: 'allowed_tools', mode: 'sometimes', tools: [{ type: 'function', name: 'get_time' }] }))
      .toMatchObject({ status: 400, param: 'tool_choice.mode' });
    expect(await refuse({ type: 'allowed_tools', mode: 'auto', tools: [] })).toMatchObject({ status: 400, param: 'tool_choice.tools' });
    expect(fake.chatRequests).toHaveLength(0);
  });

  it('never shows a call it refused and retried: invalid arguments, then an unknown tool, then the valid call', async () => {
    const { fake, client } = await startStack([
      { parts: [{ type: 'tool-call', name: 'get_weather', input: { city: 42 }, id: 'call_bad_args', chunks: 4 }] },
      { parts: [{ type: 'tool-call', name: 'launch_rocket', input: { city: 'Paris' }, id: 'call_unknown', chunks: 4 }] },
      { parts: [{ type: 'tool-call', name: 'get_weather', input: { city: 'Paris' }, id: 'call_good', chunks: 4 }] },
    ]);
    const stream = client.responses.stream({ model: 'fake-model', input: 'Weather in Paris?', tools: TOOLS });
    const added: string[] = [];
    const argumentDeltas: string[] = [];
    stream.on('response.output_item.added', (event) => { added.push(`${event.item.type}:${(event.item as { call_id?: string }).call_id ?? ''}`); });
    stream.on('response.function_call_arguments.delta', (event) => { argumentDeltas.push(event.delta); });
    const final = await stream.finalResponse();

    expect(fake.chatRequests).toHaveLength(3);
    expect(JSON.stringify(fake.chatRequests[2]!.body)).toContain('Your last tool call was invalid');
    expect(final.output).toEqual([expect.objectContaining({ type: 'function_call', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' })]);
    expect(added).toEqual([`function_call:${(final.output[0] as { call_id: string }).call_id}`]);
    expect(argumentDeltas.join('')).toBe('{"city":"Paris"}');
  });
});
