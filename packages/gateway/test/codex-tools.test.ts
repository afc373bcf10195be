import { namespacedToolName } from '@agentport/core';
import type { ScriptedStep } from '@agentport/core/testing';
import { describe, expect, it } from 'vitest';
import { CustomToolInputStream } from '../src/encoder/custom-tool-input-stream.js';
import { type GatewayHarness, useGateways } from '../src/testing/gateway-harness.js';
import type { StreamEvent } from '../src/testing/response-stream-checker.js';
import { readSseEvents } from '../src/testing/sse-events.js';

const startGateway = useGateways();

const APPLY_PATCH_GRAMMAR = 'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF\nend_patch: "*** End Patch" LF?\n%import common.LF\n';
const APPLY_PATCH = {
  type: 'custom', name: 'apply_patch', description: 'Edit files with a patch.',
  format: { type: 'grammar', syntax: 'lark', definition: APPLY_PATCH_GRAMMAR },
};
const EXEC_COMMAND = {
  type: 'function', name: 'exec_command', description: 'Runs a command.', strict: false,
  parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'], additionalProperties: false },
};
const MULTI_AGENT = {
  type: 'namespace', name: 'multi_agent_v1', description: 'Tools for sub-agents.',
  tools: [
    {
      type: 'function', name: 'close_agent', description: 'Close an agent.', strict: false,
      parameters: { type: 'object', properties: { target: { type: 'string' } }, required: ['target'], additionalProperties: false },
    },
    { type: 'function', name: 'list_agents', description: 'List agents.', parameters: { type: 'object', properties: {} } },
  ],
};
/** A patch with what JSON must escape: newlines, quotes, backslashes, a tab and a character outside the BMP. */
const PATCH = '*** Begin Patch\n*** Add File: hello.txt\n+say "hi" \\ there\t🙂\n*** End Patch\n';

const call = (name: string, input: unknown, chunks?: number): ScriptedStep => ({
  parts: [{ type: 'tool-call', name, input, ...(chunks === undefined ? {} : { chunks }) }],
});
const text = (value: string): ScriptedStep => ({ parts: [{ type: 'text', text: value }] });

async function streamResponse(harness: GatewayHarness, body: Record<string, unknown>): Promise<StreamEvent[]> {
  const response = await harness.fetch('/v1/responses', { body: { model: 'm', stream: true, ...body } });
  return readSseEvents(response);
}

function terminalOutput(events: StreamEvent[]): Array<Record<string, unknown>> {
  const terminal = events.at(-1)!;
  expect(terminal.type).toBe('response.completed');
  return (terminal.response as { output: Array<Record<string, unknown>> }).output;
}

describe('Codex tool shapes: custom tools', () => {
  it('offers a custom tool to the model as a function with one string argument, the grammar in its description', async () => {
    const harness = await startGateway({ model: [text('ok')] });
    await harness.client().responses.create({ model: 'm', input: 'hi', tools: [APPLY_PATCH, EXEC_COMMAND] } as never);

    const tools = harness.model!.calls[0]!.request.tools!;
    expect(tools.map((tool) => tool.name)).toEqual(['apply_patch', 'exec_command']);
    expect(tools[0]).toEqual({
      name: 'apply_patch',
      description: 'Edit files with a patch.',
      parameters: {
        type: 'object',
        properties: { input: { type: 'string', description: expect.stringContaining(APPLY_PATCH_GRAMMAR) } },
        required: ['input'],
        additionalProperties: false,
      },
    });
    expect((tools[0]!.parameters as { properties: { input: { description: string } } }).properties.input.description).toContain('lark grammar');
  });

  it('returns a call as a custom_tool_call item, its input in custom_tool_call_input.delta/.done once validated', async () => {
    const harness = await startGateway({ model: [call('apply_patch', { input: PATCH }, 9)] });

    const events = await streamResponse(harness, { input: 'add hello.txt', tools: [APPLY_PATCH, EXEC_COMMAND] });

    const added = events.find((event) => event.type === 'response.output_item.added')!;
    expect(added.item).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', input: '', status: 'in_progress' });
    const itemId = (added.item as { id: string }).id;
    const deltas = events.filter((event) => event.type === 'response.custom_tool_call_input.delta');
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.every((event) => event.item_id === itemId && event.output_index === 0)).toBe(true);
    expect(deltas.map((event) => event.delta).join('')).toBe(PATCH);
    expect(events.find((event) => event.type === 'response.custom_tool_call_input.done')).toMatchObject({ item_id: itemId, output_index: 0, input: PATCH });
    expect(events.some((event) => event.type.startsWith('response.function_call_arguments'))).toBe(false);
    const done = events.find((event) => event.type === 'response.output_item.done')!;
    expect(done.item).toEqual({ type: 'custom_tool_call', id: itemId, call_id: expect.stringMatching(/^call_/), name: 'apply_patch', input: PATCH, status: 'completed' });
    expect(terminalOutput(events)).toEqual([done.item]);
  });

  it('is read by the openai SDK\'s stream helper as a custom tool call', async () => {
    const harness = await startGateway({ model: [call('apply_patch', { input: PATCH })] });
    const stream = harness.client().responses.stream({ model: 'm', input: 'patch', tools: [APPLY_PATCH] } as never);
    const inputDeltas: string[] = [];
    stream.on('response.custom_tool_call_input.delta', (event) => { inputDeltas.push(event.delta); });

    const final = await stream.finalResponse();

    expect(final.output).toEqual([expect.objectContaining({ type: 'custom_tool_call', name: 'apply_patch', input: PATCH })]);
    expect(inputDeltas.join('')).toBe(PATCH);
  });

  it('takes custom_tool_call and custom_tool_call_output back as input: the model sees its call and the output', async () => {
    const harness = await startGateway({ model: [call('apply_patch', { input: PATCH }), text('Done: hello.txt added.')] });
    const client = harness.client();
    const tools = [APPLY_PATCH, EXEC_COMMAND];

    const first = await client.responses.create({ model: 'm', input: 'add hello.txt', tools, store: false } as never);
    const patchCall = first.output[0] as unknown as { type: string; call_id: string; input: string };
    expect(patchCall).toMatchObject({ type: 'custom_tool_call', input: PATCH });
    // Stateless, as Codex over HTTP: the whole history again, with the tool's output.
    const second = await client.responses.create({
      model: 'm', store: false, tools,
      input: [
        { type: 'message', role: 'user', content: 'add hello.txt' },
        ...first.output,
        { type: 'custom_tool_call_output', call_id: patchCall.call_id, output: 'Success. Updated the following files:\nA hello.txt' },
      ],
    } as never);

    expect(second.output_text).toBe('Done: hello.txt added.');
    expect(harness.model!.calls[1]!.request.messages).toEqual([
      { role: 'user', content: 'add hello.txt' },
      { role: 'assistant', content: '', toolCalls: [{ id: patchCall.call_id, name: 'apply_patch', arguments: JSON.stringify({ input: PATCH }) }] },
      { role: 'tool', toolCallId: patchCall.call_id, content: 'Success. Updated the following files:\nA hello.txt' },
    ]);
  });

  it('keeps the custom shape through a stored chain (previous_response_id)', async () => {
    const harness = await startGateway({ model: [call('apply_patch', { input: PATCH }), text('Patched.')] });
    const client = harness.client();
    const first = await client.responses.create({ model: 'm', input: 'patch it', tools: [APPLY_PATCH] } as never);
    const callId = (first.output[0] as unknown as { call_id: string }).call_id;

    const stored = await client.responses.retrieve(first.id);
    expect(stored.output).toEqual(first.output);
    const second = await client.responses.create({
      model: 'm', previous_response_id: first.id, tools: [APPLY_PATCH],
      input: [{ type: 'custom_tool_call_output', call_id: callId, output: 'applied' }],
    } as never);

    expect(second.output_text).toBe('Patched.');
    expect(harness.model!.calls[1]!.request.messages.slice(1)).toEqual([
      { role: 'assistant', content: '', toolCalls: [{ id: callId, name: 'apply_patch', arguments: JSON.stringify({ input: PATCH }) }] },
      { role: 'tool', toolCallId: callId, content: 'applied' },
    ]);
    const inputItems = await client.responses.inputItems.list(second.id);
    expect(inputItems.data).toEqual([expect.objectContaining({ type: 'custom_tool_call_output', call_id: callId, output: 'applied' })]);
  });

  it('passes a call whose arguments are not {"input": …} on as written, in one delta at the end', async () => {
    const harness = await startGateway({
      model: [{ parts: [{ type: 'tool-call-raw', name: 'apply_patch', arguments: JSON.stringify({ input: PATCH }).replace('{"input"', '{ "input" ') }] }],
    });
    const events = await streamResponse(harness, { input: 'x', tools: [APPLY_PATCH] });
    const deltas = events.filter((event) => event.type === 'response.custom_tool_call_input.delta');
    expect(deltas.map((event) => event.delta).join('')).toBe(PATCH);
    expect(terminalOutput(events)[0]).toMatchObject({ type: 'custom_tool_call', input: PATCH });
  });

  it('honours tool_choice {type: custom, name}', async () => {
    const harness = await startGateway({ model: [call('apply_patch', { input: PATCH })] });
    await harness.client().responses.create({ model: 'm', input: 'x', tools: [APPLY_PATCH, EXEC_COMMAND], tool_choice: { type: 'custom', name: 'apply_patch' } } as never);
    expect(harness.model!.calls[0]!.request.toolChoice).toEqual({ name: 'apply_patch' });
  });
});

describe('Codex tool shapes: namespace tools', () => {
  it('offers each function of a namespace under one unique flat name, with the namespace\'s description', async () => {
    const harness = await startGateway({ model: [text('ok')] });
    await harness.client().responses.create({ model: 'm', input: 'hi', tools: [EXEC_COMMAND, MULTI_AGENT] } as never);

    const tools = harness.model!.calls[0]!.request.tools!;
    expect(tools.map((tool) => tool.name)).toEqual(['exec_command', 'multi_agent_v1__close_agent', 'multi_agent_v1__list_agents']);
    expect(tools[1]).toEqual({
      name: 'multi_agent_v1__close_agent',
      description: 'multi_agent_v1: Tools for sub-agents.\n\nClose an agent.',
      parameters: MULTI_AGENT.tools[0]!.parameters,
      strict: false,
    });
  });

  it('returns a call under the member\'s own name with its namespace, and takes it back as input', async () => {
    const harness = await startGateway({ model: [call('multi_agent_v1__close_agent', { target: 'agent-7' }), text('Closed.')] });
    const tools = [EXEC_COMMAND, MULTI_AGENT];

    const events = await streamResponse(harness, { input: 'close agent-7', tools, store: false });

    const done = events.find((event) => event.type === 'response.output_item.done')!;
    const item = done.item as Record<string, unknown>;
    expect(item).toEqual({
      type: 'function_call', id: expect.any(String), call_id: expect.any(String), name: 'close_agent', namespace: 'multi_agent_v1',
      arguments: JSON.stringify({ target: 'agent-7' }), status: 'completed',
    });
    expect(events.find((event) => event.type === 'response.output_item.added')!.item).toMatchObject({ name: 'close_agent', namespace: 'multi_agent_v1' });
    expect(events.find((event) => event.type === 'response.function_call_arguments.done')).toMatchObject({ name: 'close_agent', arguments: item.arguments });
    expect(terminalOutput(events)).toEqual([item]);

    const second = await harness.client().responses.create({
      model: 'm', store: false, tools,
      input: [
        { type: 'message', role: 'user', content: 'close agent-7' },
        item,
        { type: 'function_call_output', call_id: item.call_id, output: 'closed' },
      ],
    } as never);
    expect(second.output_text).toBe('Closed.');
    expect(harness.model!.calls[1]!.request.messages.slice(1)).toEqual([
      { role: 'assistant', content: '', toolCalls: [{ id: item.call_id, name: 'multi_agent_v1__close_agent', arguments: item.arguments }] },
      { role: 'tool', toolCallId: item.call_id, content: 'closed' },
    ]);
  });

  it('returns a custom tool of a namespace as a custom_tool_call with its namespace', async () => {
    const editing = { type: 'namespace', name: 'editing', description: 'Editing tools.', tools: [{ ...APPLY_PATCH }] };
    const harness = await startGateway({ model: [call('editing__apply_patch', { input: PATCH })] });
    const response = await harness.client().responses.create({ model: 'm', input: 'x', tools: [editing] } as never);
    expect(response.output).toEqual([expect.objectContaining({ type: 'custom_tool_call', name: 'apply_patch', namespace: 'editing', input: PATCH })]);
  });

  it('gives long and unusual namespaces names within 64 characters that stay distinct', () => {
    const long = 'mcp__a_server_with_a_really_quite_long_name_indeed__';
    const first = namespacedToolName(long, 'list_every_single_repository_issue');
    const second = namespacedToolName(long, 'list_every_single_repository_issue_comment');
    expect(namespacedToolName('mcp__github__', 'get_issue')).toBe('mcp__github__get_issue');
    expect(first.length).toBeLessThanOrEqual(64);
    expect(second.length).toBeLessThanOrEqual(64);
    expect(first).not.toBe(second);
    expect(namespacedToolName('a.b', 'c')).toMatch(/^a_b__c_[0-9a-f]{8}$/);
    expect(namespacedToolName('a.b', 'c')).not.toBe(namespacedToolName('a_b', 'c'));
  });

  it('refuses tools whose flat names collide, naming the tool', async () => {
    const harness = await startGateway({ model: [text('never')] });
    const clash = { ...EXEC_COMMAND, name: 'multi_agent_v1__close_agent' };
    const response = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'x', tools: [clash, MULTI_AGENT] } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.objectContaining({ param: 'tools[1].tools[0].name', message: "Duplicate tool name 'multi_agent_v1__close_agent'." }) });
  });
});

describe('Codex tool shapes: what we cannot serve, and parallel calls', () => {
  it('leaves tool types no one serves out of the model\'s tools without failing the request', async () => {
    const harness = await startGateway({ model: [text('fine')] });
    const namespaceWithSearch = { ...MULTI_AGENT, tools: [...MULTI_AGENT.tools, { type: 'web_search' }] };
    const response = await harness.client().responses.create({
      model: 'm', input: 'x',
      tools: [EXEC_COMMAND, { type: 'web_search', external_web_access: false }, { type: 'local_shell' }, namespaceWithSearch, APPLY_PATCH],
    } as never);

    expect(response.output_text).toBe('fine');
    expect(harness.model!.calls[0]!.request.tools!.map((tool) => tool.name)).toEqual([
      'exec_command', 'multi_agent_v1__close_agent', 'multi_agent_v1__list_agents', 'apply_patch',
    ]);
  });

  it('passes parallel_tool_calls to the model and returns parallel calls of every shape in one response', async () => {
    const harness = await startGateway({
      model: [
        { parts: [
          { type: 'tool-call', name: 'exec_command', input: { cmd: 'ls' } },
          { type: 'tool-call', name: 'apply_patch', input: { input: PATCH } },
          { type: 'tool-call', name: 'multi_agent_v1__list_agents', input: {} },
        ] },
        text('one at a time'),
      ],
    });
    const client = harness.client();
    const tools = [EXEC_COMMAND, APPLY_PATCH, MULTI_AGENT];

    const parallel = await client.responses.create({ model: 'm', input: 'x', tools, parallel_tool_calls: true } as never);
    const serial = await client.responses.create({ model: 'm', input: 'y', tools, parallel_tool_calls: false } as never);

    expect(parallel.output.map((item) => [item.type, 'name' in item ? item.name : undefined])).toEqual([
      ['function_call', 'exec_command'], ['custom_tool_call', 'apply_patch'], ['function_call', 'list_agents'],
    ]);
    expect(parallel.parallel_tool_calls).toBe(true);
    expect(serial.parallel_tool_calls).toBe(false);
    expect(harness.model!.calls.map((modelCall) => modelCall.request.parallelToolCalls)).toEqual([true, false]);
  });
});

describe('CustomToolInputStream', () => {
  const decodeInPieces = (args: string, size: number) => {
    const stream = new CustomToolInputStream();
    let out = '';
    for (let index = 0; index < args.length; index += size) out += stream.push(args.slice(index, index + size));
    return out;
  };

  it('decodes the input as the arguments arrive, whatever the split (escapes and surrogate pairs cut in half)', () => {
    const args = JSON.stringify({ input: PATCH });
    const escapedUnicode = '{"input":"caf\\u00e9 \\ud83d\\ude42 \\"q\\""}';
    for (const size of [1, 2, 3, 5, 8, 1000]) {
      expect(decodeInPieces(args, size)).toBe(PATCH);
      expect(decodeInPieces(escapedUnicode, size)).toBe('café 🙂 "q"');
    }
  });

  it('gives nothing for arguments of another shape, and stops at the end of the string', () => {
    expect(decodeInPieces('{"other": 1, "input": "x"}', 4)).toBe('');
    expect(decodeInPieces('not json at all', 3)).toBe('');
    expect(decodeInPieces('  {\n "input" :  "abc", "more": "zzz"}', 2)).toBe('abc');
  });
});
