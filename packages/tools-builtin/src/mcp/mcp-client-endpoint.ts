import { type Logger, type McpEndpointExchange, namespacedToolName, newId, type ServerTool } from '@agentport/core';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import {
  type CallToolResult, CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type Tool as SdkTool,
} from '@modelcontextprotocol/sdk/types.js';
import { MCP_CLIENT_INFO, type McpServerConnection } from './mcp-server-connection.js';

/** A tool as MCP clients of the gateway see it: a hosted server's, or one of the gateway's own. */
type ExposedTool =
  | { kind: 'hosted'; tool: SdkTool; connection: McpServerConnection; serverToolName: string }
  | { kind: 'local'; tool: SdkTool; local: ServerTool };

/**
 * The gateway's own MCP server (`/v1/mcp`): every hosted server's tools, each named
 * `<label>__<tool>` so that names stay apart across servers, with their schemas and
 * annotations as the servers give them; a call goes to the server's connection and its
 * result comes back as the server gave it. Stateless Streamable HTTP with JSON responses: a
 * server and a transport per POST, so no session outlives a request.
 */
export class McpClientEndpoint {
  constructor(private readonly connections: () => readonly McpServerConnection[], private readonly logger: Logger) {}

  async serve(exchange: McpEndpointExchange): Promise<Response> {
    const server = new Server({ ...MCP_CLIENT_INFO, name: 'agentport-gateway' }, { capabilities: { tools: {} } });
    const exposed = () => [...this.exposedTools(), ...localTools(exchange)];
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: exposed().map((candidate) => candidate.tool) }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
      const target = exposed().find((candidate) => candidate.tool.name === request.params.name);
      if (!target) throw new McpError(ErrorCode.InvalidParams, `Tool ${request.params.name} not found`);
      const signal = AbortSignal.any([extra.signal, exchange.signal]);
      const args = request.params.arguments ?? {};
      try {
        if (target.kind === 'local') {
          this.logger.debug({ tenant: exchange.tenant, tool: target.local.name }, 'MCP client call');
          const result = await target.local.execute(args, {
            signal, tenant: exchange.tenant, responseId: 'mcp_client', callId: newId('call'), emit: () => undefined,
          });
          return { content: [{ type: 'text', text: result.output }], isError: result.isError ?? false };
        }
        this.logger.debug({ tenant: exchange.tenant, server: target.connection.label, tool: target.serverToolName }, 'MCP client call');
        return await target.connection.callTool(target.serverToolName, args, signal);
      } catch (error) {
        return { content: [{ type: 'text', text: error instanceof Error ? error.message : String(error) }], isError: true };
      }
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(exchange.request, { parsedBody: exchange.body });
    } finally {
      // Stateless: the JSON answer is complete, so this request's server and transport end here.
      void transport.close();
      void server.close();
    }
  }

  private exposedTools(): ExposedTool[] {
    return this.connections().flatMap((connection) => (connection.cachedTools() ?? []).map((tool): ExposedTool => ({
      kind: 'hosted',
      tool: { ...tool, name: namespacedToolName(connection.label, tool.name) },
      connection,
      serverToolName: tool.name,
    })));
  }
}

/** The gateway's own tools of this exchange, named `<label>__<tool>` like the hosted ones. */
function localTools(exchange: McpEndpointExchange): ExposedTool[] {
  const local = exchange.localTools;
  if (!local) return [];
  return local.tools.map((tool) => ({
    kind: 'local',
    tool: {
      name: namespacedToolName(local.label, tool.name),
      ...(tool.description === undefined ? {} : { description: tool.description }),
      inputSchema: { type: 'object', ...tool.parameters } as SdkTool['inputSchema'],
    },
    local: tool,
  }));
}
