import { InvalidToolRequestError, type McpCallItem, type ToolCallState, ToolRegistry } from '@agentport/core';
import { describe, expect, it } from 'vitest';
import {
  BuiltinToolError, BuiltinToolProvider, BuiltinToolSelection, type BuiltinTool, builtinServerTool, DEFAULT_BUILTIN_SERVER_LABEL,
  renderMcpCallItem,
} from '../src/index.js';
import { builtinRequest, runAgent, toolContext } from './builtin-tool-support.js';

class RefusedForTest extends BuiltinToolError {
  constructor() {
    super('refused_for_test', 'this call is refused for the test');
  }
}

function fakeTool(name: string, readOnly: boolean, call: BuiltinTool['call'] = async () => `${name} ran`): BuiltinTool {
  return {
    name, readOnly, description: `the ${name} tool`, call,
    parameters: { type: 'object', properties: { x: { type: 'string' } }, required: ['x'], additionalProperties: false },
  };
}

const reader = fakeTool('reader', true);
const writer = fakeTool('writer', false);
const refuser = fakeTool('refuser', true, async () => { throw new RefusedForTest(); });
const crasher = fakeTool('crasher', true, async () => { throw new TypeError('an unexpected bug'); });

function namesFor(config: Record<string, unknown>, label = DEFAULT_BUILTIN_SERVER_LABEL): string[] {
  const selection = BuiltinToolSelection.of([builtinRequest(config, label)], DEFAULT_BUILTIN_SERVER_LABEL);
  return [reader, writer].filter((tool) => selection?.allows(tool)).map((tool) => tool.name);
}

describe('which built-in tools a request enables', () => {
  it('is every tool of the label, or those allowed_tools names (a list or {tool_names, read_only})', () => {
    expect(namesFor({})).toEqual(['reader', 'writer']);
    expect(namesFor({ allowed_tools: null })).toEqual(['reader', 'writer']);
    expect(namesFor({ allowed_tools: ['writer'] })).toEqual(['writer']);
    expect(namesFor({ allowed_tools: [] })).toEqual([]);
    expect(namesFor({ allowed_tools: { tool_names: ['reader', 'other'] } })).toEqual(['reader']);
    expect(namesFor({ allowed_tools: { read_only: true } })).toEqual(['reader']);
    expect(namesFor({ allowed_tools: { tool_names: ['writer'], read_only: true } })).toEqual([]);
  });

  it('is nothing for another label, another tool type, or a remote server (server_url, connector_id) under the label', () => {
    expect(namesFor({}, 'github')).toEqual([]);
    expect(namesFor({ server_url: 'https://mcp.invalid/' })).toEqual([]);
    expect(namesFor({ connector_id: 'connector_gmail' })).toEqual([]);
    expect(BuiltinToolSelection.of([{ type: 'code_interpreter', config: { type: 'code_interpreter' } }], 'builtin')).toBeUndefined();
    expect(BuiltinToolSelection.of(undefined, 'builtin')).toBeUndefined();
  });

  it('refuses an allowed_tools of another shape rather than give every tool', () => {
    for (const allowed of ['reader', { tool_names: 'reader' }, [1, 2], { read_only: 'yes' }]) {
      expect(() => namesFor({ allowed_tools: allowed })).toThrow(InvalidToolRequestError);
    }
  });

  it('adds up several entries with the label', () => {
    const selection = BuiltinToolSelection.of([builtinRequest({ allowed_tools: ['reader'] }), builtinRequest({ allowed_tools: ['writer'] })], 'builtin');
    expect([reader, writer].filter((tool) => selection?.allows(tool)).map((tool) => tool.name)).toEqual(['reader', 'writer']);
  });
});

describe('BuiltinToolProvider', () => {
  const provider = new BuiltinToolProvider('test-tools', 'builtin', [reader, writer]);

  it('owns the requests that name its label without a server_url, so the registry refuses other labels', async () => {
    expect(provider.ownsRequestedTool(builtinRequest())).toBe(true);
    expect(provider.ownsRequestedTool(builtinRequest({}, 'github'))).toBe(false);
    expect(provider.ownsRequestedTool(builtinRequest({ server_url: 'https://mcp.invalid/' }))).toBe(false);
    const registry = new ToolRegistry([provider]);
    expect((await registry.listTools({ tenant: 't', requestedTools: [builtinRequest()] })).map((tool) => tool.name)).toEqual(['reader', 'writer']);
    await expect(registry.listTools({ tenant: 't', requestedTools: [builtinRequest({}, 'github')] })).rejects.toMatchObject({ code: 'unknown_hosted_tool' });
  });

  it('serves the mcp tool type and offers its tools as server tools rendering mcp_call items', async () => {
    expect(provider.servesToolTypes).toEqual(['mcp']);
    expect(new ToolRegistry([provider]).hostedToolTypes).toEqual(new Set(['mcp']));
    expect(await provider.listTools({ tenant: 't' })).toEqual([]);
    const tools = await provider.listTools({ tenant: 't', requestedTools: [builtinRequest({ allowed_tools: ['reader'] })] });
    expect(tools).toHaveLength(1);
    expect(tools[0]).toMatchObject({ name: 'reader', execution: 'server', itemType: 'mcp_call', strict: true, description: 'the reader tool' });
  });
});

describe('an mcp_call item of a built-in tool', () => {
  const state = (fields: Partial<ToolCallState>): ToolCallState => ({
    itemId: 'mcp_1', callId: 'call_1', name: 'reader', arguments: '{"x":"1"}', status: 'in_progress', ...fields,
  });

  it('is in progress, then completed with its output, or failed with its error', () => {
    const base = { type: 'mcp_call', id: 'mcp_1', server_label: 'builtin', name: 'reader', arguments: '{"x":"1"}', approval_request_id: null };
    expect(renderMcpCallItem('builtin', state({}))).toEqual({ ...base, output: null, error: null, status: 'in_progress' });
    expect(renderMcpCallItem('builtin', state({ status: 'completed', result: { output: 'fine' } })))
      .toEqual({ ...base, output: 'fine', error: null, status: 'completed' });
    expect(renderMcpCallItem('builtin', state({ status: 'completed', result: { output: 'no such file', isError: true } })))
      .toEqual({ ...base, output: null, error: 'no such file', status: 'failed' });
    // The loop's own wording of a thrown error or a time limit ("Error: …") loses its prefix.
    expect(renderMcpCallItem('builtin', state({ status: 'completed', result: { output: 'Error: tool "reader" timed out after 5 ms', isError: true } })))
      .toMatchObject({ error: 'tool "reader" timed out after 5 ms', status: 'failed' });
    expect(renderMcpCallItem('builtin', state({ status: 'incomplete' }))).toMatchObject({ status: 'incomplete', output: null, error: null });
    expect(renderMcpCallItem('builtin', state({ status: 'completed', approvalRequestId: 'mcpr_1', result: { output: 'fine' } })))
      .toMatchObject({ approval_request_id: 'mcpr_1', status: 'completed' });
  });

  it('shows a BuiltinToolError as the failure; other errors are left to the agent loop', async () => {
    const refused = await builtinServerTool('builtin', refuser).execute({ x: '1' }, toolContext());
    expect(refused).toEqual({ output: 'this call is refused for the test', isError: true });
    await expect(builtinServerTool('builtin', crasher).execute({ x: '1' }, toolContext())).rejects.toThrow(TypeError);
  });
});

describe('built-in tools in the agent loop', () => {
  it('show each call as an mcp_call item; a failed call is fed back and the run completes', async () => {
    const provider = new BuiltinToolProvider('test-tools', 'builtin', [reader, refuser, crasher]);
    const { items, model, terminal } = await runAgent([provider], [
      { parts: [{ type: 'tool-call', name: 'reader', input: { x: 'a' } }, { type: 'tool-call', name: 'refuser', input: { x: 'b' } }, { type: 'tool-call', name: 'crasher', input: { x: 'c' } }] },
      { parts: [{ type: 'text', text: 'done' }] },
    ]);
    expect(terminal?.type).toBe('completed');
    const calls = items.filter((item): item is McpCallItem => item.type === 'mcp_call');
    expect(calls.map(({ name, status, output, error, server_label }) => ({ name, status, output, error, server_label }))).toEqual([
      { name: 'reader', status: 'completed', output: 'reader ran', error: null, server_label: 'builtin' },
      { name: 'refuser', status: 'failed', output: null, error: 'this call is refused for the test', server_label: 'builtin' },
      { name: 'crasher', status: 'failed', output: null, error: 'an unexpected bug', server_label: 'builtin' },
    ]);
    expect(items.some((item) => item.type === 'function_call' || item.type === 'function_call_output')).toBe(false);
    const toolMessages = model.requests[1]?.messages.filter((message) => message.role === 'tool').map((message) => message.content);
    expect(toolMessages).toEqual(['reader ran', 'Error: this call is refused for the test', 'Error: an unexpected bug']);
    expect(items.at(-1)).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: 'done' }] });
  });

  it('offers the model only the tools the request allowed', async () => {
    const provider = new BuiltinToolProvider('test-tools', 'builtin', [reader, writer]);
    const { model } = await runAgent([provider], [{ parts: [{ type: 'text', text: 'ok' }] }], { requested: [builtinRequest({ allowed_tools: { read_only: true } })] });
    expect(model.requests[0]?.tools?.map((tool) => tool.name)).toEqual(['reader']);
  });
});

describe('approval of built-in tool calls (require_approval)', () => {
  const approvalOf = (config: Record<string, unknown>, defaultApproval?: 'always' | 'never') => {
    const selection = BuiltinToolSelection.of([builtinRequest(config)], 'builtin', defaultApproval);
    return [reader, writer].map((tool) => selection?.requiresApproval(tool));
  };

  it('follows require_approval, and the default when the request leaves it out', () => {
    expect(approvalOf({ require_approval: undefined })).toEqual([true, true]);
    expect(approvalOf({ require_approval: undefined }, 'never')).toEqual([false, false]);
    expect(approvalOf({ require_approval: 'always' }, 'never')).toEqual([true, true]);
    expect(approvalOf({ require_approval: 'never' })).toEqual([false, false]);
    expect(approvalOf({ require_approval: { never: { tool_names: ['reader'] } } })).toEqual([false, true]);
    expect(approvalOf({ require_approval: { always: { tool_names: ['writer'] } } }, 'never')).toEqual([false, true]);
    expect(() => approvalOf({ require_approval: 'sometimes' })).toThrow(InvalidToolRequestError);
  });

  it('asks first, runs the call once approved, and tells the model when declined', async () => {
    let runs = 0;
    const counted = fakeTool('writer', false, async () => { runs += 1; return 'wrote it'; });
    const provider = new BuiltinToolProvider('test-tools', 'builtin', [counted]);
    const requested = [builtinRequest({ require_approval: undefined })];
    const first = await runAgent([provider], [{ parts: [{ type: 'tool-call', name: 'writer', input: { x: '1' } }] }], { requested });
    expect(first.terminal?.type).toBe('completed');
    const request = first.items.find((item) => item.type === 'mcp_approval_request');
    expect(request).toMatchObject({ type: 'mcp_approval_request', server_label: 'builtin', name: 'writer', arguments: '{"x":"1"}' });
    expect(runs).toBe(0);

    const answer = (approve: boolean) => [{ type: 'mcp_approval_response' as const, id: `mcpa_${String(approve)}`, approval_request_id: request!.id, approve }];
    const declined = await runAgent([provider], [{ parts: [{ type: 'text', text: 'not done' }] }], { requested, history: [...first.input, ...first.items], input: answer(false) });
    expect(runs).toBe(0);
    expect(declined.items[0]).toMatchObject({ type: 'mcp_call', name: 'writer', status: 'failed', approval_request_id: request!.id });

    const approved = await runAgent([provider], [{ parts: [{ type: 'text', text: 'done' }] }], { requested, history: [...first.input, ...first.items], input: answer(true) });
    expect(runs).toBe(1);
    expect(approved.items[0]).toMatchObject({ type: 'mcp_call', name: 'writer', status: 'completed', output: 'wrote it', approval_request_id: request!.id });
    expect(approved.terminal?.type).toBe('completed');
  });
});
