import { InvalidToolRequestError, type RequestedTool } from '@agentport/core';
import { approvalRequired, type McpApprovalPolicy, parseApprovalPolicy } from '../mcp/mcp-approval-policy.js';
import type { ApprovalDefault } from '../mcp/mcp-hosting-config.js';
import { DEFAULT_BUILTIN_APPROVAL, MCP_TOOL_TYPE } from './builtin-server-label.js';

/** What the selection needs to know of a tool. */
export interface SelectableTool {
  name: string;
  /** Changes nothing (MCP's `readOnlyHint`): kept by `allowed_tools: {read_only: true}`. */
  readOnly: boolean;
}

/** One `allowed_tools` filter: no filter, a list of names, or OpenAI's object form. */
type ToolFilter =
  | { kind: 'any' }
  | { kind: 'filtered'; names: ReadonlySet<string> | undefined; readOnly: boolean };

/** One `{type: 'mcp', server_label}` entry of the request: which tools it enables, and which of them wait for approval. */
interface SelectionEntry {
  filter: ToolFilter;
  approval: McpApprovalPolicy;
}

/**
 * Which built-in tools a request enabled, and which of their calls wait for the caller's
 * approval. A request names the built-in server like any MCP server:
 * `{type: 'mcp', server_label: 'builtin', allowed_tools?, require_approval?}`, where
 * `allowed_tools` is a list of tool names or `{tool_names?, read_only?}` and
 * `require_approval` is `always`, `never` or `{always?: {tool_names}, never?: {tool_names}}`
 * (another shape of either is an `InvalidToolRequestError`, a 400). A request that leaves
 * `require_approval` out gets `defaultApproval`. Several entries with the label add up; a
 * tool waits for approval when an entry that enables it says so. Undefined when the request
 * did not name the label at all.
 */
export class BuiltinToolSelection {
  private constructor(private readonly entries: readonly SelectionEntry[]) {}

  static of(
    requested: readonly RequestedTool[] | undefined,
    serverLabel: string,
    defaultApproval: ApprovalDefault = DEFAULT_BUILTIN_APPROVAL,
  ): BuiltinToolSelection | undefined {
    const entries = (requested ?? [])
      .filter((tool) => namesBuiltinServer(tool, serverLabel))
      .map((tool) => ({
        filter: filterOf(tool.config.allowed_tools, serverLabel),
        approval: parseApprovalPolicy(tool.config.require_approval, defaultApproval, serverLabel),
      }));
    return entries.length === 0 ? undefined : new BuiltinToolSelection(entries);
  }

  allows(tool: SelectableTool): boolean {
    return this.entries.some(({ filter }) => passes(filter, tool));
  }

  requiresApproval(tool: SelectableTool): boolean {
    return this.entries.some(({ filter, approval }) => passes(filter, tool) && approvalRequired(approval, tool.name));
  }
}

function passes(filter: ToolFilter, tool: SelectableTool): boolean {
  return filter.kind === 'any' || ((filter.names === undefined || filter.names.has(tool.name)) && (!filter.readOnly || tool.readOnly));
}

/**
 * Whether a requested tool names the built-in server: type `mcp`, its label, and no
 * `server_url` or `connector_id` (those ask for a remote server, the MCP host's to judge).
 */
export function namesBuiltinServer(tool: RequestedTool, serverLabel: string): boolean {
  const { server_label: label, server_url: url, connector_id: connector } = tool.config;
  return tool.type === MCP_TOOL_TYPE && label === serverLabel && (url === undefined || url === null) && (connector === undefined || connector === null);
}

/** A filter of another shape is refused (a 400): a request that tried to narrow the tools must not quietly get them all. */
function filterOf(allowed: unknown, serverLabel: string): ToolFilter {
  if (allowed === undefined || allowed === null) return { kind: 'any' };
  if (isNameList(allowed)) return { kind: 'filtered', names: new Set(allowed), readOnly: false };
  if (typeof allowed === 'object' && !Array.isArray(allowed)) {
    const { tool_names: toolNames, read_only: readOnly } = allowed as Record<string, unknown>;
    const namesOk = toolNames === undefined || toolNames === null || isNameList(toolNames);
    if (namesOk && (readOnly === undefined || readOnly === null || typeof readOnly === 'boolean')) {
      return { kind: 'filtered', names: isNameList(toolNames) ? new Set(toolNames) : undefined, readOnly: readOnly === true };
    }
  }
  throw new InvalidToolRequestError(
    'invalid_allowed_tools',
    `MCP server '${serverLabel}': 'allowed_tools' must be an array of tool names or {"tool_names": […], "read_only": bool}.`,
    'tools',
  );
}

function isNameList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((name) => typeof name === 'string');
}
