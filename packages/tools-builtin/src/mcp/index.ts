export * from './errors.js';
export * from './mcp-approval-policy.js';
export * from './mcp-call-output.js';
export * from './mcp-call-tool.js';
export * from './mcp-hosting-config.js';
export * from './mcp-hosting-plugin.js';
export * from './mcp-server-connection.js';
export * from './mcp-server-definition.js';
export * from './mcp-server-host.js';
// `MCP_TOOL_TYPE` ('mcp') is exported by the built-in server's module.
export {
  filterTools, isHostRequest, type McpRequestRules, type McpServerRequest, type McpToolFilter, parseMcpServerRequests,
} from './mcp-server-request.js';
export * from './mcp-servers-file.js';
export * from './mcp-tool-provider.js';
export * from './remote-mcp-servers.js';
export * from './server-url-allowlist.js';
