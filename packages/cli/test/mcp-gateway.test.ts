import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStateStore, silentLogger, type ToolProvider } from '@agentport/core';
import { Gateway } from '@agentport/gateway';
import { VllmAgentModel } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn } from '@agentport/vllm-adapter/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { filesToolProvider, FILES_DEFAULTS, McpServerHost, type McpServerDefinition, type McpServerHostOptions, McpToolProvider } from '@agentport/tools-builtin';
import { HttpMcpTestServer, QUICK_SETTINGS, stdioServer } from '../../tools-builtin/test/mcp-support.js';

const KEY_A = 'sk-team-a';
const KEY_B = 'sk-team-b';

interface Stack {
  fake: FakeVllmServer;
  gateway: Gateway;
  host: McpServerHost;
  client: OpenAI;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The real gateway over VllmAgentModel and the fake vLLM server, hosting the given MCP servers, with two API keys. */
async function startStack(definitions: McpServerDefinition[], turns: FakeTurn[], options: McpServerHostOptions = {}, extraProviders: ToolProvider[] = []): Promise<Stack> {
  const fake = await new FakeVllmServer({ turns }).start();
  cleanups.push(() => fake.close());
  const model = new VllmAgentModel({ baseUrl: fake.url, model: 'fake-model', maxRetries: 0 });
  cleanups.push(async () => model.close());
  const host = new McpServerHost(definitions, { ...QUICK_SETTINGS, defaultRequireApproval: 'never', logger: silentLogger, ...options });
  cleanups.push(() => host.close());
  await host.start();
  const gateway = await Gateway.create({
    store: new MemoryStateStore(),
    model,
    tools: [new McpToolProvider(host), ...extraProviders],
    mcpHost: host,
    logger: silentLogger,
    config: { port: 0, apiKeys: [`${KEY_A}:team-a`, `${KEY_B}:team-b`] },
  });
  await gateway.listen();
  cleanups.push(() => gateway.close(0));
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY_A, maxRetries: 0, timeout: 15_000 });
  return { fake, gateway, host, client };
}

const reply = (text: string): FakeTurn => ({ parts: [{ type: 'text', text }] });
const toolCall = (name: string, input: unknown): FakeTurn => ({ parts: [{ type: 'tool-call', name, input }] });

/** The messages the fake vLLM server got in its `index`th chat request. */
function chatMessages(fake: FakeVllmServer, index: number): Array<Record<string, unknown>> {
  return (fake.chatRequests[index]!.body as { messages: Array<Record<string, unknown>> }).messages;
}

describe('MCP hosting through the gateway (openai SDK, fake vLLM)', () => {
  it('never stores or echoes the credentials of an mcp tool', async () => {
    const { client } = await startStack([stdioServer('local')], [reply('ok')]);
    const created = await client.responses.create({
      model: 'fake-model', input: 'hi',
      tools: [{ type: 'mcp', server_label: 'local', require_approval: 'never', headers: { Authorization: 'Bearer secret-token' } }],
    });
    const stored = await client.responses.retrieve(created.id);
    for (const response of [created, stored]) {
      expect(response.tools).toEqual([expect.objectContaining({ type: 'mcp', server_label: 'local' })]);
      expect(JSON.stringify(response)).not.toContain('secret-token');
    }
  });

  it('streams a call of a stdio server\'s tool as mcp_list_tools and mcp_call items, and the model answers from its output', async () => {
    const { client, fake } = await startStack([stdioServer('local')], [toolCall('add', { a: 2, b: 3 }), reply('2 + 3 = 5.')]);

    const stream = await client.responses.create({
      model: 'fake-model', input: 'What is 2 + 3?', stream: true, tools: [{ type: 'mcp', server_label: 'local', require_approval: 'never' }],
    });
    const types: string[] = [];
    let final: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.completed') final = event.response;
    }

    expect(types.filter((type) => type.startsWith('response.mcp'))).toEqual([
      'response.mcp_list_tools.in_progress', 'response.mcp_list_tools.completed',
      'response.mcp_call.in_progress', 'response.mcp_call_arguments.done', 'response.mcp_call.completed',
    ]);
    expect(final!.output.map((item) => item.type)).toEqual(['mcp_list_tools', 'mcp_call', 'message']);
    expect(final!.output[0]).toMatchObject({ server_label: 'local', tools: expect.arrayContaining([expect.objectContaining({ name: 'add', input_schema: expect.objectContaining({ type: 'object' }) })]) });
    expect(final!.output[1]).toMatchObject({ type: 'mcp_call', server_label: 'local', name: 'add', arguments: '{"a":2,"b":3}', output: '5', status: 'completed' });
    expect(final!.output[2]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: '2 + 3 = 5.' }] });
    expect(chatMessages(fake, 1).at(-1)).toMatchObject({ role: 'tool', content: '5' });
    expect((fake.chatRequests[0]!.body as { tools: Array<{ function: { name: string } }> }).tools.map((tool) => tool.function.name))
      .toEqual(['add', 'whoami', 'fail', 'crash', 'env']);

    const stored = await client.responses.retrieve(final!.id);
    expect(stored.output).toEqual(final!.output);
  });

  it('calls a Streamable HTTP server\'s tool, and lists the server once per previous_response chain', async () => {
    const remote = await HttpMcpTestServer.start();
    cleanups.push(() => remote.close());
    const { client } = await startStack(
      [{ transport: 'streamable_http', label: 'geo', url: new URL(remote.url), headers: {} }],
      [toolCall('lookup', { city: 'Lima' }), reply('Lima is in Peru.'), toolCall('shout', { text: 'peru' }), reply('PERU!')],
    );
    const tools: OpenAI.Responses.Tool[] = [{ type: 'mcp', server_label: 'geo', require_approval: 'never' }];

    const first = await client.responses.create({ model: 'fake-model', input: 'Where is Lima?', tools });
    const second = await client.responses.create({ model: 'fake-model', input: 'Shout it.', tools, previous_response_id: first.id });

    expect(first.output.map((item) => item.type)).toEqual(['mcp_list_tools', 'mcp_call', 'message']);
    expect(first.output[1]).toMatchObject({ name: 'lookup', output: 'Peru' });
    expect(second.output.map((item) => item.type)).toEqual(['mcp_call', 'message']);
    expect(second.output[0]).toMatchObject({ name: 'shout', output: 'PERU' });
    expect(remote.calls).toEqual(['lookup:Lima', 'shout:peru']);
  });

  it('runs an approval round trip: the call waits, an approval runs it, a decline tells the model', async () => {
    const { client, fake, host } = await startStack([stdioServer('local')], [
      toolCall('add', { a: 20, b: 22 }), reply('It is 42.'),
      toolCall('add', { a: 1, b: 1 }), reply('Understood, I will not add them.'),
    ]);
    const tools: OpenAI.Responses.Tool[] = [{ type: 'mcp', server_label: 'local', require_approval: 'always' }];

    const asked = await client.responses.create({ model: 'fake-model', input: 'Add 20 and 22.', tools });
    expect(asked.status).toBe('completed');
    expect(asked.output.map((item) => item.type)).toEqual(['mcp_list_tools', 'mcp_approval_request']);
    const request = asked.output[1] as OpenAI.Responses.ResponseOutputItem.McpApprovalRequest;
    expect(request).toMatchObject({ server_label: 'local', name: 'add', arguments: '{"a":20,"b":22}' });

    const approved = await client.responses.create({
      model: 'fake-model', tools, previous_response_id: asked.id,
      input: [{ type: 'mcp_approval_response', approval_request_id: request.id, approve: true }],
    });
    expect(approved.output.map((item) => item.type)).toEqual(['mcp_call', 'message']);
    expect(approved.output[0]).toMatchObject({ name: 'add', output: '42', approval_request_id: request.id, status: 'completed' });
    expect(approved.output_text).toBe('It is 42.');

    const askedAgain = await client.responses.create({ model: 'fake-model', input: 'Add 1 and 1.', tools, previous_response_id: approved.id });
    const second = askedAgain.output.at(-1) as OpenAI.Responses.ResponseOutputItem.McpApprovalRequest;
    expect(second.type).toBe('mcp_approval_request');
    const declined = await client.responses.create({
      model: 'fake-model', tools, previous_response_id: askedAgain.id,
      input: [{ type: 'mcp_approval_response', approval_request_id: second.id, approve: false }],
    });

    expect(declined.output.map((item) => item.type)).toEqual(['mcp_call', 'message']);
    expect(declined.output[0]).toMatchObject({ name: 'add', status: 'failed', approval_request_id: second.id, error: expect.stringContaining('declined') });
    expect(chatMessages(fake, 3).at(-1)).toMatchObject({ role: 'tool', content: expect.stringContaining('declined') });
    expect(host.listServers()[0]!.state).toBe('connected');
  });

  it('answers with a failed mcp_list_tools for a server that is down, not a failed response', async () => {
    const { client } = await startStack(
      [{ transport: 'stdio', label: 'down', command: '/nonexistent/mcp-server', args: [], env: {} }],
      [reply('The tools are unavailable right now.')],
      { listWaitMs: 50 },
    );

    const response = await client.responses.create({ model: 'fake-model', input: 'hi', tools: [{ type: 'mcp', server_label: 'down', require_approval: 'never' }] });

    expect(response.status).toBe('completed');
    expect(response.output.map((item) => item.type)).toEqual(['mcp_list_tools', 'message']);
    expect(response.output[0]).toMatchObject({ server_label: 'down', tools: [], error: expect.stringMatching(/ENOENT/) });
  });

  it('reconnects to a server that restarted between two requests', async () => {
    const remote = await HttpMcpTestServer.start();
    cleanups.push(() => remote.close());
    const { client } = await startStack(
      [{ transport: 'streamable_http', label: 'geo', url: new URL(remote.url), headers: {} }],
      [toolCall('echo', { text: 'before' }), reply('ok'), toolCall('echo', { text: 'after' }), reply('ok again')],
    );
    const tools: OpenAI.Responses.Tool[] = [{ type: 'mcp', server_label: 'geo', require_approval: 'never' }];
    const first = await client.responses.create({ model: 'fake-model', input: 'one', tools });

    const port = remote.port;
    await remote.close();
    await new Promise((resolve) => setTimeout(resolve, 25)); // let idle keep-alive sockets see the hang-up, as across a real restart
    const restarted = await HttpMcpTestServer.start({ port });
    cleanups.push(() => restarted.close());
    const second = await client.responses.create({ model: 'fake-model', input: 'two', tools, previous_response_id: first.id });

    expect(first.output[1]).toMatchObject({ output: 'before', status: 'completed' });
    expect(second.output[0]).toMatchObject({ type: 'mcp_call', output: 'after', status: 'completed' });
    expect(restarted.calls).toEqual(['echo:after']);
  });

  it('refuses a server_url whose host is not allowed with a 400', async () => {
    const { client, fake } = await startStack([stdioServer('local')], [], { serverUrlAllowlist: ['mcp.internal.test'] });

    const refused = client.responses.create({
      model: 'fake-model', input: 'hi', tools: [{ type: 'mcp', server_label: 'outside', server_url: 'http://127.0.0.1:1/mcp', require_approval: 'never' }],
    });

    await expect(refused).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(refused).rejects.toMatchObject({ status: 400, code: 'mcp_server_url_not_allowed', param: 'tools' });
    expect(fake.chatRequests).toHaveLength(0);
  });

  it('lists the hosted servers and their tools behind the API keys', async () => {
    const { gateway } = await startStack([stdioServer('local'), { transport: 'stdio', label: 'down', command: '/nonexistent/mcp-server', args: [], env: {} }], []);
    const get = (path: string, key?: string) => fetch(`${gateway.url}${path}`, key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } });

    // Each server's first attempt ends in its own time (later on a busy machine): list once both have.
    let servers = await get('/v1/mcp/servers', KEY_B);
    for (let tries = 0; tries < 100; tries += 1) {
      const listed = await servers.clone().json() as { data: Array<{ server_label: string; status: string }> };
      if (!listed.data.some((server) => server.status === 'connecting')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
      servers = await get('/v1/mcp/servers', KEY_B);
    }
    expect(servers.status).toBe(200);
    expect(await servers.json()).toEqual({
      object: 'list',
      data: [
        { object: 'mcp_server', server_label: 'local', transport: 'stdio', status: 'connected', tool_count: 5, error: null, tools_listed_at: expect.any(Number) },
        { object: 'mcp_server', server_label: 'down', transport: 'stdio', status: 'reconnecting', tool_count: 0, error: expect.stringMatching(/ENOENT/), tools_listed_at: null },
      ],
    });
    const tools = await (await get('/v1/mcp/servers/local/tools', KEY_A)).json() as { server_label: string; data: Array<{ name: string }> };
    expect(tools.server_label).toBe('local');
    expect(tools.data.map((tool) => tool.name)).toEqual(['add', 'whoami', 'fail', 'crash', 'env']);

    expect((await get('/v1/mcp/servers')).status).toBe(401);
    expect((await get('/v1/mcp/servers', 'sk-wrong')).status).toBe(401);
    const unknown = await get('/v1/mcp/servers/nope/tools', KEY_A);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'mcp_server_not_found' } });
  });

  it('serves the hosted tools to an MCP client at /v1/mcp, behind the API keys', async () => {
    const remote = await HttpMcpTestServer.start();
    cleanups.push(() => remote.close());
    const { gateway } = await startStack([stdioServer('local'), { transport: 'streamable_http', label: 'geo', url: new URL(remote.url), headers: {} }], []);
    const mcpClient = new Client({ name: 'test-client', version: '1.0.0' });
    await mcpClient.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/v1/mcp`), { requestInit: { headers: { Authorization: `Bearer ${KEY_A}` } } }));
    cleanups.push(() => mcpClient.close());

    const { tools } = await mcpClient.listTools();
    const sum = await mcpClient.callTool({ name: 'local__add', arguments: { a: 19, b: 23 } });
    const country = await mcpClient.callTool({ name: 'geo__lookup', arguments: { city: 'Oslo' } });
    const failed = await mcpClient.callTool({ name: 'local__fail', arguments: {} });

    expect(tools.map((tool) => tool.name)).toEqual([
      'local__add', 'local__whoami', 'local__fail', 'local__crash', 'local__env', 'geo__lookup', 'geo__echo', 'geo__shout',
    ]);
    expect(tools.find((tool) => tool.name === 'geo__lookup')).toMatchObject({ description: 'The country a city is in', annotations: { readOnlyHint: true } });
    expect(sum.content).toEqual([{ type: 'text', text: '42' }]);
    expect(country.content).toEqual([{ type: 'text', text: 'Norway' }]);
    expect(failed).toMatchObject({ isError: true, content: [{ type: 'text', text: 'the tool broke on purpose' }] });
    expect(remote.calls).toEqual(['lookup:Oslo']);

    const stranger = new Client({ name: 'stranger', version: '1.0.0' });
    await expect(stranger.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/v1/mcp`)))).rejects.toThrow(/401|API key/);
  });

  it('serves the enabled built-in tools to MCP clients beside the hosted servers', async () => {
    const root = await mkdtemp(join(tmpdir(), 'agentport-mcp-files-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    await writeFile(join(root, 'hello.txt'), 'hello from the files tool');
    const filesProvider = await filesToolProvider({ ...FILES_DEFAULTS, root, defaultRequireApproval: 'always' });
    const { gateway } = await startStack([stdioServer('local')], [], {}, [filesProvider]);
    const mcpClient = new Client({ name: 'test-client', version: '1.0.0' });
    await mcpClient.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/v1/mcp`), { requestInit: { headers: { Authorization: `Bearer ${KEY_A}` } } }));
    cleanups.push(() => mcpClient.close());

    const { tools } = await mcpClient.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['local__add', 'builtin__read_file', 'builtin__list_directory']));
    const read = await mcpClient.callTool({ name: 'builtin__read_file', arguments: { path: 'hello.txt' } });
    expect(JSON.stringify(read.content)).toContain('hello from the files tool');
    const escape = await mcpClient.callTool({ name: 'builtin__read_file', arguments: { path: '../outside.txt' } });
    expect(escape.isError).toBe(true);
  });
});
