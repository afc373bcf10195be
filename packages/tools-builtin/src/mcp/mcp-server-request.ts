import { InvalidToolRequestError, type McpToolDescription, type RequestedTool } from '@agentport/core';
import { type McpApprovalPolicy, parseApprovalPolicy } from './mcp-approval-policy.js';
import type { ApprovalDefault } from './mcp-hosting-config.js';
import { MCP_SERVER_LABEL_PATTERN } from './mcp-server-definition.js';
import type { ServerUrlAllowlist } from './server-url-allowlist.js';

/** The request tool type MCP servers are asked for with. */
export const MCP_TOOL_TYPE = 'mcp';

/** `allowed_tools`: names, and/or only the tools that say they are read-only. */
export interface McpToolFilter {
  names: ReadonlySet<string> | undefined;
  readOnly: boolean;
}

/** One `{type: 'mcp', …}` of a request, checked. */
export interface McpServerRequest {
  label: string;
  /** Undefined: every tool of the server. */
  allowedTools: McpToolFilter | undefined;
  approval: McpApprovalPolicy;
  /** Set when the request names the server by URL (`server_url`) instead of a hosted label. */
  remote: { url: URL; headers: Record<string, string> } | undefined;
}

export interface McpRequestRules {
  hostedLabels: readonly string[];
  allowlist: ServerUrlAllowlist;
  defaultApproval: ApprovalDefault;
}

/**
 * Whether a requested tool is for the MCP host: a hosted label, or any label with a
 * `server_url`. Other `mcp` tools belong to other providers (the built-in tools' label); one
 * that no provider owns is refused by the tool registry.
 */
export function isHostRequest(tool: RequestedTool, hostedLabels: readonly string[]): boolean {
  if (tool.type !== MCP_TOOL_TYPE) return false;
  const { server_label: label, server_url: url } = tool.config;
  return (url !== undefined && url !== null) || (typeof label === 'string' && hostedLabels.includes(label));
}

/**
 * Checks the request's MCP tools that are for the host (see `isHostRequest`). Refused with a
 * 400 (an `InvalidToolRequestError`): a label that is malformed or given twice; a
 * `server_url` whose host is not on the allowlist, or given for a hosted label; a
 * `connector_id`. Headers and `authorization` are used with `server_url` only: a hosted
 * server's headers are the operator's, in the servers file.
 */
export function parseMcpServerRequests(requested: readonly RequestedTool[], rules: McpRequestRules): McpServerRequest[] {
  const servers: McpServerRequest[] = [];
  for (const tool of requested) {
    if (!isHostRequest(tool, rules.hostedLabels)) continue;
    const config = tool.config;
    const label = config.server_label;
    if (typeof label !== 'string' || !MCP_SERVER_LABEL_PATTERN.test(label)) {
      throw refuse('invalid_server_label', "An 'mcp' tool needs a 'server_label' of 1-64 letters, digits, '_' or '-'.");
    }
    if (servers.some((server) => server.label === label)) throw refuse('duplicate_server_label', `The MCP server '${label}' is named twice in 'tools'.`);
    if (config.connector_id !== undefined && config.connector_id !== null) {
      throw refuse('unsupported_connector', `MCP server '${label}': connectors ('connector_id') are not supported here; use a hosted server label or 'server_url'.`);
    }
    const remote = parseRemote(config, label, rules.hostedLabels.includes(label), rules);
    servers.push({
      label,
      allowedTools: parseToolFilter(config.allowed_tools, label),
      approval: parseApprovalPolicy(config.require_approval, rules.defaultApproval, label),
      remote,
    });
  }
  return servers;
}

/** The tools of a server a request's filter lets through. */
export function filterTools<T extends Pick<McpToolDescription, 'name' | 'annotations'>>(tools: readonly T[], filter: McpToolFilter | undefined): T[] {
  if (!filter) return [...tools];
  return tools.filter((tool) => (filter.names === undefined || filter.names.has(tool.name))
    && (!filter.readOnly || tool.annotations?.readOnlyHint === true));
}

function parseRemote(config: Record<string, unknown>, label: string, hosted: boolean, rules: McpRequestRules): McpServerRequest['remote'] {
  const raw = config.server_url;
  if (raw === undefined || raw === null) return undefined;
  if (hosted) throw refuse('mcp_server_label_conflict', `'${label}' is a hosted MCP server: leave out 'server_url', or use another label.`);
  let url: URL;
  try {
    if (typeof raw !== 'string') throw new TypeError('not a string');
    url = new URL(raw);
  } catch {
    throw refuse('invalid_server_url', `MCP server '${label}': 'server_url' must be an absolute http:// or https:// URL.`);
  }
  if (!rules.allowlist.allows(url)) {
    throw refuse('mcp_server_url_not_allowed', `MCP server '${label}': the host of 'server_url' (${url.host}) is not on this gateway's allowlist (AGENTPORT_MCP__SERVER_URL_ALLOWLIST).`);
  }
  const headers: Record<string, string> = {};
  const given = config.headers;
  if (given !== undefined && given !== null) {
    if (typeof given !== 'object' || Array.isArray(given) || !Object.values(given).every((value) => typeof value === 'string')) {
      throw refuse('invalid_headers', `MCP server '${label}': 'headers' must be an object of strings.`);
    }
    Object.assign(headers, given);
  }
  const authorization = config.authorization;
  if (typeof authorization === 'string' && authorization !== '') headers.Authorization = `Bearer ${authorization}`;
  return { url, headers };
}

function parseToolFilter(raw: unknown, label: string): McpToolFilter | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (Array.isArray(raw) && raw.every((name) => typeof name === 'string')) return { names: new Set(raw), readOnly: false };
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const filter = raw as Record<string, unknown>;
    const names = filter.tool_names;
    const readOnly = filter.read_only;
    const namesOk = names === undefined || (Array.isArray(names) && names.every((name) => typeof name === 'string'));
    if (namesOk && (readOnly === undefined || typeof readOnly === 'boolean')) {
      return { names: names === undefined ? undefined : new Set(names as string[]), readOnly: readOnly === true };
    }
  }
  throw refuse('invalid_allowed_tools', `MCP server '${label}': 'allowed_tools' must be an array of tool names or {"tool_names": […], "read_only": bool}.`);
}

function refuse(code: string, message: string): InvalidToolRequestError {
  return new InvalidToolRequestError(code, message, 'tools');
}
