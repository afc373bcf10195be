import { silentLogger } from '@agentport/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { McpServerConnection, type McpServerConnectionOptions, type McpServerDefinition } from '../src/index.js';
import { buildTestServer, eventually, HttpMcpTestServer, QUICK_SETTINGS, stdioServer } from './mcp-support.js';

const OPTIONS: McpServerConnectionOptions = {
  connectTimeoutMs: QUICK_SETTINGS.connectTimeoutMs!,
  callTimeoutMs: QUICK_SETTINGS.callTimeoutMs!,
  refreshIntervalMs: 0,
  reconnectMinDelayMs: QUICK_SETTINGS.reconnectMinDelayMs!,
  reconnectMaxDelayMs: QUICK_SETTINGS.reconnectMaxDelayMs!,
  maxToolsPerServer: 100,
  retry: 'background',
  logger: silentLogger,
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function connect(definition: McpServerDefinition, options: Partial<McpServerConnectionOptions> = {}): McpServerConnection {
  const connection = new McpServerConnection(definition, { ...OPTIONS, ...options });
  cleanups.push(() => connection.close());
  return connection;
}

async function startHttp(port?: number): Promise<HttpMcpTestServer> {
  const server = await HttpMcpTestServer.start(port === undefined ? {} : { port });
  cleanups.push(() => server.close());
  return server;
}

/**
 * A moment for the client's idle keep-alive sockets to see the old server hang up, as they do
 * across any real restart; a POST written to one in that instant would fail as a broken
 * connection (it may have reached the server), and is rightly not sent again.
 */
const clientSeesSocketsClose = () => new Promise((resolve) => setTimeout(resolve, 25));

const signal = () => AbortSignal.timeout(10_000);
const textOf = (result: { content: Array<{ type: string; text?: string }> }) => result.content.map((block) => block.text ?? '').join('');

describe('McpServerConnection', () => {
  it('connects an in-process server, caches its tool list and calls a tool', async () => {
    const connection = connect({ transport: 'in_process', label: 'mem', createServer: () => buildTestServer() });
    await connection.start();

    expect(connection.status()).toMatchObject({ label: 'mem', transport: 'in_process', state: 'connected', toolCount: 3, error: null });
    const lookup = connection.cachedDescriptions()?.find((tool) => tool.name === 'lookup');
    expect(lookup).toMatchObject({
      description: 'The country a city is in',
      input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      annotations: { readOnlyHint: true },
    });
    expect(textOf(await connection.callTool('lookup', { city: 'Oslo' }, signal()))).toBe('Norway');
  });

  it('picks up a changed tool list when the server announces it', async () => {
    let server: McpServer | undefined;
    const connection = connect({ transport: 'in_process', label: 'mem', createServer: () => (server = buildTestServer()) });
    await connection.start();
    server!.registerTool('late', { description: 'Added after the connection', inputSchema: { x: z.number() } },
      async ({ x }) => ({ content: [{ type: 'text', text: String(x * 2) }] }));

    await eventually(() => connection.cachedTools()?.some((tool) => tool.name === 'late') === true);
    expect(connection.status().toolCount).toBe(4);
  });

  it('cancels a call past callTimeoutMs and keeps the connection', async () => {
    const connection = connect({
      transport: 'in_process', label: 'mem',
      createServer: () => {
        const server = buildTestServer();
        server.registerTool('hang', { description: 'Never answers' }, () => new Promise(() => undefined));
        return server;
      },
    }, { callTimeoutMs: 100 });
    await connection.start();

    await expect(connection.callTool('hang', {}, signal())).rejects.toThrow(/timed out/i);
    expect(connection.status().state).toBe('connected');
    expect(textOf(await connection.callTool('echo', { text: 'still here' }, signal()))).toBe('still here');
  });

  it('spawns a stdio server with only the environment it is given', async () => {
    process.env.AGENTPORT_TEST_GATEWAY_SECRET = 'do-not-leak';
    cleanups.push(async () => { delete process.env.AGENTPORT_TEST_GATEWAY_SECRET; });
    const connection = connect(stdioServer('local', { GREETING: 'hello' }));
    await connection.start();

    expect(connection.status()).toMatchObject({ transport: 'stdio', state: 'connected', toolCount: 5 });
    expect(textOf(await connection.callTool('add', { a: 2, b: 3 }, signal()))).toBe('5');
    expect(textOf(await connection.callTool('env', { name: 'GREETING' }, signal()))).toBe('hello');
    expect(textOf(await connection.callTool('env', { name: 'AGENTPORT_TEST_GATEWAY_SECRET' }, signal()))).toBe('(unset)');
  });

  it('starts a new stdio process when the server exits, and calls it', async () => {
    const connection = connect(stdioServer());
    await connection.start();
    const before = textOf(await connection.callTool('whoami', {}, signal()));

    await expect(connection.callTool('crash', {}, signal())).rejects.toThrow(/Connection closed/);
    const after = textOf(await connection.callTool('whoami', {}, signal()));

    expect(after).toMatch(/^pid \d+$/);
    expect(after).not.toBe(before);
    expect(connection.status().state).toBe('connected');
  });

  it('reconnects to an HTTP server that restarted and forgot the session, and the call is sent once', async () => {
    const first = await startHttp();
    const connection = connect({ transport: 'streamable_http', label: 'remote', url: new URL(first.url), headers: {} });
    await connection.start();
    expect(textOf(await connection.callTool('echo', { text: 'one' }, signal()))).toBe('one');

    const port = first.port;
    await first.close();
    await clientSeesSocketsClose();
    const second = await startHttp(port);
    expect(textOf(await connection.callTool('echo', { text: 'two' }, signal()))).toBe('two');

    expect(second.calls).toEqual(['echo:two']);
    expect(connection.status().state).toBe('connected');
  });

  it('sends the configured headers to an HTTP server', async () => {
    const server = await startHttp();
    const connection = connect({ transport: 'streamable_http', label: 'remote', url: new URL(server.url), headers: { Authorization: 'Bearer s3cret' } });
    await connection.start();

    expect(server.authorizations.length).toBeGreaterThan(0);
    expect(new Set(server.authorizations)).toEqual(new Set(['Bearer s3cret']));
  });

  it('reports a server that cannot start, and keeps trying in the background', async () => {
    const connection = connect({ transport: 'stdio', label: 'broken', command: '/nonexistent/mcp-server', args: [], env: {} });
    await connection.start();

    expect(connection.status()).toMatchObject({ state: 'reconnecting', toolCount: 0, error: expect.stringMatching(/ENOENT/) });
    expect(await connection.availableTools(50)).toEqual({ kind: 'unavailable', error: expect.stringMatching(/ENOENT/) });
    await expect(connection.callTool('anything', {}, signal())).rejects.toMatchObject({ code: 'mcp_server_unavailable' });
  });

  it('connects in the background to an HTTP server that comes up after the start', async () => {
    const probe = await HttpMcpTestServer.start();
    const port = probe.port;
    await probe.close();
    const connection = connect({ transport: 'streamable_http', label: 'late', url: new URL(`http://127.0.0.1:${port}/mcp`), headers: {} });
    await connection.start();
    expect(connection.status()).toMatchObject({ state: 'reconnecting', error: expect.stringMatching(/ECONNREFUSED/) });

    await startHttp(port);
    await eventually(() => connection.status().state === 'connected');
    expect(textOf(await connection.callTool('shout', { text: 'up' }, signal()))).toBe('UP');
  });
});
