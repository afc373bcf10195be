import {
  type McpEndpointExchange, type McpHost, type McpServerStatus, type McpToolDescription, MemoryStateStore, silentLogger,
} from '@agentport/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Gateway } from '../src/gateway.js';

/**
 * A host with fixed answers, standing in for `mcpHosting()` of tools-builtin (which the
 * gateway does not depend on): the routes are tested against the port, the real host end to
 * end in tools-builtin's tests.
 */
class FixedMcpHost implements McpHost {
  readonly exchanges: Array<{ tenant: string; body: unknown; method: string | undefined }> = [];
  servesMcpClients = true;
  failure: Error | undefined;

  constructor(private readonly servers: McpServerStatus[], private readonly tools: Record<string, McpToolDescription[]>) {}

  listServers(): McpServerStatus[] {
    return this.servers;
  }

  listServerTools(label: string): McpToolDescription[] | undefined {
    return this.tools[label];
  }

  async serveMcpClient(exchange: McpEndpointExchange): Promise<Response> {
    this.exchanges.push({ tenant: exchange.tenant, body: exchange.body, method: exchange.request.method });
    if (this.failure) throw this.failure;
    return new Response(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { tools: [] } }), { status: 200, headers: { 'content-type': 'application/json' } });
  }
}

const LISTED_AT = Date.UTC(2026, 0, 2, 3, 4, 5);
const ECHO: McpToolDescription = { name: 'echo', description: 'Echoes', input_schema: { type: 'object', properties: { text: { type: 'string' } } }, annotations: null };

function fixedHost(): FixedMcpHost {
  return new FixedMcpHost([
    { label: 'docs', transport: 'streamable_http', state: 'connected', toolCount: 1, error: null, toolsListedAt: LISTED_AT },
    { label: 'local', transport: 'stdio', state: 'reconnecting', toolCount: 0, error: 'spawn x ENOENT', toolsListedAt: null },
  ], { docs: [ECHO], local: [] });
}

interface Started {
  fetch(path: string, init?: { method?: string; body?: unknown; apiKey?: string | null; headers?: Record<string, string> }): Promise<Response>;
}

let running: Gateway | undefined;
afterEach(async () => {
  await running?.close(0);
  running = undefined;
});

/** A gateway with two API keys and the given MCP host (or none), and a raw fetch against it. */
async function withHost(host: McpHost | undefined): Promise<Started> {
  const gateway = await Gateway.create({
    store: new MemoryStateStore(), logger: silentLogger,
    ...(host ? { mcpHost: host } : {}),
    config: { port: 0, apiKeys: ['key-a:team-a', 'key-b:team-b'] },
  });
  await gateway.listen();
  running = gateway;
  return {
    fetch: (path, init = {}) => {
      const headers: Record<string, string> = { ...init.headers };
      if (init.apiKey !== null) headers.authorization = `Bearer ${init.apiKey ?? 'key-a'}`;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      return fetch(`${gateway.url}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    },
  };
}

describe('/v1/mcp routes', () => {
  it('answers 404 mcp_not_enabled when no MCP servers are hosted', async () => {
    const gateway = await withHost(undefined);

    for (const [path, method] of [['/v1/mcp/servers', 'GET'], ['/v1/mcp/servers/docs/tools', 'GET'], ['/v1/mcp', 'POST']] as const) {
      const response = await gateway.fetch(path, { method, apiKey: 'key-a', ...(method === 'POST' ? { body: { jsonrpc: '2.0', id: 1, method: 'ping' } } : {}) });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'mcp_not_enabled', type: 'not_found_error' } });
    }
  });

  it('lists the hosted servers in snake case, times in Unix seconds', async () => {
    const gateway = await withHost(fixedHost());

    const response = await gateway.fetch('/v1/mcp/servers', { apiKey: 'key-b' });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      object: 'list',
      data: [
        { object: 'mcp_server', server_label: 'docs', transport: 'streamable_http', status: 'connected', tool_count: 1, error: null, tools_listed_at: LISTED_AT / 1000 },
        { object: 'mcp_server', server_label: 'local', transport: 'stdio', status: 'reconnecting', tool_count: 0, error: 'spawn x ENOENT', tools_listed_at: null },
      ],
    });
  });

  it('lists a server\'s tools, and 404s a label that is not hosted', async () => {
    const gateway = await withHost(fixedHost());

    const tools = await gateway.fetch('/v1/mcp/servers/docs/tools', { apiKey: 'key-a' });
    const unknown = await gateway.fetch('/v1/mcp/servers/nope/tools', { apiKey: 'key-a' });

    expect(await tools.json()).toEqual({ object: 'list', server_label: 'docs', data: [ECHO] });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'mcp_server_not_found', message: "No mcp_server found with id 'nope'." } });
  });

  it('needs an API key on every MCP route', async () => {
    const host = fixedHost();
    const gateway = await withHost(host);

    for (const path of ['/v1/mcp/servers', '/v1/mcp/servers/docs/tools']) {
      expect((await gateway.fetch(path, { apiKey: null })).status).toBe(401);
      expect((await gateway.fetch(path, { apiKey: 'wrong' })).status).toBe(401);
    }
    const post = await gateway.fetch('/v1/mcp', { apiKey: null, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } });
    expect(post.status).toBe(401);
    expect(host.exchanges).toEqual([]);
  });

  it('hands a POST to the host with the caller\'s tenant and the parsed body', async () => {
    const host = fixedHost();
    const gateway = await withHost(host);
    const body = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

    const response = await gateway.fetch('/v1/mcp', { apiKey: 'key-b', body, headers: { accept: 'application/json, text/event-stream' } });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 1, result: { tools: [] } });
    expect(host.exchanges).toEqual([{ tenant: 'team-b', body, method: 'POST' }]);
  });

  it('answers GET and DELETE with 405 (the endpoint is stateless), and a turned-off endpoint with 404', async () => {
    const host = fixedHost();
    const gateway = await withHost(host);

    const get = await gateway.fetch('/v1/mcp', { apiKey: 'key-a' });
    const del = await gateway.fetch('/v1/mcp', { method: 'DELETE', apiKey: 'key-a' });
    host.servesMcpClients = false;
    const off = await gateway.fetch('/v1/mcp', { apiKey: 'key-a', body: { jsonrpc: '2.0', id: 1, method: 'ping' } });

    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    expect(del.status).toBe(405);
    expect(off.status).toBe(404);
    expect(await off.json()).toMatchObject({ error: { code: 'mcp_endpoint_disabled' } });
  });

  it('answers a JSON-RPC internal error when the host fails before it wrote anything', async () => {
    const host = fixedHost();
    host.failure = new Error('boom');
    const gateway = await withHost(host);

    const response = await gateway.fetch('/v1/mcp', { apiKey: 'key-a', body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } });

    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null });
  });
});
