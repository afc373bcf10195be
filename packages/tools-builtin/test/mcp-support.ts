import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { McpHostSettings, StdioMcpServerDefinition } from '../src/index.js';

/** The stdio server the tests spawn (`add`, `whoami`, `fail`, `crash`, `env`). */
export const STDIO_FIXTURE = fileURLToPath(new URL('./fixtures/mcp-stdio-server.mjs', import.meta.url));

export function stdioServer(label = 'local', env: Record<string, string> = {}): StdioMcpServerDefinition {
  return { transport: 'stdio', label, command: process.execPath, args: [STDIO_FIXTURE], env };
}

/** Settings that keep the tests quick: short waits, an immediate retry, no periodic refresh. */
export const QUICK_SETTINGS: Partial<McpHostSettings> = {
  connectTimeoutMs: 5_000,
  callTimeoutMs: 5_000,
  listWaitMs: 3_000,
  refreshIntervalSeconds: 0,
  reconnectMinDelayMs: 20,
  reconnectMaxDelayMs: 200,
};

/** A test MCP server: `lookup` (read-only, a city's country), `echo`, `shout`, each counting its calls. */
export function buildTestServer(name = 'test-http', calls: string[] = []): McpServer {
  const server = new McpServer({ name, version: '1.0.0' });
  server.registerTool('lookup', {
    description: 'The country a city is in',
    inputSchema: { city: z.string() },
    annotations: { readOnlyHint: true },
  }, async ({ city }) => {
    calls.push(`lookup:${city}`);
    const countries: Record<string, string> = { Oslo: 'Norway', Lima: 'Peru' };
    return { content: [{ type: 'text', text: countries[city] ?? 'unknown' }] };
  });
  server.registerTool('echo', { description: 'Echoes the text', inputSchema: { text: z.string() } }, async ({ text }) => {
    calls.push(`echo:${text}`);
    return { content: [{ type: 'text', text }] };
  });
  server.registerTool('shout', { description: 'The text in capitals', inputSchema: { text: z.string() } }, async ({ text }) => {
    calls.push(`shout:${text}`);
    return { content: [{ type: 'text', text: text.toUpperCase() }] };
  });
  return server;
}

/**
 * A Streamable HTTP MCP server on 127.0.0.1 with sessions (as most servers run), so a restart
 * forgets them. `close()` then `start({ port })` again restarts it on the same port.
 */
export class HttpMcpTestServer {
  /** Every tool call, as `tool:argument`. */
  readonly calls: string[] = [];
  /** The `authorization` header of each POST. */
  readonly authorizations: Array<string | undefined> = [];
  /** The `params._meta` of each `tools/call` (where a caller's trace context travels). */
  readonly callMetas: Array<Record<string, unknown> | undefined> = [];
  private readonly sessions = new Map<string, StreamableHTTPServerTransport>();

  private constructor(private readonly server: http.Server, private readonly name: string) {}

  static async start(options: { port?: number; name?: string } = {}): Promise<HttpMcpTestServer> {
    let self: HttpMcpTestServer | undefined;
    const server = http.createServer((request, response) => {
      self!.handle(request, response).catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
    self = new HttpMcpTestServer(server, options.name ?? 'test-http');
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return self;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((transport) => transport.close()));
    this.sessions.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const sessionId = request.headers['mcp-session-id'];
    const body = request.method === 'POST' ? await readJson(request) : undefined;
    if (request.method === 'POST') this.authorizations.push(request.headers.authorization);
    const message = body as { method?: string; params?: { _meta?: Record<string, unknown> } } | undefined;
    if (message?.method === 'tools/call') this.callMetas.push(message.params?._meta);
    const known = typeof sessionId === 'string' ? this.sessions.get(sessionId) : undefined;
    if (known) return known.handleRequest(request, response, body);
    if (sessionId === undefined && request.method === 'POST' && isInitializeRequest(body)) {
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => { this.sessions.set(id, transport); },
      });
      await buildTestServer(this.name, this.calls).connect(transport);
      return transport.handleRequest(request, response, body);
    }
    response.writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
  }
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

/** Waits until `check` holds, polling every few milliseconds; fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
