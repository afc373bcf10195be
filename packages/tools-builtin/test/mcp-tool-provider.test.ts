import {
  type AgentEvent, InvalidToolRequestError, type Item, type McpApprovalRequestItem, type RequestedTool, silentLogger,
  ToolLoopAgent, ToolRegistry,
} from '@agentport/core';
import { ScriptedModel, type ScriptedStep } from '@agentport/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { McpServerHost, type McpServerDefinition, McpToolProvider, type McpServerHostOptions } from '../src/index.js';
import { buildTestServer, HttpMcpTestServer, QUICK_SETTINGS, stdioServer } from './mcp-support.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  registry: ToolRegistry;
  /** Tool calls the in-process servers received. */
  calls: string[];
}

async function setup(definitions: McpServerDefinition[] = [], options: McpServerHostOptions = {}): Promise<Setup> {
  const calls: string[] = [];
  const host = new McpServerHost(
    definitions.length > 0 ? definitions : [{ transport: 'in_process', label: 'geo', createServer: () => buildTestServer('geo', calls) }],
    { ...QUICK_SETTINGS, defaultRequireApproval: 'never', logger: silentLogger, ...options },
  );
  cleanups.push(() => host.close());
  await host.start();
  return { registry: new ToolRegistry([new McpToolProvider(host)]), calls };
}

const mcp = (config: Record<string, unknown>): RequestedTool => ({ type: 'mcp', config: { type: 'mcp', ...config } });
const user = (text: string): Item => ({ type: 'message', id: `msg_${text.length}`, role: 'user', content: [{ type: 'input_text', text }] });
const callTool = (name: string, input: unknown): ScriptedStep => ({ parts: [{ type: 'tool-call', name, input }] });
const answer = (text: string): ScriptedStep => ({ parts: [{ type: 'text', text }] });

interface Turn {
  output: Item[];
  terminal: AgentEvent;
}

/** One request as the gateway runs it: list the tools (with the history), then run the loop with the items they emitted. */
async function runTurn(registry: ToolRegistry, model: ScriptedModel, requested: RequestedTool[], history: Item[], input: Item[]): Promise<Turn> {
  const openingItems: Item[] = [];
  const tools = await registry.listTools({ tenant: 'acme', requestedTools: requested, history: [...history, ...input], emitItem: (item) => openingItems.push(item) });
  const agent = new ToolLoopAgent({ name: 'agent', model });
  const output: Item[] = [];
  let terminal: AgentEvent | undefined;
  for await (const event of agent.run({ history, input, tools, openingItems }, { signal: AbortSignal.timeout(15_000), tenant: 'acme', responseId: 'resp_test' })) {
    if (event.type === 'item.done') output.push(event.item);
    if (event.type === 'completed' || event.type === 'failed' || event.type === 'incomplete' || event.type === 'cancelled') terminal = event;
  }
  return { output, terminal: terminal! };
}

describe('McpToolProvider with the tool loop', () => {
  it('lists the server, offers its tools and runs a call as an mcp_call item whose output the model sees', async () => {
    const { registry, calls } = await setup();
    const model = new ScriptedModel([callTool('lookup', { city: 'Oslo' }), answer('Oslo is in Norway.')]);

    const { output, terminal } = await runTurn(registry, model, [mcp({ server_label: 'geo' })], [], [user('Where is Oslo?')]);

    expect(terminal.type).toBe('completed');
    expect(output.map((item) => item.type)).toEqual(['mcp_list_tools', 'mcp_call', 'message']);
    expect(output[0]).toMatchObject({ server_label: 'geo', tools: [{ name: 'lookup' }, { name: 'echo' }, { name: 'shout' }] });
    expect(output[1]).toMatchObject({
      type: 'mcp_call', server_label: 'geo', name: 'lookup', arguments: '{"city":"Oslo"}', output: 'Norway', error: null,
      approval_request_id: null, status: 'completed',
    });
    expect(calls).toEqual(['lookup:Oslo']);
    expect(model.requests[0]!.tools?.map((tool) => tool.name)).toEqual(['lookup', 'echo', 'shout']);
    expect(model.requests[1]!.messages.at(-1)).toEqual({ role: 'tool', toolCallId: output[1]!.id, content: 'Norway' });
  });

  it('lists a server once per chain: a history that holds its listing gets none', async () => {
    const { registry } = await setup();
    const first = await runTurn(registry, new ScriptedModel([answer('Hi.')]), [mcp({ server_label: 'geo' })], [], [user('hi')]);
    const history = [user('hi'), ...first.output];

    const second = await runTurn(registry, new ScriptedModel([answer('Again.')]), [mcp({ server_label: 'geo' })], history, [user('again')]);

    expect(first.output.map((item) => item.type)).toEqual(['mcp_list_tools', 'message']);
    expect(second.output.map((item) => item.type)).toEqual(['message']);
  });

  it('offers only the allowed tools, by name or as read-only', async () => {
    const { registry } = await setup();
    const byName = await registry.listTools({ tenant: 'acme', requestedTools: [mcp({ server_label: 'geo', allowed_tools: ['echo'] })] });
    const readOnly = await registry.listTools({ tenant: 'acme', requestedTools: [mcp({ server_label: 'geo', allowed_tools: { read_only: true } })] });

    expect(byName.map((tool) => tool.name)).toEqual(['echo']);
    expect(readOnly.map((tool) => tool.name)).toEqual(['lookup']);
  });

  it('keeps tool names apart across servers that share one', async () => {
    const { registry } = await setup([
      { transport: 'in_process', label: 'geo', createServer: () => buildTestServer('geo') },
      { transport: 'in_process', label: 'atlas', createServer: () => buildTestServer('atlas') },
    ]);
    const tools = await registry.listTools({ tenant: 'acme', requestedTools: [mcp({ server_label: 'geo', allowed_tools: ['echo', 'lookup'] }), mcp({ server_label: 'atlas', allowed_tools: ['echo', 'shout'] })] });

    expect(tools.map((tool) => tool.name)).toEqual(['lookup', 'geo__echo', 'atlas__echo', 'shout']);
  });

  it('asks for approval, ends the response, and runs the call once the next request approves it', async () => {
    const { registry, calls } = await setup();
    const model = new ScriptedModel([callTool('echo', { text: 'ship it' }), answer('Echoed: ship it.')]);
    const requested = [mcp({ server_label: 'geo', require_approval: 'always' })];

    const first = await runTurn(registry, model, requested, [], [user('Echo "ship it"')]);
    expect(first.terminal.type).toBe('completed');
    expect(first.output.map((item) => item.type)).toEqual(['mcp_list_tools', 'mcp_approval_request']);
    const request = first.output[1] as McpApprovalRequestItem;
    expect(request).toMatchObject({ server_label: 'geo', name: 'echo', arguments: '{"text":"ship it"}', id: expect.stringMatching(/^mcpr_/) });
    expect(calls).toEqual([]);

    const approval: Item = { type: 'mcp_approval_response', id: 'mcpa_1', approval_request_id: request.id, approve: true };
    const second = await runTurn(registry, model, requested, [user('Echo "ship it"'), ...first.output], [approval]);

    expect(second.output.map((item) => item.type)).toEqual(['mcp_call', 'message']);
    expect(second.output[0]).toMatchObject({ name: 'echo', output: 'ship it', approval_request_id: request.id, status: 'completed' });
    expect(calls).toEqual(['echo:ship it']);
    expect(model.requests[1]!.messages.at(-1)).toMatchObject({ role: 'tool', content: 'ship it' });
  });

  it('runs an approved call even when the approving request no longer asks for approval', async () => {
    const { registry, calls } = await setup();
    const model = new ScriptedModel([callTool('echo', { text: 'later' }), answer('Done.')]);
    const first = await runTurn(registry, model, [mcp({ server_label: 'geo', require_approval: 'always' })], [], [user('echo later')]);
    const approval: Item = { type: 'mcp_approval_response', id: 'mcpa_4', approval_request_id: first.output[1]!.id, approve: true };

    const second = await runTurn(registry, model, [mcp({ server_label: 'geo', require_approval: 'never' })], [user('echo later'), ...first.output], [approval]);

    expect(second.output[0]).toMatchObject({ type: 'mcp_call', output: 'later', approval_request_id: first.output[1]!.id });
    expect(calls).toEqual(['echo:later']);
  });

  it('fails an approved call whose server the approving request does not name, and tells the model', async () => {
    const { registry, calls } = await setup();
    const model = new ScriptedModel([callTool('echo', { text: 'gone' }), answer('The server was not enabled.')]);
    const first = await runTurn(registry, model, [mcp({ server_label: 'geo', require_approval: 'always' })], [], [user('echo gone')]);
    const approval: Item = { type: 'mcp_approval_response', id: 'mcpa_5', approval_request_id: first.output[1]!.id, approve: true };

    const second = await runTurn(registry, model, [], [user('echo gone'), ...first.output], [approval]);

    expect(second.output[0]).toMatchObject({ type: 'mcp_call', status: 'failed', error: expect.stringContaining('not among this request\'s tools') });
    expect(calls).toEqual([]);
  });

  it('tells the model a declined call was not run', async () => {
    const { registry, calls } = await setup();
    const model = new ScriptedModel([callTool('shout', { text: 'hello' }), answer('I did not shout.')]);
    const requested = [mcp({ server_label: 'geo', require_approval: 'always' })];
    const first = await runTurn(registry, model, requested, [], [user('Shout hello')]);
    const request = first.output[1] as McpApprovalRequestItem;

    const decline: Item = { type: 'mcp_approval_response', id: 'mcpa_2', approval_request_id: request.id, approve: false, reason: 'too loud' };
    const second = await runTurn(registry, model, requested, [user('Shout hello'), ...first.output], [decline]);

    expect(second.output.map((item) => item.type)).toEqual(['mcp_call', 'message']);
    expect(second.output[0]).toMatchObject({ name: 'shout', status: 'failed', output: null, approval_request_id: request.id, error: expect.stringContaining('declined') });
    expect(calls).toEqual([]);
    expect(model.requests[1]!.messages.at(-1)).toMatchObject({ role: 'tool', content: expect.stringMatching(/declined.*too loud/) });
  });

  it('runs the tools a never-filter names without approval and asks for the others (the default, as OpenAI)', async () => {
    const { registry, calls } = await setup([], { defaultRequireApproval: 'always' });
    const model = new ScriptedModel([
      { parts: [{ type: 'tool-call', name: 'lookup', input: { city: 'Lima' } }, { type: 'tool-call', name: 'echo', input: { text: 'x' } }] },
    ]);
    const requested = [mcp({ server_label: 'geo', require_approval: { never: { tool_names: ['lookup'] } } })];

    const { output } = await runTurn(registry, model, requested, [], [user('go')]);

    expect(output.map((item) => item.type)).toEqual(['mcp_list_tools', 'mcp_call', 'mcp_approval_request']);
    expect(output[2]).toMatchObject({ name: 'echo' });
    expect(calls).toEqual(['lookup:Lima']);
  });

  it('answers an approval once: a client that resends the whole history does not run the call again', async () => {
    const { registry, calls } = await setup();
    const model = new ScriptedModel([callTool('echo', { text: 'once' }), answer('Done.'), answer('Still done.')]);
    const requested = [mcp({ server_label: 'geo', require_approval: 'always' })];
    const first = await runTurn(registry, model, requested, [], [user('echo once')]);
    const approval: Item = { type: 'mcp_approval_response', id: 'mcpa_3', approval_request_id: first.output[1]!.id, approve: true };
    const second = await runTurn(registry, model, requested, [], [user('echo once'), ...first.output, approval]);

    await runTurn(registry, model, requested, [], [user('echo once'), ...first.output, approval, ...second.output, user('thanks')]);

    expect(calls).toEqual(['echo:once']);
  });

  it('gives a failed mcp_list_tools and no tools for a server that is down, and the response goes on', async () => {
    const { registry } = await setup([{ transport: 'stdio', label: 'down', command: '/nonexistent/mcp-server', args: [], env: {} }], { listWaitMs: 50 });
    const model = new ScriptedModel([answer('The tool server is unavailable.')]);

    const { output, terminal } = await runTurn(registry, model, [mcp({ server_label: 'down' })], [], [user('hi')]);

    expect(terminal.type).toBe('completed');
    expect(output.map((item) => item.type)).toEqual(['mcp_list_tools', 'message']);
    expect(output[0]).toMatchObject({ server_label: 'down', tools: [], error: expect.stringMatching(/ENOENT/) });
    expect(model.requests[0]!.tools).toBeUndefined();
  });

  it('gives a failed mcp_call for a tool error and for a server that dies mid-call; the model is told and goes on', async () => {
    const { registry } = await setup([stdioServer('local')]);
    const model = new ScriptedModel([callTool('fail', {}), callTool('crash', {}), callTool('add', { a: 1, b: 2 }), answer('Recovered: 3.')]);

    const { output, terminal } = await runTurn(registry, model, [mcp({ server_label: 'local' })], [], [user('go')]);

    expect(terminal.type).toBe('completed');
    expect(output.map((item) => item.type)).toEqual(['mcp_list_tools', 'mcp_call', 'mcp_call', 'mcp_call', 'message']);
    expect(output[1]).toMatchObject({ name: 'fail', status: 'failed', output: null, error: 'the tool broke on purpose' });
    expect(output[2]).toMatchObject({ name: 'crash', status: 'failed', error: expect.stringMatching(/Connection closed/) });
    expect(output[3]).toMatchObject({ name: 'add', status: 'completed', output: '3' });
    expect(model.requests[1]!.messages.at(-1)).toMatchObject({ role: 'tool', content: 'Error: the tool broke on purpose' });
  });

  it('refuses a server_url whose host is not on the allowlist, and an mcp tool no provider serves', async () => {
    const { registry } = await setup([], { serverUrlAllowlist: ['mcp.internal.test'] });
    const refused = registry.listTools({ tenant: 'acme', requestedTools: [mcp({ server_label: 'elsewhere', server_url: 'http://127.0.0.1:9/mcp' })] });
    const unknown = registry.listTools({ tenant: 'acme', requestedTools: [mcp({ server_label: 'nope' })] });

    await expect(refused).rejects.toBeInstanceOf(InvalidToolRequestError);
    await expect(refused).rejects.toMatchObject({ code: 'mcp_server_url_not_allowed', param: 'tools' });
    await expect(unknown).rejects.toMatchObject({ code: 'unknown_hosted_tool', message: expect.stringContaining("'nope'") });
  });

  it('refuses a label given twice, a server_url for a hosted label and a malformed require_approval', async () => {
    const { registry } = await setup([], { serverUrlAllowlist: ['127.0.0.1'] });
    const list = (requestedTools: RequestedTool[]) => registry.listTools({ tenant: 'acme', requestedTools });

    await expect(list([mcp({ server_label: 'geo' }), mcp({ server_label: 'geo' })])).rejects.toMatchObject({ code: 'duplicate_server_label' });
    await expect(list([mcp({ server_label: 'geo', server_url: 'http://127.0.0.1:9/mcp' })])).rejects.toMatchObject({ code: 'mcp_server_label_conflict' });
    await expect(list([mcp({ server_label: 'geo', require_approval: 'sometimes' })])).rejects.toMatchObject({ code: 'invalid_require_approval' });
  });

  it('uses a server_url on the allowlist, with the request\'s authorization', async () => {
    const remote = await HttpMcpTestServer.start();
    cleanups.push(() => remote.close());
    const { registry } = await setup([], { serverUrlAllowlist: ['127.0.0.1'] });
    const model = new ScriptedModel([callTool('shout', { text: 'remote' }), answer('REMOTE')]);

    const { output } = await runTurn(registry, model, [mcp({ server_label: 'remote', server_url: remote.url, authorization: 'tok' })], [], [user('shout')]);

    expect(output.map((item) => item.type)).toEqual(['mcp_list_tools', 'mcp_call', 'message']);
    expect(output[1]).toMatchObject({ server_label: 'remote', output: 'REMOTE' });
    expect(new Set(remote.authorizations)).toEqual(new Set(['Bearer tok']));
  });
});
