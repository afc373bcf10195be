import { InvalidToolRequestError, type McpHost, type McpServerStatus, type McpToolDescription, type ServerTool } from '@agentport/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, notFound } from '../errors.js';
import type { GatewayContext } from '../http/gateway-context.js';
import type { RouteRegistrar } from '../http/gateway-server.js';

/** A hosted server in `GET /v1/mcp/servers`. */
export interface McpServerObject {
  object: 'mcp_server';
  server_label: string;
  transport: McpServerStatus['transport'];
  /** `connected`, `connecting`, `reconnecting` (tools still listed from the cache) or `closed`. */
  status: McpServerStatus['state'];
  tool_count: number;
  error: string | null;
  /** Unix seconds of the last tool listing; null before the first. */
  tools_listed_at: number | null;
}

/** The JSON-RPC body of a refusal on the MCP endpoint, which MCP clients read instead of OpenAI's error shape. */
function jsonRpcError(code: number, message: string): { jsonrpc: '2.0'; error: { code: number; message: string }; id: null } {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

/**
 * `GET /v1/mcp/servers` and `GET /v1/mcp/servers/{label}/tools` list the MCP servers the
 * gateway hosts; `POST /v1/mcp` serves their tools to any MCP client (Streamable HTTP,
 * stateless: every POST stands alone, so there is no session to resume and `GET` / `DELETE`
 * answer 405). All of them sit behind the API keys like every `/v1` route. Without an MCP
 * host (the `mcp` plugin not composed) they answer 404 `mcp_not_enabled`, and so does
 * `POST /v1/mcp` while there is nothing to serve (no hosted server, no built-in tool enabled
 * for the caller).
 */
export const registerMcpRoutes: RouteRegistrar = (app: FastifyInstance, ctx: GatewayContext): void => {
  app.get('/mcp/servers', async (_request, reply) => {
    const host = requireHost(ctx);
    return reply.send({ object: 'list', data: host.listServers().map(toServerObject) });
  });

  app.get<{ Params: { label: string } }>('/mcp/servers/:label/tools', async (request, reply) => {
    const { label } = request.params;
    const tools: McpToolDescription[] | undefined = requireHost(ctx).listServerTools(label);
    if (!tools) throw notFound('mcp_server', label);
    return reply.send({ object: 'list', server_label: label, data: tools });
  });

  app.post('/mcp', async (request, reply) => {
    const host = requireHost(ctx);
    if (!host.servesMcpClients) throw new ApiError(404, 'not_found_error', 'mcp_endpoint_disabled', 'The MCP endpoint is turned off (AGENTPORT_MCP__SERVE_TO_MCP_CLIENTS).');
    const abort = new AbortController();
    reply.raw.once('close', () => abort.abort());
    const localTools = { label: ctx.config.mcpBuiltinLabel, tools: await builtinServerTools(ctx, request.tenant) };
    if (localTools.tools.length === 0 && host.listServers().length === 0) {
      throw new ApiError(404, 'not_found_error', 'mcp_not_enabled', 'This gateway has no tools to serve over MCP: host MCP servers (AGENTPORT_MCP__SERVERS_FILE) or enable a built-in tool (shell, http_get, files).');
    }
    let answer: Response;
    try {
      answer = await host.serveMcpClient({ request: toWebRequest(request, abort.signal), body: request.body, tenant: request.tenant, signal: abort.signal, localTools });
    } catch (error) {
      request.log.error({ err: error }, 'the MCP endpoint failed');
      return reply.status(500).send(jsonRpcError(-32603, 'Internal error'));
    }
    void reply.status(answer.status);
    answer.headers.forEach((value, name) => {
      // fastify sets the length of what it sends itself.
      if (name !== 'content-length' && name !== 'transfer-encoding') void reply.header(name, value);
    });
    return reply.send(answer.body === null ? '' : Buffer.from(await answer.arrayBuffer()));
  });

  app.route({
    method: ['GET', 'DELETE'],
    url: '/mcp',
    handler: async (_request, reply) => {
      requireHost(ctx);
      return reply.status(405).header('allow', 'POST').send(jsonRpcError(-32000, 'Method not allowed: this MCP endpoint is stateless, send each request as a POST.'));
    },
  });
};

function requireHost(ctx: GatewayContext): McpHost {
  if (!ctx.mcpHost) {
    throw new ApiError(404, 'not_found_error', 'mcp_not_enabled', 'This gateway hosts no MCP servers: configure the mcp plugin (AGENTPORT_MCP__SERVERS_FILE).');
  }
  return ctx.mcpHost;
}

function toServerObject(status: McpServerStatus): McpServerObject {
  return {
    object: 'mcp_server',
    server_label: status.label,
    transport: status.transport,
    status: status.state,
    tool_count: status.toolCount,
    error: status.error,
    tools_listed_at: status.toolsListedAt === null ? null : Math.floor(status.toolsListedAt / 1000),
  };
}

/** The built-in tools enabled for this tenant (none when no provider answers to the label). */
async function builtinServerTools(ctx: GatewayContext, tenant: string): Promise<ServerTool[]> {
  if (!ctx.tools) return [];
  try {
    const tools = await ctx.tools.listTools({
      tenant, requestedTools: [{ type: 'mcp', config: { server_label: ctx.config.mcpBuiltinLabel, require_approval: 'never' } }],
    });
    return tools.filter((tool): tool is ServerTool => tool.execution === 'server');
  } catch (error) {
    if (InvalidToolRequestError.is(error)) return [];
    throw error;
  }
}

/** The request as a web-standard `Request`; its JSON body was parsed already and travels beside it. */
function toWebRequest(request: FastifyRequest, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return new Request(new URL(request.url, `http://${request.headers.host ?? 'localhost'}`), {
    method: request.method, headers, body: JSON.stringify(request.body ?? null), signal,
  });
}
