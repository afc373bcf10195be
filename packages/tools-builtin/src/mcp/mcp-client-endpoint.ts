import { type Logger, type McpEndpointExchange, namespacedToolName } from '@agentport/core';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  type CallToolResult, CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type Tool as SdkTool,
} from '@modelcontextprotocol/sdk/types.js';
import { MCP_CLIENT_INFO, type McpServerConnection } from './mcp-server-connection.js';

/** A hosted tool as MCP clients of the gateway see it. */
interface ExposedTool {
  tool: SdkTool;
  connection: McpServerConnection;
  /** Its name on its own server. */
  serverToolName: string;
}

/**
 * The gateway's own MCP server (`/v1/mcp`): every hosted server's tools, each named
 * `<label>__<tool>` so that names stay apart across servers, with their schemas and
 * annotations as the servers give them; a call goes to the server's connection and its
 * result comes back as the server gave it. Stateless Streamable HTTP with JSON responses: a
 * server and a transport per POST, so no session outlives a request.
 */
export class McpClientEndpoint {
  constructor(private readonly connections: () => readonly McpServerConnection[], private readonly logger: Logger) {}

  async serve(exchange: McpEndpointExchange): Promise<void> {
    const server = new Server({ ...MCP_CLIENT_INFO, name: 'agentport-gateway' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: this.exposedTools().map((exposed) => exposed.tool) }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
      const exposed = this.exposedTools().find((candidate) => candidate.tool.name === request.params.name);
      if (!exposed) throw new McpError(ErrorCode.InvalidParams, `Tool ${request.params.name} not found`);
      this.logger.debug('MCP client call', { tenant: exchange.tenant, server: exposed.connection.label, tool: exposed.serverToolName });
      try {
        return await exposed.connection.callTool(exposed.serverToolName, request.params.arguments ?? {}, AbortSignal.any([extra.signal, exchange.signal]));
      } catch (error) {
        return { content: [{ type: 'text', text: error instanceof Error ? error.message : String(error) }], isError: true };
      }
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    exchange.response.once('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(exchange.request, exchange.response, exchange.body);
  }

  private exposedTools(): ExposedTool[] {
    return this.connections().flatMap((connection) => (connection.cachedTools() ?? []).map((tool) => ({
      tool: { ...tool, name: namespacedToolName(connection.label, tool.name) },
      connection,
      serverToolName: tool.name,
    })));
  }
}
